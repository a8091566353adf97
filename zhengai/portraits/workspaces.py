"""The four role-facing workspaces over the data center (一中心四平台): 网上事务服务大厅 (everything to do,
in one list), 智能云课堂 (a teacher's offerings by half month), 教师发展服务平台 and 学生成长服务平台.

Views stay thin: what they show comes from ``affairs`` and ``classroom`` (and the chains,
monitoring and cycles read functions), every row through ``zhengai.org.access``. They only read;
each links to the page where the act is done.
"""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.org import access

from . import affairs, classroom
from . import growth as platforms

PER_PAGE = 50


@login_required
@require_safe
def affairs_hall(request):
    """网上事务服务大厅: tasks, progress reports, approvals and reviews in one list, late first."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in affairs.KINDS else ""
    everything = affairs.items(request.user)
    shown = [i for i in everything if i.kind == kind] if kind else everything
    page = Paginator(shown, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portraits/workspaces/affairs.html", {
        "page": page, "kind": kind, "counts": affairs.counts(everything), "total": len(everything),
        "late": sum(1 for i in everything if i.late),
        "breadcrumbs": [(_("网上事务服务大厅"), None)],
    })


@require_safe
@access.gate(access.SEE_OWN_TEACHING)
def classroom_view(request):
    """智能云课堂: each offering the teacher teaches this term, by half month, with the students at
    risk and whom to talk to."""
    monitors = classroom.offerings_for(request.user)
    return render(request, "portraits/workspaces/classroom.html", {
        "monitors": monitors, "term": monitors[0].offering.term if monitors else None,
        "breadcrumbs": [(_("智能云课堂"), None)],
    })


@require_safe
@access.gate(access.SEE_OWN_GROWTH)
def growth(request):
    """学生成长服务平台: the student's own warnings with what to do next, growth goals, standing
    against the student standard (never against classmates) and portrait; phone first."""
    from zhengai.core import clock

    data = platforms.page(request.user, "student", clock.today())
    student = data["subject"].student if data else None
    counsellor = None
    if student is not None:
        student = type(student).objects.select_related("admin_class__counsellor", "specialty").get(pk=student.pk)
        counsellor = student.admin_class.counsellor
    return render(request, "portraits/workspaces/growth.html", {
        "data": data, "student": student, "counsellor": counsellor,
        "breadcrumbs": [(_("学生成长服务平台"), None)],
    })


@require_safe
@access.gate(access.SEE_OWN_TEACHING)
def teacher(request):
    """教师发展服务平台: the teacher's plan, standard, portrait, records and cycle."""
    from zhengai.core import clock

    today = clock.today()
    data = platforms.page(request.user, "teacher", today)
    staff = None
    if data:
        staff = type(data["subject"].staff).objects.select_related("department").get(pk=data["subject"].staff_id)
    return render(request, "portraits/workspaces/teacher.html", {
        "data": data, "staff": staff, "cycle": platforms.current_cycle(data["subject"]) if data else None,
        "todo": affairs.summary(request.user, first=0).total if data else 0,
        "breadcrumbs": [(_("教师发展服务平台"), None)],
    })
