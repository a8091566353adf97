"""Filling the to-dos, reviewing them and signing a table off (填报 → 审核 → 签发).

A cell the platform cannot compute is a task of its department: someone there with the act
``enter_state_data`` enters the value with its evidence (where the figure comes from: a ledger,
a contract, a finance report); the head (``review_state_data``) approves it or sends it back with
a comment. When no to-do remains, every entered value is approved and the consistency checks find
no mismatch, the quality office signs the table (``sign_state_table``) — after confirming each
year-on-year change flagged — and from then on the table is locked: filling again, entering and
reviewing all refuse. Each step is one transaction; django-auditlog keeps the history.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengai.core import clock

from . import checks
from .choices import CellOrigin, FillStatus
from .models import CellValue, TableFill

OWED = (CellOrigin.TODO, CellOrigin.ENTERED, CellOrigin.CARRIED)


class Locked(ValidationError):
    """The table is signed: nothing in it changes."""


def _unlocked(fill: TableFill):
    if fill.status == FillStatus.SIGNED:
        raise Locked(_("“%(table)s”（%(year)s 学年）已签发锁定，不能再修改") % {"table": fill.table.name, "year": fill.year})


def parse_value(text) -> float:
    text = str(text or "").strip().rstrip("%％").replace(",", "")
    if not text:
        raise ValidationError(_("请填写数值"))
    try:
        value = float(text)
    except ValueError:
        raise ValidationError(_("“%(value)s”不是数字") % {"value": text}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise ValidationError(_("“%(value)s”不是数字") % {"value": text})
    return value


@transaction.atomic
def do_enter_cell(cell: CellValue, value_text, evidence: str, *, acting_user) -> CellValue:
    cell = CellValue.objects.select_for_update().select_related("fill__table").get(pk=cell.pk)
    _unlocked(cell.fill)
    if cell.origin not in OWED:
        raise ValidationError(_("该数据由平台按指标计算，不能手工填报"))
    if cell.reviewed_at is not None:
        raise ValidationError(_("该数据已审核通过；如需修改，请负责人先退回"))
    value = parse_value(value_text)
    evidence = (evidence or "").strip()
    if not evidence:
        raise ValidationError(_("请说明数据来源或佐证（如台账、合同、财务报表的名称与编号）"))
    cell.value, cell.origin, cell.evidence = value, CellOrigin.ENTERED, evidence[:2000]
    cell.entered_by, cell.entered_at = acting_user, clock.now()
    cell.review_comment = ""
    cell.save(update_fields=["value", "origin", "evidence", "entered_by", "entered_at", "review_comment"])
    return cell


@transaction.atomic
def do_review_cell(cell: CellValue, approve: bool, comment: str = "", *, acting_user) -> CellValue:
    cell = CellValue.objects.select_for_update().select_related("fill__table").get(pk=cell.pk)
    _unlocked(cell.fill)
    if cell.origin not in (CellOrigin.ENTERED, CellOrigin.CARRIED) or cell.value is None:
        raise ValidationError(_("该格尚未填报，无可审核"))
    if approve:
        cell.reviewed_by, cell.reviewed_at, cell.review_comment = acting_user, clock.now(), (comment or "").strip()[:500]
    else:
        if not (comment or "").strip():
            raise ValidationError(_("退回时请写明原因"))
        cell.reviewed_by, cell.reviewed_at, cell.review_comment = None, None, comment.strip()[:500]
    cell.save(update_fields=["reviewed_by", "reviewed_at", "review_comment"])
    return cell


def sign_problems(fill: TableFill, *, confirmed: bool) -> list[str]:
    """Why the table cannot be signed yet (empty: it can)."""
    problems = []
    todo = fill.cells.filter(origin=CellOrigin.TODO).count()
    if todo:
        problems.append(_("还有 %(n)s 格待填报") % {"n": todo})
    unreviewed = fill.cells.filter(origin__in=[CellOrigin.ENTERED, CellOrigin.CARRIED], reviewed_at__isnull=True).count()
    if unreviewed:
        problems.append(_("还有 %(n)s 格已填报、未经负责人审核") % {"n": unreviewed})
    findings = checks.for_fill(fill)
    problems += [f.message for f in findings if f.kind == checks.BLOCKING]
    if not confirmed and any(f.kind == checks.FLAG for f in findings):
        problems.append(_("有同比变化超过阈值的数据，请逐项复核后勾选“已复核”再签发"))
    return problems


@transaction.atomic
def do_sign_table(fill: TableFill, *, confirmed: bool = False, acting_user) -> TableFill:
    fill = TableFill.objects.select_for_update().select_related("table__template").get(pk=fill.pk)
    _unlocked(fill)
    problems = sign_problems(fill, confirmed=confirmed)
    if problems:
        raise ValidationError(problems)
    fill.status, fill.signed_by, fill.signed_at = FillStatus.SIGNED, acting_user, clock.now()
    fill.save(update_fields=["status", "signed_by", "signed_at"])
    return fill
