"""Course offering indicators (开课层面, the teaching spiral 课程教学): attendance, coursework,
interaction, evaluation (评教) and results."""

from django.db.models import Count, F, Q

from zhengai.datacenter.choices import AttendanceStatus, EvaluatorKind, Level
from zhengai.datacenter.models import Enrolment

from ..registry import HIGHER, LOWER
from ..paths import group_lookup
from .base import aggregate, builtin, facts, rate, ratio, rows_of, scalar
from .shared import attendance_rate, average_score, evaluation, pass_rate, submission_rate

O = Level.OFFERING


def interaction(level):
    """Learning events in the window per enrolled student: the events grouped, the enrolments a
    correlated count on the same group (one query)."""
    lookup = group_lookup("learning_activity", level)
    e_lookup = group_lookup("enrolments", level)

    def evaluate(window):
        enrolled = scalar(Enrolment.objects.all(), "COUNT", inner=e_lookup, outer=lookup)
        qs = facts("learning_activity", window, Q(offering__isnull=False)).annotate(enrolled=enrolled)
        for key, row in rows_of(qs, lookup, events=Count("pk"), students=F("enrolled")):
            yield key, ratio(row["events"], row["students"], scale=1)

    return evaluate


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
        "窗口内该教学班的在线学习活动记录数 ÷ 选课学生数。",
        ["learning_activity", "enrolments"], interaction(O))
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
        "窗口内该教学班已排定并上课的课次数。",
        ["sessions"], aggregate("sessions", O, Count("pk")))
