from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhengai.core import dashboards
from zhengai.core.home import demo_today
from zhengai.core.output import xlsx_response
from zhengai.org.access import access_object, has_role

from .models import AdminClass, Student
from .nav import STAFF_ROLES

from .dictionary import dictionary_sheets, tables


def _staff_only(request):
    # The dictionary describes every table, so it is for staff roles (the same roles that see it in
    # the menu); students have nothing to look up here.
    if not has_role(request.user, *STAFF_ROLES):
        raise PermissionDenied


@login_required
def dictionary(request):
    _staff_only(request)
    context = {
        "tables": tables(),
        "breadcrumbs": [(_("数据字典"), None)],
        "search_messages": {"found": _("%(n)s 张表符合")},
    }
    return render(request, "datacenter/dictionary.html", context)


@login_required
def dictionary_xlsx(request):
    _staff_only(request)
    return xlsx_response("data-dictionary.xlsx", dictionary_sheets())


@login_required
def student(request, student_no):
    """One student's page (学生档案): only inside the viewer's scope; anyone else gets 404."""
    user = request.user
    person = access_object(Student.objects.select_related("admin_class", "specialty__department"), user, student_no=student_no)
    today = demo_today()
    term = dashboards.current_term(today)
    context = {
        "person": person,
        "term": term,
        "courses": dashboards.student_courses(user, person, term),
        "attendance": dashboards.student_attendance_by_month(user, person, term, today),
        "breadcrumbs": [(_("学生"), None), (person.name, None)],
    }
    return render(request, "datacenter/student.html", context)


@login_required
def admin_class(request, code):
    """One administrative class (行政班): its students and their attendance, for its counsellor
    and anyone whose scope holds the class."""
    user = request.user
    klass = access_object(AdminClass.objects.select_related("specialty__department", "counsellor"), user, code=code)
    today = demo_today()
    term = dashboards.current_term(today)
    context = {
        "klass": klass,
        "term": term,
        "month": dashboards.month_of(today),
        "rows": dashboards.class_roster(user, klass, term, today),
        "breadcrumbs": [(_("行政班"), None), (klass.name, None)],
    }
    return render(request, "datacenter/admin_class.html", context)
