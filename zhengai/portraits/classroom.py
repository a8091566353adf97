"""智能云课堂 (the smart classroom view): for a teacher, each offering they teach this term with its
half-monthly monitoring (the teaching spiral's cadence, 课程教学 every half month), the students at
risk in it and whom to talk to about them.

- **Monitoring**: the offering's measurements of every half month of the term that has ended by
  today, per indicator of the course-teaching standard, beside the standard's yellow line; and the
  offering's own active warnings.
- **Students at risk**, over the latest half month that has ended: a student enrolled in the
  offering whose attendance *in this offering* crosses a warning line of the student standard's
  attendance point (``student.attendance_rate``, the line the college judges students by), or who
  submitted less of the assignments due in the window than the course-teaching standard's yellow
  line for submissions (``offering.submission_rate``). Only the offering's own facts count — the
  teacher's scope reaches them (attendance and submissions of the offerings they teach), never the
  student's other courses or warnings.
- **Whom to talk to**: the student's counsellor (辅导员, the owner of a student's warnings), by name
  and e-mail.

``offerings_for(user)`` runs a fixed number of queries whatever the number of offerings, windows and
students.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext as _

from zhengai.core import clock, windows
from zhengai.org.access import restrict

ATTENDED = ("present", "late")
STUDENT_ATTENDANCE = "student.attendance_rate"
OFFERING_SUBMISSIONS = "offering.submission_rate"
# The indicators of the teaching spiral shown per half month, in this order (others the standard
# binds follow).
SHOWN = ("offering.attendance_rate", "offering.submission_rate", "offering.interaction",
         "offering.evaluation_score", "offering.supervisor_score", "offering.pass_rate")


@dataclass
class Row:
    """One indicator of an offering over the term's half months."""

    code: str
    name: str
    unit: str
    values: list  # one per half month: a float or None
    line: Decimal | None  # the standard's yellow line
    direction: str = "higher"

    @property
    def latest(self):
        known = [v for v in self.values if v is not None]
        return known[-1] if known else None

    @property
    def below_line(self) -> bool:
        latest, line = self.latest, self.line
        if latest is None or line is None:
            return False
        return latest < line if self.direction == "higher" else latest > line


@dataclass
class AtRisk:
    """A student at risk in one offering over the latest half month, and why."""

    student: object
    attendance: float | None
    records: int
    grade: str | None  # the attendance line crossed: yellow / orange / red
    due: int
    submitted: int
    reasons: list[str] = field(default_factory=list)

    @property
    def grade_label(self) -> str:
        from zhengai.monitoring.choices import Grade

        return Grade(self.grade).label if self.grade else ""

    @property
    def counsellor(self):
        return self.student.admin_class.counsellor


@dataclass
class OfferingMonitor:
    offering: object
    enrolled: int
    windows: list
    rows: list[Row]
    warnings: list
    latest: object  # the latest half month ended (a Window) or None
    at_risk: list[AtRisk]

    @property
    def chart_id(self) -> str:
        return f"classroom-data-{self.offering.pk}"

    @property
    def chart(self) -> dict:
        """Attendance by half month with the standard's yellow line as a second series, for a line
        chart (``ZhenGai.lineChart``); each label's dates for the tooltip."""
        row = next((r for r in self.rows if r.code == "offering.attendance_rate"), None)
        series, line = [], None
        if row:
            series.append({"name": _("出勤率（%）"), "values": [None if v is None else round(v, 1) for v in row.values]})
            if row.line is not None:
                line = float(row.line)
                series.append({"name": _("预警线（%）"), "values": [line] * len(self.windows)})
        return {"labels": [w.code for w in self.windows], "dates": [windows.label(w) for w in self.windows],
                "series": series, "min": 0, "max": 100, "line": line}


def half_months(term, today: date) -> list:
    """The half months of ``term`` that have ended by ``today`` (none before the term starts)."""
    last = min(term.end_date, today)
    return [w for w in windows.between("half_month", term.start_date, last) if w.end < today and w.end >= term.start_date]


def _rate(done: int, total: int) -> float | None:
    return round(100.0 * done / total, 1) if total else None


def _line_for(rules, code, subject_id):
    for rule in rules:
        if rule.indicator_code == code and (rule.subject_ids is None or subject_id in rule.subject_ids):
            return rule
    return None


def offerings_for(user, term=None) -> list[OfferingMonitor]:
    """The offerings ``user`` teaches in ``term`` (the current one by default), each with its
    half-monthly monitoring and the students at risk. Queries: offerings, enrolments, subjects,
    measurements, warnings, the two levels' rules (``chains.rules.warning_rules``), the library's
    names, attendance and submissions per student, the students at risk — a fixed number."""
    from zhengai.chains.rules import crossed_line, warning_rules
    from zhengai.datacenter.models import Assignment, Attendance, Enrolment, Offering, Student, Subject, Submission, Term
    from zhengai.indicators.registry import get as indicator
    from zhengai.monitoring.choices import ACTIVE_STATUSES, Grade
    from zhengai.indicators import measurements
    from zhengai.monitoring.models import Warning

    today = clock.today()
    if term is None:
        term = Term.objects.filter(start_date__lte=today).order_by("-start_date").first()
        if term is None:
            return []
    offerings = list(restrict(Offering.objects.filter(term=term, teacher__user=user), user)
                     .select_related("course", "admin_class").order_by("course__code", "code"))
    if not offerings:
        return []
    ids = [o.pk for o in offerings]
    enrolled = dict(Enrolment.objects.filter(offering_id__in=ids).values("offering_id").annotate(n=Count("pk"))
                    .order_by().values_list("offering_id", "n"))
    subjects = dict(Subject.objects.filter(level="offering", offering_id__in=ids).values_list("offering_id", "pk"))
    months = half_months(term, today)
    codes = [w.code for w in months]
    values = measurements.by_window(subjects.values(), codes)
    warnings_by_subject: dict[int, list] = {}
    for w in restrict(Warning.objects.filter(subject_id__in=list(subjects.values()), status__in=ACTIVE_STATUSES), user).order_by("-opened_window_end", "pk"):
        warnings_by_subject.setdefault(w.subject_id, []).append(w)
    from zhengai.monitoring.sources import label_warnings

    label_warnings([w for ws in warnings_by_subject.values() for w in ws])
    offering_rules = warning_rules("offering", today)
    student_rules = warning_rules("student", today)
    shown = list(SHOWN) + sorted({r.indicator_code for r in offering_rules} - set(SHOWN))
    measured = {code for (_s, code, _w) in values}
    names = {}
    for code in shown:
        if code in measured or any(r.indicator_code == code for r in offering_rules):
            try:
                ind = indicator(code)
            except LookupError:
                names[code] = (code, "")
            else:
                names[code] = (ind.name, ind.unit)

    latest = months[-1] if months else None
    at_risk_by_offering: dict[int, list[AtRisk]] = {}
    if latest is not None:
        attendance = {
            (row["offering_id"], row["student_id"]): row
            for row in restrict(Attendance.objects.filter(offering_id__in=ids, date__range=(latest.start, latest.end)), user)
            .values("offering_id", "student_id")
            .annotate(total=Count("pk"), attended=Count("pk", filter=Q(status__in=ATTENDED))).order_by()
        }
        submitted = Exists(Submission.objects.filter(assignment=OuterRef("offering__assignments"), student=OuterRef("student_id")))
        due = {
            (row["offering_id"], row["student_id"]): row
            for row in restrict(Enrolment.objects.filter(offering_id__in=ids, offering__assignments__due_date__range=(latest.start, latest.end)), user)
            .values("offering_id", "student_id")
            .annotate(due=Count("offering__assignments"), done=Count("offering__assignments", filter=submitted)).order_by()
        }
        sub_line = {}
        for o in offerings:
            rule = _line_for(offering_rules, OFFERING_SUBMISSIONS, subjects.get(o.pk))
            sub_line[o.pk] = rule.yellow if rule and rule.yellow is not None else None
        pairs = set(attendance) | set(due)
        student_subjects = dict(Subject.objects.filter(level="student", student_id__in={s for _o, s in pairs})
                                .values_list("student_id", "pk"))
        risky: dict[tuple[int, int], AtRisk] = {}
        for pair in sorted(pairs):
            offering_id, student_id = pair
            a = attendance.get(pair, {"total": 0, "attended": 0})
            d = due.get(pair, {"due": 0, "done": 0})
            rate = _rate(a["attended"], a["total"])
            rule = _line_for(student_rules, STUDENT_ATTENDANCE, student_subjects.get(student_id))
            grade = crossed_line(rule, Decimal(str(rate))) if rule and rate is not None else None
            reasons = []
            if grade:
                reasons.append(_("本课出勤率 %(rate)s%%，低于%(grade)s线 %(line)s%%") % {
                    "rate": f"{rate:.1f}", "grade": Grade(grade).label, "line": f"{getattr(rule, grade):.0f}"})
            sub_rate = _rate(d["done"], d["due"])
            line = sub_line.get(offering_id)
            if line is not None and sub_rate is not None and Decimal(str(sub_rate)) < line:
                reasons.append(_("本课作业提交 %(done)s/%(due)s") % {"done": d["done"], "due": d["due"]})
            if reasons:
                risky[pair] = AtRisk(None, rate, a["total"], grade, d["due"], d["done"], reasons)
        students = {}
        if risky:
            students = {s.pk: s for s in Student.objects.filter(pk__in={s for _o, s in risky})
                        .select_related("admin_class__counsellor")}
        for (offering_id, student_id), item in risky.items():
            item.student = students[student_id]
            at_risk_by_offering.setdefault(offering_id, []).append(item)
        order = {"red": 0, "orange": 1, "yellow": 2, None: 3}
        for items in at_risk_by_offering.values():
            items.sort(key=lambda i: (order[i.grade], i.attendance if i.attendance is not None else 101, i.student.student_no))

    out = []
    for o in offerings:
        sid = subjects.get(o.pk)
        rows = []
        for code in shown:
            if code not in names:
                continue
            series = [values.get((sid, code, c)) for c in codes]
            rule = _line_for(offering_rules, code, sid)
            if all(v is None for v in series) and rule is None:
                continue
            name, unit = names[code]
            rows.append(Row(code, name, unit, series, rule.yellow if rule else None, rule.direction if rule else "higher"))
        out.append(OfferingMonitor(o, enrolled.get(o.pk, 0), months, rows, warnings_by_subject.get(sid, []), latest,
                                   at_risk_by_offering.get(o.pk, [])))
    return out
