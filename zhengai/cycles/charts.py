"""The report's radar (雷达图) per 诊断项目 — this cycle, the standard's line and last cycle — drawn as
SVG on the server, so the page, the PDF and the Word export show the same picture without a script."""

import math
from html import escape

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

SERIES = (("score", "#1d4ed8", gettext_noop("本周期")), ("standard", "#9ca3af", gettext_noop("标准（合格）")),
          ("last", "#f59e0b", gettext_noop("上一周期")))


def radar_svg(radar: list[dict], size: int = 360, labels=None) -> str:
    """An SVG radar of ``radar`` rows (``project``, ``score``, ``standard``, ``last``; 0–100)."""
    if len(radar) < 3:
        # A radar needs three axes; fewer projects are shown as bars along the same scale.
        return bars_svg(radar, labels=labels)
    labels = labels or {key: _(name) for key, _c, name in SERIES}
    c, r = size / 2, size / 2 - 70
    n = len(radar)

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return c + r * value / 100 * math.cos(angle), c + r * value / 100 * math.sin(angle)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size + 30}" viewBox="0 0 {size} {size + 30}" '
             f'font-family="Noto Sans CJK SC, sans-serif" font-size="11" role="img">']
    for ring in (20, 40, 60, 80, 100):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, ring) for i in range(n)))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="#e5e7eb"/>')
    for i, row in enumerate(radar):
        x, y = point(i, 100)
        parts.append(f'<line x1="{c}" y1="{c}" x2="{x:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>')
        lx, ly = point(i, 118)
        anchor = "middle" if abs(lx - c) < 10 else ("start" if lx > c else "end")
        parts.append(f'<text x="{lx:.1f}" y="{ly:.1f}" text-anchor="{anchor}">{escape(str(row["project"])[:14])}</text>')
    for key, colour, _name in SERIES:
        values = [row.get(key) for row in radar]
        if any(v is None for v in values):
            continue
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, v) for i, v in enumerate(values)))
        parts.append(f'<polygon points="{pts}" fill="{colour}" fill-opacity="0.12" stroke="{colour}" stroke-width="2"/>')
    parts.append(_legend(size, labels))
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(radar: list[dict], labels=None) -> str:
    labels = labels or {key: _(name) for key, _c, name in SERIES}
    width, row_h = 360, 54
    height = max(len(radar), 1) * row_h + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'font-family="Noto Sans CJK SC, sans-serif" font-size="11" role="img">']
    for i, row in enumerate(radar):
        y = i * row_h + 12
        parts.append(f'<text x="0" y="{y}">{escape(str(row["project"])[:24])}</text>')
        for j, (key, colour, _name) in enumerate(SERIES):
            v = row.get(key)
            if v is None:
                continue
            parts.append(f'<rect x="0" y="{y + 4 + j * 11}" width="{3 * v:.1f}" height="9" fill="{colour}"/>'
                         f'<text x="{3 * v + 4:.1f}" y="{y + 12 + j * 11}">{v:g}</text>')
    parts.append(_legend(height - 40 + 10, labels, width))
    parts.append("</svg>")
    return "".join(parts)


def _legend(y, labels, width=None) -> str:
    out = []
    for i, (key, colour, _name) in enumerate(SERIES):
        x = 10 + i * 110
        out.append(f'<rect x="{x}" y="{y + 8}" width="12" height="12" fill="{colour}"/>'
                   f'<text x="{x + 16}" y="{y + 18}">{escape(str(labels.get(key, key)))}</text>')
    return "".join(out)
