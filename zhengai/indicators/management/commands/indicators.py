"""``zhengai indicators``: the indicator library, or the values of a level over a window.

    zhengai indicators [--format table|csv|json]
        one indicator a row: code,level,name_zh,name_en,unit,direction,kind
    zhengai indicators --level LEVEL --window WINDOW [--format table|csv|json]
        one subject a row: subject (its natural key), then one column per indicator code of the level,
        then window, window_start, window_end (the window's code and first and last day; the table
        format names them once, above the rows)

These are contracts other tools script against: keep names, flags and columns.
"""

from django.core.management.base import BaseCommand, CommandError

from zhengai.core import windows
from zhengai.core.output import FORMATS, render
from zhengai.datacenter.choices import Level

from ... import registry

LIBRARY_COLUMNS = ["code", "level", "name_zh", "name_en", "unit", "direction", "kind"]


def library_rows():
    return [[i.code, i.level, i.name_zh, i.name_en, i.unit, i.direction, i.kind] for i in registry.all_indicators()]


def value_rows(level: str, window) -> tuple[list[str], list[list]]:
    """Columns and rows of every subject of ``level`` over ``window``: the active subjects, and any
    inactive one that has a value (a student who graduated inside the window)."""
    from zhengai.datacenter.models import Subject

    values = registry.compute(level, window)
    codes = list(values)
    with_value = set().union(*(v.keys() for v in values.values())) if values else set()
    rows = []
    for pk, key, active in Subject.objects.filter(level=level).order_by("key").values_list("pk", "key", "active"):
        if active or pk in with_value:
            rows.append([key, *(values[code].get(pk) for code in codes)])
    return ["subject", *codes], rows


class Command(BaseCommand):
    help = "指标库与指标值（List the indicator library, or a level's values over a window）"

    def add_arguments(self, parser):
        parser.add_argument("--level", choices=Level.values, help="层面：" + ", ".join(Level.values))
        parser.add_argument("--window", help="时间窗口，如 2025-2026-1、2026、2026Q4、2026-10、2026-10H1、2026-09-01..2026-09-30")
        parser.add_argument("--format", choices=FORMATS, default="table")

    def handle(self, *args, level=None, window=None, format="table", **options):
        if level is None and window is None:
            self.stdout.write(render(library_rows(), LIBRARY_COLUMNS, format), ending="")
            return
        if level is None or window is None:
            raise CommandError("--level 与 --window 须同时给出（--level and --window go together）")
        try:
            parsed = windows.parse(window)
        except windows.WindowError as exc:
            raise CommandError(str(exc)) from None
        columns, rows = value_rows(level, parsed)
        if format == "table":
            self.stdout.write(windows.label(parsed))
        else:
            columns += ["window", "window_start", "window_end"]
            rows = [[*row, parsed.code, parsed.start, parsed.end] for row in rows]
        self.stdout.write(render(rows, columns, format), ending="")
