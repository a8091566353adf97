"""The fact rows behind a measurement: which table, filtered how — stored on the warning so a page
can list them ("why was I warned?").

An indicator names its source tables (``Indicator.sources``); for each one we find the column that
ties a row to the subject (student, offering, teacher …) and the column that dates it, and store
``{"model": "datacenter.attendance", "filter": {"student_id": 12, "date__gte": "…", "date__lte": "…"}}``.
"""

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

from zhengai.datacenter.choices import Level

# For each level, the candidate lookups from a fact row to the subject's master row, and which
# coordinate of the subject supplies the value.
LEVEL_LOOKUPS = {
    Level.STUDENT: [("student_id", "student_id")],
    Level.OFFERING: [("offering_id", "offering_id")],
    Level.TEACHER: [("staff_id", "staff_id"), ("teacher_id", "staff_id"), ("offering__teacher_id", "staff_id")],
    Level.COURSE: [("course_id", "course_id"), ("offering__course_id", "course_id")],
    Level.SPECIALTY: [("specialty_id", "specialty_id"), ("student__specialty_id", "specialty_id"),
                      ("offering__course__specialty_id", "specialty_id")],
    Level.DEPARTMENT: [("department_id", "department_id"), ("staff__department_id", "department_id"),
                       ("student__specialty__department_id", "department_id"),
                       ("offering__course__department_id", "department_id")],
    Level.SCHOOL: [],
}
DATE_FIELDS = ("date", "recorded_on", "evaluated_on", "achieved_on", "attended_on", "awarded_on", "reported_on",
               "tested_on", "occurred_on", "due_date", "start_date")


def _model(name):
    name = getattr(name, "table", name)
    if not isinstance(name, str):
        return None
    for label in (name, f"datacenter.{name}"):
        try:
            return apps.get_model(label)
        except (LookupError, ValueError):
            continue
    for model in apps.get_app_config("datacenter").get_models():
        if model._meta.db_table == name or model.__name__.lower() == name.lower():
            return model
    return None


def _has_path(model, path: str) -> bool:
    parts = path.split("__")
    for i, part in enumerate(parts):
        try:
            field = model._meta.get_field(part if not part.endswith("_id") or i < len(parts) - 1 else part[:-3])
        except FieldDoesNotExist:
            return False
        if i < len(parts) - 1:
            if not field.is_relation:
                return False
            model = field.related_model
    return True


def _window_filter(kind_field, window) -> dict:
    """The filter that keeps a table's rows in ``window``, by the table's path (``indicators.paths``)."""
    from zhengai.core.windows import graduating_cohort, intake_cohort

    if not kind_field:
        return {}
    kind, name = kind_field
    if kind == "date":
        return {f"{name}__gte": window.start.isoformat(), f"{name}__lte": window.end.isoformat()}
    if kind == "datetime":
        return {f"{name}__date__gte": window.start.isoformat(), f"{name}__date__lte": window.end.isoformat()}
    if kind == "term":
        return {f"{name}start_date__lte": window.end.isoformat(), f"{name}end_date__gte": window.start.isoformat()}
    if kind == "year":
        return {f"{name}__gte": window.start.year, f"{name}__lte": window.end.year}
    if kind == "graduates":
        return {name: graduating_cohort(window)}
    if kind == "intake":
        return {name: intake_cohort(window)}
    return {}


def _by_path(level: str, source: str, window):
    """(model label, subject lookup, coordinate, window filter) of a data-dictionary table code
    (``attendance``, ``grades``, ``training`` …) by the paths indicators read it by — or None."""
    from zhengai.datacenter.dictionary import TABLE_CODES
    from zhengai.datacenter.models.subjects import LEVEL_COLUMN
    from zhengai.indicators.paths import PATHS

    path, label = PATHS.get(source), TABLE_CODES.get(source)
    if path is None or label is None or level not in path.levels:
        return None
    lookup = path.levels[level] or None
    column = LEVEL_COLUMN.get(level)
    coordinate = f"{column}_id" if column else None
    if lookup is not None and coordinate is None:
        return None
    return apps.get_model(label)._meta.label_lower, lookup, coordinate, _window_filter(path.window, window)


def plan(level: str, indicator, window) -> list[tuple]:
    """Worked out once per indicator and run: [(model label, subject lookup, coordinate, date filter)]."""
    out = []
    for source in getattr(indicator, "sources", None) or ():
        by_path = _by_path(level, source, window) if isinstance(source, str) else None
        if by_path is not None:
            out.append(by_path)
            continue
        model = _model(source)
        if model is None:
            continue
        lookup = coordinate = None
        for candidate, coord in LEVEL_LOOKUPS.get(level, []):
            if _has_path(model, candidate):
                lookup, coordinate = candidate, coord
                break
        if lookup is None and level != Level.SCHOOL:
            continue
        dates = {}
        for name in DATE_FIELDS:
            if _has_path(model, name):
                dates = {f"{name}__gte": window.start.isoformat(), f"{name}__lte": window.end.isoformat()}
                break
        out.append((model._meta.label_lower, lookup, coordinate, dates))
    return out


def fill(planned: list[tuple], subject: dict) -> list[dict]:
    """The stored drill-down of one subject: ``{"model": …, "filter": {…}}`` per source table."""
    out = []
    for label, lookup, coordinate, dates in planned:
        flt = {}
        if lookup is not None:
            if not subject.get(coordinate):
                continue
            flt[lookup] = subject[coordinate]
        flt.update(dates)
        out.append({"model": label, "filter": flt})
    return out


def describe(level: str, indicator, subject: dict, window) -> list[dict]:
    """The stored drill-down for one subject's value of ``indicator`` over ``window``."""
    return fill(plan(level, indicator, window), subject)


def rows(entry: dict, user, limit: int = 50):
    """(model, queryset of up to ``limit`` rows the user may see) for one stored drill-down entry."""
    from zhengai.org.access import restrict

    model = apps.get_model(entry["model"])
    qs = model._default_manager.filter(**entry["filter"])
    if hasattr(model, "scope_lookups"):
        qs = restrict(qs, user)
    return model, qs[:limit]
