from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The level a quality subject (质量主体) belongs to: the seed's five levels, with departments
    and course offerings made explicit because cycles and cadences differ for them."""

    SCHOOL = "school", _("学校")
    DEPARTMENT = "department", _("部门")
    SPECIALTY = "specialty", _("专业")
    COURSE = "course", _("课程")
    OFFERING = "offering", _("开课")
    TEACHER = "teacher", _("教师")
    STUDENT = "student", _("学生")


class SourceKind(models.TextChoices):
    FILE = "file", _("文件")
    DATABASE = "database", _("数据库")
    API = "api", _("推送接口")
    XAPI = "xapi", _("xAPI 学习记录")


class BatchStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    RUNNING = "running", _("导入中")
    SUCCEEDED = "succeeded", _("成功")
    FAILED = "failed", _("失败")
    REFUSED = "refused", _("被拒绝")
    UNDONE = "undone", _("已撤销")


class DepartmentKind(models.TextChoices):
    COLLEGE = "college", _("二级学院")
    FUNCTIONAL = "functional", _("职能部门")


class SpecialtyTier(models.TextChoices):
    BENCHMARK = "benchmark", _("标杆")
    BRAND = "brand", _("品牌")
    BACKBONE = "backbone", _("骨干")
    GENERAL = "general", _("一般")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class StudentStatus(models.TextChoices):
    ENROLLED = "enrolled", _("在读")
    SUSPENDED = "suspended", _("休学")
    WITHDRAWN = "withdrawn", _("退学")
    GRADUATED = "graduated", _("毕业")


class Title(models.TextChoices):
    """Professional title (职称), the rank teacher development standards are graded by."""

    PROFESSOR = "professor", _("教授")
    ASSOCIATE = "associate", _("副教授")
    LECTURER = "lecturer", _("讲师")
    ASSISTANT = "assistant", _("助教")
    NONE = "none", _("无")


class TeacherTrack(models.TextChoices):
    TEACHING = "teaching", _("教学为主型")
    TEACHING_RESEARCH = "teaching_research", _("教学科研型")
    RESEARCH = "research", _("科研为主型")
    PRACTICE = "practice", _("社会服务型")


class CourseCategory(models.TextChoices):
    PUBLIC = "public", _("公共基础课")
    FOUNDATION = "foundation", _("专业基础课")
    CORE = "core", _("专业核心课")
    ELECTIVE = "elective", _("专业拓展课")
    PRACTICE = "practice", _("实践课")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    LATE = "late", _("迟到")
    LEAVE = "leave", _("请假")
    ABSENT = "absent", _("缺勤")


class SessionStatus(models.TextChoices):
    """What the timetable system recorded of a class session (课次状态); blank when it records
    nothing, and then the session's date tells whether it has been held."""

    HELD = "held", _("已上课")
    CANCELLED = "cancelled", _("停课")


class EvaluatorKind(models.TextChoices):
    STUDENT = "student", _("学生评教")
    PEER = "peer", _("同行评价")
    SUPERVISOR = "supervisor", _("督导评价")


class ResearchKind(models.TextChoices):
    PAPER = "paper", _("论文")
    PATENT = "patent", _("专利")
    PROJECT = "project", _("科研项目")
    BOOK = "book", _("著作教材")
    SERVICE = "service", _("技术服务")


class AwardLevel(models.TextChoices):
    NATIONAL = "national", _("国家级")
    PROVINCIAL = "provincial", _("省级")
    CITY = "city", _("市级")
    SCHOOL = "school", _("校级")


class AwardKind(models.TextChoices):
    COMPETITION = "competition", _("技能竞赛")
    CERTIFICATE = "certificate", _("职业资格证书")
    ONE_PLUS_X = "1+x", _("1+X 证书")
    HONOUR = "honour", _("荣誉称号")


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", _("协议就业")
    FLEXIBLE = "flexible", _("灵活就业")
    FURTHER_STUDY = "further_study", _("升学")
    ENLISTED = "enlisted", _("参军")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    UNEMPLOYED = "unemployed", _("待就业")


class Development(models.TextChoices):
    """The five aspects of a student's all-round development (德智体美劳)."""

    MORAL = "moral", _("德")
    INTELLECTUAL = "intellectual", _("智")
    PHYSICAL = "physical", _("体")
    AESTHETIC = "aesthetic", _("美")
    LABOUR = "labour", _("劳")


class LearningVerb(models.TextChoices):
    VIEWED = "viewed", _("观看")
    COMPLETED = "completed", _("完成")
    ANSWERED = "answered", _("答题")
    COMMENTED = "commented", _("讨论")
    ATTEMPTED = "attempted", _("尝试")
    OTHER = "other", _("其他")
