"""Indicator pages: the library, one page per indicator, and the custom indicator form.

Thin views: figures come from ``pages`` and ``registry``; what a user sees goes through
``org.access`` (the subjects on an indicator page are restricted to the user's scope)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from zhengai.core import windows
from zhengai.datacenter.choices import Level
from zhengai.org import access

from . import pages, registry
from .actions import do_save_custom_indicator
from .custom import table_fields
from .forms import CustomIndicatorForm
from .models import CustomIndicator
from .paths import PATHS


def _browse_or_403(user):
    access.require(user, access.SEE_OTHERS)


def may_define(user) -> bool:
    """Custom indicators are the school's vocabulary: defined by the quality office and admins."""
    return access.may(user, access.DEFINE_INDICATOR)


@login_required
@require_safe
def library(request):
    _browse_or_403(request.user)
    level = request.GET.get("level") or ""
    query = (request.GET.get("q") or "").strip()
    indicators = registry.for_level(level) if level in Level.values else registry.all_indicators()
    if query:
        q = query.lower()
        indicators = [i for i in indicators if q in i.code.lower() or q in i.name_zh or q in i.name_en.lower()
                      or q in i.definition_zh or q in i.definition_en.lower()]
    return render(request, "indicators/library.html", {
        "indicators": indicators, "levels": Level.choices, "level": level, "q": query,
        "may_define": may_define(request.user), "breadcrumbs": [(_("指标库"), None)],
    })


@login_required
@require_safe
def detail(request, code):
    _browse_or_403(request.user)
    try:
        indicator = registry.get(code)
    except LookupError:
        raise Http404 from None
    window, window_error = pages.default_window(indicator), None
    if request.GET.get("window"):
        try:
            window = windows.parse(request.GET["window"])
        except windows.WindowError as exc:
            window_error = str(exc)
    subjects = pages.visible_subjects(request.user, indicator.level)
    with pages.scoped(request.user, indicator.level, subjects):  # compute the viewer's scope, not the school
        distribution = pages.distribution(indicator, window, subjects)
        series = pages.series(indicator, window, subjects, request.user)
    return render(request, "indicators/detail.html", {
        "indicator": indicator, "window": window, "window_text": request.GET.get("window") or window.code,
        "window_error": window_error, "sources": pages.sources(indicator), "subjects": len(subjects),
        "distribution": distribution, "ranked": distribution["ranked"][:20],
        "series": series,
        "custom": indicator.kind == registry.CUSTOM, "may_define": may_define(request.user),
        "breadcrumbs": [(_("指标库"), reverse("indicators:library")), (indicator.name_zh, None)],
    })


def _form_page(request, custom):
    form = CustomIndicatorForm(request.POST or None, instance=custom)
    if request.method == "POST" and form.is_valid():
        saved = do_save_custom_indicator(form, acting_user=request.user)
        messages.success(request, _("已保存自定义指标“%(name)s”") % {"name": saved.name_zh})
        return redirect("indicators:detail", code=saved.code)
    tables = [{"code": t, "label": str(_table_label(t)), "levels": list(PATHS[t].levels),
               "fields": [(name, str(f.verbose_name), ", ".join(str(v) for v, _l in f.choices) if f.choices else "")
                          for name, f in table_fields(t).items()]} for t in PATHS]
    title = _("修改自定义指标") if custom else _("新建自定义指标")
    return render(request, "indicators/custom_form.html", {
        "form": form, "custom": custom, "tables": tables, "title": title,
        "breadcrumbs": [(_("指标库"), reverse("indicators:library")), (title, None)],
    })


def _table_label(table):
    from zhengai.datacenter.dictionary import model_for_table

    return model_for_table(table)._meta.verbose_name


@access.gate(access.DEFINE_INDICATOR)
def custom_new(request):
    return _form_page(request, None)


@access.gate(access.DEFINE_INDICATOR)
def custom_edit(request, code):
    try:
        custom = CustomIndicator.objects.get(code=code)
    except CustomIndicator.DoesNotExist:
        raise Http404 from None
    return _form_page(request, custom)
