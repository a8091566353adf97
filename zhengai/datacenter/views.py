from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _

from zhengai.core.output import xlsx_response

from .dictionary import dictionary_sheets, tables


def _staff_only(request):
    # The dictionary describes every table, so it is for staff; students have nothing to look up here.
    user = request.user
    if not (user.is_superuser or hasattr(user, "staff")):
        raise PermissionDenied


@login_required
def dictionary(request):
    _staff_only(request)
    return render(request, "datacenter/dictionary.html", {"tables": tables(), "breadcrumbs": [(_("数据字典"), None)]})


@login_required
def dictionary_xlsx(request):
    _staff_only(request)
    return xlsx_response("data-dictionary.xlsx", dictionary_sheets())
