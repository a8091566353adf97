"""People of the demo college: Chinese names, staff (teachers, counsellors, office staff), classes and students.

Every choice draws from a ``random.Random`` derived from the seed and a fixed label, never from the
global generator, so adding a table elsewhere does not shift these rows.
"""

from dataclasses import dataclass, field
from datetime import date

from .calendar import COHORTS, graduation_day

# The commonest surnames, roughly by frequency (weights are relative).
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
_SURNAME_WEIGHTS = tuple(max(1, 60 - i) for i in range(len(_SURNAMES)))
_MALE = "伟强磊军勇杰涛斌超明刚辉鹏浩宇轩博文俊凯晨阳睿哲昊然子豪志远建国家兴天佑一鸣思源嘉诚泽宇"
_FEMALE = "芳娜敏静丽艳娟霞秀玲婷雪琳慧颖怡欣悦瑶琪萱涵梦雨思晴诗雅佳蕾婧婉清晓月紫嫣欣怡"


def chinese_name(rng, gender: str) -> str:
    surname = rng.choices(_SURNAMES, _SURNAME_WEIGHTS)[0]
    chars = _MALE if gender == "M" else _FEMALE
    if rng.random() < 0.35:
        return surname + rng.choice(chars)
    return surname + rng.choice(chars) + rng.choice(chars)


@dataclass(slots=True)
class StaffPlan:
    id: int
    staff_no: str
    name: str
    gender: str
    department_id: int
    is_teacher: bool
    title: str
    track: str
    dual: bool
    hired_on: date
    role: str = "teacher"  # teacher, counsellor, office, leader


@dataclass(slots=True)
class ClassPlan:
    id: int
    code: str
    name: str
    specialty_id: int
    cohort: int
    counsellor_id: int
    students: list = field(default_factory=list)  # StudentPlan


@dataclass(slots=True)
class StudentPlan:
    id: int
    student_no: str
    name: str
    gender: str
    class_id: int
    specialty_id: int
    cohort: int
    status: str
    left_on: date | None
    missed_rate: float  # the share of class sessions this student misses when nothing is wrong
    active_until: date  # the last day the student attends
    suspended: bool = False
    pattern_from: str | None = None  # the declining_attendance month, if planted


_TITLES = (("professor", 6), ("associate", 24), ("lecturer", 45), ("assistant", 20), ("none", 5))
_TRACKS = (("teaching", 45), ("teaching_research", 30), ("research", 10), ("practice", 15))


def _weighted(rng, pairs):
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def build_staff(plan, rng) -> None:
    """Teachers per department in proportion to what it teaches, a counsellor per five classes of each
    college, and a few staff in each functional office."""
    staff = plan.staff
    seq = 0

    def add(dept_id, *, is_teacher, role, title=None):
        nonlocal seq
        seq += 1
        gender = "M" if rng.random() < 0.52 else "F"
        hired = date(rng.randint(1998, 2021), rng.choice((7, 8, 9)), 1)
        t = title or (_weighted(rng, _TITLES) if is_teacher else "none")
        s = StaffPlan(
            id=len(staff) + 1, staff_no=f"{hired.year}{seq:04d}", name=chinese_name(rng, gender), gender=gender,
            department_id=dept_id, is_teacher=is_teacher, title=t,
            track=_weighted(rng, _TRACKS) if is_teacher else "", dual=is_teacher and rng.random() < 0.62,
            hired_on=hired, role=role,
        )
        staff.append(s)
        return s

    for dept_id, share in plan.teacher_shares:
        n = max(plan.size.min_teachers_per_dept, round(plan.size.teachers * share))
        for i in range(n):
            # Each department's first teachers are its seniors: they lead specialties and courses.
            add(dept_id, is_teacher=True, role="teacher", title="professor" if i == 0 else ("associate" if i < 3 else None))
    for dept in plan.colleges:
        classes = plan.classes_per_college.get(dept["id"], 0)
        for _ in range(max(1, round(classes / 5))):
            add(dept["id"], is_teacher=False, role="counsellor")
    for dept in plan.functional:
        for _ in range(3 if plan.size.name == "tiny" else 6):
            add(dept["id"], is_teacher=False, role="office")
    plan.teachers_by_dept = {}
    plan.counsellors_by_dept = {}
    for s in staff:
        if s.role == "teacher":
            plan.teachers_by_dept.setdefault(s.department_id, []).append(s)
        elif s.role == "counsellor":
            plan.counsellors_by_dept.setdefault(s.department_id, []).append(s)


def plan_class_counts(plan) -> None:
    """How many students each specialty admits each year and into how many classes (about 40 a class)."""
    per_cohort = plan.size.students / 3
    specialties = plan.specialties
    weights = [1.3 if s["tier"] in ("benchmark", "brand") else 1.0 for s in specialties]
    total_weight = sum(weights)
    plan.intake = {}
    plan.classes_per_college = {}
    for s, w in zip(specialties, weights):
        for cohort in COHORTS:
            # Intake grows a little each year, as a growing college's does.
            n = round(per_cohort * w / total_weight * (0.92 + 0.03 * (cohort - 2021)))
            n = max(8, n)
            k = max(1, round(n / plan.size.class_size))
            plan.intake[(s["id"], cohort)] = (n, k)
            if cohort >= 2024:
                plan.classes_per_college[s["department_id"]] = plan.classes_per_college.get(s["department_id"], 0) + k


def build_students(plan, rng) -> None:
    """Administrative classes with a counsellor, and their students: three cohorts in school, three
    graduated (or leaving); a few withdraw along the way and a few current students are suspended."""
    seq_candidates = 0
    for s in plan.specialties:
        counsellors = plan.counsellors_by_dept[s["department_id"]]
        for cohort in COHORTS:
            n, k = plan.intake[(s["id"], cohort)]
            for c in range(k):
                counsellor = counsellors[(s["seq"] + cohort + c) % len(counsellors)]
                klass = ClassPlan(
                    id=len(plan.classes) + 1, code=f"{s['code']}-{cohort}{c + 1:02d}",
                    name=f"{s['short']}{cohort % 100:02d}{c + 1:02d}", specialty_id=s["id"], cohort=cohort,
                    counsellor_id=counsellor.id,
                )
                plan.classes.append(klass)
                size = n // k + (1 if c < n % k else 0)
                for seat in range(size):
                    seq_candidates += 1
                    gender = "M" if rng.random() < (0.7 if s["department_id"] <= 7 else 0.4) else "F"
                    status, left_on, until = "enrolled", None, plan.demo_date
                    grad = graduation_day(cohort)
                    if grad < plan.demo_date:
                        status, left_on, until = "graduated", grad, grad
                    roll = rng.random()
                    if roll < 0.015:
                        # Leaves at the end of one of its terms: no sessions after that.
                        terms = [t for t in plan.terms if 1 <= t.index_for(cohort) <= 5 and t.end < plan.demo_date]
                        if terms:
                            t = terms[int(roll / 0.015 * len(terms)) % len(terms)]
                            status, left_on, until = "withdrawn", t.end, t.end
                    student = StudentPlan(
                        id=len(plan.students) + 1, student_no=f"{cohort}{s['seq']:03d}{c + 1:02d}{seat + 1:02d}",
                        name=chinese_name(rng, gender), gender=gender, class_id=klass.id, specialty_id=s["id"],
                        cohort=cohort, status=status, left_on=left_on,
                        missed_rate=0.005 + 0.025 * rng.random(), active_until=until,
                    )
                    if status == "enrolled" and cohort in (2024, 2025) and 0.015 <= roll < 0.02:
                        student.status = "suspended"
                        student.suspended = True
                    plan.students.append(student)
                    klass.students.append(student)
