"""Turning one cell into one stored value, with a clerk-readable reason when it cannot be.

A cell arrives as text (CSV, push API) or as a typed value (.xlsx: numbers, dates, booleans).
Converters are built once per column and memoised by raw value, because the columns that cost
the most per row (references, codes, dates) repeat few distinct values across a large file.
"""

import re
import uuid
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from .columns import Column, norm_value

# Built-in value maps (source value → stored value or label), applied before a saved mapping's own.
# 性别: the national code GB/T 2261.1 writes 1 男, 2 女.
DEFAULT_VALUE_MAPS = {
    "gender": {"1": "M", "2": "F", "男性": "M", "女性": "F", "male": "M", "female": "F"},
    # 成绩 given as five grades (五级制): the usual conversion to the 100-point scale.
    "score": {"优": "95", "优秀": "95", "良": "85", "良好": "85", "中": "75", "中等": "75",
              "及格": "65", "合格": "65", "不及格": "50", "不合格": "50"},
    "status": {"正常": "present", "到课": "present", "旷课": "absent", "缺课": "absent", "事假": "leave", "病假": "leave",
               "公假": "leave", "早退": "late"},
}
TRUE_WORDS = {"1", "true", "t", "yes", "y", "是", "√", "✓", "对", "有"}
FALSE_WORDS = {"0", "false", "f", "no", "n", "否", "×", "✗", "无", "不是"}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DATE_PARTS = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*(?:[ T]\s*(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*$")
_TERM = re.compile(r"^\s*(\d{4})\s*[-－—~至]\s*(\d{4})\s*(?:学年)?\s*[-－—_ ]?\s*(?:第)?\s*([12一二])\s*(?:学期)?\s*$")
_CACHE_LIMIT = 100_000
EMPTY = object()


class Invalid(Exception):
    """A cell that cannot be stored; the message says why, in words a clerk understands."""


def is_empty(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def as_text(raw) -> str:
    """A cell as text: whole numbers from a spreadsheet lose their ``.0`` (学号 2024001.0 → 2024001)."""
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "1" if raw else "0"
    if isinstance(raw, float):
        if raw.is_integer():
            return str(int(raw))
        return repr(raw)
    if isinstance(raw, datetime):
        return raw.isoformat(sep=" ")
    return str(raw).strip()


def term_code(text: str) -> str:
    """学期 written as colleges do → the platform's code: 2026-2027学年第一学期 → 2026-2027-1."""
    m = _TERM.match(text)
    if not m:
        return text
    number = {"一": "1", "二": "2"}.get(m.group(3), m.group(3))
    return f"{m.group(1)}-{m.group(2)}-{number}"


def parse_date(raw, fmt: str | None = None) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = as_text(raw)
    if fmt:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            raise Invalid(_("不是“%(fmt)s”格式的日期") % {"fmt": fmt}) from None
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    m = _DATE_PARTS.match(text)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise Invalid(_("不是有效的日期")) from None
    raise Invalid(_("不是有效的日期（应为 2026-09-01 这样的格式）"))


def parse_datetime(raw, fmt: str | None = None) -> datetime:
    if isinstance(raw, datetime):
        value = raw
    elif isinstance(raw, date):
        value = datetime(raw.year, raw.month, raw.day)
    else:
        text = as_text(raw)
        value = None
        if fmt:
            try:
                value = datetime.strptime(text, fmt)
            except ValueError:
                raise Invalid(_("不是“%(fmt)s”格式的时间") % {"fmt": fmt}) from None
        else:
            try:
                value = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                m = _DATE_PARTS.match(text)
                if not m:
                    raise Invalid(_("不是有效的时间（应为 2026-09-01 08:00 这样的格式）")) from None
                try:
                    value = datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)),
                                     int(m.group(4) or 0), int(m.group(5) or 0), int(m.group(6) or 0))
                except ValueError:
                    raise Invalid(_("不是有效的时间")) from None
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def parse_int(raw) -> int:
    if isinstance(raw, bool):
        raise Invalid(_("不是整数"))
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float):
        if raw.is_integer():
            return int(raw)
        raise Invalid(_("不是整数"))
    text = as_text(raw)
    try:
        return int(text)
    except ValueError:
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise Invalid(_("不是整数")) from None
        if number == number.to_integral_value():
            return int(number)
        raise Invalid(_("不是整数")) from None


def parse_decimal(raw, column: Column) -> Decimal:
    if isinstance(raw, bool):
        raise Invalid(_("不是数字"))
    try:
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(as_text(raw))
    except InvalidOperation:
        raise Invalid(_("不是数字")) from None
    if not number.is_finite():
        raise Invalid(_("不是数字"))
    if column.decimal_places is not None:
        number = number.quantize(Decimal(1).scaleb(-column.decimal_places), rounding=ROUND_HALF_UP)
        if len(number.as_tuple().digits) > (column.max_digits or 99) and number != 0:
            raise Invalid(_("数值太大"))
    return number


def parse_bool(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = norm_value(as_text(raw))
    if text in TRUE_WORDS:
        return True
    if text in FALSE_WORDS:
        return False
    raise Invalid(_("应为“是”或“否”"))


def make_converter(column: Column, value_map: dict | None = None, date_format: str | None = None, refs=None):
    """A function cell → stored value for ``column`` (raises Invalid). ``refs`` maps natural key → id
    for references. Empty cells give the column's empty value, or Invalid when required."""
    vmap = {norm_value(k): v for k, v in (DEFAULT_VALUE_MAPS.get(column.name) or {}).items()}
    vmap.update({norm_value(k): v for k, v in (value_map or {}).items()})
    kind = column.kind
    if column.model_field is None or column.model_field.null:
        empty_value = None  # a helper column (节次) or a nullable field
    elif column.default is not None:
        empty_value = column.default
    elif kind in ("text", "email") and column.model_field is not None and column.model_field.blank:
        empty_value = ""
    else:
        empty_value = EMPTY

    def convert(raw):
        if vmap:
            key = norm_value(as_text(raw)) if raw is not None else ""
            if key in vmap:
                raw = vmap[key]
        if is_empty(raw):
            if column.required or empty_value is EMPTY:
                raise Invalid(_("必填，不能为空"))
            return empty_value
        if kind == "text":
            value = as_text(raw)
            if column.max_length and len(value) > column.max_length:
                raise Invalid(_("太长（最多 %(n)s 个字）") % {"n": column.max_length})
            return value
        if kind == "ref":
            key = as_text(raw)
            if column.ref_field == "code" and column.ref_model._meta.model_name == "term":
                key = term_code(key)
            try:
                return refs[key]
            except KeyError:
                raise Invalid(_("在%(table)s中不存在") % {"table": column.ref_label}) from None
        if kind == "choice":
            try:
                return column.choices[norm_value(as_text(raw))]
            except KeyError:
                allowed = "、".join(str(label) for _v, label in column.model_field.choices)
                raise Invalid(_("不是可用的代码（可用：%(allowed)s）") % {"allowed": allowed}) from None
        if kind == "int":
            value = parse_int(raw)
        elif kind == "decimal":
            value = parse_decimal(raw, column)
        elif kind == "date":
            return parse_date(raw, date_format)
        elif kind == "datetime":
            return parse_datetime(raw, date_format)
        elif kind == "bool":
            return parse_bool(raw)
        elif kind == "uuid":
            try:
                return uuid.UUID(as_text(raw))
            except ValueError:
                raise Invalid(_("不是有效的 UUID")) from None
        elif kind == "email":
            value = as_text(raw)
            if not _EMAIL.match(value):
                raise Invalid(_("不是有效的电子邮箱"))
            return value
        else:  # pragma: no cover - every model field kind is listed above
            raise Invalid(kind)
        if column.min_value is not None and value < column.min_value:
            raise Invalid(_("超出范围（应在 %(lo)s–%(hi)s 之间）") % _bounds(column))
        if column.max_value is not None and value > column.max_value:
            raise Invalid(_("超出范围（应在 %(lo)s–%(hi)s 之间）") % _bounds(column))
        return value

    if kind in ("text", "email", "uuid", "datetime"):
        return convert
    # Memoised: references, codes, numbers and dates repeat. A value seen before is one dict lookup
    # (the path nearly every cell of a big file takes: no type test, no second lookup); a failure is
    # remembered apart, as its reason.
    cache: dict = {}
    failed: dict = {}

    def cached(raw):
        try:
            return cache[raw]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell (a list from a JSON push) is checked uncached
            return convert(raw)
        reason = failed.get(raw)
        if reason is not None:
            raise reason.with_traceback(None)  # else each raise would lengthen its traceback
        try:
            value = convert(raw)
        except Invalid as exc:
            if len(failed) < _CACHE_LIMIT:
                failed[raw] = exc
            raise
        if len(cache) < _CACHE_LIMIT:
            cache[raw] = value
        return value

    return cached


def _bounds(column: Column) -> dict:
    return {"lo": column.min_value if column.min_value is not None else "", "hi": column.max_value if column.max_value is not None else "∞"}
