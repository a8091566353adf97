"""Department indicators (部门层面): roll-ups of students, results, staff and employment."""

from django.db.models import Count

from zhengai.datacenter.choices import Level

from ..registry import HIGHER
from .base import aggregate, builtin
from .shared import (
    GRADUATES,
    ON_ROLL,
    TASK_COMPLETION,
    attendance_rate,
    dual_qualified_share,
    employment_rate,
    evaluation,
    pass_rate,
    students,
    task_completion,
    training_hours_per_teacher,
)

D = Level.DEPARTMENT

builtin("department.students", "在籍学生数", "Students on the roll", "人", HIGHER,
        "窗口首日在籍的本部门各专业学生数。" + ON_ROLL,
        ["students"], students(D))
builtin("department.attendance_rate", "学生出勤率", "Attendance rate", "%", HIGHER,
        "窗口内本部门各专业学生考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(D))
builtin("department.pass_rate", "课程及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的本部门各专业学生首考成绩中及格人次 ÷ 参考人次 × 100。",
        ["grades"], pass_rate(D))
builtin("department.evaluation_average", "学生评教均分", "Student evaluation average", "分", HIGHER,
        "窗口内登记的本部门开设课程各教学班学生评教平均分的算术平均。",
        ["evaluations"], evaluation(D))
builtin("department.teacher_training_hours", "教师人均培训学时", "Training hours per teacher", "小时", HIGHER,
        "窗口内本部门专任教师培训学时之和 ÷ 本部门专任教师人数；窗口内无培训记录的部门不计。",
        ["training", "teachers"], training_hours_per_teacher(D))
builtin("department.research_outputs", "科研成果数", "Research outputs", "项", HIGHER,
        "窗口内本部门教职工取得的科研成果数。",
        ["research"], aggregate("research", D, Count("pk")))
builtin("department.dual_qualified_share", "双师型教师比例", "Share of dual-qualified teachers", "%", HIGHER,
        "本部门专任教师中双师型教师人数 ÷ 专任教师人数 × 100（当前状态）。",
        ["teachers"], dual_qualified_share(D))
builtin("department.employment_rate", "毕业生就业率", "Employment rate", "%", HIGHER,
        "窗口所含毕业届别的本部门毕业生中，去向不是“待就业”的人数 ÷ 该届毕业生人数 × 100。" + GRADUATES,
        ["employment"], employment_rate(D))
builtin("department.task_completion", "部门任务完成率", "Task completion", "%", HIGHER,
        TASK_COMPLETION + "部门为其牵头任务的平均。", ["goals", "task_reports"], task_completion, keyed_by_subject=True)
