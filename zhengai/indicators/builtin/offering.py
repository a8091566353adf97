"""Course offering indicators (开课层面, the teaching spiral 课程教学): attendance, coursework,
interaction, evaluation (评教) and results."""

from django.db.models import Count, Q

from zhengai.datacenter.choices import AttendanceStatus, EvaluatorKind, Level
from zhengai.datacenter.models import Enrolment

from ..registry import HIGHER, LOWER
from .base import aggregate, builtin, facts, per_master, rate, ratio, scalar
from .shared import HELD, attendance_rate, average_score, evaluation, held_sessions, pass_rate, submission_rate

O = Level.OFFERING


def interaction(window):
    """Learning events in the window per enrolled student, for offerings whose term overlaps the
    window: per offering a correlated count of each (one query, each an indexed look-up)."""
    offerings = facts("offerings", window)
    for key, row in per_master(O, offerings,
                               events=scalar(facts("learning_activity", window), "COUNT", inner="offering_id"),
                               enrolled=scalar(Enrolment.objects.all(), "COUNT", inner="offering_id")):
        if row["events"]:
            yield key, ratio(row["events"], row["enrolled"], scale=1)


builtin("offering.attendance_rate", "出勤率", "Attendance rate", "%", HIGHER,
        "窗口内该教学班考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(O))
builtin("offering.absence_rate", "缺勤率", "Absence rate", "%", LOWER,
        "窗口内该教学班考勤记录中“缺勤”的记录数 ÷ 全部考勤记录数 × 100（请假不计为缺勤）。",
        ["attendance"], rate("attendance", O, Q(status=AttendanceStatus.ABSENT)))
builtin("offering.submission_rate", "作业提交率", "Assignment submission rate", "%", HIGHER,
        "截止日期在窗口内的该教学班作业，已提交份数 ÷（作业数 × 选课学生数）× 100。",
        ["assignments", "enrolments", "submissions"], submission_rate(O))
builtin("offering.interaction", "在线互动度", "Online interaction", "次/人", HIGHER,
        "学期与窗口有交集的教学班：窗口内该教学班的在线学习活动记录数 ÷ 选课学生数。",
        ["learning_activity", "enrolments"], interaction)
builtin("offering.evaluation_score", "学生评教得分", "Student evaluation score", "分", HIGHER,
        "窗口内登记的该教学班学生评教平均分（百分制）。",
        ["evaluations"], evaluation(O))
builtin("offering.supervisor_score", "督导评价得分", "Supervisor evaluation score", "分", HIGHER,
        "窗口内登记的该教学班督导评价平均分（百分制）。",
        ["evaluations"], evaluation(O, EvaluatorKind.SUPERVISOR))
builtin("offering.pass_rate", "及格率", "Pass rate", "%", HIGHER,
        "窗口内登记的该教学班首考成绩中及格人数 ÷ 参考人数 × 100。",
        ["grades"], pass_rate(O))
builtin("offering.average_score", "平均成绩", "Average score", "分", HIGHER,
        "窗口内登记的该教学班首考成绩（百分制）的平均。",
        ["grades"], average_score(O))
builtin("offering.sessions_held", "授课次数", "Sessions held", "次", HIGHER,
        "窗口内该教学班已上课的课次数。" + HELD,
        ["sessions"], held_sessions(O, Count("pk")))
