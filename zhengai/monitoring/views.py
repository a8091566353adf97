"""Pages of monitoring and early warning; thin — the rules live in queries, actions and analytics."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject
from zhengai.org import access
from zhengai.org.access import VIEW

from zhengai.org.models import User

from . import actions, analytics, explain, owners, queries
from .advice import next_step
from .tables import WarningTable
from .choices import ACTIVE_STATUSES, Cadence, MeasureKind
from .models import MonitoringPolicy, Run, Warning
from .policies import do_save_policies, ensure_policies

FILTERS = WarningTable.param_names()  # read by core.tests.test_junk_params


@login_required
@require_safe
def warning_list(request):
    """预警列表: the warnings in the viewer's scope, sorted and filtered by the database, paginated,
    and exported to .xlsx (all the filtered rows) — ``tables.WarningTable``."""
    table = WarningTable(request, queries.visible(request.user, VIEW, Warning.objects.select_related(
        "subject", "subject__department")))
    if table.exporting:
        return table.export()
    if _only_oneself(request.user):
        # A student reads their own warnings on a phone: one card each with what to do next, no
        # staff filters (the table's rows, status filter and pages still).
        rows = list(table.rows)  # labelled, with their units, by the table
        return render(request, "monitoring/my_warnings.html", {
            "table": table, "page": table.page, "status": request.GET.get("status", "active"),
            "cards": [(w, next_step(w.indicator_code, w.source) if w.level == Level.STUDENT else "") for w in rows],
            "breadcrumbs": [(_("我的预警"), None)],
        })
    return render(request, "monitoring/warning_list.html", {
        "table": table, "page": table.page,
        "may_flag": access.may(request.user, access.RAISE_FLAG),
        "breadcrumbs": [(_("预警"), None)],
    })


def _only_oneself(user) -> bool:
    """A student and nothing else (a teacher sees the warnings of their offerings' students)."""
    grants = access.grants_for(user)
    return bool(grants.self_student) and not (grants.leads() or grants.admin_class or grants.self_staff)


def _detail_context(request, warning):
    own = access.may(request.user, access.SELF_REPORT_WARNING, warning)  # the person it is about
    why = explain.explain_warning(warning, request.user, own=own)
    user, active = request.user, warning.status in ACTIVE_STATUSES
    may = {name: active and access.may(user, act, warning) for name, act in (
        ("acknowledge", access.ACKNOWLEDGE_WARNING), ("correct", access.CORRECT_WARNING),
        ("resolve", access.RESOLVE_WARNING), ("close", access.CLOSE_WARNING))}
    may["self_report"] = own
    owner_ids = owners.owners_of([warning.pk]).get(warning.pk, set())
    # The student it is about reads what to do next (the growth platform's words) beside the why.
    step = next_step(warning.indicator_code, warning.source) if own and warning.level == Level.STUDENT else ""
    return {
        "next_step": step,
        "w": warning, "indicator_name": why.indicator_name, "why": why, "own": own,
        "escalated_label": Level(warning.escalated_level).label if warning.escalated_level in Level.values else warning.escalated_level,
        "events": explain.event_sentences(warning.events.select_related("actor"), why.unit),
        "owners": User.objects.filter(pk__in=owner_ids).order_by("username"),
        "may": may, "may_change": any(may.values()),
        "measure_kinds": MeasureKind.choices,
        "breadcrumbs": [(_("预警"), reverse("monitoring:warnings")), (str(warning.subject.name), None)],
    }


@login_required
@require_safe
def warning_detail(request, pk):
    warning = get_object_or_404(queries.visible(request.user, VIEW, Warning.objects.select_related("subject", "raised_by")), pk=pk)
    return render(request, "monitoring/warning_detail.html", _detail_context(request, warning))


def _act(request, pk, act, fn):
    # 404 for a warning the user cannot see, 403 for one they may see but not act on.
    warning = get_object_or_404(queries.visible(request.user, VIEW), pk=pk)
    access.require(request.user, act, warning)
    error = None
    try:
        fn(warning)
    except ValidationError as exc:
        error = " ".join(getattr(exc, "messages", None) or [str(exc)])
    warning = Warning.objects.select_related("subject", "raised_by").get(pk=pk)
    if request.htmx:
        context = _detail_context(request, warning)
        context["error"] = error
        return render(request, "monitoring/_lifecycle.html", context)
    if error:
        messages.error(request, error)
    return HttpResponseRedirect(reverse("monitoring:warning", args=[pk]))


@require_POST
@access.gate(access.ACKNOWLEDGE_WARNING, on=Warning)
def acknowledge(request, pk):
    return _act(request, pk, access.ACKNOWLEDGE_WARNING, lambda w: actions.do_acknowledge_warning(w, acting_user=request.user))


@require_POST
@access.gate(access.CORRECT_WARNING, on=Warning)
def start_correction(request, pk):
    p = request.POST
    return _act(request, pk, access.CORRECT_WARNING, lambda w: actions.do_start_correction(
        w, p.get("cause", ""), p.get("measure_kind", ""), p.get("measure_text", ""), acting_user=request.user))


@require_POST
@access.gate(access.RESOLVE_WARNING, on=Warning)
def resolve(request, pk):
    return _act(request, pk, access.RESOLVE_WARNING,
                lambda w: actions.do_resolve_warning(w, request.POST.get("note", ""), acting_user=request.user))


@require_POST
@access.gate(access.CLOSE_WARNING, on=Warning)
def close(request, pk):
    return _act(request, pk, access.CLOSE_WARNING,
                lambda w: actions.do_close_warning(w, request.POST.get("reason", ""), acting_user=request.user))


@require_POST
@access.gate(access.SELF_REPORT_WARNING, on=Warning)
def self_report(request, pk):
    """The student (or teacher) the warning is about adds their own account to its history."""
    return _act(request, pk, access.SELF_REPORT_WARNING,
                lambda w: actions.do_add_self_report(w, request.POST.get("text", ""), acting_user=request.user))


@access.gate(access.RAISE_FLAG)
def flag(request):
    """Raise a concern (关注) on a subject in one's scope, by level and natural key."""
    context = {"levels": Level.choices, "breadcrumbs": [(_("预警"), reverse("monitoring:warnings")), (_("发起关注"), None)]}
    if request.method == "POST":
        level, key, reason = request.POST.get("level", ""), request.POST.get("key", "").strip(), request.POST.get("reason", "")
        subject_id = Subject.objects.filter(level=level, key=key).values_list("pk", flat=True).first()
        context.update(level=level, key=key, reason=reason)
        not_found = _("在您的范围内找不到层面“%(level)s”下标识为“%(key)s”的主体。") % {"level": level, "key": key}
        try:
            if subject_id is None:
                raise Http404
            warning = actions.do_raise_manual_flag(subject_id, reason, acting_user=request.user)
        except Http404:  # the same answer whether it exists or not: no probing outside one's scope
            context["error"] = not_found
        except (ValidationError, PermissionDenied) as exc:
            context["error"] = " ".join(getattr(exc, "messages", None) or [str(exc)])
        else:
            return HttpResponseRedirect(reverse("monitoring:warning", args=[warning.pk]))
    return render(request, "monitoring/flag.html", context)


@login_required
@require_safe
def effectiveness(request):
    # Shares over many warnings: for staff whose scope reaches beyond themselves; a student has none.
    access.require(request.user, access.SEE_OTHERS)
    try:
        within = max(1, min(12, int(request.GET.get("within", 2))))
    except ValueError:
        within = 2
    data = analytics.effectiveness(request.user, within)
    return render(request, "monitoring/effectiveness.html", {**data, "breadcrumbs": [(_("纠偏成效"), None)]})


@access.gate(access.EDIT_MONITORING_POLICY)
def policies(request):
    """The quality office edits each level's cadence and escalation."""
    ensure_policies()
    rows = list(MonitoringPolicy.objects.all())
    errors = []
    if request.method == "POST":
        wanted = {}
        for policy in rows:
            cadence = request.POST.get(f"cadence-{policy.level}", policy.cadence)
            raw = request.POST.get(f"escalate-{policy.level}", str(policy.escalate_after)).strip()
            if cadence not in Cadence.values:
                errors.append(_("“%(level)s”的监测周期“%(value)s”无效。") % {"level": policy.get_level_display(), "value": cadence})
                continue
            if not raw.isdigit() or not 0 <= int(raw) <= 99:
                errors.append(_("“%(level)s”的升级前周期数“%(value)s”应为 0–99 的整数。") % {"level": policy.get_level_display(), "value": raw})
                continue
            wanted[policy.level] = {"cadence": cadence, "escalate_after": int(raw),
                                    "active": request.POST.get(f"active-{policy.level}") == "on"}
        if not errors:
            do_save_policies(wanted, acting_user=request.user)
            messages.success(request, _("监测策略已保存。"))
            return HttpResponseRedirect(reverse("monitoring:policies"))
    runs = Run.objects.all()[:30]
    return render(request, "monitoring/policies.html", {
        "policies": rows, "cadences": Cadence.choices, "errors": errors, "runs": runs,
        "breadcrumbs": [(_("监测策略"), None)],
    })
