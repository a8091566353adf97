"""Small shared pieces of the .xlsx imports: cell text, numbers, and problems that name the row,
the column and the value in Chinese."""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class ImportProblems(Exception):
    """A file that cannot be imported as it is; ``problems`` lists every bad cell. Nothing is written."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def problem(row: int, column: str, value, message: str) -> str:
    return _("第 %(row)s 行，“%(column)s”列，值“%(value)s”：%(message)s") % {
        "row": row, "column": column, "value": "" if value is None else value, "message": message}


def cell_text(value) -> str:
    """A cell's text as a person reads it: numbers without a trailing ``.0``, dates as ISO days."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f") if value != int(value) else str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def parse_decimal(text: str) -> Decimal | None:
    """``85``, ``85.5``, ``85%`` → Decimal; blank → None; raises ValueError otherwise."""
    text = (text or "").strip().rstrip("%％")
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("应为数字")) from None
    if not value.is_finite():
        raise ValueError(_("应为数字"))
    return value


def decimal_text(value: Decimal | None) -> str:
    if value is None:
        return ""
    value = Decimal(value)
    text = format(value.normalize(), "f")
    return text


def decimal_cell(value: Decimal | None):
    """A number for a spreadsheet cell: int when whole, else float (exact for four decimals)."""
    if value is None:
        return None
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)


def parse_day(text: str) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    for sep in ("-", ".", "/"):
        parts = text.split(sep)
        if len(parts) == 3 and all(p.isdigit() for p in parts):
            try:
                return date(int(parts[0]), int(parts[1]), int(parts[2]))
            except ValueError:
                break
    raise ValueError(_("应为日期，如 2026-09-01"))
