"""The data center's rosters (名册): students, teachers and courses, each a sortable, filterable list
of the viewer's scope exported to .xlsx (``zhengai.core.tables``). What a person may see is
``zhengai.org.access.restrict`` on the model: a department head their department, a counsellor
their classes, a specialty leader their specialty."""

from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.core import tables
from zhengai.org.access import restrict

from .choices import CourseCategory, StudentStatus, Title
from .models import AdminClass, Course, Department, Specialty, Staff, Student

YES_NO = [("1", _("是")), ("0", _("否"))]
TITLE_ORDER = Case(*[When(title=v, then=Value(i)) for i, v in enumerate(Title.values)], default=Value(99),
                   output_field=IntegerField())


def _yes_no(lookup):
    return lambda qs, value: qs.filter(**{lookup: value == "1"})


def _yes_no_label(attribute):
    return lambda row: str(_("是") if getattr(row, attribute) else _("否"))


def _departments(request):
    return restrict(Department.objects.order_by("code"), request.user).values_list("pk", "name")


def _specialties(request):
    return restrict(Specialty.objects.order_by("code"), request.user).values_list("pk", "name")


def _classes(request):
    return restrict(AdminClass.objects.order_by("code"), request.user).values_list("pk", "name")


def _cohorts(request):
    years = restrict(Student.objects.all(), request.user).order_by("-cohort").values_list("cohort", flat=True).distinct()
    return [(y, y) for y in years]


class StudentRoster(tables.Table):
    caption = _("学生名册")
    columns = [
        tables.Column("no", _("学号"), sort="student_no", value="student_no"),
        tables.Column("name", _("姓名"), sort="name", value="name"),
        tables.Column("class", _("行政班"), sort="admin_class__code", value="admin_class.name"),
        tables.Column("specialty", pgettext_lazy("column", "专业"), sort="specialty__code", value="specialty.name"),
        tables.Column("department", pgettext_lazy("column", "部门"), sort="specialty__department__code", value="specialty.department.name"),
        tables.Column("cohort", _("入学年份"), sort="cohort", value="cohort", css="right"),
        tables.Column("status", _("学籍状态"), sort="status", value="get_status_display"),
    ]
    filters = [
        tables.Search("q", _("搜索"), ["student_no", "name"], placeholder=_("学号或姓名")),
        tables.Choice("department", pgettext_lazy("column", "部门"), "specialty__department_id", _departments, ids=True),
        tables.Choice("specialty", pgettext_lazy("column", "专业"), "specialty_id", _specialties, ids=True),
        tables.Choice("class", _("行政班"), "admin_class_id", _classes, ids=True),
        tables.Choice("cohort", _("入学年份"), "cohort", _cohorts),
        tables.Choice("status", _("学籍状态"), "status", StudentStatus.choices),
    ]
    default_sort = "no"
    export_name = "学生名册.xlsx"

    @staticmethod
    def queryset(user):
        return restrict(Student.objects.select_related("admin_class", "specialty__department"), user)


class TeacherRoster(tables.Table):
    caption = _("教职工名册")
    columns = [
        tables.Column("no", _("工号"), sort="staff_no", value="staff_no"),
        tables.Column("name", _("姓名"), sort="name", value="name"),
        tables.Column("department", pgettext_lazy("column", "部门"), sort="department__code", value="department.name"),
        tables.Column("title", _("职称"), sort=TITLE_ORDER, value="get_title_display"),
        tables.Column("teacher", pgettext_lazy("column", "专任教师"), sort="is_teacher", value=_yes_no_label("is_teacher")),
        tables.Column("dual", _("双师型"), sort="is_dual_qualified", value=_yes_no_label("is_dual_qualified")),
        tables.Column("hired", _("入职日期"), sort="hired_on", value="hired_on"),
    ]
    filters = [
        tables.Search("q", _("搜索"), ["staff_no", "name"], placeholder=_("工号或姓名")),
        tables.Choice("department", pgettext_lazy("column", "部门"), "department_id", _departments, ids=True),
        tables.Choice("title", _("职称"), "title", Title.choices),
        tables.Choice("teacher", pgettext_lazy("column", "专任教师"), choices=YES_NO, apply=_yes_no("is_teacher")),
        tables.Choice("dual", _("双师型"), choices=YES_NO, apply=_yes_no("is_dual_qualified")),
    ]
    default_sort = "no"
    export_name = "教职工名册.xlsx"

    @staticmethod
    def queryset(user):
        return restrict(Staff.objects.select_related("department"), user)


class CourseRoster(tables.Table):
    caption = _("课程清单")
    columns = [
        tables.Column("code", _("课程代码"), sort="code", value="code"),
        tables.Column("name", _("课程名称"), sort="name", value="name"),
        tables.Column("department", _("开课部门"), sort="department__code", value="department.name"),
        tables.Column("specialty", _("所属专业"), sort="specialty__code", value="specialty.name"),
        tables.Column("category", _("课程类别"), sort="category", value="get_category_display"),
        tables.Column("credits", _("学分"), sort="credits", value="credits", css="right"),
        tables.Column("hours", _("学时"), sort="hours", value="hours", css="right"),
        tables.Column("leader", _("课程负责人"), sort="leader__name", value="leader.name"),
    ]
    filters = [
        tables.Search("q", _("搜索"), ["code", "name"], placeholder=_("课程代码或名称")),
        tables.Choice("department", _("开课部门"), "department_id", _departments, ids=True),
        tables.Choice("specialty", _("所属专业"), "specialty_id", _specialties, ids=True),
        tables.Choice("category", _("课程类别"), "category", CourseCategory.choices),
    ]
    default_sort = "code"
    export_name = "课程清单.xlsx"

    @staticmethod
    def queryset(user):
        return restrict(Course.objects.select_related("department", "specialty", "leader"), user)


ROSTERS = {"students": StudentRoster, "teachers": TeacherRoster, "courses": CourseRoster}
