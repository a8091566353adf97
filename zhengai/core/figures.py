"""Figures as people read them: one rule for every page (the ``figure`` template filter) — the unit
said in the page's language, a sensible precision for the kind of figure, thousands separated.

- ``%``: one decimal (``97.2%``); a score (``分``) one decimal; hours, minutes and days at most one
  decimal, none when whole (``26.5 小时``, ``7 小时``);
- counts (``人``, ``个``, ``项``, ``次``, ``门``, ``节``) and money (``元``) whole, thousands separated
  (``2,040 人``); a ratio (``比``) one decimal (``16.2 : 1``); yes/no (``是否``) 是 / 否;
- without a unit: whole numbers as they are (separated), others at most two decimals.

Nothing shows as ``66.230`` or ``57.143``: the same kind of figure has the same precision everywhere.
"""

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format
from django.utils.translation import gettext, npgettext, pgettext_lazy

# The units of the indicator library, in the active language (context "计量单位").
UNIT_NAMES = {
    "分": pgettext_lazy("计量单位", "分"),
    "小时": pgettext_lazy("计量单位", "小时"),
    "学时": pgettext_lazy("计量单位", "学时"),
    "分钟": pgettext_lazy("计量单位", "分钟"),
    "天": pgettext_lazy("计量单位", "天"),
    "人": pgettext_lazy("计量单位", "人"),
    "个": pgettext_lazy("计量单位", "个"),
    "项": pgettext_lazy("计量单位", "项"),
    "次": pgettext_lazy("计量单位", "次"),
    "门": pgettext_lazy("计量单位", "门"),
    "节": pgettext_lazy("计量单位", "节"),
    "元": pgettext_lazy("计量单位", "元"),
    "次/人": pgettext_lazy("计量单位", "次/人"),
}
# Units said after a number, singular or plural as the number asks (context "计量单位数"; Chinese
# has one form): "1 course", "2 courses", "1.5 days". The names above head columns.
COUNTED = {
    "分": lambda n: npgettext("计量单位数", "分", "分", n),
    "学时": lambda n: npgettext("计量单位数", "学时", "学时", n),
    "天": lambda n: npgettext("计量单位数", "天", "天", n),
    "人": lambda n: npgettext("计量单位数", "人", "人", n),
    "个": lambda n: npgettext("计量单位数", "个", "个", n),
    "项": lambda n: npgettext("计量单位数", "项", "项", n),
    "次": lambda n: npgettext("计量单位数", "次", "次", n),
    "门": lambda n: npgettext("计量单位数", "门", "门", n),
    "节": lambda n: npgettext("计量单位数", "节", "节", n),
}
DECIMALS = {"%": 1, "分": 1, "比": 1, "小时": 1, "学时": 1, "分钟": 1, "天": 1}
WHOLE = {"人", "个", "项", "次", "门", "节", "元"}
TRIM = {"小时", "学时", "分钟", "天"}  # whole values without ".0"


def unit_name(unit: str) -> str:
    """The unit in the active language (``小时`` → ``h``), or as given when it is not a known one."""
    return str(UNIT_NAMES.get(unit, unit or ""))


def _number(value) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, unit: str = "") -> str:
    """The figure's number alone, at the precision of its unit ("—" when there is none)."""
    n = _number(value)
    if n is None:
        return "—"
    if unit in WHOLE:
        decimals = 0 if n == n.to_integral_value() or unit == "元" else 1
    elif unit in DECIMALS:
        decimals = DECIMALS[unit]
        if unit in TRIM and n == n.to_integral_value():
            decimals = 0
    elif n == n.to_integral_value():
        decimals = 0
    else:
        decimals = 2 if abs(n) < 10 else 1
    rounded = n.quantize(Decimal(1).scaleb(-decimals)) if decimals else n.quantize(Decimal(1))
    return number_format(rounded, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def figure(value, unit: str = "") -> str:
    """The figure with its unit: ``97.2%``, ``26.5 小时`` (``26.5 h`` in English), ``2,040 人``."""
    unit = unit or ""
    if unit == "是否":
        if value is None or value == "":
            return "—"
        return gettext("是") if _number(value) else gettext("否")
    text = number(value, unit)
    if text == "—":
        return text
    if unit == "%":
        return f"{text}%"
    if unit == "比":
        return f"{text} : 1"
    name = counted_unit(unit, value) if unit in COUNTED else unit_name(unit)
    return f"{text} {name}" if name else text


def counted_unit(unit: str, value) -> str:
    """The unit after ``value`` in the active language, singular only for exactly one."""
    return COUNTED[unit](1 if _number(value) == 1 else 2)
