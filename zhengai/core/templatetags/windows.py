"""``{% load windows %}{% window_label w %}``: a window named with its kind and dates on every page
that shows a figure (``core.windows.label``). ``w`` is a ``Window`` or a stored window code; codes
of terms and academic years are resolved from the term table read once per rendering, whatever the
number of rows."""

from django import template

from zhengai.core import windows

register = template.Library()


@register.simple_tag(takes_context=True)
def window_label(context, window):
    if isinstance(window, windows.Window):
        return windows.label(window)
    if not window:
        return ""
    cache = context.render_context.setdefault("window_labels", {})
    if window not in cache:
        if windows.kind_of(window) in ("term", "academic_year") and "terms" not in cache:
            cache["terms"] = windows.term_dates()
        found = windows.resolve([window], cache.get("terms", {}))
        cache[window] = windows.label(found[window]) if window in found else window
    return cache[window]
