"""Teaching in the demo college: courses, offerings per term, rosters, the weekly timetable, and the
row generators of the teaching facts (class sessions, attendance, grades, assignments, submissions,
online learning activity, teaching evaluations).

The generators stream: they hold one term's timetable at a time and yield tuples in column order.
Each draws from its own ``random.Random`` seeded with the run's seed, the table and the term, so a
table's rows do not depend on which other tables were generated before it.

Attendance is drawn by error diffusion rather than by independent coin flips: each student carries a
running "debt" of expected misses and misses a session only when it exceeds a random threshold in
(0.5, 1]. A student's misses therefore track their rate closely in every window — a healthy student
misses at most about one session in sixteen — and monitoring finds the planted students, not noise.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from random import Random

from .calendar import TEACHING_WEEKS
from .organisation import PUBLIC_COURSES, CoursePlan, specialty_courses


@dataclass(slots=True)
class OfferingPlan:
    id: int
    code: str
    course: CoursePlan
    term: object
    teacher_id: int
    klass: object
    weekday: int
    period: int
    roster: list = field(default_factory=list)
    low_attendance: bool = False
    low_evaluation: bool = False

    @property
    def days(self) -> list:
        return self.term.teaching_days[self.weekday]


def build_courses(plan) -> None:
    dept_ids = {d["code"]: d["id"] for d in plan.departments}
    courses = plan.courses
    for code, name, dept_code, k in PUBLIC_COURSES:
        courses.append(CoursePlan(
            id=len(courses) + 1, code=code, name=name, department_id=dept_ids[dept_code], specialty_id=None,
            category="public", term_index=k, credits="2.0" if k > 1 else "3.0", hours=32,
        ))
    for s in plan.specialties:
        for n, (category, name, k) in enumerate(specialty_courses(s["short"], s["foundation"], s["core"]), start=1):
            courses.append(CoursePlan(
                id=len(courses) + 1, code=f"{s['code']}{n:02d}", name=name, department_id=s["department_id"],
                specialty_id=s["id"], category=category, term_index=k,
                credits="4.0" if category == "core" else "2.0", hours=64 if category == "core" else 32,
            ))
    # Course leaders: the department's teachers in turn, seniors first.
    turn = {}
    for c in courses:
        teachers = plan.teachers_by_dept[c.department_id]
        i = turn.get(c.department_id, 0)
        c.leader_id = teachers[i % len(teachers)].id
        turn[c.department_id] = i + 1
    plan.course_by_id = {c.id: c for c in courses}


def build_offerings(plan) -> None:
    """An offering per course a class takes in a term, taught by the department's teachers in turn, each
    meeting once a week at a slot that does not clash with the class's other courses."""
    public_by_term = {}
    own_by_spec_term = {}
    for c in plan.courses:
        if c.specialty_id is None:
            public_by_term.setdefault(c.term_index, []).append(c)
        else:
            own_by_spec_term.setdefault((c.specialty_id, c.term_index), []).append(c)
    plan.offerings_by_term = {}
    plan.class_offerings = {}
    offering_id = 0
    for term in plan.terms:
        turn = {}
        seq = {}
        offerings = []
        for klass in plan.classes:
            k = term.index_for(klass.cohort)
            if not 1 <= k <= 6:
                continue
            roster = [s for s in klass.students if s.active_until >= term.start]
            if not roster:
                continue
            mine = []
            for slot, course in enumerate(public_by_term.get(k, []) + own_by_spec_term.get((klass.specialty_id, k), [])):
                teachers = plan.teachers_by_dept[course.department_id]
                t = turn.get(course.department_id, term.id * 7)
                turn[course.department_id] = t + 1
                n = seq.get(course.id, 0) + 1
                seq[course.id] = n
                offering_id += 1
                o = OfferingPlan(
                    id=offering_id, code=f"{term.code}-{course.code}-{n:02d}", course=course, term=term,
                    teacher_id=teachers[t % len(teachers)].id, klass=klass, weekday=(slot + klass.id) % 5,
                    period=1 + 2 * ((slot + klass.id // 5) % 4), roster=roster,
                )
                offerings.append(o)
                mine.append(o)
            plan.class_offerings[(term.id, klass.id)] = mine
        plan.offerings_by_term[term.id] = offerings
    plan.offerings = [o for t in plan.terms for o in plan.offerings_by_term[t.id]]


def term_sessions(term, offerings) -> list[tuple]:
    """The term's class sessions up to the demo date, in time order: (ISO day, period, offering)."""
    sessions = [(day, o.period, o.id, o) for o in offerings for day in o.days]
    sessions.sort(key=lambda s: (s[0], s[1], s[2]))
    return sessions


def count_sessions(plan) -> None:
    plan.session_base = {}
    total = 0
    for term in plan.terms:
        plan.session_base[term.id] = total
        total += sum(len(o.days) for o in plan.offerings_by_term[term.id])
    plan.session_total = total


# ---- row generators --------------------------------------------------------------------------

def offering_rows(plan, source, batch):
    for o in plan.offerings:
        planned = o.term.planned_by_weekday[o.weekday]
        yield (o.id, o.code, o.course.id, o.term.id, o.teacher_id, o.klass.id, planned, source, batch)


def enrolment_rows(plan, source, batch):
    n = 0
    for o in plan.offerings:
        oid = o.id
        for s in o.roster:
            n += 1
            yield (n, oid, s.id, source, batch)


def session_rows(plan, source, batch):
    for term in plan.terms:
        sid = plan.session_base[term.id]
        for day, period, oid, _o in term_sessions(term, plan.offerings_by_term[term.id]):
            sid += 1
            yield (sid, oid, day, period, 2, source, batch)


LOW_ATTENDANCE_MISSED = 0.32
DECLINED_MISSED = (0.35, 0.5)
DENSE_WINDOW = 8  # a student's half month with fewer sessions is too small to judge
GOLDEN = 0.6180339887498949


def _half_month(day: str) -> str:
    return day[:8] + ("1" if day[8:10] <= "15" else "2")


def attendance_rows(plan, source, batch):
    """Attendance of every rostered student at every session (see the package docstring for the lines).

    Healthy students miss by error diffusion (at most one miss in about sixteen sessions), only in
    half months in which their class has at least ``DENSE_WINDOW`` sessions, and never more than one
    in twelve of a session's students; planted students miss nothing before their month and 35–50 %
    from it; in a planted offering a rotating third of the students miss each session, which counts
    against their own misses elsewhere.
    """
    students = plan.students
    n_students = len(students) + 1
    missed = [0.0] * n_students
    declined_from = [None] * n_students
    declined_rate = [0.0] * n_students
    rng0 = Random(f"{plan.seed}:attendance:rates")
    for s in students:
        missed[s.id] = s.missed_rate
        if s.pattern_from:
            declined_from[s.id] = s.pattern_from + "-01"
            declined_rate[s.id] = rng0.uniform(*DECLINED_MISSED)
    debt = [0.0] * n_students
    aid = 0
    for term in plan.terms:
        rand = Random(f"{plan.seed}:attendance:{term.code}").random
        sessions = term_sessions(term, plan.offerings_by_term[term.id])
        per_window = {}
        for day, _period, _oid, o in sessions:
            key = (o.klass.id, _half_month(day))
            per_window[key] = per_window.get(key, 0) + 1
        low_seen = {}
        # Students of a class with a planted offering miss only there this term, so that their own
        # months stay healthy.
        low_classes = {o.klass.id for o in plan.offerings_by_term[term.id] if o.low_attendance}
        sid = plan.session_base[term.id]
        for day, _period, oid, o in sessions:
            sid += 1
            roster = o.roster
            if o.low_attendance:
                j = low_seen.get(oid, 0)
                low_seen[oid] = j + 1
                for rank, s in enumerate(roster):
                    phase = (rank * GOLDEN) % 1.0
                    if int(phase + LOW_ATTENDANCE_MISSED * (j + 1)) > int(phase + LOW_ATTENDANCE_MISSED * j):
                        debt[s.id] -= 1.0  # counts against the student's own misses
                        status = "absent" if rand() < 0.75 else "leave"
                    else:
                        status = "late" if rand() < 0.015 else "present"
                    aid += 1
                    yield (aid, sid, s.id, oid, day, status, 2, source, batch)
                continue
            dense = per_window[(o.klass.id, _half_month(day))] >= DENSE_WINDOW
            cap = max(1, len(roster) // 12) if dense and o.klass.id not in low_classes else 0
            misses = 0
            for s in roster:
                i = s.id
                since = declined_from[i]
                if since is None:
                    d = debt[i] + missed[i]
                    if d > 1.0:
                        d = 1.0
                    if misses < cap and d > 0.5 + 0.5 * rand():
                        d -= 1.0
                        misses += 1
                        status = "absent" if rand() < 0.7 else "leave"
                    else:
                        status = "late" if rand() < 0.015 else "present"
                    debt[i] = d
                elif day >= since:
                    d = debt[i] + declined_rate[i]
                    if d > 0.5 + 0.5 * rand():
                        d -= 1.0
                        misses += 1
                        status = "absent" if rand() < 0.8 else "leave"
                    else:
                        status = "late" if rand() < 0.05 else "present"
                    debt[i] = d
                else:
                    status = "late" if rand() < 0.015 else "present"
                aid += 1
                yield (aid, sid, i, oid, day, status, 2, source, batch)


def _score(value: float) -> str:
    return f"{min(100.0, max(0.0, value)):.1f}"


def grade_rows(plan, source, batch):
    """Final grades of completed terms; a fail (< 60) is followed by a resit (补考) early next term."""
    rng = Random(f"{plan.seed}:grades")
    ability = {s.id: rng.gauss(77, 6) for s in plan.students}
    gid = 0
    for term in plan.terms:
        if not term.complete:
            continue
        next_start = next((t.start for t in plan.terms if t.start > term.start), term.end)
        recorded = term.grade_day().isoformat()
        for o in plan.offerings_by_term[term.id]:
            difficulty = rng.gauss(0, 3)
            credits = o.course.credits
            for s in o.roster:
                value = ability[s.id] + difficulty + rng.gauss(0, 8)
                if s.pattern_from and s.pattern_from <= term.end.isoformat()[:7]:
                    value -= 15
                score = _score(value)
                passed = float(score) >= 60
                gid += 1
                yield (gid, s.id, o.id, 1, score, passed, credits if passed else "0.0", recorded, source, batch)
                if not passed:
                    if term.index_for(s.cohort) == 6:
                        resit_day = date(term.end.year, 6, 20).isoformat()  # before graduation
                    else:
                        resit_day = (next_start + timedelta(days=14)).isoformat()
                    second = _score(rng.uniform(60, 82) if rng.random() < 0.8 else rng.uniform(35, 59))
                    ok = float(second) >= 60
                    gid += 1
                    yield (gid, s.id, o.id, 2, second, ok, credits if ok else "0.0", resit_day, source, batch)


ASSIGNMENT_WEEKS = (5, 10, 15)


def _assignments(plan):
    """(assignment id, offering, number, due date) of every assignment due by the demo date."""
    aid = 0
    for o in plan.offerings:
        for n, week in enumerate(ASSIGNMENT_WEEKS, start=1):
            due = o.term.start + timedelta(weeks=week - 1, days=4)
            if due > plan.demo_date:
                continue
            aid += 1
            yield aid, o, n, due


def assignment_rows(plan, source, batch):
    for aid, o, n, due in _assignments(plan):
        yield (aid, o.id, f"HW{n}", f"{o.course.name} 作业{n}", due.isoformat(), source, batch)


_TIMES = tuple(f"{h:02d}:{m:02d}:{s:02d}" for h in range(0, 15) for m in (3, 17, 29, 41, 56) for s in (7, 38))
_SCORES = tuple(f"{60 + i / 10:.1f}" for i in range(401))


def submission_rows(plan, source, batch):
    """Submissions: almost everyone hands in, a few late; planted students mostly stop from their month."""
    rng = Random(f"{plan.seed}:submissions")
    rand = rng.random
    demo = plan.demo_date
    n = 0
    for aid, o, _n, due in _assignments(plan):
        days_before = [(due - timedelta(days=k)).isoformat() for k in range(6)]
        days_late = [(due + timedelta(days=k)) for k in (1, 2, 3)]
        days_late = [d.isoformat() for d in days_late if d <= demo] or days_before[:1]
        due_iso = due.isoformat()
        for s in o.roster:
            gone = s.pattern_from is not None and due_iso[:7] >= s.pattern_from
            if rand() > (0.45 if gone else 0.97):
                continue
            late = rand() < 0.03
            day = days_late[int(rand() * len(days_late))] if late else days_before[int(rand() * 6)]
            n += 1
            yield (
                n, aid, s.id, f"{day} {_TIMES[int(rand() * len(_TIMES))]}", _SCORES[int(rand() * 401)],
                late and day > due_iso, source, batch,
            )


_ACTIVITIES = (
    ("viewed", "教学视频", False), ("viewed", "课件", False), ("completed", "章节学习", False),
    ("answered", "随堂测验", True), ("commented", "讨论区", False), ("attempted", "在线练习", True),
)


def learning_rows(plan, source, batch):
    """Online learning events from the smart classroom: one or two a week per student and course term
    on average, fewer for planted students from their month on."""
    demo = plan.demo_date.isoformat()
    n = 0
    weights = (0, 1, 1, 2, 2, 3)
    for term in plan.terms:
        rand = Random(f"{plan.seed}:learning:{term.code}").random
        weeks = []
        for w in range(TEACHING_WEEKS):
            days = [(term.start + timedelta(weeks=w, days=d)).isoformat() for d in range(7)]
            days = [d for d in days if d <= demo]
            if days:
                weeks.append(days)
        for klass in plan.classes:
            offerings = plan.class_offerings.get((term.id, klass.id))
            if not offerings:
                continue
            acts = [(o.id, [(verb, f"{o.course.name}·{label}", scored) for verb, label, scored in _ACTIVITIES])
                    for o in offerings]
            roster = offerings[0].roster
            for s in roster:
                sid = s.id
                since = s.pattern_from
                until = s.active_until.isoformat()
                for days in weeks:
                    k = weights[int(rand() * 6)]
                    for _ in range(k):
                        day = days[int(rand() * len(days))]
                        if day > until or (since is not None and day[:7] >= since and rand() < 0.75):
                            continue
                        oid, options = acts[int(rand() * len(acts))]
                        verb, activity, scored = options[int(rand() * 6)]
                        n += 1
                        yield (
                            n, sid, oid, f"{day} {_TIMES[int(rand() * len(_TIMES))]}", day, verb, activity,
                            60 + int(rand() * 1500), _SCORES[int(rand() * 401)] if scored else None, None,
                            source, batch,
                        )


def evaluation_rows(plan, source, batch):
    """评教 of every offering by students, peers and supervisors: at the end of complete terms, and the
    mid-term evaluation of the current term. Healthy offerings score 84–97; planted ones under 78."""
    rng = Random(f"{plan.seed}:evaluations")
    n = 0
    for o in plan.offerings:
        term = o.term
        day = (term.end - timedelta(days=21)) if term.complete else plan.midterm_evaluation_day
        if day > plan.demo_date:
            continue
        for kind, respondents in (("student", max(1, int(len(o.roster) * rng.uniform(0.8, 0.98)))),
                                  ("peer", rng.randint(2, 4)), ("supervisor", rng.randint(1, 2))):
            value = rng.uniform(66, 77.5) if o.low_evaluation else rng.uniform(84, 97)
            n += 1
            yield (n, o.id, kind, f"{value:.2f}", respondents, day.isoformat(), source, batch)
