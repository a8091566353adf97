"""The sources page: list and register source systems, rotate and revoke their credentials.

New credentials are rendered in the response to the POST that made them and never stored or put in
a session, so they are shown exactly once.
"""

from django import forms
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from zhengai.datacenter.choices import SourceKind
from zhengai.org import access

from . import sources


class SourceForm(forms.Form):
    code = forms.SlugField(label=gettext_lazy("代码"), max_length=64)
    title = forms.CharField(label=gettext_lazy("名称"), max_length=100, required=False)
    kind = forms.ChoiceField(label=gettext_lazy("接入方式"), choices=SourceKind.choices)
    cadence_days = forms.IntegerField(label=gettext_lazy("预期更新周期（天）"), min_value=1, required=False)


def _page(request, form=None, issued=None, issued_source=None, status=200):
    return render(request, "intake/sources.html", {
        "rows": sources.source_rows(),
        "form": form or SourceForm(),
        "issued": issued.as_json(issued_source.code) if issued else None,
        "breadcrumbs": [(_("来源系统"), None)],
    }, status=status)


@require_http_methods(["GET", "POST"])
@access.gate(access.MANAGE_SOURCES)
def source_list(request):
    if request.method == "GET":
        return _page(request)
    action = request.POST.get("action", "add")
    try:
        if action == "add":
            form = SourceForm(request.POST)
            if not form.is_valid():
                return _page(request, form=form, status=400)
            data = form.cleaned_data
            source, issued = sources.do_add_source(
                data["code"], data["kind"], title=data["title"], cadence_days=data["cadence_days"],
                acting_user=request.user,
            )
            return _page(request, issued=issued, issued_source=source)
        source = sources.get_source(request.POST.get("code", ""))
        if action == "rotate":
            return _page(request, issued=sources.do_rotate_credentials(source, acting_user=request.user),
                         issued_source=source)
        if action == "revoke":
            sources.do_revoke_credentials(source, acting_user=request.user)
            return _page(request)
    except sources.SourceError as exc:
        form = SourceForm(request.POST) if action == "add" else SourceForm()
        form.is_valid()
        form.add_error(None, str(exc))
        return _page(request, form=form, status=400)
    return _page(request, status=400)
