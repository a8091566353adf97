"""School indicators (学校层面): the whole college, rolled up from the levels below."""

from django.db.models import Count

from zhengai.datacenter.choices import Level

from ..registry import HIGHER, LOWER
from .base import aggregate, builtin
from .shared import (
    GRADUATES,
    INTAKE,
    ON_ROLL,
    TASK_COMPLETION,
    attendance_rate,
    attrition_rate,
    dual_qualified_share,
    employment_rate,
    enrolment_plan_completion,
    evaluation,
    pass_rate,
    student_teacher_ratio,
    students,
    task_completion,
    training_hours_per_teacher,
)

H = Level.SCHOOL

builtin("school.students", "在籍学生数", "Students on the roll", "人", HIGHER,
        "窗口首日在籍的全校学生数。" + ON_ROLL, ["students"], students(H))
builtin("school.attendance_rate", "学生出勤率", "Attendance rate", "%", HIGHER,
        "窗口内全校考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。", ["attendance"], attendance_rate(H))
builtin("school.pass_rate", "课程及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的全校首考成绩中及格人次 ÷ 参考人次 × 100。", ["grades"], pass_rate(H))
builtin("school.evaluation_average", "学生评教均分", "Student evaluation average", "分", HIGHER,
        "窗口内登记的全校教学班学生评教平均分的算术平均。", ["evaluations"], evaluation(H))
builtin("school.enrolment_plan_completion", "招生计划完成率", "Enrolment plan completion", "%", HIGHER,
        "窗口所含招生年级的全校录取人数 ÷ 该年级招生计划人数 × 100。" + INTAKE,
        ["admissions", "enrolment_plans"], enrolment_plan_completion(H))
builtin("school.student_teacher_ratio", "生师比", "Student–teacher ratio", "比", LOWER,
        "窗口首日在籍的全校学生数 ÷ 学期与窗口有交集的教学班任课教师数（去重）。" + ON_ROLL,
        ["students", "offerings"], student_teacher_ratio(H))
builtin("school.dual_qualified_share", "双师型教师比例", "Share of dual-qualified teachers", "%", HIGHER,
        "全校专任教师中双师型教师人数 ÷ 专任教师人数 × 100（当前状态）。", ["teachers"], dual_qualified_share(H))
builtin("school.teacher_training_hours", "教师人均培训学时", "Training hours per teacher", "小时", HIGHER,
        "窗口内全校专任教师培训学时之和 ÷ 专任教师人数。", ["training", "teachers"], training_hours_per_teacher(H))
builtin("school.research_outputs", "科研成果数", "Research outputs", "项", HIGHER,
        "窗口内全校教职工取得的科研成果数。", ["research"], aggregate("research", H, Count("pk")))
builtin("school.attrition_rate", "学生流失率", "Attrition rate", "%", LOWER,
        "窗口首日在籍的学生中，在窗口内退学的人数 ÷ 窗口首日在籍学生数 × 100。" + ON_ROLL, ["students"], attrition_rate(H))
builtin("school.employment_rate", "毕业生就业率", "Employment rate", "%", HIGHER,
        "窗口所含毕业届别的全校毕业生中，去向不是“待就业”的人数 ÷ 该届毕业生人数 × 100。" + GRADUATES,
        ["employment"], employment_rate(H))
builtin("school.task_completion", "年度任务完成率", "Annual task completion", "%", HIGHER,
        TASK_COMPLETION + "学校为全部到期任务的平均。", ["goals", "task_reports"], task_completion, keyed_by_subject=True)
