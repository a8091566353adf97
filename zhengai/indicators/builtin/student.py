"""Student indicators (学生层面): attendance, coursework, grades, online learning, 德智体美劳."""

from django.db.models import Avg, Count, F, FloatField, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce

from zhengai.datacenter.choices import AttendanceStatus, AwardKind, Development, Level
from zhengai.datacenter.models import Grade

from ..registry import HIGHER, LOWER
from .base import aggregate, builtin, facts, ratio, rows_of, scalar
from .grading import grade_point
from .shared import CERTIFICATES, FIRST_SITTING, attendance_rate, submission_rate

S = Level.STUDENT

builtin("student.attendance_rate", "出勤率", "Attendance rate", "%", HIGHER,
        "窗口内该生考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数（含请假、缺勤）× 100。",
        ["attendance"], attendance_rate(S))
builtin("student.absent_periods", "缺勤节数", "Absent periods", "节", LOWER,
        "窗口内该生考勤状态为“缺勤”的节数之和。",
        ["attendance"], aggregate("attendance", S, Coalesce(Sum("periods", filter=Q(status=AttendanceStatus.ABSENT)), 0)))
builtin("student.late_count", "迟到次数", "Times late", "次", LOWER,
        "窗口内该生考勤状态为“迟到”的记录数。",
        ["attendance"], aggregate("attendance", S, Count("pk", filter=Q(status=AttendanceStatus.LATE))))
builtin("student.leave_periods", "请假节数", "Periods on leave", "节", LOWER,
        "窗口内该生考勤状态为“请假”的节数之和。",
        ["attendance"], aggregate("attendance", S, Coalesce(Sum("periods", filter=Q(status=AttendanceStatus.LEAVE)), 0)))
builtin("student.assignment_submission_rate", "作业提交率", "Assignment submission rate", "%", HIGHER,
        "截止日期在窗口内、该生所选教学班布置的作业中，该生已提交的份数 ÷ 作业总份数 × 100。",
        ["enrolments", "assignments", "submissions"], submission_rate(S))


def gpa(window):
    qs = facts("grades", window, FIRST_SITTING)
    credits = F("offering__course__credits")
    for key, row in rows_of(qs, "student_id",
                            points=Sum(grade_point() * credits, output_field=FloatField()),
                            credits=Sum(credits, output_field=FloatField())):
        yield key, ratio(row["points"], row["credits"], scale=1)


builtin("student.gpa", "平均学分绩点", "Grade point average", "分", HIGHER,
        "窗口内登记的首考成绩按课程学分加权的平均绩点（4 分制）。百分制成绩换算绩点：90 分及以上为 4.0；"
        "60–90 分为（成绩 − 50）÷ 10，如 75 分为 2.5；不及格为 0。",
        ["grades", "offerings", "courses"], gpa)
builtin("student.average_score", "平均成绩", "Average score", "分", HIGHER,
        "窗口内登记的该生首考成绩（百分制）的算术平均。",
        ["grades"], aggregate("grades", S, Avg("score"), filter=FIRST_SITTING))
builtin("student.failed_courses", "不及格课程数", "Courses failed", "门", LOWER,
        "窗口内登记的首考成绩中不及格的门数。",
        ["grades"], aggregate("grades", S, Count("pk", filter=Q(passed=False)), filter=FIRST_SITTING))


def credits_earned_ratio(window):
    """The student's enrolments in offerings whose term overlaps the window, grouped by student:
    planned credits summed directly, earned credits through a correlated sum of the student's grades
    in each offering (an index look-up on grade's (student, offering, attempt) key). One query."""
    earned = scalar(Grade.objects.filter(recorded_on__lte=window.end, offering_id=OuterRef("offering_id")),
                    "SUM", "credits_earned", inner="student_id", outer="student_id")
    qs = facts("enrolments", window)
    for key, row in rows_of(qs, "student_id", plan=Sum("offering__course__credits", output_field=FloatField()),
                            got=Sum(earned, output_field=FloatField())):
        yield key, ratio(row["got"], row["plan"])


builtin("student.credits_earned_ratio", "学分获得率", "Credits earned against plan", "%", HIGHER,
        "计划学分 = 该生所选、学期与窗口有交集的教学班的课程学分之和；获得学分 = 这些教学班中截至窗口末已登记成绩"
        "（含补考）获得的学分之和。学分获得率 = 获得学分 ÷ 计划学分 × 100。",
        ["enrolments", "grades", "courses"], credits_earned_ratio)
builtin("student.online_activity", "在线学习次数", "Online learning events", "次", HIGHER,
        "窗口内该生在线学习活动（观看、完成、答题、讨论等）记录数。",
        ["learning_activity"], aggregate("learning_activity", S, Count("pk")))
builtin("student.online_minutes", "在线学习时长", "Online learning minutes", "分钟", HIGHER,
        "窗口内该生在线学习活动的时长之和（分钟）。",
        ["learning_activity"], aggregate("learning_activity", S, Sum("duration_seconds", output_field=FloatField()) / Value(60.0)))
builtin("student.fitness_score", "体质测试成绩", "Fitness test score", "分", HIGHER,
        "窗口内该生体质测试总分的平均（一年一测，按年窗口即当年成绩）。",
        ["fitness_tests"], aggregate("fitness_tests", S, Avg("score")))

_ASPECT_EN = {Development.MORAL: "moral", Development.INTELLECTUAL: "intellectual", Development.PHYSICAL: "physical",
              Development.AESTHETIC: "aesthetic", Development.LABOUR: "labour"}
for _aspect, _en in _ASPECT_EN.items():
    builtin(f"student.activity_hours_{_en}", f"第二课堂学时（{_aspect.label}）", f"Activity hours ({_en})", "小时", HIGHER,
            f"窗口内该生第二课堂活动中发展维度为“{_aspect.label}”的学时之和；窗口内有第二课堂记录、但无该维度活动的学生为 0。",
            ["activities"], aggregate("activities", S, Coalesce(Sum("hours", filter=Q(aspect=_aspect), output_field=FloatField()), 0.0)))

builtin("student.awards", "获奖数", "Awards", "项", HIGHER,
        "窗口内该生获得的技能竞赛奖项与荣誉称号数。",
        ["awards"], aggregate("awards", S, Count("pk"), filter=Q(kind__in=[AwardKind.COMPETITION, AwardKind.HONOUR])))
builtin("student.certificates", "获得证书数", "Certificates", "项", HIGHER,
        "窗口内该生获得的职业资格证书与 1+X 证书数。",
        ["awards"], aggregate("awards", S, Count("pk"), filter=Q(kind__in=CERTIFICATES)))
