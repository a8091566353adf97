"""Teacher indicators (教师层面): teaching load, evaluation, research, training, practice, 双师型."""

from django.db.models import Case, Count, Max, Q, Sum, When

from zhengai.datacenter.choices import Level

from ..registry import HIGHER
from .base import aggregate, builtin, roster_total
from .shared import HELD, attendance_rate, evaluation, held_sessions, pass_rate, teachers

T = Level.TEACHER

builtin("teacher.teaching_hours", "授课学时", "Teaching periods", "节", HIGHER,
        "窗口内该教师所授教学班已上课课次的节数之和。" + HELD,
        ["sessions", "offerings"], held_sessions(T, Sum("periods")))
builtin("teacher.courses_taught", "授课门数", "Courses taught", "门", HIGHER,
        "学期与窗口有交集、由该教师任课的教学班所属课程数（去重）。",
        ["offerings"], aggregate("offerings", T, Count("course_id", distinct=True)))
builtin("teacher.evaluation_average", "学生评教均分", "Student evaluation average", "分", HIGHER,
        "窗口内登记的该教师所授各教学班学生评教平均分的算术平均。",
        ["evaluations"], evaluation(T))
builtin("teacher.pass_rate", "所授课程及格率", "Pass rate of classes taught", "%", HIGHER,
        "窗口内登记的该教师所授教学班首考成绩中及格人次 ÷ 参考人次 × 100。",
        ["grades"], pass_rate(T))
builtin("teacher.attendance_rate", "所授课程出勤率", "Attendance in classes taught", "%", HIGHER,
        "窗口内该教师所授教学班考勤记录中“出勤”与“迟到”的记录数 ÷ 全部考勤记录数 × 100。",
        ["attendance"], attendance_rate(T))
# A teacher without a record in the window has 0, once the window has records of anyone (see
# roster_total): these are what a teacher did, and doing none is the shortfall to see.
ZERO_IF_NONE = "无记录的专任教师计为 0（该窗口内无任何人记录时视为无数据）。"
builtin("teacher.research_outputs", "科研成果数", "Research outputs", "项", HIGHER,
        "窗口内该教师取得的科研成果（论文、专利、项目、著作教材、技术服务）数；" + ZERO_IF_NONE,
        ["research", "teachers"], roster_total(T, teachers, "research", "research", "count"))
builtin("teacher.training_hours", "培训学时", "Training hours", "小时", HIGHER,
        "窗口内该教师参加培训的学时之和；" + ZERO_IF_NONE,
        ["training", "teachers"], roster_total(T, teachers, "training", "training", "sum", "hours"))
builtin("teacher.enterprise_practice_days", "企业实践天数", "Enterprise practice days", "天", HIGHER,
        "开始日期在窗口内的该教师企业实践记录的天数之和；" + ZERO_IF_NONE,
        ["enterprise_practice", "teachers"], roster_total(T, teachers, "enterprise_practice", "practice", "sum", "days"))
builtin("teacher.awards", "获奖与证书数", "Awards and certificates", "项", HIGHER,
        "窗口内该教师获得的奖项、证书与荣誉称号数；" + ZERO_IF_NONE,
        ["awards", "teachers"], roster_total(T, teachers, "awards", "awards", "count"))
builtin("teacher.dual_qualified", "双师型教师", "Dual-qualified (双师型)", "是否", HIGHER,
        "该教师当前是否为双师型教师：是为 1，否为 0（状态指标，与窗口无关）。",
        ["teachers"], aggregate("teachers", T, Max(Case(When(is_dual_qualified=True, then=1), default=0)),
                                filter=Q(is_teacher=True)))
