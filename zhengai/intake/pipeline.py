"""THE intake pipeline: every channel (files, database pulls, the push API) hands rows to
``import_rows`` and gets back an ``ImportBatch``.

One run, in order:

1. the columns are bound to the data dictionary (through the saved mapping of the source and
   table, else by field name or Chinese label); missing required columns refuse the batch;
2. each row is converted and checked in Python (types, required values, codes, references by
   natural key resolved from one query per referenced table, ranges) and streamed into a
   temporary staging table (PostgreSQL COPY, SQLite executemany in chunks);
3. composite references and duplicate keys are checked in SQL on the staging table;
4. with any rejected row the batch is refused unless ``partial``; otherwise the staged rows are
   upserted by natural key (previous values of changed rows kept for undo) and the subject
   registry follows master data.

Steps 2–4 run in one transaction: a refusal, an error or a killed process leaves the data as it
was. The batch row itself is written outside that transaction, so it survives to say what happened.
"""

import logging
import os
import socket
import time
from collections.abc import Iterable, Mapping as MappingABC
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.models import ImportBatch, SourceSystem

from . import staging
from .choices import BatchAction
from .columns import Column, TableSpec, norm_header, spec_for
from .convert import Invalid, as_text, make_converter
from .errors import IntakeError, SourceFailed
from .models import BatchChange, BatchEvent, Mapping, RejectedRow
from .rules import rule_for

logger = logging.getLogger(__name__)

__all__ = [
    "IntakeError", "TableRows", "import_rows", "do_undo_batch", "undo_batch", "recover_stale_batches",
    "summary", "reject_message",
]


class TableRows:
    """Rows that know their header and their own row numbers (a file: header on row 1, data from
    row 2). Readers subclass it; ``open()`` is called inside the batch so that an unreadable file
    is a refused batch with its message. ``notes`` are lines for the batch log."""

    def __init__(self, headers: list | None = None, rows: Iterable | None = None, first_row: int = 2):
        self.headers = list(headers or [])
        self._rows = rows or []
        self.first_row = first_row
        self.notes: list[str] = []

    def open(self) -> None:
        pass

    def numbered(self):
        """(row number, list of cells) for each data row."""
        return enumerate(self._rows, start=self.first_row)

    def close(self) -> None:
        pass


class _DictRows(TableRows):
    """Dict rows from an API or a database pull: the keys of the first row are the header."""

    def __init__(self, rows: Iterable[MappingABC]):
        super().__init__(first_row=1)
        self._iter = iter(rows)
        self._first = None

    def open(self):
        for first in self._iter:
            self._first = first
            self.headers = list(first.keys())
            break

    def numbered(self):
        if self._first is None:
            return
        headers = self.headers
        yield 1, [self._first.get(h) for h in headers]
        for n, row in enumerate(self._iter, start=2):
            yield n, [row.get(h) for h in headers]


@dataclass
class Rules:
    """A saved mapping, normalised: header → field, per-field value maps and date formats."""

    columns: dict = field(default_factory=dict)
    value_maps: dict = field(default_factory=dict)
    date_formats: dict = field(default_factory=dict)

    @classmethod
    def of(cls, mapping) -> "Rules":
        if mapping is None:
            return cls()
        if isinstance(mapping, Mapping):
            data = {"columns": mapping.columns, "value_maps": mapping.value_maps, "date_formats": mapping.date_formats}
        else:
            data = dict(mapping)
        return cls(
            columns={norm_header(k): v for k, v in (data.get("columns") or {}).items() if v},
            value_maps=dict(data.get("value_maps") or {}),
            date_formats=dict(data.get("date_formats") or {}),
        )


class _Refused(Exception):
    pass


def reject_message(row_number: int, reason: str) -> str:
    return _("第 %(row)s 行，%(reason)s") % {"row": row_number, "reason": reason}


def _problem(column: str, value, reason: str) -> str:
    text = as_text(value) if value is not None else ""
    if text == "":
        return _("列“%(column)s”：%(reason)s") % {"column": column, "reason": reason}
    if len(text) > 60:
        text = text[:57] + "…"
    return _("列“%(column)s”：值“%(value)s”%(reason)s") % {"column": column, "value": text, "reason": reason}


def summary(batch: ImportBatch) -> str:
    """One sentence for the clerk about what a batch did."""
    if batch.status == BatchStatus.SUCCEEDED:
        if batch.rows_inserted == 0 and batch.rows_updated == 0:
            text = _("全部 %(n)s 行未变化") % {"n": batch.rows_unchanged}
        else:
            text = _("新增 %(i)s 行，更新 %(u)s 行，未变化 %(c)s 行") % {
                "i": batch.rows_inserted, "u": batch.rows_updated, "c": batch.rows_unchanged}
        if batch.rows_rejected:
            text += _("，拒绝 %(r)s 行") % {"r": batch.rows_rejected}
        return text
    if batch.status == BatchStatus.UNDONE:
        return _("已撤销")
    return batch.error or batch.get_status_display()


# The run --------------------------------------------------------------------------------------


class _Run:
    def __init__(self, batch: ImportBatch, spec: TableSpec, rules: Rules, partial: bool):
        self.batch, self.spec, self.rules, self.partial = batch, spec, rules, partial
        self.log: list[str] = []
        self.rejects: list[dict] = []
        self.rejected = 0
        self.read = self.inserted = self.updated = self.unchanged = 0
        self.max_rejects = getattr(settings, "ZHENGAI_IMPORT_MAX_REJECTS", 10_000)

    # Binding the header ------------------------------------------------------------------------

    def bind(self, headers: list) -> list[tuple[int, Column]]:
        spec = self.spec
        alias = {}
        for column in spec.columns:
            for a in column.aliases | {norm_header(column.label)}:
                alias.setdefault(a, column)
        bound: dict[str, tuple[int, Column]] = {}
        ignored = []
        for i, header in enumerate(headers):
            h = norm_header(header)
            if not h:
                continue
            target = self.rules.columns.get(h)
            column = alias.get(norm_header(target)) if target else alias.get(h)
            if column is None:
                ignored.append(str(header))
                continue
            if column.name in bound:
                other = headers[bound[column.name][0]]
                raise IntakeError(_("列“%(a)s”和列“%(b)s”都对应字段“%(field)s”，请删除其中一列或修改字段映射。")
                                  % {"a": other, "b": header, "field": column.label})
            bound[column.name] = (i, column)
        if not bound:
            expected = "、".join(c.label for c in spec.columns)
            seen = "、".join(str(h) for h in headers if str(h).strip())[:200]
            raise IntakeError(_("没有找到可识别的表头（读到的表头：%(seen)s）。%(table)s的表头应为：%(expected)s。如果表头是乱码，请把文件另存为“CSV UTF-8”或 .xlsx。") % {
                "seen": seen or "空", "table": spec.label, "expected": expected})
        rule = rule_for(spec, {c.attname for _i, c in bound.values()})
        filled = {c for c in rule.fills}
        missing = [c.label for c in spec.columns if c.required and c.name not in bound and c.attname not in filled]
        if missing:
            raise IntakeError(_("缺少必填列：%(missing)s。请使用模板的表头，或在字段映射中指定对应的列。") % {
                "missing": "、".join(missing)})
        if ignored:
            self.log.append(_("已忽略未识别的列：%(cols)s") % {"cols": "、".join(ignored)})
        self.rule = rule
        return sorted(bound.values(), key=lambda pair: pair[0])

    def _value_map(self, column: Column):
        for key in (column.name, column.label, column.attname):
            if key in self.rules.value_maps:
                return self.rules.value_maps[key]
        return None

    def _date_format(self, column: Column):
        for key in (column.name, column.label):
            if key in self.rules.date_formats:
                return self.rules.date_formats[key]
        return None

    def load_refs(self, bound) -> tuple[dict, dict]:
        """natural key → id for each referenced table: one query per table; and the extras rules need."""
        refs, extra = {}, {}
        for _i, column in bound:
            if column.kind == "ref" and column.ref_model not in refs:
                model = column.ref_model
                wanted = self.rule.extras.get(model)
                if wanted:
                    data = {}
                    ids = {}
                    for key, pk, *rest in model._default_manager.values_list(column.ref_field, "pk", *wanted).iterator(chunk_size=5000):
                        ids[key] = pk
                        data[pk] = tuple(rest)
                    refs[model] = ids
                    extra[model] = data
                else:
                    refs[model] = dict(model._default_manager.values_list(column.ref_field, "pk").iterator(chunk_size=5000))
        for model in self.rule.extras:
            extra.setdefault(model, {})
        return refs, extra

    # Rejects ------------------------------------------------------------------------------------

    def reject(self, row_no: int, problems: list[tuple[str, object, str]], data: dict):
        self.rejected += 1
        if len(self.rejects) < self.max_rejects:
            column, value, _reason = problems[0]
            self.rejects.append({
                "row_number": row_no, "column": str(column)[:200], "value": as_text(value) if value is not None else "",
                "reason": "；".join(_problem(c, v, r) for c, v, r in problems), "data": data,
            })

    # The run ------------------------------------------------------------------------------------

    def execute(self, source: TableRows):
        spec = self.spec
        source.open()
        self.log.extend(source.notes)
        headers = [str(h) if h is not None else "" for h in source.headers]
        if not headers:
            raise IntakeError(_("文件是空的：没有表头，也没有数据行。"))
        bound = self.bind(headers)
        refs, extra = self.load_refs(bound)
        rule = self.rule

        stage_cols = [(c.attname, c.db_type) for _i, c in bound]
        stage_cols += rule.stage_columns(connection)
        for comp in spec.composites:
            staged = {n for n, _t in stage_cols}
            if comp.optional and comp.optional not in staged:
                stage_cols.append((comp.optional, spec.column(comp.optional).db_type))
            stage_cols.append((comp.target, comp.db_type))
        # A key column the file leaves out takes the model's default (a grade's 考试次数 is 1).
        constants = {}
        for key in spec.natural_key:
            if key not in {n for n, _t in stage_cols}:
                f = next(f for f in spec.model._meta.concrete_fields if f.attname == key)
                if not f.has_default():
                    raise IntakeError(_("缺少必填列：%(missing)s。") % {"missing": f.verbose_name})
                stage_cols.append((key, f.db_type(connection)))
                constants[key] = f.get_default()
        names = ["row_no", *[n for n, _t in stage_cols]]
        ix = {n: k for k, n in enumerate(names)}
        width = len(names)
        template = [None] * width
        for key, value in constants.items():
            template[ix[key]] = value
        convs = [
            (i, make_converter(c, self._value_map(c), self._date_format(c), refs.get(c.ref_model)), ix[c.attname], headers[i])
            for i, c in bound
        ]
        pad = [None] * len(headers)
        nheaders = len(headers)

        stage = staging.Stage(stage_cols)
        stage.create()
        stage.open()
        add = stage.add
        flush = stage.flush_if_full if connection.vendor != "postgresql" else None
        check = rule.bind(ix, extra)
        read = 0  # a local in the loop, kept on the run when the loop ends however it ends
        try:
            for row_no, values in source.numbered():
                read += 1
                if len(values) < nheaders:
                    values = list(values) + pad[len(values):]
                out = template.copy()
                out[0] = row_no
                problems = None
                for i, convert, j, header in convs:
                    try:
                        out[j] = convert(values[i])
                    except Invalid as exc:
                        if problems is None:
                            problems = []
                        problems.append((header, values[i], str(exc)))
                if problems is None and check is not None:
                    problems = check(out)
                if problems is not None:
                    self.reject(row_no, problems, [[h, _cell(v)] for h, v in zip(headers, values)])
                    continue
                # Valid rows are staged even when the batch will be refused, so the set-based checks
                # (references by several columns, duplicate keys) report every problem at once.
                add(out)
                if flush is not None:
                    flush()
        except BaseException:
            stage.abort()
            raise
        finally:
            self.read += read
        stage.close()
        source.close()
        if self.read == 0:
            raise IntakeError(_("文件只有表头，没有数据行。"))

        # Set-based checks on the staging table.
        reverse = _Reverse(refs)
        col_of = {c.attname: (c, headers[i]) for i, c in bound}
        for comp in spec.composites:
            stage.resolve(comp)
            rows, count = stage.unresolved(comp, max(self.max_rejects - len(self.rejects), 0))
            for row in rows:
                data = reverse.row(names, row, col_of)
                values = " / ".join(str(_cell(data.get(label, ""))) or "空" for label in _labels_in(comp.column_labels, data))
                self.reject(row[0], [("、".join(comp.column_labels), None, f"“{values}”：{comp.message}")], list(map(list, data.items())))
            self.rejected += count - len(rows)
            if count:
                stage.drop_unresolved(comp)
        key_labels = _key_labels(spec)
        rows, count = stage.duplicates(spec.natural_key, max(self.max_rejects - len(self.rejects), 0))
        for row in rows:
            first = row[-1]
            data = reverse.pairs(names, row[:-1], col_of)
            self.reject(row[0], [("、".join(key_labels), "", _("与第 %(first)s 行重复（%(key)s相同）") % {
                "first": first, "key": "、".join(key_labels)})], data)
        self.rejected += count - len(rows)
        if count:
            stage.drop_duplicates(spec.natural_key)

        if self.rejected and not self.partial:
            raise _Refused()
        staged = stage.count_rows()
        if staged == 0:
            raise IntakeError(_("没有可导入的有效行。"))
        target_columns = [n for n, _t in stage_cols if n in _target_attnames(spec)]
        defaults = _defaults(spec, set(target_columns))
        self.inserted, self.updated = staging.upsert(
            spec, stage, target_columns, defaults, self.batch.pk, self.batch.source_id
        )
        self.unchanged = staged - self.inserted - self.updated
        stage.drop()
        if spec.master:
            from zhengai.datacenter.subjects import sync_subjects

            sync_subjects()


class _Reverse:
    """id → natural key for the rare rows rejected after staging, built only when needed."""

    def __init__(self, refs):
        self.refs = refs
        self.maps = {}

    def key(self, model, pk):
        if model not in self.maps:
            self.maps[model] = {v: k for k, v in self.refs.get(model, {}).items()}
        return self.maps[model].get(pk, pk)

    def row(self, names, row, col_of):
        data = {}  # header → value; stored as pairs so the order survives jsonb
        for name, value in zip(names, row):
            if name in col_of:
                column, header = col_of[name]
                if column.kind == "ref":
                    value = self.key(column.ref_model, value)
                elif column.kind == "choice":
                    value = dict(column.model_field.choices).get(value, value)
                data[header] = _cell(value)
        return data

    def pairs(self, names, row, col_of):
        return [[k, v] for k, v in self.row(names, row, col_of).items()]


def _labels_in(labels, data):
    return [label for label in labels if label in data] or list(data)[:3]


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, (int, float, str, bool)):
        return value
    return as_text(value) if not hasattr(value, "isoformat") else value.isoformat()


def _key_labels(spec: TableSpec) -> list[str]:
    labels = []
    for k in spec.natural_key:
        comp = next((c for c in spec.composites if c.target == k), None)
        if comp:
            labels.extend(comp.column_labels)
            continue
        labels.extend(c.label for c in spec.columns if c.attname == k)
    return labels


def _target_attnames(spec: TableSpec) -> set[str]:
    return {f.attname for f in spec.model._meta.concrete_fields} - {"id", "batch_id", "source_id"}


def _defaults(spec: TableSpec, present: set[str]) -> dict:
    """Values for the NOT NULL columns a file does not give, as the model would set them."""
    out = {}
    for f in spec.model._meta.concrete_fields:
        if f.attname in present or f.primary_key or f.attname in ("batch_id", "source_id") or f.null:
            continue
        if f.has_default():
            out[f.attname] = f.get_db_prep_save(f.get_default(), connection)
        elif f.blank and not f.is_relation:
            out[f.attname] = ""
    return out


def _runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def import_rows(
    source: SourceSystem,
    table: str,
    rows: Iterable[MappingABC] | TableRows,
    *,
    file_name: str = "",
    user=None,
    partial: bool = False,
    mapping: "Mapping | MappingABC | None" = None,
) -> ImportBatch:
    """Import ``rows`` into the data-dictionary table ``table`` as one batch from ``source``.

    ``rows`` are dicts keyed by the source's column names (or a ``TableRows`` from a file reader).
    Returns the batch, whose ``status`` is succeeded, refused (bad input: ``error`` says why and
    ``rejected_rows`` name each row) or failed (an internal error; nothing written). Raises
    ``IntakeError`` only for a table that cannot be imported, before any batch exists.
    """
    with translation.override(settings.LANGUAGE_CODE):
        spec = spec_for(table)
    if mapping is None:
        mapping = Mapping.objects.filter(source=source, table=table).first()
    rules = Rules.of(mapping)
    recover_stale_batches()
    batch = ImportBatch.objects.create(
        source=source, table=table, status=BatchStatus.RUNNING, file_name=file_name[:500],
        created_by=user if getattr(user, "pk", None) else None, started_at=timezone.now(), partial=partial,
        runner=_runner(),
    )
    run = _Run(batch, spec, rules, partial)
    tabular = rows if isinstance(rows, TableRows) else _DictRows(rows)
    started = time.perf_counter()
    action = BatchAction.IMPORTED
    try:
        with transaction.atomic():
            run.execute(tabular)
        batch.status = BatchStatus.SUCCEEDED
    except _Refused:
        batch.status, action = BatchStatus.REFUSED, BatchAction.REFUSED
        first = "；".join(reject_message(r["row_number"], r["reason"]) for r in run.rejects[:3])
        batch.error = _("导入被拒绝：共 %(n)s 行有错误，未写入任何数据。%(first)s%(more)s") % {
            "n": run.rejected, "first": first, "more": _("……（详见被拒绝的行）") if run.rejected > 3 else ""}
    except IntakeError as exc:
        batch.status, action = BatchStatus.REFUSED, BatchAction.REFUSED
        batch.error = str(exc)
    except SourceFailed as exc:
        batch.status, action = BatchStatus.FAILED, BatchAction.FAILED
        batch.error = str(exc)
    except Exception as exc:
        logger.exception("import batch %s failed", batch.pk)
        batch.status, action = BatchStatus.FAILED, BatchAction.FAILED
        batch.error = _("导入失败，未写入任何数据（内部错误：%(error)s）。请联系系统管理员。") % {"error": exc.__class__.__name__}
    except BaseException:
        # Interrupted (Ctrl-C, shutdown): the transaction is gone; say so before leaving.
        _finish(batch, run, BatchStatus.FAILED, BatchAction.FAILED, _("导入被中断，未写入任何数据。"), started, user)
        raise
    _finish(batch, run, batch.status, action, batch.error, started, user)
    return batch


def _finish(batch, run, status, action, error, started, user):
    batch.status = status
    batch.error = error or ""
    batch.rows_read = run.read
    batch.rows_inserted, batch.rows_updated, batch.rows_unchanged = run.inserted, run.updated, run.unchanged
    if status != BatchStatus.SUCCEEDED:
        batch.rows_inserted = batch.rows_updated = batch.rows_unchanged = 0
    batch.rows_rejected = run.rejected
    batch.finished_at = timezone.now()
    elapsed = time.perf_counter() - started
    lines = list(run.log)
    lines.append(summary(batch) if status == BatchStatus.SUCCEEDED else batch.error)
    if run.rejected > len(run.rejects):
        lines.append(_("被拒绝的行只保存了前 %(n)s 行。") % {"n": len(run.rejects)})
    lines.append(_("用时 %(s).2f 秒") % {"s": elapsed})
    batch.log = "\n".join(str(line) for line in lines)
    with transaction.atomic():
        batch.save()
        RejectedRow.objects.bulk_create(
            (RejectedRow(batch=batch, **r) for r in run.rejects), batch_size=1000
        )
        BatchEvent.objects.create(batch=batch, action=action, actor=user if getattr(user, "pk", None) else None,
                                  detail=lines[-2] if len(lines) > 1 else "")


# Undo -------------------------------------------------------------------------------------------


def do_undo_batch(batch: ImportBatch, *, acting_user) -> ImportBatch:
    """Undo a succeeded batch: rows it inserted are deleted, rows it updated get their previous
    values back. Refused when a later batch changed the same rows (undo that one first) or when
    other data already refers to rows it inserted. One transaction, audited."""
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
            if locked.status != BatchStatus.SUCCEEDED:
                raise IntakeError(_("只有成功的批次可以撤销（批次 #%(id)s 的状态是“%(status)s”）。") % {
                    "id": locked.pk, "status": locked.get_status_display()})
            later = (
                BatchChange.objects.filter(prev_batch=locked, batch__status=BatchStatus.SUCCEEDED)
                .exclude(batch=locked).order_by("-batch_id").values_list("batch_id", flat=True).first()
            )
            if later:
                raise IntakeError(_("批次 #%(later)s 之后修改了本批次导入的数据，请先撤销批次 #%(later)s。") % {"later": later})
            with translation.override(settings.LANGUAGE_CODE):
                spec = spec_for(locked.table)
            deleted, restored = staging.undo(spec.model, locked.pk)
            referencing = sorted({rel.related_model._meta.db_table for rel in staging.reverse_relations(spec.model)})
            connection.check_constraints(table_names=referencing)
            if spec.master:
                from zhengai.datacenter.subjects import sync_subjects

                sync_subjects()
            detail = _("撤销：删除新增的 %(d)s 行，恢复更新的 %(r)s 行") % {"d": deleted, "r": restored}
            locked.status = BatchStatus.UNDONE
            locked.log = (locked.log + "\n" if locked.log else "") + detail
            locked.save(update_fields=["status", "log"])
            BatchEvent.objects.create(batch=locked, action=BatchAction.UNDONE, actor=acting_user, detail=detail)
    except IntegrityError:
        raise IntakeError(_("本批次新增的数据已被其他数据引用（例如考勤、成绩引用了学生），不能撤销；请先撤销引用它们的批次。")) from None
    batch.refresh_from_db()
    return batch


undo_batch = do_undo_batch


# Batches left running by a killed process -----------------------------------------------------


def recover_stale_batches() -> int:
    """Mark as failed the batches whose process is gone (a kill, a crash, a power cut). Their data
    was never committed, so only the batch row needs to say so. Returns how many were marked."""
    stale_after = timedelta(hours=getattr(settings, "ZHENGAI_IMPORT_STALE_HOURS", 12))
    now = timezone.now()
    host = socket.gethostname()
    marked = 0
    for pk, runner, started_at, created_at in ImportBatch.objects.filter(status=BatchStatus.RUNNING).values_list("pk", "runner", "started_at", "created_at"):
        runner_host, _sep, pid = runner.rpartition(":")
        dead = now - (started_at or created_at) > stale_after
        if not dead and runner_host == host and pid.isdigit():
            dead = not _alive(int(pid))
        if not dead:
            continue
        message = _("导入进程意外终止（被结束、崩溃或断电），本批次未写入任何数据。")
        # A conditional update: if the batch finished meanwhile, it is left alone.
        if ImportBatch.objects.filter(pk=pk, status=BatchStatus.RUNNING).update(
            status=BatchStatus.FAILED, error=message, finished_at=now
        ):
            BatchEvent.objects.create(batch_id=pk, action=BatchAction.RECOVERED, detail=message)
            marked += 1
    return marked


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
