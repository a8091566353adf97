"""List pages' tables (列表): sortable by a click on a column header, filtered (a text search and
choice filters), paginated with the sort and filters kept, and exported to .xlsx — exactly the
filtered rows, every page of them — from one declaration per page.

    class WarningTable(tables.Table):
        columns = [tables.Column("subject", _("主体"), sort="subject__name", value=lambda w: w.subject.name), …]
        filters = [tables.Search("q", _("搜索"), ["subject__name", "subject__key"]),
                   tables.Choice("grade", _("等级"), "grade", Grade.choices)]
        default_sort = "-opened"
        export_name = "预警.xlsx"

    table = WarningTable(request, queryset)        # junk sort or filter values: a 400 (core.params)
    if table.exporting:
        return table.export()                       # .xlsx through core.workbook; audited with its rows
    return render(request, "…", {"table": table})  # table.page, table.headers, table.query …

Everything is set-based: a filter is a WHERE, a sort an ORDER BY on whitelisted expressions (the
columns' ``sort``), ending with the primary key so pages never repeat or skip a row; the page is one
LIMIT query plus one COUNT. The export streams the same queryset in chunks (``prepare`` labels a
chunk at a time), so its query count does not grow with the rows either. The export's download is
recorded by ``core.middleware.ExportAudit`` with the row count (``response.export_rows``).

Templates: ``core/tables/filters.html`` (the filter form with the export link),
``core/tables/head.html`` (the ``<thead>`` with sort links and ``aria-sort``) and
``core/tables/pagination.html``; the page writes its own ``<tbody>`` (links, badges), inside
``<div class="table-scroll">`` so a wide table scrolls inside its box on a phone.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.paginator import Paginator
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import BaseExpression
from django.http import QueryDict
from django.utils.translation import gettext as _

from . import params
from .output import xlsx_response

SORT = "sort"
PAGE = "page"
FORMAT = "format"
EXPORT_CHUNK = 2000


def _attribute(obj, path: str):
    for part in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, part)
        if callable(obj) and not hasattr(obj, "all"):
            obj = obj()
    return obj


@dataclass
class Column:
    """A column: its key (the ``sort`` value in the URL), its header, how the database orders it
    (``sort``: a field path or several; None — not sortable) and its value in the export
    (``value``: a callable of the row, or an attribute path with dots; default the key)."""

    key: str
    label: Any
    sort: Any = None
    value: Callable | str | None = None
    exported: bool = True
    shown: bool = True  # False: a column of the export only (a window's first and last days)
    css: str = ""

    @property
    def sortable(self) -> bool:
        return bool(self.sort)

    def ordering(self, descending: bool) -> list:
        fields = [self.sort] if isinstance(self.sort, (str, BaseExpression)) else list(self.sort or ())
        # NULLs last in both directions (PostgreSQL and SQLite alike): empty cells go to the end.
        out = []
        for f in fields:
            expression = F(f) if isinstance(f, str) else f
            out.append(expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True))
        return out

    def export_value(self, row):
        if callable(self.value):
            return self.value(row)
        return _attribute(row, self.value or self.key)


class Filter:
    """A filter of the list: its query parameter, its label, its widget and how it narrows the
    queryset (``apply(queryset, value)``). ``default`` applies when the parameter is absent."""

    widget = "text"

    def __init__(self, name, label, apply=None, *, default="", placeholder=""):
        self.name, self.label, self.apply, self.default, self.placeholder = name, label, apply, default, placeholder

    def parse(self, request):
        return params.text_param(request, self.name)

    def options(self, request) -> list:
        return []

    def narrow(self, queryset: QuerySet, value) -> QuerySet:
        return self.apply(queryset, value) if self.apply else queryset

    def shown(self, value) -> str:
        return "" if value is None else str(value)


class Search(Filter):
    """A text search: rows where any of ``fields`` contains the text (case-insensitive)."""

    widget = "search"

    def __init__(self, name, label, fields, *, placeholder=""):
        super().__init__(name, label, placeholder=placeholder)
        self.fields = tuple(fields)

    def narrow(self, queryset, value):
        q = Q()
        for f in self.fields:
            q |= Q(**{f"{f}__icontains": value})
        return queryset.filter(q)


class Choice(Filter):
    """One of a list of choices (``choices``: (value, label) pairs, or a callable of the request
    giving them — a scope's departments; ``ids``: they are records' ids); narrows ``lookup`` to the
    value unless ``apply`` is given. A value outside the list is a 400."""

    widget = "select"

    def __init__(self, name, label, lookup="", choices=(), *, apply=None, default="", all_label=None, ids=False):
        super().__init__(name, label, apply, default=default)
        self.lookup, self.choices, self.all_label, self.ids = lookup, choices, all_label, ids

    def options(self, request) -> list:
        cached = request.__dict__.setdefault("_table_options", {})
        if self.name not in cached:
            found = self.choices(request) if callable(self.choices) else self.choices
            cached[self.name] = [(str(v), str(label)) for v, label in found]
        return cached[self.name]

    def parse(self, request):
        if self.ids:
            # A record's id: junk is a 400 ("an integer"); an id outside the viewer's scope just
            # finds nothing (the queryset is already the scope's), and the ids are not listed.
            value = params.id_param(request, self.name)
            return "" if value is None else str(value)
        return params.choice_param(request, self.name, [v for v, _label in self.options(request)])

    def narrow(self, queryset, value):
        if self.apply:
            return self.apply(queryset, value)
        return queryset.filter(**{self.lookup: value})


class Number(Filter):
    """A whole number within [minimum, maximum]; anything else is a 400."""

    widget = "number"

    def __init__(self, name, label, apply, *, minimum=0, maximum=params.MAX_ID):
        super().__init__(name, label, apply, default=None)
        self.minimum, self.maximum = minimum, maximum

    def parse(self, request):
        return params.int_param(request, self.name, minimum=self.minimum, maximum=self.maximum)


class Flag(Filter):
    """A checkbox (``name=1``)."""

    widget = "checkbox"

    def __init__(self, name, label, apply):
        super().__init__(name, label, apply, default=False)

    def parse(self, request):
        return params.choice_param(request, self.name, ["1", "0"]) == "1"

    def shown(self, value):
        return "1" if value else ""


@dataclass
class Header:
    label: str
    key: str
    sortable: bool
    url: str = ""
    state: str = ""  # "ascending", "descending" or "" (aria-sort)
    css: str = ""
    title: str = ""


@dataclass
class Field:
    """A filter as its form shows it."""

    name: str
    label: str
    widget: str
    value: str
    options: list = field(default_factory=list)
    placeholder: str = ""
    all_label: str = ""


class Table:
    """One list page's table; subclass with ``columns``, ``filters``, ``default_sort`` and
    ``export_name``. ``prepare(rows)`` labels a list of rows (a page, or a chunk of the export)
    with what the database row does not hold, in a fixed number of queries."""

    columns: Sequence[Column] = ()
    filters: Sequence[Filter] = ()
    default_sort: str = ""
    tiebreak: str = "pk"
    per_page: int = 50
    export_name: str = "export.xlsx"
    sheet_title: Any = ""
    caption: Any = ""

    def __init__(self, request, queryset: QuerySet):
        self.request = request
        self.values = {}
        for f in self.filters:
            if f.name in request.GET:
                self.values[f.name] = f.parse(request)
            else:
                self.values[f.name] = f.default
        self.sort = params.choice_param(request, SORT, self.sort_keys(), default=self.default_sort)
        self.exporting = params.choice_param(request, FORMAT, ["xlsx"]) == "xlsx"
        self.page_number = params.int_param(request, PAGE, 1, minimum=1)
        qs = queryset
        for f in self.filters:
            value = self.values[f.name]
            if value not in ("", None, False):
                qs = f.narrow(qs, value)
        self.queryset = qs.order_by(*self.ordering())

    @classmethod
    def param_names(cls) -> list[str]:
        return [f.name for f in cls.filters] + [SORT, PAGE, FORMAT]

    # Sorting ----------------------------------------------------------------------------------
    def sort_keys(self) -> list[str]:
        keys = []
        for c in self.columns:
            if c.sortable:
                keys += [c.key, "-" + c.key]
        return keys

    def ordering(self) -> list:
        key = self.sort.lstrip("-")
        column = next((c for c in self.columns if c.key == key), None)
        order = column.ordering(self.sort.startswith("-")) if column else []
        descending = self.sort.startswith("-")
        return [*order, ("-" if descending else "") + self.tiebreak]

    # The page ---------------------------------------------------------------------------------
    @property
    def page(self):
        if not hasattr(self, "_page"):
            self._page = Paginator(self.queryset, self.per_page).get_page(self.page_number)
            self.prepare(self._page.object_list)
        return self._page

    @property
    def rows(self):
        return self.page.object_list

    def prepare(self, rows: list) -> None:
        """Label ``rows`` (a page or an export chunk) with what their columns need beyond the row."""

    def _query(self, **changes) -> str:
        query: QueryDict = self.request.GET.copy()
        for name in (PAGE, FORMAT):
            query.pop(name, None)
        for name, value in changes.items():
            query.pop(name, None)
            if value not in ("", None):
                query[name] = value
        return query.urlencode()

    @property
    def query(self) -> str:
        """The query string of the current filters and sort (no page): for the pagination links."""
        return self._query()

    @property
    def export_url(self) -> str:
        query = self._query()
        return "?" + (query + "&" if query else "") + FORMAT + "=xlsx"

    def page_url(self, number: int) -> str:
        query = self._query()
        return "?" + (query + "&" if query else "") + f"{PAGE}={number}"

    @property
    def previous_url(self) -> str:
        return self.page_url(self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.page_url(self.page.next_page_number()) if self.page.has_next() else ""

    @property
    def headers(self) -> list[Header]:
        current, descending = self.sort.lstrip("-"), self.sort.startswith("-")
        out = []
        for c in self.columns:
            if not c.shown:
                continue
            header = Header(label=str(c.label), key=c.key, sortable=c.sortable, css=c.css)
            if c.sortable:
                if c.key == current:
                    header.state = "descending" if descending else "ascending"
                    target = c.key if descending else "-" + c.key
                    header.title = _("按“%(label)s”升序排列") % {"label": header.label} if descending else \
                        _("按“%(label)s”降序排列") % {"label": header.label}
                else:
                    target = c.key
                    header.title = _("按“%(label)s”升序排列") % {"label": header.label}
                header.url = "?" + self._query(**{SORT: target})
            out.append(header)
        return out

    @property
    def fields(self) -> list[Field]:
        out = []
        for f in self.filters:
            out.append(Field(name=f.name, label=str(f.label), widget=f.widget, value=f.shown(self.values[f.name]),
                             options=f.options(self.request),
                             placeholder=str(f.placeholder or ""),
                             all_label=str(getattr(f, "all_label", None) or _("全部"))))
        return out

    @property
    def filtered(self) -> bool:
        return any(self.values[f.name] not in ("", None, False) and self.values[f.name] != f.default
                   for f in self.filters)

    # Export -----------------------------------------------------------------------------------
    def export_columns(self) -> list[Column]:
        return [c for c in self.columns if c.exported]

    def export_rows(self) -> Iterable[list]:
        columns = self.export_columns()
        chunk = []
        for row in self.queryset.iterator(chunk_size=EXPORT_CHUNK):
            chunk.append(row)
            if len(chunk) == EXPORT_CHUNK:
                yield from self._export_chunk(chunk, columns)
                chunk = []
        if chunk:
            yield from self._export_chunk(chunk, columns)

    def _export_chunk(self, chunk, columns):
        self.prepare(chunk)
        for row in chunk:
            yield [c.export_value(row) for c in columns]

    def export(self):
        """The filtered rows, all of them, as an .xlsx download (neutralised by core.workbook);
        ``export_rows`` on the response is their number, for the audit trail."""
        header = [str(c.label) for c in self.export_columns()]
        title = str(self.sheet_title or self.caption or _("列表"))
        return xlsx_response(self.export_name, {title: (header, self.export_rows())})
