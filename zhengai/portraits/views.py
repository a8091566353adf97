"""The role-aware home page, a student's page and an administrative class's page.

Views stay thin: figures come from ``dashboards`` and every row through ``org.access.restrict``.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core import clock
from zhengai.core.views import person_of
from zhengai.datacenter.models import AdminClass, Student
from zhengai.org.access import access_object, primary_role
from zhengai.org.choices import Role

from . import dashboards
from .home import panels_for


@login_required
@require_safe
def home(request):
    user = request.user
    today = clock.today()
    term = dashboards.current_term(today)
    sections = dashboards.sections_for(user)
    role = primary_role(user)
    context = {
        "role": role,
        "role_label": Role(role).label if role else "",
        "term": term,
        "today": today,
        "sections": sections,
    }
    if "overview" in sections:
        context["overview"] = dashboards.overview(user, term)
    if "classes" in sections:
        context["classes"] = dashboards.counsellor_classes(user, today)
        context["month"] = dashboards.month_of(today)
    if "teaching" in sections:
        context["teaching"] = dashboards.offerings_table(user, term, today, own=True)
    if "courses_led" in sections:
        context["courses_led"] = dashboards.offerings_table(user, term, today, own=False)
    if "student" in sections:
        student = person_of(user, "student")
        if student is not None:
            context["student"] = student
            context["my_courses"] = dashboards.student_courses(user, student, term)
            context["my_attendance"] = dashboards.student_attendance_by_month(user, student, term, today)
    context["panels"] = panels_for(request)
    return render(request, "portraits/home.html", context)


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
    return render(request, "portraits/student.html", context)


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
    return render(request, "portraits/admin_class.html", context)
