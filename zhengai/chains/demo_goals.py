"""The demo college's goal chain: the school's development goals from the plan, this year's annual
tasks (the plan's task table, dated into the demo year, imported like a quality office's file,
with progress reported by the departments), and a few specialty, course, teacher and student
goals aligned to them. Idempotent: nothing is added when the demo goals are there already."""

import io
import logging
from datetime import date, timedelta
from decimal import Decimal

from zhengai.datacenter.choices import Level, SpecialtyTier
from zhengai.datacenter.demo.calendar import DEMO_DATE

from . import seedtable, tasks_io
from .choices import GoalKind, GoalStatus, KeyResultKind
from .models import Goal, KeyResult, TaskReport

log = logging.getLogger(__name__)
MARK = "demo-task-table"

# The plan's development goals (学校发展目标, section 四), with key results bound to indicators.
SCHOOL_GOALS = [
    ("建立完善内部质量保证体系", "以“55821”架构建立覆盖学校、专业、课程、教师、学生五个层面的质量保证体系。",
     [("年度工作任务完成率", "school.task_completion", "higher", 80, 95)]),
    ("形成自主诊改机制", "建立常态化、可持续的自我诊断与改进工作机制，按月度监测预警。",
     [("学生出勤率", "school.attendance_rate", "higher", 92, 95), ("课程及格率", "school.pass_rate", "higher", 88, 92)]),
    ("营造现代质量文化", "依托“厚德强能、笃学创新”校训营造现代质量文化。",
     [("学生评教均分", "school.evaluation_average", "higher", 86, 90)]),
    ("建设智能化信息平台", "建设一中心四平台，支撑“8”字螺旋运行。", []),
]


def _kr(goal, name, code, direction, baseline, target, order, known):
    if code and known is not None and code not in known:
        return KeyResult(goal=goal, kind=KeyResultKind.MILESTONE, name=name, order=order)
    return KeyResult(goal=goal, name=name, indicator_code=code, direction=direction,
                     baseline=None if baseline is None else Decimal(str(baseline)), target=Decimal(str(target)), order=order)


def _dated_rows(year: int) -> list[list[str]]:
    """The plan's table moved into the demo year: 2019 → ``year``, 2020 → ``year + 1``."""
    return [[cell.replace("2020.", f"{year + 1}.").replace("2019.", f"{year}.") for cell in row] for row in seedtable.ROWS]


def install_demo_goals(demo_date=None) -> int:
    from zhengai.datacenter.models import Subject

    from . import indicator_codes
    from .models import TaskTable

    # ``seed_demo --reset`` empties goals with the data center (they refer to its subjects) but not
    # the task tables: a table left without rows is the previous demo's, gone.
    TaskTable.objects.filter(source_name=MARK, rows__isnull=True).delete()
    if TaskTable.objects.filter(source_name=MARK).exists():
        return 0
    today = demo_date if isinstance(demo_date, date) else date.fromisoformat(str(demo_date or DEMO_DATE.isoformat()))
    school = Subject.objects.filter(level=Level.SCHOOL).first()
    if school is None:
        return 0
    known = indicator_codes.known()
    year = today.year
    krs = []
    school_goals = []
    for order, (title, text, results) in enumerate(SCHOOL_GOALS, start=1):
        goal = Goal.objects.create(kind=GoalKind.SCHOOL, title=title, description=text, owner=school,
                                   start=date(year - 3, 9, 1), end=date(year, 12, 31), order=order)
        school_goals.append(goal)
        krs += [_kr(goal, *r, i, known) for i, r in enumerate(results, start=1)]

    source = io.BytesIO()
    seedtable.build_workbook(source, _dated_rows(year), title=f"{year}年度 建设与实施进程表")
    source.seek(0)
    table, notices = tasks_io.import_table(source, parent=school_goals[0], source_name=MARK)
    log.info("demo task table: %s rows; %s", table.rows.count(), "; ".join(notices))
    _report_progress(table, today)

    goals = _unit_goals(school_goals, year, today, known, krs)
    KeyResult.objects.bulk_create(krs)
    return len(school_goals) + table.rows.count() + goals


def _report_progress(table, today: date) -> None:
    """Departments have reported: what fell due is done, except a few that lag; what runs on is
    part-way, in proportion to the time gone."""
    reports = []
    for index, row in enumerate(table.rows.select_related("goal").order_by("row_no")):
        task = row.goal
        if task.start > today:
            continue
        if task.end is not None and task.end <= today:
            completion = Decimal(60) if index % 9 == 4 else Decimal(80) if index % 9 == 7 else Decimal(100)
            as_of = task.end - timedelta(days=3)
        else:
            end = task.end or date(today.year, 12, 31)
            span = max((end - task.start).days, 1)
            completion = Decimal(min(95, int(100 * (today - task.start).days / span)))
            as_of = today - timedelta(days=5)
        reports.append(TaskReport(goal=task, as_of=max(as_of, task.start), completion=completion, note="演示数据：部门填报"))
    TaskReport.objects.bulk_create(reports)


def _unit_goals(school_goals, year, today, known, krs) -> int:
    from zhengai.datacenter.models import Subject

    count = 0
    quality = school_goals[1]
    specialties = list(Subject.objects.filter(level=Level.SPECIALTY, active=True, specialty__tier__in=[
        SpecialtyTier.BENCHMARK, SpecialtyTier.BRAND]).order_by("key")[:4])
    for subject in specialties:
        goal = Goal.objects.create(kind=GoalKind.SPECIALTY, title=f"{subject.name}专业建设目标（{year - 2}–{year}）",
                                   owner=subject, parent=quality, start=date(year - 2, 9, 1), end=date(year + 1, 8, 31))
        krs += [_kr(goal, "毕业生就业率", "specialty.employment_rate", "higher", 90, 96, 1, known),
                _kr(goal, "双师型教师比例", "specialty.dual_qualified_share", "higher", 55, 65, 2, known),
                _kr(goal, "1+X 证书获取率", "specialty.certificate_rate", "higher", 40, 60, 3, known)]
        count += 1
        course = Subject.objects.filter(level=Level.COURSE, specialty_id=subject.specialty_id, active=True,
                                        course__category="core").order_by("key").first()
        if course is not None:
            child = Goal.objects.create(kind=GoalKind.COURSE, title=f"{course.name}课程建设目标", owner=course, parent=goal,
                                        start=date(year - 1, 9, 1), end=date(year + 1, 8, 31))
            krs += [_kr(child, "课程及格率", "course.pass_rate", "higher", 85, 92, 1, known),
                    KeyResult(goal=child, kind=KeyResultKind.MILESTONE, name="完成课程标准修订与在线资源建设", order=2)]
            count += 1
    teachers = list(Subject.objects.filter(level=Level.TEACHER, active=True).order_by("key")[:6])
    for index, subject in enumerate(teachers):
        goal = Goal.objects.create(kind=GoalKind.TEACHER, title=f"{subject.name}个人发展规划（{year}）", owner=subject,
                                   parent=quality, start=date(year, 1, 1), end=date(year, 12, 31),
                                   status=GoalStatus.SUBMITTED if index == 0 else GoalStatus.APPROVED)
        krs += [_kr(goal, "培训学时", "teacher.training_hours", "higher", 40, 60, 1, known),
                _kr(goal, "学生评教均分", "teacher.evaluation_average", "higher", 85, 90, 2, known),
                KeyResult(goal=goal, kind=KeyResultKind.MILESTONE, name="完成一个月企业实践", order=3, done=index % 2 == 0,
                          done_on=date(year, 7, 31) if index % 2 == 0 else None)]
        count += 1
    students = list(Subject.objects.filter(level=Level.STUDENT, active=True).order_by("key")[:8])
    for index, subject in enumerate(students):
        three = Goal.objects.create(kind=GoalKind.STUDENT_THREE_YEAR, title=f"{subject.name}三年成长目标", owner=subject,
                                    parent=quality, start=date(year - 2, 9, 1), end=date(year + 1, 6, 30))
        krs += [KeyResult(goal=three, kind=KeyResultKind.MILESTONE, name="取得一项职业技能等级证书", order=1)]
        annual = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title=f"{subject.name}{year}–{year + 1}学年成长目标",
                                     owner=subject, parent=three, start=date(year, 9, 1), end=date(year + 1, 6, 30),
                                     status=GoalStatus.SUBMITTED if index == 0 else GoalStatus.APPROVED)
        krs += [_kr(annual, "出勤率", "student.attendance_rate", "higher", 90, 96, 1, known),
                _kr(annual, "平均学分绩点", "student.gpa", "higher", "2.5", "3.0", 2, known),
                _kr(annual, "第二课堂学时（劳）", "student.activity_hours_labour", "higher", 4, 16, 3, known)]
        count += 2
    return count
