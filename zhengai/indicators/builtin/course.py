"""Course indicators (课程层面, the construction spiral 课程建设): results, evaluation and online
resources over all the course's offerings."""

from django.db.models import Count, Q

from zhengai.datacenter.choices import Level

from ..registry import HIGHER
from .base import aggregate, builtin
from .shared import attendance_rate, average_score, evaluation, pass_rate, submission_rate

C = Level.COURSE

builtin("course.pass_rate", "课程及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的该课程各教学班首考成绩中及格人次 ÷ 参考人次 × 100。",
        ["grades"], pass_rate(C))
builtin("course.average_score", "课程平均成绩", "Average score", "分", HIGHER,
        "窗口内登记的该课程各教学班首考成绩（百分制）的平均。",
        ["grades"], average_score(C))
builtin("course.evaluation_average", "学生评教均分", "Student evaluation average", "分", HIGHER,
        "窗口内登记的该课程各教学班学生评教平均分的算术平均（每个教学班计一次）。",
        ["evaluations"], evaluation(C))
builtin("course.attendance_rate", "课程出勤率", "Attendance rate", "%", HIGHER,
        "窗口内该课程各教学班考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(C))
builtin("course.submission_rate", "课程作业提交率", "Assignment submission rate", "%", HIGHER,
        "截止日期在窗口内的该课程各教学班作业，已提交份数 ÷（作业数 × 选课学生数）× 100。",
        ["assignments", "enrolments", "submissions"], submission_rate(C))
builtin("course.offerings", "开课班数", "Offerings", "个", HIGHER,
        "学期与窗口有交集的该课程教学班数。",
        ["offerings"], aggregate("offerings", C, Count("pk")))
builtin("course.students", "修读人数", "Students taking the course", "人", HIGHER,
        "学期与窗口有交集的该课程教学班的选课学生数（去重）。",
        ["enrolments"], aggregate("enrolments", C, Count("student_id", distinct=True)))
builtin("course.online_resources", "在线资源数", "Online resources used", "项", HIGHER,
        "窗口内该课程在线学习活动涉及的不同学习对象（视频、测验、文档等）数：课程资源建设的在用规模。",
        ["learning_activity"], aggregate("learning_activity", C, Count("activity", distinct=True), filter=~Q(activity="")))
builtin("course.online_activity", "在线学习次数", "Online learning events", "次", HIGHER,
        "窗口内该课程各教学班的在线学习活动记录数。",
        ["learning_activity"], aggregate("learning_activity", C, Count("pk")))
