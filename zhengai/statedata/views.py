"""Pages of state data (状态数据与质量年报): the templates, their editing, import and export, and
each table as filled for an academic year. Thin views: the work is in ``structure``, ``filling``
and ``templates_io``; who may do what is ``zhengai.org.access``."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from zhengai.chains.xlsxutil import ImportProblems
from zhengai.core import clock
from zhengai.core import windows as W
from zhengai.indicators import registry
from zhengai.org import access

from . import actions, filling
from .choices import CellOrigin, FillStatus, Layout
from .defaults import ANNUAL_REPORT
from .forms import ColumnFormSet, RowFormSet, TableForm, TemplateImportForm
from .models import CellValue, Correction, ReportTable, ReportTemplate, TableFill
from .structure import ColumnSpec, RowSpec, TableSpec, check, specs_of
from .templates_io import export_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def default_year() -> str:
    """The academic year a college reports in the autumn: the last one that has ended."""
    return W.containing("academic_year", clock.today()).previous().code


def _year(request) -> str:
    """The ``year`` parameter if it is an academic year, else the default (junk is ignored)."""
    text = (request.GET.get("year") or request.POST.get("year") or "").strip()
    if W.kind_of(text) == "academic_year" and int(text[5:9]) == int(text[:4]) + 1:
        return text
    return default_year()


def _crumbs(*extra):
    return [(_("状态数据"), reverse("statedata:index")), *extra]


@login_required
@require_safe
def index(request):
    access.require(request.user, access.SEE_STATE_DATA)
    year = _year(request)
    templates = list(ReportTemplate.objects.prefetch_related("tables"))
    fills = {f["table_id"]: f for f in TableFill.objects.filter(year=year).values("table_id", "filled_at", "status").annotate(
        filled=Count("cells", filter=Q(cells__origin=CellOrigin.COMPUTED)),
        entered=Count("cells", filter=Q(cells__origin__in=[CellOrigin.ENTERED, CellOrigin.CARRIED])),
        todo=Count("cells", filter=Q(cells__origin=CellOrigin.TODO)))}
    for t in templates:
        t.rows_shown = [(table, fills.get(table.pk)) for table in t.tables.all()]
        t.change_percent = round(t.change_ratio * 100, 1)
    window = filling.academic_year(year)
    return render(request, "statedata/index.html", {
        "templates": templates, "year": year, "window": window,
        "years": [W.academic_year(int(default_year()[:4]) - n).code for n in range(0, 4)],
        "may_edit": access.may(request.user, access.EDIT_REPORT_TEMPLATE),
        "may_fill": access.may(request.user, access.FILL_STATE_DATA),
        "may_enter": access.may(request.user, access.ENTER_STATE_DATA),
        "import_form": TemplateImportForm(), "breadcrumbs": [(_("状态数据"), None)], "annual_report_name": ANNUAL_REPORT,
    })


@login_required
@require_POST
@access.gate(access.FILL_STATE_DATA)
def fill(request, template_id):
    template = get_object_or_404(ReportTemplate, pk=template_id)
    year = _year(request)
    results = actions.do_fill_template(template, year, acting_user=request.user)
    filled, todo, entered = filling.counts(results)
    locked = [r.table.name for r in results if r.locked]
    if locked:
        messages.info(request, _("已签发锁定、未重算的表：%(tables)s") % {"tables": "、".join(locked)})
    messages.success(request, _("已按 %(year)s 学年填报“%(template)s”：平台算出 %(filled)s 格，待部门填报 %(todo)s 格，保留部门已填 %(entered)s 格。") % {
        "year": year, "template": template.name, "filled": filled, "todo": todo, "entered": entered})
    return redirect(reverse("statedata:index") + f"?year={year}")


@login_required
@require_POST
@access.gate(access.EDIT_REPORT_TEMPLATE)
def install_defaults(request):
    from .defaults import install_default_templates

    counts = install_default_templates()
    messages.success(request, _("默认模板：新建 %(templates)s 个（另建自定义指标 %(indicators)s 个），已有的保持不变。") % counts)
    return redirect("statedata:index")


@login_required
@require_safe
def template_export(request, template_id):
    access.require(request.user, access.EDIT_REPORT_TEMPLATE)
    template = get_object_or_404(ReportTemplate, pk=template_id)
    response = HttpResponse(export_workbook(template), content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(template.name + '.xlsx')}"
    return response


@login_required
@require_POST
@access.gate(access.EDIT_REPORT_TEMPLATE)
def template_import(request, template_id):
    template = get_object_or_404(ReportTemplate, pk=template_id)
    form = TemplateImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请选择 .xlsx 文件。"))
        return redirect("statedata:index")
    upload = form.cleaned_data["file"]
    try:
        counts = actions.do_import_template(template, upload, upload.size, acting_user=request.user)
    except ImportProblems as exc:
        return render(request, "chains/problems.html", {
            "problems": exc.problems, "back": reverse("statedata:index"),
            "breadcrumbs": _crumbs((_("导入失败"), None))}, status=400)
    messages.success(request, _("已导入“%(template)s”：%(tables)s 张表，%(rows)s 行，%(columns)s 列；删去 %(removed)s 张表。") % {
        "template": template.name, **counts})
    return redirect("statedata:index")


def _indicator_choices():
    return [(i.code, f"{i.name_zh}（{i.level_label}）") for i in registry.all_indicators()]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@access.gate(access.EDIT_REPORT_TEMPLATE)
def table_edit(request, template_id, table_id=None):
    """One table's name, layout, rows and columns; saving re-checks the whole template."""
    template = get_object_or_404(ReportTemplate, pk=template_id)
    table = get_object_or_404(ReportTable, pk=table_id, template=template) if table_id else None
    specs = specs_of(template)
    index = next((n for n, s in enumerate(specs) if table and s.code == table.code), None)
    current = specs[index] if index is not None else TableSpec("", "")
    problems = []
    if request.method == "POST":
        form = TableForm(request.POST)
        rows = RowFormSet(request.POST, prefix="rows")
        columns = ColumnFormSet(request.POST, prefix="columns")
        if form.is_valid() and rows.is_valid() and columns.is_valid():
            spec = TableSpec(form.cleaned_data["code"], form.cleaned_data["name"], form.cleaned_data["layout"],
                             form.cleaned_data["level"], form.cleaned_data["department"], form.cleaned_data["note"],
                             _ordered(rows, RowSpec, ("label", "unit", "indicator", "department"), _("行")),
                             _ordered(columns, ColumnSpec, ("header", "unit", "indicator", "year_offset"), _("列")))
            order = request.POST.get("position", "")
            new = [s for n, s in enumerate(specs) if n != index]
            at = index if index is not None else len(new)
            if order.isdigit():
                at = max(0, min(len(new), int(order) - 1))
            new.insert(at, spec)
            problems = check(new)
            if not problems:
                try:
                    actions.do_replace_tables(template, new, acting_user=request.user)
                except ImportProblems as exc:
                    problems = exc.problems
                else:
                    messages.success(request, _("已保存表“%(name)s”。") % {"name": spec.name})
                    return redirect("statedata:index")
    else:
        form = TableForm(initial={"name": current.name, "code": current.code, "layout": current.layout,
                                  "level": current.level, "department": current.department, "note": current.note})
        rows = RowFormSet(prefix="rows", initial=[{"order": n, "label": r.label, "unit": r.unit, "indicator": r.indicator,
                                                   "department": r.department} for n, r in enumerate(current.rows, start=1)])
        columns = ColumnFormSet(prefix="columns", initial=[{"order": n, "header": c.header, "unit": c.unit,
                                                            "indicator": c.indicator, "year_offset": c.year_offset}
                                                           for n, c in enumerate(current.columns, start=1)])
    title = _("编辑表：%(name)s") % {"name": table.name} if table else _("新建表")
    return render(request, "statedata/table_edit.html", {
        "template": template, "table": table, "form": form, "rows": rows, "columns": columns, "problems": problems,
        "position": (index + 1) if index is not None else len(specs) + 1, "count": len(specs) + (0 if table else 1),
        "indicators": _indicator_choices(), "title": title,
        "breadcrumbs": _crumbs((template.name, None), (title, None)),
    }, status=400 if problems else 200)


def _ordered(formset, spec_class, fields, kind) -> list:
    """The formset's lines, without deleted and empty extra ones, by their order number (ties keep
    the page's order); ``where`` names the line for messages."""
    lines = []
    for n, f in enumerate(formset.forms, start=1):
        data = getattr(f, "cleaned_data", None) or {}
        if not data or data.get("DELETE"):
            continue
        order = data.get("order")
        lines.append((order if order is not None else n, n, spec_class(
            *[data.get(k) if data.get(k) is not None else "" for k in fields],
            where=_("第 %(n)s %(kind)s") % {"n": n, "kind": kind})))
    return [spec for _o, _n, spec in sorted(lines, key=lambda x: (x[0], x[1]))]


@login_required
@require_safe
def table_view(request, table_id, year):
    access.require(request.user, access.SEE_STATE_DATA)
    table = get_object_or_404(ReportTable.objects.select_related("template"), pk=table_id)
    if W.kind_of(year) != "academic_year":
        raise Http404
    window = filling.academic_year(year)
    fill = TableFill.objects.filter(table=table, year=year).first()
    columns = list(table.columns.all())
    grid = []
    if fill is not None:
        cells = {}
        rows = {}
        names = {i.code: i.name for i in registry.all_indicators()}
        for cell in CellValue.objects.filter(fill=fill).select_related("department", "row"):
            cell.indicator_name = names.get(cell.indicator, "")
            cells[(cell.row_key, cell.column_id)] = cell
            rows.setdefault(cell.row_key, (cell.row_order, cell.row_label, cell))
        for key, (order, label, first) in sorted(rows.items(), key=lambda kv: (kv[1][0], kv[0])):
            unit = first.row.unit if first.row_id else ""
            grid.append({"key": key, "label": label, "unit": unit, "cells": [cells.get((key, c.pk)) for c in columns]})
    terms = W.term_dates()
    for c in columns:
        c.window_code = filling.year_window(window, c.year_offset, terms).code
    findings, sign_problems = [], []
    if fill is not None:
        from . import checks
        from .signoff import sign_problems as problems_of

        findings = checks.for_fill(fill)
        if fill.status != FillStatus.SIGNED:
            sign_problems = problems_of(fill, confirmed=True)
    return render(request, "statedata/table.html", {
        "table": table, "fill": fill, "columns": columns, "grid": grid, "year": year, "window": window,
        "findings": findings, "sign_problems": sign_problems, "flags": [f for f in findings if f.kind == "flag"],
        "may_sign": access.may(request.user, access.SIGN_STATE_TABLE),
        "subjects_layout": table.layout == Layout.SUBJECTS,
        "may_fill": access.may(request.user, access.FILL_STATE_DATA),
        "breadcrumbs": _crumbs((table.template.name, None), (table.name, None)),
    })


def _cell_or_404(request, pk):
    """A cell the user may see: the quality office and leaders all, a department head their
    department's (``CellValue.scope_lookups``)."""
    access.require(request.user, access.SEE_STATE_DATA)
    qs = CellValue.objects.select_related("fill__table__template", "column", "row", "department", "subject",
                                          "entered_by", "reviewed_by")
    return access.access_object(qs, request.user, pk=pk)


@login_required
@require_safe
def cell(request, pk):
    from . import provenance
    from .signoff import OWED

    c = _cell_or_404(request, pk)
    indicator, sources = provenance.behind(c, request.user) if c.origin == CellOrigin.COMPUTED else (None, [])
    if indicator is None and c.indicator:
        try:
            indicator = registry.get(c.indicator)
        except LookupError:
            indicator = None
    open_ = c.fill.status != FillStatus.SIGNED
    window = W.Window(c.window_start, c.window_end, "academic_year", c.window) if c.window_start else None
    return render(request, "statedata/cell.html", {
        "cell": c, "table": c.fill.table, "fill": c.fill, "indicator": indicator, "sources": sources,
        "window_label": W.label(window) if window else "",
        "may_enter": open_ and c.origin in OWED and c.reviewed_at is None and access.may(request.user, access.ENTER_STATE_DATA, c),
        "may_review": open_ and c.origin in (CellOrigin.ENTERED, CellOrigin.CARRIED) and c.value is not None
        and c.reviewed_at is None and access.may(request.user, access.REVIEW_STATE_DATA, c),
        "breadcrumbs": _crumbs((c.fill.table.name, reverse("statedata:table", args=[c.fill.table_id, c.fill.year])),
                               (c.row_label, None)),
    })


def _refusal(request, exc, back):
    for message in getattr(exc, "messages", [str(exc)]):
        messages.error(request, message)
    return redirect(back)


@login_required
@require_POST
@access.gate(access.ENTER_STATE_DATA, on=CellValue)
def cell_enter(request, pk):
    from django.core.exceptions import ValidationError

    from .signoff import do_enter_cell

    c = _cell_or_404(request, pk)
    access.require(request.user, access.ENTER_STATE_DATA, c)
    back = reverse("statedata:cell", args=[c.pk])
    try:
        do_enter_cell(c, request.POST.get("value", "")[:50], request.POST.get("evidence", "")[:4000], acting_user=request.user)
    except ValidationError as exc:
        return _refusal(request, exc, back)
    messages.success(request, _("已提交，等待负责人审核。"))
    return redirect(back)


@login_required
@require_POST
@access.gate(access.REVIEW_STATE_DATA, on=CellValue)
def cell_review(request, pk):
    from django.core.exceptions import ValidationError

    from .signoff import do_review_cell

    c = _cell_or_404(request, pk)
    access.require(request.user, access.REVIEW_STATE_DATA, c)
    back = reverse("statedata:cell", args=[c.pk])
    approve = request.POST.get("decision") == "approve"
    try:
        do_review_cell(c, approve, request.POST.get("comment", "")[:500], acting_user=request.user)
    except ValidationError as exc:
        return _refusal(request, exc, back)
    messages.success(request, _("已审核通过。") if approve else _("已退回修改。"))
    return redirect(back)


@login_required
@require_POST
@access.gate(access.SIGN_STATE_TABLE)
def fill_sign(request, pk):
    from django.core.exceptions import ValidationError

    from .signoff import do_sign_table

    f = get_object_or_404(TableFill.objects.select_related("table"), pk=pk)
    back = reverse("statedata:table", args=[f.table_id, f.year])
    try:
        do_sign_table(f, confirmed=request.POST.get("confirmed") == "on", acting_user=request.user)
    except ValidationError as exc:
        return _refusal(request, exc, back)
    messages.success(request, _("“%(table)s”已签发并锁定。") % {"table": f.table.name})
    return redirect(back)


@login_required
@require_POST
@access.gate(access.EDIT_REPORT_TEMPLATE)
def template_settings(request, template_id):
    template = get_object_or_404(ReportTemplate, pk=template_id)
    try:
        ratio = float(request.POST.get("change_ratio", "")) / 100
    except ValueError:
        ratio = -1
    if not 0 < ratio <= 10:
        messages.error(request, _("同比变化复核阈值应为大于 0 的百分数，如 30"))
    else:
        template.change_ratio = ratio
        template.save(update_fields=["change_ratio", "updated_at"])
        messages.success(request, _("已保存“%(template)s”的同比变化复核阈值。") % {"template": template.name})
    return redirect("statedata:index")


TASK_STATES = (("open", gettext_lazy("待处理")), ("todo", gettext_lazy("待填报")), ("review", gettext_lazy("待审核")),
               ("all", gettext_lazy("全部")))


@login_required
@require_safe
def tasks(request):
    """The to-dos of the departments the user's roles reach: to fill, to review."""
    access.require(request.user, access.ENTER_STATE_DATA)
    year = _year(request)
    state = request.GET.get("state") if request.GET.get("state") in dict(TASK_STATES) else "open"
    qs = access.restrict(CellValue.objects.filter(fill__year=year).exclude(origin=CellOrigin.COMPUTED),
                         request.user, access.ENTER_STATE_DATA)
    if state == "todo":
        qs = qs.filter(origin=CellOrigin.TODO)
    elif state == "review":
        qs = qs.filter(origin__in=[CellOrigin.ENTERED, CellOrigin.CARRIED], reviewed_at__isnull=True)
    elif state == "open":
        qs = qs.filter(reviewed_at__isnull=True).exclude(fill__status=FillStatus.SIGNED)
    cells = list(qs.select_related("fill__table", "column", "department").order_by(
        "fill__table__template__order", "fill__table__order", "row_order", "column__order")[:1000])
    return render(request, "statedata/tasks.html", {
        "cells": cells, "year": year, "state": state, "states": TASK_STATES,
        "years": [W.academic_year(int(default_year()[:4]) - n).code for n in range(0, 4)],
        "breadcrumbs": _crumbs((_("填报任务"), None)),
    })


_TYPES = {"xlsx": XLSX, "csv": "text/csv; charset=utf-8", "json": "application/json; charset=utf-8"}


def _attachment(data: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _mapping_or_error(request):
    from .export import MappingError, configured_mapping

    try:
        return configured_mapping(), None
    except MappingError as exc:
        return None, HttpResponse(str(exc), status=500, content_type="text/plain; charset=utf-8")


@login_required
@require_safe
def table_download(request, table_id, year, fmt):
    """One filled table as .xlsx (the form's layout), CSV or JSON (records for the 数字基座)."""
    from . import export as E

    access.require(request.user, access.SEE_STATE_DATA)
    if fmt not in E.FORMATS or W.kind_of(year) != "academic_year":
        raise Http404
    table = get_object_or_404(ReportTable.objects.select_related("template").prefetch_related("columns"), pk=table_id)
    found = E.load([table], year)
    if not found:
        raise Http404
    mapping, error = _mapping_or_error(request)
    if error:
        return error
    return _attachment(E.render(found[0], fmt, mapping), _TYPES[fmt], f"{table.code}-{year}.{fmt}")


@login_required
@require_safe
def template_download(request, template_id, year, fmt):
    """Every filled table of a template as a .zip (CSV and JSON with their ``mapping.json``)."""
    from . import export as E

    access.require(request.user, access.SEE_STATE_DATA)
    if fmt not in E.FORMATS or W.kind_of(year) != "academic_year":
        raise Http404
    template = get_object_or_404(ReportTemplate, pk=template_id)
    mapping, error = _mapping_or_error(request)
    if error:
        return error
    files, _missing = E.export_files([template], year, fmt, mapping)
    if not files:
        raise Http404
    return _attachment(E.zipped(files), "application/zip", f"{template.name}-{year}-{fmt}.zip")


@login_required
@require_POST
@access.gate(access.FILL_STATE_DATA)
def failures_import(request):
    """The 数字基座's failure response: each failed record becomes its department's correction task."""
    from .corrections import MAX_BYTES, do_import_failures
    from .export import MappingError, configured_mapping

    upload = request.FILES.get("file")
    back = reverse("statedata:corrections")
    if upload is None:
        messages.error(request, _("请选择上传失败回执文件（.csv、.xlsx 或 .json）。"))
        return redirect(back)
    if upload.size > MAX_BYTES:
        messages.error(request, _("文件超过 %(mb)s MB，未写入任何内容。") % {"mb": MAX_BYTES // 1048576})
        return redirect(back)
    try:
        outcome = do_import_failures(upload.name, upload.read(), mapping=configured_mapping(), acting_user=request.user)
    except MappingError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    except ImportProblems as exc:
        return render(request, "chains/problems.html", {
            "problems": exc.problems, "back": back,
            "breadcrumbs": _crumbs((_("上传失败整改"), back), (_("导入失败"), None))}, status=400)
    messages.success(request, _("已导入“%(name)s”：%(n)s 条失败记录，新建整改任务 %(created)s 项，更新 %(updated)s 项。") % {
        "name": upload.name, "n": outcome.response.records, "created": outcome.created, "updated": outcome.updated})
    return redirect(back)


CORRECTION_STATES = (("open", gettext_lazy("待整改")), ("done", gettext_lazy("已整改")), ("all", gettext_lazy("全部")))


@login_required
@require_safe
def corrections(request):
    """The records the 数字基座 refused, as tasks of the departments the user's roles reach."""
    from .choices import CorrectionStatus
    from .models import Correction, UploadResponse

    access.require(request.user, access.ENTER_STATE_DATA)
    state = request.GET.get("state") if request.GET.get("state") in dict(CORRECTION_STATES) else "open"
    qs = access.restrict(Correction.objects.all(), request.user, access.ENTER_STATE_DATA)
    if state != "all":
        qs = qs.filter(status=CorrectionStatus.OPEN if state == "open" else CorrectionStatus.DONE)
    tasks_ = list(qs.select_related("fill__table", "department", "resolved_by", "response").order_by(
        "status", "fill__year", "fill__table__order", "row_label", "id")[:1000])
    may_import = access.may(request.user, access.FILL_STATE_DATA)
    return render(request, "statedata/corrections.html", {
        "tasks": tasks_, "state": state, "states": CORRECTION_STATES, "may_import": may_import,
        "responses": list(UploadResponse.objects.select_related("imported_by")[:10]) if may_import else [],
        "breadcrumbs": _crumbs((_("上传失败整改"), None)),
    })


@login_required
@require_POST
@access.gate(access.ENTER_STATE_DATA, on=Correction)
def correction_resolve(request, pk):
    from django.core.exceptions import ValidationError

    from .corrections import do_resolve_correction
    from .models import Correction

    task = access.access_object(Correction, request.user, access.ENTER_STATE_DATA, pk=pk)
    back = reverse("statedata:corrections")
    try:
        do_resolve_correction(task, request.POST.get("resolution", "")[:4000], acting_user=request.user)
    except ValidationError as exc:
        return _refusal(request, exc, back)
    messages.success(request, _("已整改：%(row)s。请重新导出并上传该表。") % {"row": task.row_label})
    return redirect(back)


@login_required
@require_safe
def annual_report(request, year):
    """The 质量年度报告 drafted from the annex tables as they stand (``annualreport``)."""
    from .annualreport import draft_docx

    access.require(request.user, access.FILL_STATE_DATA)
    if W.kind_of(year) != "academic_year":
        raise Http404
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return _attachment(draft_docx(year), docx, _("质量年度报告（%(year)s 学年）草稿.docx") % {"year": year})
