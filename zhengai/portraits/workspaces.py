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
