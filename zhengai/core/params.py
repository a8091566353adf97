"""Query parameters read safely: a junk value is a 400 with a Chinese message naming the parameter
and what it should be (``BadParameter``, rendered by ``zhengai.core.views.bad_request``), never a
500. Blank or absent parameters give the default.

    department = params.id_param(request, "department")          # None, or a positive id
    age = params.int_param(request, "age", minimum=0, maximum=36500)
    window = params.window_param(request, "window")                # None, or a windows.Window
    kind = params.choice_param(request, "kind", Kind.values)       # "" or one of them
    q = params.text_param(request, "q")                             # stripped, bounded, no NUL

``zhengai/core/tests/test_junk_params.py`` sends junk to every query parameter of every page.
"""

from django.core.exceptions import BadRequest
from django.utils.translation import gettext as _

# Ids fit PostgreSQL's integer and SQLite's 64-bit integer alike.
MAX_ID = 2**31 - 1
SHOWN = 40


class BadParameter(BadRequest):
    """A query parameter whose value cannot be used; ``str(exc)`` is the message for the person."""


def _shown(value: str) -> str:
    value = value.replace("\x00", "")
    return value if len(value) <= SHOWN else value[:SHOWN] + "…"


def refuse(name: str, value: str, expected: str):
    raise BadParameter(_("查询参数 %(name)s 的值“%(value)s”无效：应为%(expected)s。") % {
        "name": name, "value": _shown(value), "expected": expected})


def _raw(request, name: str) -> str:
    return (request.GET.get(name) or "").strip()


def int_param(request, name: str, default=None, *, minimum: int | None = None, maximum: int = MAX_ID):
    """An integer within [minimum, maximum]; anything else is a 400."""
    text = _raw(request, name)
    if not text:
        return default
    try:
        value = int(text, 10)
    except ValueError:
        value = None
    if value is None or (minimum is not None and value < minimum) or value > maximum:
        if minimum is None:
            expected = _("不大于 %(max)s 的整数") % {"max": maximum}
        else:
            expected = _("%(min)s 到 %(max)s 之间的整数") % {"min": minimum, "max": maximum}
        refuse(name, text, expected)
    return value


def id_param(request, name: str):
    """The id of a record (a positive integer) or None."""
    return int_param(request, name, minimum=1, maximum=MAX_ID)


def choice_param(request, name: str, choices, default: str = "") -> str:
    """One of ``choices`` (a blank value gives ``default``)."""
    text = _raw(request, name)
    if not text:
        return default
    allowed = [str(c) for c in choices]
    if text not in allowed:
        refuse(name, text, _("以下之一：%(choices)s") % {"choices": "、".join(allowed[:20])})
    return text


def text_param(request, name: str, default: str = "", *, max_length: int = 200) -> str:
    """Free text (a search): stripped, NUL characters removed (PostgreSQL refuses them), bounded."""
    text = (request.GET.get(name) or "").replace("\x00", "").strip()
    return text[:max_length] if text else default


def window_param(request, name: str = "window", default=None, terms=None):
    """A time window as users write it (``zhengai.core.windows.parse``) or ``default``."""
    from . import windows

    text = text_param(request, name, max_length=64)
    if not text:
        return default
    try:
        return windows.parse(text, terms)
    except (windows.WindowError, ValueError, OverflowError) as exc:
        raise BadParameter(_("查询参数 %(name)s 的值“%(value)s”无效：%(error)s") % {
            "name": name, "value": _shown(text), "error": exc}) from None


def date_param(request, name: str, default=None):
    """A day written YYYY-MM-DD, or ``default``."""
    from datetime import date

    text = text_param(request, name, max_length=32)
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        refuse(name, text, _("YYYY-MM-DD 格式的日期"))
