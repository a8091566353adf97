"""Per-table rules applied to each converted row: values that follow from others, and checks
that need the referenced row (an attendance date inside its offering's term).

A rule adds the staging columns it fills (when the file does not give them) and checks or
completes each row in place. Rows are lists aligned with the staging columns; ``ix`` maps a
staging column name to its index.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from zhengai.datacenter.models import AdminClass, Offering


class Rule:
    # Staging columns this rule fills when the file lacks them: name → (db type, source attribute).
    fills: dict = {}
    # Extra attributes loaded with the referenced rows: model → attributes.
    extras: dict = {}

    def __init__(self, spec, bound: set[str]):
        self.spec = spec
        self.bound = bound
        self.adds = [name for name in self.fills if name not in bound]

    def stage_columns(self, connection) -> list[tuple[str, str]]:
        out = []
        for name in self.adds:
            field = self.spec.model._meta.get_field(name.removesuffix("_id"))
            db_type = field.db_type(connection) if not field.is_relation else field.target_field.rel_db_type(connection)
            out.append((field.attname, db_type))
        return out

    def apply(self, row: list, ix: dict, extra: dict) -> list[tuple[str, str, str]]:
        """Complete ``row`` in place; return errors as (column label, value, reason)."""
        return []

    def bind(self, ix: dict, extra: dict):
        """This run's per-row check, ``row → errors or None`` (``apply`` with the column indices and
        the referenced rows fixed), or None when the rule has nothing to do."""
        if type(self).apply is Rule.apply:
            return None
        apply = self.apply
        return lambda row: apply(row, ix, extra) or None


class StudentRule(Rule):
    """A student's specialty and cohort follow from the administrative class."""

    fills = {"specialty_id": "specialty_id", "cohort": "cohort"}
    extras = {AdminClass: ("specialty_id", "cohort")}

    def apply(self, row, ix, extra):
        klass = extra[AdminClass].get(row[ix["admin_class_id"]])
        if klass is None:
            return []
        specialty, cohort = klass
        if "specialty_id" in self.adds:
            row[ix["specialty_id"]] = specialty
        elif row[ix["specialty_id"]] != specialty:
            return [(_("专业代码"), "", _("与行政班所属专业不一致"))]
        if "cohort" in self.adds:
            row[ix["cohort"]] = cohort
        return []


class AttendanceRule(Rule):
    """An attendance date lies inside the term of its offering."""

    extras = {Offering: ("term__code", "term__start_date", "term__end_date")}

    def bind(self, ix, extra):
        # Attendance files run to millions of rows: the date is compared with its term's bounds
        # inline, and the message is made (by ``apply``) only for a row outside them.
        terms, offering, day_at, apply = extra[Offering], ix["offering_id"], ix["date"], self.apply

        def check(row):
            term = terms.get(row[offering])
            if term is None:
                return None
            day = row[day_at]
            if day is None or term[1] <= day <= term[2]:
                return None
            return apply(row, ix, extra)

        return check

    def apply(self, row, ix, extra):
        term = extra[Offering].get(row[ix["offering_id"]])
        day = row[ix["date"]]
        if term is not None and day is not None and not (term[1] <= day <= term[2]):
            label = self.spec.column("date").label
            return [(label, day.isoformat(), _("不在该教学班所在学期（%(term)s：%(start)s 至 %(end)s）内")
                     % {"term": term[0], "start": term[1].isoformat(), "end": term[2].isoformat()})]
        return []


class GradeRule(Rule):
    """是否及格 follows from the score (60 on the 100-point scale) when the file does not say."""

    fills = {"passed": "passed"}
    PASS = Decimal(60)

    def apply(self, row, ix, extra):
        if "passed" in self.adds:
            score = row[ix["score"]]
            row[ix["passed"]] = score is not None and score >= self.PASS
        return []


RULES = {"datacenter.Student": StudentRule, "datacenter.Attendance": AttendanceRule, "datacenter.Grade": GradeRule}


def rule_for(spec, bound: set[str]) -> Rule:
    return RULES.get(spec.model._meta.label, Rule)(spec, bound)
