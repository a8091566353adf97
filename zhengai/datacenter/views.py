from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core import dashboards
from zhengai.core import clock
from zhengai.core.output import xlsx_response
from zhengai.org import access
from zhengai.org.access import access_object

from .dictionary import dictionary_sheets, tables
from .models import AdminClass, Student


def _staff_only(request):
    # The dictionary describes every table, so it is for those who look after others' data (the
    # same rule as its menu entry); students have nothing to look up here.
    access.require(request.user, access.SEE_OTHERS)


@login_required
@require_safe
def dictionary(request):
    _staff_only(request)
    context = {
        "tables": tables(),
        "breadcrumbs": [(_("数据字典"), None)],
        "search_messages": {"found": _("%(n)s 张表符合")},
    }
    return render(request, "datacenter/dictionary.html", context)


@login_required
@require_safe
def dictionary_xlsx(request):
    _staff_only(request)
    return xlsx_response("data-dictionary.xlsx", dictionary_sheets())


@login_required
@require_safe
def student(request, student_no):
    """One student's page (学生档案): only inside the viewer's scope; anyone else gets 404."""
    user = request.user
    person = access_object(Student.objects.select_related("admin_class", "specialty__department"), user, student_no=student_no)
    today = clock.today()
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
@require_safe
def admin_class(request, code):
    """One administrative class (行政班): its students and their attendance, for its counsellor
    and anyone whose scope holds the class."""
    user = request.user
    klass = access_object(AdminClass.objects.select_related("specialty__department", "counsellor"), user, code=code)
    today = clock.today()
    term = dashboards.current_term(today)
    context = {
        "klass": klass,
        "term": term,
        "month": dashboards.month_of(today),
        "rows": dashboards.class_roster(user, klass, term, today),
        "breadcrumbs": [(_("行政班"), None), (klass.name, None)],
    }
    return render(request, "datacenter/admin_class.html", context)
