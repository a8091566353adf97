"""Pages of the file channel: upload a file, the batches (list, detail, rejects download, undo),
templates, and the mappings of each source (edit, export).

Thin views: the work is in ``files``, ``pipeline`` and ``mappings``. Who may see the batches is
``access.SEE_BATCHES``; importing, undoing and editing mappings is ``access.IMPORT_DATA`` (the
quality office and admins).
"""

import re

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST, require_http_methods, require_safe

from zhengai.core.output import xlsx_response
from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch, SourceSystem
from zhengai.org import access
from zhengai.org.access import access_object, restrict

from . import mappings as mapping_ops
from .errors import IntakeError
from .files import import_file, reject_sheets, template_sheets
from .models import Mapping
from .pipeline import do_undo_batch, recover_stale_batches, summary
from .readers import human_size


def can_import(user) -> bool:
    """Imports, undo and mappings change data for the whole college."""
    return access.may(user, access.IMPORT_DATA)


# Upload -----------------------------------------------------------------------------------------


class ImportForm(forms.Form):
    source = forms.ModelChoiceField(label=gettext_lazy("来源系统"), queryset=SourceSystem.objects.none())
    table = forms.ChoiceField(label=gettext_lazy("目标表"))
    file = forms.FileField(label=gettext_lazy("文件（CSV 或 Excel）"))
    sheet = forms.CharField(label=gettext_lazy("工作表（可不填）"), required=False, max_length=100)
    partial = forms.BooleanField(label=gettext_lazy("只导入有效行，其余行退回"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = SourceSystem.objects.order_by("code")
        self.fields["table"].choices = mapping_ops.importable_tables()


class _LimitedUpload(FileUploadHandler):
    """Stops reading an upload as soon as it passes the import limit, whatever Content-Length said."""

    def __init__(self, request=None):
        super().__init__(request)
        self.seen = 0

    def receive_data_chunk(self, raw_data, start):
        self.seen += len(raw_data)
        if self.seen > settings.ZHENGAI_IMPORT_MAX_BYTES:
            self.request._zhengai_too_large = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large_message() -> str:
    return _("文件太大，超过了导入上限 %(limit)s。请拆分成几个文件分批导入。") % {
        "limit": human_size(settings.ZHENGAI_IMPORT_MAX_BYTES)}


@csrf_exempt  # the upload handler must be installed before the CSRF check reads the body
@require_http_methods(["GET", "POST"])
@access.gate(access.IMPORT_DATA)
def upload(request):
    if request.method == "POST":
        # Refuse an oversized upload from its declared length, before reading a byte of it.
        length = int(request.META.get("CONTENT_LENGTH") or 0)
        if length > settings.ZHENGAI_IMPORT_MAX_BYTES + 64 * 1024:
            return _upload_page(request, ImportForm(), error=_too_large_message(), status=413)
        request.upload_handlers.insert(0, _LimitedUpload(request))
    return _upload_post(request)


@csrf_protect
def _upload_post(request):
    if request.method == "GET":
        initial = {k: request.GET[k] for k in ("source", "table") if k in request.GET}
        return _upload_page(request, ImportForm(initial=initial))
    form = ImportForm(request.POST, request.FILES)
    if getattr(request, "_zhengai_too_large", False):
        return _upload_page(request, ImportForm(request.POST), error=_too_large_message(), status=413)
    if not form.is_valid():
        return _upload_page(request, form, status=400)
    data = form.cleaned_data
    upload_file = data["file"]
    source_file = upload_file.temporary_file_path() if hasattr(upload_file, "temporary_file_path") else upload_file
    batch = import_file(
        data["source"], data["table"], source_file, file_name=upload_file.name, user=request.user,
        partial=data["partial"], sheet=data["sheet"] or None,
    )
    if batch.status == BatchStatus.SUCCEEDED:
        messages.success(request, _("批次 #%(id)s 导入完成：%(summary)s。") % {"id": batch.pk, "summary": summary(batch)})
    else:
        messages.error(request, _("批次 #%(id)s：%(error)s") % {"id": batch.pk, "error": batch.error})
    return redirect("intake:batch", pk=batch.pk)


def _upload_page(request, form, error=None, status=200):
    return render(request, "intake/import.html", {
        "form": form, "error": error, "limit": human_size(settings.ZHENGAI_IMPORT_MAX_BYTES),
        "tables": mapping_ops.importable_tables(),
        "breadcrumbs": [(_("导入数据"), None)],
    }, status=status)


@login_required
@require_safe
def template(request, table):
    try:
        sheets = template_sheets(table)
    except IntakeError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    return xlsx_response(f"导入模板-{table}.xlsx", sheets)


# Batches ----------------------------------------------------------------------------------------


@login_required
@require_safe
def batches(request):
    # Batches concern the whole college: leaders read them, the quality office acts.
    access.require(request.user, access.SEE_BATCHES)
    recover_stale_batches()  # a batch whose process died is shown as failed on the next look
    qs = restrict(ImportBatch.objects.select_related("source", "created_by"), request.user)
    status, source, table = request.GET.get("status"), request.GET.get("source"), request.GET.get("table")
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source__code=source)
    if table:
        qs = qs.filter(table=table)
    page = Paginator(qs.order_by("-created_at", "-pk"), 50).get_page(request.GET.get("page"))
    return render(request, "intake/batches.html", {
        "page": page, "statuses": BatchStatus.choices, "sources": SourceSystem.objects.order_by("code"),
        "tables": mapping_ops.importable_tables(), "filters": {"status": status, "source": source, "table": table},
        "can_import": can_import(request.user), "breadcrumbs": [(_("导入批次"), None)],
    })


REJECTS_SHOWN = 100


@login_required
@require_safe
def batch(request, pk):
    recover_stale_batches()
    item = access_object(ImportBatch.objects.select_related("source", "created_by"), request.user, pk=pk)
    rejects = list(item.rejected_rows.order_by("row_number")[:REJECTS_SHOWN])
    return render(request, "intake/batch.html", {
        "batch": item, "summary": summary(item), "rejects": rejects, "rejects_shown": REJECTS_SHOWN,
        "events": item.events.select_related("actor"), "can_import": can_import(request.user),
        "can_undo": can_import(request.user) and item.status == BatchStatus.SUCCEEDED,
        "breadcrumbs": [(_("导入批次"), reverse("intake:batches")), (f"#{item.pk}", None)],
    })


@login_required
@require_safe
def batch_rejects(request, pk):
    item = access_object(ImportBatch.objects.all(), request.user, pk=pk)
    return xlsx_response(f"被拒绝的行-批次{item.pk}.xlsx", reject_sheets(item))


@require_POST
@access.gate(access.IMPORT_DATA, on=ImportBatch)
def batch_undo(request, pk):
    item = access_object(ImportBatch.objects.all(), request.user, access.IMPORT_DATA, pk=pk)
    try:
        do_undo_batch(item, acting_user=request.user)
    except IntakeError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("批次 #%(id)s 已撤销。") % {"id": item.pk})
    return redirect("intake:batch", pk=item.pk)


# Mappings ---------------------------------------------------------------------------------------


_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,64}")


@access.gate(access.IMPORT_DATA)
def mapping_list(request):
    source, table = (request.GET.get("source") or "").strip(), (request.GET.get("table") or "").strip()
    if source and table and _SLUG.fullmatch(source) and _SLUG.fullmatch(table):
        return redirect("intake:mapping_edit", source=source, table=table)
    existing = restrict(Mapping.objects.select_related("source", "updated_by"), request.user)
    return render(request, "intake/mappings.html", {
        "mappings": existing, "sources": SourceSystem.objects.order_by("code"),
        "tables": mapping_ops.importable_tables(), "breadcrumbs": [(_("字段映射"), None)],
    })


@require_http_methods(["GET", "POST"])
@access.gate(access.IMPORT_DATA)
def mapping_edit(request, source, table):
    source_obj = get_object_or_404(SourceSystem, code=source)
    try:
        mapping_ops.mapping_rows(table, None)
    except IntakeError as exc:
        return HttpResponse(str(exc), status=404, content_type="text/plain; charset=utf-8")
    mapping = Mapping.objects.filter(source=source_obj, table=table).first()
    error, status = None, 200
    if request.method == "POST":
        entries = {}
        for row in mapping_ops.mapping_rows(table, None):
            name = row.column.name
            entries[name] = {
                "source_column": request.POST.get(f"col-{name}", ""),
                "value_map": request.POST.get(f"values-{name}", ""),
                "date_format": request.POST.get(f"date-{name}", ""),
            }
        try:
            mapping_ops.do_save_mapping(source_obj, table, entries, acting_user=request.user)
        except IntakeError as exc:
            error, status = str(exc), 400
            mapping = Mapping(source=source_obj, table=table, columns={
                e["source_column"].strip(): n for n, e in entries.items() if e["source_column"].strip()})
        else:
            messages.success(request, _("字段映射已保存。"))
            return redirect("intake:mapping_edit", source=source, table=table)
    return render(request, "intake/mapping_edit.html", {
        "source": source_obj, "table": table, "table_label": dict(mapping_ops.importable_tables()).get(table, table),
        "rows": mapping_ops.mapping_rows(table, mapping), "mapping": mapping, "error": error,
        "breadcrumbs": [(_("字段映射"), reverse("intake:mappings")), (f"{source_obj.code} → {table}", None)],
    }, status=status)


@access.gate(access.IMPORT_DATA)
def mapping_export(request):
    existing = restrict(Mapping.objects.select_related("source"), request.user)
    return xlsx_response("字段映射.xlsx", {_("字段映射"): (mapping_ops.EXPORT_HEADER, mapping_ops.export_rows(existing))})


@access.gate(access.IMPORT_DATA)
def mapping_json(request, source, table):
    mapping = get_object_or_404(restrict(Mapping.objects.select_related("source"), request.user),
                                source__code=source, table=table)
    response = HttpResponse(mapping_ops.export_json(mapping), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="mapping-{source}-{table}.json"'
    return response

