"""The role-aware home page, the portrait of a subject of any level and an administrative class's page.

Views stay thin: figures come from ``dashboards`` and every row through ``org.access.restrict``.
"""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core import clock
from zhengai.core import params as query_params
from zhengai.core.views import person_of
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import AdminClass, Student
from zhengai.org import access
from zhengai.org.access import access_object, primary_role
from zhengai.org.choices import Role

from zhengai.monitoring import explain

from . import dashboards, overview, portrait
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
def subject(request, level, key):
    """The portrait (画像) of one subject of any level: 404 if there is none, 403 outside one's scope."""
    user = request.user
    found = portrait.subject_for(user, level, key)
    today = clock.today()
    own = portrait.is_self_view(user, found)
    with_peers = not own and portrait.staff_view(user)
    standing = portrait.standing(found, today, with_peers=with_peers)
    trends = portrait.trends(found, standing.points)
    context = {
        "subject": found,
        "level_label": Level(found.level).label,
        "own": own,
        "with_peers": with_peers,
        "standing": standing,
        "trends": trends,
        "trends_without_data": [t for t in trends if not t["chart"]["labels"]],
        "warnings": portrait.warnings_of(found, user),
        "goals": portrait.goals_of(found, today),
        "cycle": portrait.cycle_of(found),
        "records": portrait.records(found, user, today),
        "children": portrait.children(found, user),
        "today": today,
        "breadcrumbs": portrait.breadcrumbs(found, user),
    }
    if found.level == Level.STUDENT:
        person = Student.objects.select_related("admin_class", "specialty__department").get(pk=found.student_id)
        term = dashboards.current_term(today)
        context.update({
            "person": person,
            "term": term,
            "courses": dashboards.student_courses(user, person, term),
            "attendance": dashboards.student_attendance_by_month(user, person, term, today),
        })
    return render(request, "portraits/portrait.html", context)


@login_required
@require_safe
def point_why(request, level, key, node_id):
    """Why? — the explanation of one 诊断点's grade on a portrait (``monitoring.explain``)."""
    user = request.user
    found = portrait.subject_for(user, level, key)
    today = clock.today()
    point = portrait.point_of(found, node_id, today)
    own = portrait.is_self_view(user, found)
    why = explain.explain_point(found, point.node, point.window, user, today=today, indicator=point.indicator,
                                value=point.value, previous=point.previous, previous_window=point.previous_window, own=own)
    crumbs = portrait.breadcrumbs(found, user)
    crumbs[-1] = (found.name, portrait.url_of(found))
    return render(request, "portraits/point_why.html", {
        "subject": found, "point": point, "why": why, "own": own,
        "breadcrumbs": crumbs + [(_("为什么是这个结果"), None)],
    })


def student(request, student_no):
    """A student's portrait under the address the student pages have always had."""
    return subject(request, Level.STUDENT, student_no)


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
        "breadcrumbs": portrait.class_breadcrumbs(klass, user),
    }
    return render(request, "portraits/admin_class.html", context)


def _staff_only(user):
    if not access.may(user, access.SEE_OTHERS):
        raise PermissionDenied(_("总览只对教职工开放。"))


@login_required
@require_safe
def level(request, level):
    """The overview of one level inside the viewer's scope (staff only)."""
    if level not in Level.values:
        raise Http404
    _staff_only(request.user)
    today = clock.today()
    context = {
        "level": level,
        "level_label": Level(level).label,
        "levels": [(value, label) for value, label in Level.choices],
        "data": overview.level_overview(level, request.user, today),
        "breadcrumbs": [(_("层面总览"), None), (Level(level).label, None)],
    }
    return render(request, "portraits/level.html", context)


def _cockpit_user(user):
    if not access.grants_for(user).school:
        raise PermissionDenied(_("驾驶舱供校领导与质管办使用。"))


@login_required
@require_safe
def cockpit(request):
    """驾驶舱: the school at a glance; the page refreshes its figures itself. ``?display=wall`` is the
    large-display mode (大屏: dark, large type, no menus), also reached full-screen from the page."""
    _cockpit_user(request.user)
    wall = query_params.choice_param(request, "display", ["wall"]) == "wall"
    context = {"data": overview.cockpit(request.user, clock.today()), "breadcrumbs": [(_("驾驶舱"), None)], "wall": wall}
    return render(request, "portraits/cockpit.html", context)


@login_required
@require_safe
def cockpit_json(request):
    _cockpit_user(request.user)
    return JsonResponse(overview.cockpit(request.user, clock.today()))
