"""What a student can do next about one of their own warnings (下一步), in supportive words: the
growth platform lists them and the warning page says it to the student it is about."""

from django.utils.translation import gettext_lazy as _

# What a student can do next about a warning, by the indicator behind it (its family: the code's
# stem up to the first underscore-suffix that varies). The counsellor is named beside it.
_NEXT_STEPS = (
    (("student.attendance_rate", "student.absent_periods", "student.late_count", "student.leave_periods"),
     _("按时上好每一节课。如果遇到身体、家庭或学业上的困难，先和辅导员聊一聊；需要请假时按学校流程请假。")),
    (("student.assignment_submission_rate",),
     _("列出还没交的作业，和任课教师确认能否补交，之后按时提交。")),
    (("student.gpa", "student.average_score", "student.failed_courses", "student.credits_earned_ratio"),
     _("和任课教师或辅导员约个时间，了解补考、重修的安排；学校的学业辅导也可以预约。")),
    (("student.online_activity", "student.online_minutes"),
     _("每周留出固定时间，在学习平台上完成课程的线上学习任务。")),
    (("student.fitness_score", "student.activity_hours_physical"),
     _("每周安排几次体育锻炼或体育类第二课堂活动，按时参加体质测试。")),
    (("student.activity_hours_",),
     _("参加学校的第二课堂活动（志愿服务、社团、劳动实践等），活动后记得登记学时。")),
)
_DEFAULT_STEP = _("和辅导员聊一聊，一起看看可以怎样改进。")
_FLAG_STEP = _("老师写下了关注的原因，请看一看，并和辅导员聊一聊。")


def next_step(indicator_code: str, source: str = "standard") -> str:
    """What a student can do next about a warning on ``indicator_code`` (supportive words)."""
    if source == "manual":
        return str(_FLAG_STEP)
    for codes, step in _NEXT_STEPS:
        if any(indicator_code == c or (c.endswith("_") and indicator_code.startswith(c)) for c in codes):
            return str(step)
    return str(_DEFAULT_STEP)
