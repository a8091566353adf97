from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core.output import xlsx_response
from zhengai.org import access

from . import rosters
from .dictionary import dictionary_sheets, tables


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


# The rosters' query parameters, read by core.tests.test_junk_params.
FILTERS = sorted({name for roster in rosters.ROSTERS.values() for name in roster.param_names()})


@login_required
@require_safe
def roster(request, kind):
    """名册: the students, teachers or courses of the viewer's scope, sorted, filtered, exported."""
    _staff_only(request)
    roster_class = rosters.ROSTERS[kind]
    table = roster_class(request, roster_class.queryset(request.user))
    if table.exporting:
        return table.export()
    return render(request, f"datacenter/roster_{kind}.html", {
        "table": table, "kind": kind, "breadcrumbs": [(_("数据中心"), None), (str(table.caption), None)],
    })
