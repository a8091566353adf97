"""The push API (推送接口, channel 3 of the intake), served at ``/api/`` with its OpenAPI document at
``/api/openapi.json`` and interactive docs at ``/api/docs``.

Small on purpose (three operations, not an API per model): a source system registered with
``--kind api`` posts rows in batches to ``POST /api/v1/tables/{table}/rows`` with its token
(``Authorization: Bearer <token>``); every post is one import batch through the same pipeline as
files and database pulls, and the answer is the batch's summary with its rejected rows (row,
column, value and a Chinese reason). ``GET /api/v1/batches/{id}`` reads a batch again and
``GET /api/v1/tables`` lists the data dictionary's tables and fields.

Status codes: 200 for a batch that succeeded (with rejects when ``partial`` loaded the valid rows),
400 for a refused batch or a malformed body, 500 for a batch that failed inside (nothing written), 401 for a missing, unknown or revoked token, 404 for an
unknown table or a batch of another source, 413 for a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` or
more rows than ``ZHENGAI_API_MAX_ROWS``.
"""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema, Status
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer
from pydantic import Field

from zhengai.datacenter.choices import BatchStatus
from zhengai.datacenter.dictionary import TABLE_CODES, tables
from zhengai.datacenter.models import ImportBatch

from .errors import IntakeError

DEFAULT_MAX_ROWS = 50_000
# A refused batch of 50,000 bad rows must not answer with 50,000 objects; rows_rejected has the count.
MAX_REJECTS_SHOWN = 1000


class SourceToken(HttpBearer):
    """A source system's API token; the source (not a user) is the caller."""

    openapi_description = "来源系统的接口令牌（zhengai sources add NAME --kind api 时生成）"

    def authenticate(self, request, token):
        from zhengai.intake.sources import source_for_token

        return source_for_token(token)


api = NinjaAPI(
    title="诊改平台数据接口",
    version="1",
    description=__doc__.split("\n\n")[1],
    urls_namespace="api",
    docs_url="/docs",
    auth=SourceToken(),
)


class Message(Schema):
    detail: str


class RejectOut(Schema):
    row: int = Field(description="行号（从 1 开始，按提交的 rows 顺序）")
    column: str = Field(description="字段或来源列名")
    value: str = Field(description="被拒绝的值")
    reason: str = Field(description="原因（中文）")


class BatchOut(Schema):
    id: int
    source: str
    table: str
    status: str
    status_label: str
    rows_read: int
    rows_inserted: int
    rows_updated: int
    rows_unchanged: int
    rows_rejected: int = Field(description="被拒绝的行数；rejects 只列出前 1000 行")
    error: str
    created_at: datetime
    finished_at: datetime | None
    rejects: list[RejectOut]


class RowsIn(Schema):
    rows: list[dict[str, Any]] = Field(description="要导入的行，每行一个对象：数据字典字段名（或已保存映射的来源列名）→ 值")
    partial: bool = Field(False, description="true：导入有效行并退回无效行；默认 false 为全部或全不")


class FieldOut(Schema):
    name: str
    label: str
    type: str
    required: bool
    unique: bool
    code_table: str
    references: str
    description: str


class TableOut(Schema):
    code: str
    aliases: list[str]
    label: str
    natural_key: list[str]
    fields: list[FieldOut]


def _rejects(batch) -> list[dict]:
    """The batch's rejected rows as the pipeline stored them, the first ``MAX_REJECTS_SHOWN``."""
    from zhengai.intake.models import RejectedRow

    shown = RejectedRow.objects.filter(batch=batch).order_by("row_number", "pk")[:MAX_REJECTS_SHOWN]
    return [{"row": r.row_number, "column": r.column, "value": r.value, "reason": r.reason} for r in shown]


def batch_out(batch) -> dict:
    return {
        "id": batch.pk, "source": batch.source.code, "table": batch.table, "status": batch.status,
        "status_label": str(batch.get_status_display()), "rows_read": batch.rows_read,
        "rows_inserted": batch.rows_inserted, "rows_updated": batch.rows_updated,
        "rows_unchanged": batch.rows_unchanged, "rows_rejected": batch.rows_rejected, "error": batch.error,
        "created_at": batch.created_at, "finished_at": batch.finished_at, "rejects": _rejects(batch),
    }


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc):
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {"detail": _("请求体超过上限 %(mb)s MB，请分批提交（每批不超过该大小）") % {"mb": round(limit / 1024 / 1024, 2)}},
        status=413,
    )


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    problems = []
    for error in exc.errors:
        where = ".".join(str(p) for p in error.get("loc", ()) if p not in ("body", "payload"))
        problems.append(_("%(where)s：%(msg)s") % {"where": where or _("请求体"), "msg": error.get("msg", "")})
    return api.create_response(
        request, {"detail": _("请求格式不正确：") + "；".join(problems), "errors": exc.errors}, status=400
    )


@api.exception_handler(HttpError)
def _http_error(request, exc):
    # Ninja's own 400 for a body that is not JSON, in the clerk's language.
    detail = _("请求体不是有效的 JSON") if exc.status_code == 400 else str(exc)
    return api.create_response(request, {"detail": _("请求格式不正确：") + detail}, status=exc.status_code)


@api.exception_handler(AuthenticationError)
def _unauthorised(request, exc):
    response = api.create_response(
        request, {"detail": _("缺少或无效的接口令牌（Authorization: Bearer <令牌>），或令牌已被撤销")}, status=401
    )
    response["WWW-Authenticate"] = 'Bearer realm="zhengai"'
    return response


@api.get("/v1/tables", response=list[TableOut], summary="数据字典：可导入的表及字段", tags=["数据字典"])
def list_tables(request):
    aliases: dict[str, list[str]] = {}
    for code, label in TABLE_CODES.items():
        aliases.setdefault(label, []).append(code)
    return [
        {
            "code": t.code, "aliases": [a for a in aliases[t.model._meta.label] if a != t.code], "label": t.label,
            "natural_key": t.natural_key,
            "fields": [f.__dict__ for f in t.fields if f.name not in ("id", "source_id", "batch_id")],
        }
        for t in tables()
    ]


@api.post(
    "/v1/tables/{table}/rows",
    response={200: BatchOut, 400: BatchOut | Message, 404: Message, 413: Message, 500: BatchOut},
    summary="推送一批行（一个导入批次）",
    tags=["导入"],
)
def post_rows(request, table: str, payload: RowsIn):
    from zhengai.intake.pipeline import import_rows

    if table not in TABLE_CODES:
        return Status(404, {"detail": _("没有数据表 %(table)s；可用的表见 GET /api/v1/tables") % {"table": table}})
    max_rows = getattr(settings, "ZHENGAI_API_MAX_ROWS", DEFAULT_MAX_ROWS)
    if len(payload.rows) > max_rows:
        return Status(413, {"detail": _("一次最多提交 %(max)s 行，本次 %(n)s 行，请分批提交") % {"max": max_rows, "n": len(payload.rows)}})
    if not payload.rows:
        return Status(400, {"detail": _("rows 为空：没有可导入的行")})
    try:
        batch = import_rows(
            request.auth, table, payload.rows, file_name=_("接口推送"), user=None, partial=payload.partial
        )
    except IntakeError as exc:  # a table that cannot be imported at all; no batch was made
        return Status(404, {"detail": str(exc)})
    # Refused is the sender's to fix (400); failed is ours (500, nothing written either way).
    status = {BatchStatus.SUCCEEDED: 200, BatchStatus.REFUSED: 400}.get(batch.status, 500)
    return Status(status, batch_out(batch))


@api.get("/v1/batches/{batch_id}", response={200: BatchOut, 404: Message}, summary="查询一个导入批次", tags=["导入"])
def get_batch(request, batch_id: int):
    # A source reads only its own batches; another's answers as if it did not exist.
    batch = ImportBatch.objects.select_related("source").filter(pk=batch_id, source=request.auth).first()
    if batch is None:
        return Status(404, {"detail": _("没有编号为 %(id)s 的批次") % {"id": batch_id}})
    return Status(200, batch_out(batch))
