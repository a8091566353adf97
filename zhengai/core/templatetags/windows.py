"""Windows named with their dates on every page that shows a figure (``core.windows``):

    {% load windows %}
    {% window_label w %}   “2025-2026 学年（2025-09-01 至 2026-08-31）”
    {% window_dates w %}   “2025-09-01 至 2026-08-31”, under a code already shown (a table cell)

``w`` is a ``Window`` or a stored window code. Codes of terms and academic years are resolved from
the term table read once per rendering, whatever the number of rows; a code that no longer resolves
is shown as it is (label) or not at all (dates).
"""

from django import template

from zhengai.core import windows

register = template.Library()


def _window(context, value) -> windows.Window | None:
    if isinstance(value, windows.Window) or not value:
        return value or None
    cache = context.render_context.setdefault("windows", {})
    if value not in cache:
        if windows.kind_of(value) in windows.TERM_TABLE_KINDS and "terms" not in cache:
            cache["terms"] = windows.term_dates()
        cache[value] = windows.resolve([value], cache.get("terms", {})).get(value)
    return cache[value]


@register.simple_tag(takes_context=True)
def window_label(context, value):
    window = _window(context, value)
    return windows.label(window) if window else (value or "")


@register.simple_tag(takes_context=True)
def window_dates(context, value):
    window = _window(context, value)
    return windows.dates(window) if window else ""
