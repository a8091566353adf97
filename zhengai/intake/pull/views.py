"""Pages for database pulls: the list with its buttons (test a connection, run a pull now) and
the forms to add or change a connection or a pull. Thin: the work is in ``runner`` and ``reader``."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from zhengai.org import access
from zhengai.org.access import access_object, restrict

from .actions import do_save_connection, do_save_pull
from .forms import ConnectionForm, PullForm
from .models import SavedPull, SourceConnection
from .reader import check_connection
from .runner import PullBusy, record_test, run_pull


@login_required
@require_safe
def pull_list(request):
    # Connections belong to no department: the school-wide roles read them, the quality office acts.
    access.require(request.user, access.SEE_PULLS)
    connections = restrict(SourceConnection.objects.select_related("source"), request.user)
    pulls = restrict(SavedPull.objects.select_related("connection__source", "last_batch"), request.user)
    return render(request, "intake/pulls.html", {
        "connections": connections, "pulls": pulls, "may_change": access.may(request.user, access.MANAGE_PULLS),
        "breadcrumbs": [(_("数据库抽取"), None)],
    })


def _edit(request, form_class, instance, title, save):
    form = form_class(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        obj = save(form, acting_user=request.user)
        messages.success(request, _("已保存 %(name)s") % {"name": obj.name})
        return redirect("intake:pulls")
    return render(request, "intake/pull_form.html", {
        "form": form, "title": title,
        "breadcrumbs": [(_("数据库抽取"), "/intake/pulls/"), (title, None)],
    })


@access.gate(access.MANAGE_PULLS, on=SourceConnection)
def connection_edit(request, pk=None):
    instance = access_object(SourceConnection, request.user, access.MANAGE_PULLS, pk=pk) if pk else None
    return _edit(request, ConnectionForm, instance, _("数据库连接"), do_save_connection)


@access.gate(access.MANAGE_PULLS, on=SavedPull)
def pull_edit(request, pk=None):
    instance = access_object(SavedPull, request.user, access.MANAGE_PULLS, pk=pk) if pk else None
    return _edit(request, PullForm, instance, _("抽取任务"), do_save_pull)


@require_POST
@access.gate(access.MANAGE_PULLS, on=SourceConnection)
def connection_test(request, pk):
    connection = access_object(SourceConnection, request.user, access.MANAGE_PULLS, pk=pk)
    ok, message = check_connection(connection)
    record_test(connection, ok, message)
    (messages.success if ok else messages.error)(request, f"{connection.name}：{message}")
    return redirect("intake:pulls")


@require_POST
@access.gate(access.MANAGE_PULLS, on=SavedPull)
def pull_run(request, pk):
    pull = access_object(SavedPull.objects.select_related("connection__source"), request.user, access.MANAGE_PULLS, pk=pk)
    try:
        batch = run_pull(pull, user=request.user).batch
    except PullBusy as exc:
        messages.warning(request, str(exc))
        return redirect("intake:pulls")
    text = _("%(name)s：批次 #%(batch)s %(status)s，读取 %(read)s 行，新增 %(ins)s，更新 %(upd)s，未变 %(same)s，拒绝 %(rej)s") % {
        "name": pull.name, "batch": batch.pk, "status": batch.get_status_display(), "read": batch.rows_read,
        "ins": batch.rows_inserted, "upd": batch.rows_updated, "same": batch.rows_unchanged, "rej": batch.rows_rejected,
    }
    if batch.error:
        text += " — " + batch.error
    (messages.success if batch.status == "succeeded" else messages.error)(request, text)
    return redirect("intake:pulls")
