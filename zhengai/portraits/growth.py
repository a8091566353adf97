"""学生成长服务平台 and 教师发展服务平台: what a student or a teacher sees of themself — their goals,
their standard, their portrait, their records and cycle, and for each of their open warnings what
they can do next and who can help.

The words a student reads are supportive: a warning is something to look at together with the
counsellor, never a rank among classmates (the standing shown is against the standard and the
student's own past only; no peers).
"""

from dataclasses import dataclass

from zhengai.monitoring.advice import next_step  # noqa: F401 (the growth page's words; the warning page says them too)


# ------------------------------------------------------------------------------------ the pages' reads

def own_subject(user, level: str):
    """The subject that is the person signed in at ``level`` (``student`` or ``teacher``), or None
    (one query)."""
    from zhengai.datacenter.models import Subject
    from zhengai.org.access import grants_for

    grants = grants_for(user)
    if level == "student" and grants.self_student:
        return Subject.objects.filter(level="student", student_id__in=sorted(grants.self_student)).first()
    if level == "teacher" and grants.self_staff:
        return Subject.objects.filter(level="teacher", staff_id__in=sorted(grants.self_staff)).first()
    return None


@dataclass
class WarningStep:
    """One of the person's own open warnings, with what to do next."""

    warning: object
    step: str


def own_goals(subject, kinds, today):
    """The person's own goals of ``kinds`` in every state (their drafts too), with their progress
    (``chains.goals.goal_tree``: a fixed number of queries)."""
    from zhengai.chains.goal_values import goal_tree
    from zhengai.chains.models import Goal

    return goal_tree(Goal.objects.filter(owner=subject, kind__in=list(kinds)).order_by("-start", "pk"), today)


@dataclass
class StandardPoint:
    """A 诊断点 of the standard that applies to the person, valued as their portrait values it: over
    the point's own window (its 评价周期 — a term, an academic year … — containing today, through
    today while it runs), never simply the latest monthly value monitoring stored."""

    point: object  # portraits.portrait.Point
    name: str
    unit: str

    @property
    def node(self):
        return self.point.node

    @property
    def value(self) -> float | None:
        return self.point.value

    @property
    def window(self):
        return self.point.window

    @property
    def status(self) -> str:
        return self.point.status

    @property
    def met(self) -> bool | None:
        """Reached the 合格 line over the point's window (an accruing value at its pace)."""
        return None if self.status in ("none", "pending") else self.point.met

    @property
    def grade(self) -> str | None:
        """合格 / 良好 / 优秀 / 不合格 (chains.rules.grade) of the value, None without one."""
        from zhengai.chains.rules import grade

        return None if self.value is None else grade(self.node, self.point.paced)

    @property
    def grade_label(self) -> str:
        from zhengai.chains.choices import Grade

        return Grade(self.grade).label if self.grade in Grade.values else ""


def standard_points(subject, today) -> tuple[list[StandardPoint], list[str]]:
    """The indicator 诊断点 of the published standards in force today whose applicability holds the
    subject, each valued over its own window (``portrait.standing``: one evaluation per distinct
    window, whatever the number of points; no peers), and the names of those standards."""
    from .portrait import standing

    found = standing(subject, today, with_peers=False)
    points = [StandardPoint(p, p.display_name, p.indicator.unit) for p in found.points]
    return points, sorted({v.standard.name for v in found.versions})


def own_warnings(subject, user):
    """The person's own active warnings, worst first (one query; indicator names from the library)."""
    from zhengai.monitoring.choices import ACTIVE_STATUSES, GRADE_RANK
    from zhengai.monitoring.queries import visible
    from zhengai.monitoring.sources import label_warnings

    warnings = list(visible(user).filter(subject=subject, status__in=ACTIVE_STATUSES).order_by("-opened_window_end", "-pk"))
    warnings.sort(key=lambda w: -GRADE_RANK.get(w.grade, 0))
    label_warnings(warnings)  # the value shown with its unit (60%, not 60)
    return warnings


def portrait_url(subject) -> str | None:
    """The subject's portrait (the portraits app's page of every level; a student's own page)."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("portraits:subject", args=[subject.level, subject.key])
    except NoReverseMatch:
        if subject.level == "student":
            return reverse("portraits:student", args=[subject.key])
        return None


def teacher_records(subject, user, today, limit=6) -> dict:
    """A teacher's latest teaching, training, enterprise practice and research (one query each)."""
    from zhengai.datacenter.models import EnterprisePractice, Offering, ResearchOutput, TrainingRecord
    from zhengai.org.access import restrict

    staff = subject.staff_id
    return {
        "teaching": list(restrict(Offering.objects.filter(teacher_id=staff, term__start_date__lte=today), user)
                         .select_related("course", "term", "admin_class").order_by("-term__start_date", "code")[:limit]),
        "training": list(restrict(TrainingRecord.objects.filter(staff_id=staff), user).order_by("-attended_on", "-pk")[:limit]),
        "practice": list(restrict(EnterprisePractice.objects.filter(staff_id=staff), user).order_by("-start_date", "-pk")[:limit]),
        "research": list(restrict(ResearchOutput.objects.filter(staff_id=staff), user).order_by("-achieved_on", "-pk")[:limit]),
    }


def page(user, level: str, today):
    """What the growth (student) or development (teacher) platform shows its owner, or None when
    the account is not such a person: the subject, goals, standing against the standard (no peers),
    open warnings with next steps (a student's), records (a teacher's), the portrait's address."""
    from zhengai.chains.choices import GoalKind

    subject = own_subject(user, level)
    if subject is None:
        return None
    kinds = (GoalKind.STUDENT_THREE_YEAR, GoalKind.STUDENT_ANNUAL) if level == "student" else (GoalKind.TEACHER,)
    warnings = own_warnings(subject, user)
    points, standards = standard_points(subject, today)
    return {
        "subject": subject,
        "goals": own_goals(subject, kinds, today),
        "points": points,
        "standards": standards,
        "today": today,
        "warnings": [WarningStep(w, next_step(w.indicator_code, w.source) if level == "student" else "") for w in warnings],
        "records": teacher_records(subject, user, today) if level == "teacher" else {},
        "portrait_url": portrait_url(subject),
    }


def current_cycle(subject):
    """The subject's current diagnosis cycle (``zhengai.cycles``), or None while that app is not
    installed or the subject has none."""
    from django.apps import apps

    if not apps.is_installed("zhengai.cycles"):
        return None
    from zhengai.cycles.queries import current_cycles

    return current_cycles([subject.pk]).get(subject.pk)
