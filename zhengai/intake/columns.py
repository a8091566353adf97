"""What an import of one data-dictionary table reads: its columns, how each is parsed, its natural
key and how references are given.

Built from the models (so it follows the data dictionary), with a few per-table rules the models
cannot say: a student's specialty follows from the class, an attendance row names its class
session by 教学班代码 + 日期 + 节次, a grade's 是否及格 follows from the score.

References are given by the natural key of the row they point at (学号, 工号, 课程代码, 教学班代码,
学期代码 …). Single-field keys are resolved in Python from one query per referenced table;
composite ones (a class session, an assignment) in SQL against the staging table.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext as _

from zhengai.datacenter import dictionary
from zhengai.datacenter.models import Lineage

from .errors import IntakeError

# Fields that imports never write: the row id, lineage (the pipeline sets it), and accounts.
SKIPPED = {"id", "source", "batch", "user"}


@dataclass
class Column:
    """One column an import understands (导入列)."""

    name: str  # data-dictionary field name (a foreign key by its field name, e.g. "student")
    label: str  # the Chinese header templates use: 学号, 姓名, 考勤状态 …
    kind: str  # text, int, decimal, date, datetime, bool, choice, ref, uuid, email
    required: bool
    attname: str  # its staging column, the target column it fills when ``to_target`` (student_id …)
    model_field: models.Field | None = None
    aliases: set[str] = field(default_factory=set)
    choices: dict[str, str] = field(default_factory=dict)  # normalised value or label → stored value
    ref_model: type | None = None  # for ref: the referenced model
    ref_field: str = ""  # for ref: the referenced natural-key field
    ref_label: str = ""  # for ref: the referenced table's Chinese name (学生表 …)
    max_length: int | None = None
    max_digits: int | None = None
    decimal_places: int | None = None
    min_value: Decimal | int | None = None
    max_value: Decimal | int | None = None
    default: object = None
    db_type: str = ""
    to_target: bool = True  # False: a helper column (节次 names the session but is not stored)


@dataclass
class Composite:
    """A reference resolved in SQL from several staged columns (a class session by offering, date,
    period): ``target`` is filled from ``model`` where ``on`` (staged column → model column) match."""

    target: str
    model: type
    on: dict[str, str]
    column_labels: list[str]
    message: str
    db_type: str = ""
    # When this staged column is empty, match without it if exactly one row matches.
    optional: str | None = None


@dataclass
class TableSpec:
    code: str
    model: type
    label: str
    columns: list[Column]
    natural_key: list[str]  # target attnames
    composites: list[Composite] = field(default_factory=list)
    master: bool = False  # whether the subject registry follows this table

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


MASTER_TABLES = {"terms", "departments", "specialties", "staff", "teachers", "classes", "students", "courses", "offerings"}

# Value ranges the models do not state: scores are on a 100-point scale.
RANGES = {
    ("datacenter.Grade", "score"): (Decimal(0), Decimal(100)),
    ("datacenter.Submission", "score"): (Decimal(0), Decimal(100)),
    ("datacenter.FitnessTest", "score"): (Decimal(0), Decimal(100)),
    ("datacenter.TeachingEvaluation", "score"): (Decimal(0), Decimal(100)),
}


def norm_header(text) -> str:
    """How headers are compared: no spaces, no required-marks, full-width brackets folded, lower case."""
    text = str(text or "").replace("\ufeff", "").strip()
    for a, b in (("（", "("), ("）", ")"), ("＊", "*"), ("\u3000", ""), (" ", ""), ("\n", ""), ("\t", "")):
        text = text.replace(a, b)
    return text.strip("*").lower()


def norm_value(text: str) -> str:
    return str(text).strip().lower()


def _natural_key_field(model) -> models.Field | None:
    for f in model._meta.fields:
        if f.unique and not f.primary_key and not f.is_relation:
            return f
    return None


def _ref_label(fk: models.ForeignKey, key_field: models.Field) -> str:
    target = fk.related_model
    fk_label, key_label = str(fk.verbose_name), str(key_field.verbose_name)
    target_label = str(target._meta.verbose_name)
    if key_field.name == "staff_no" and fk_label != target_label:
        return fk_label + key_label  # 任课教师工号, 课程负责人工号, 辅导员工号
    return key_label


def _kind(f: models.Field) -> str:
    if f.choices:
        return "choice"
    if isinstance(f, models.BooleanField):
        return "bool"
    if isinstance(f, models.DateTimeField):
        return "datetime"
    if isinstance(f, models.DateField):
        return "date"
    if isinstance(f, models.DecimalField):
        return "decimal"
    if isinstance(f, (models.IntegerField, models.AutoField)):
        return "int"
    if isinstance(f, models.UUIDField):
        return "uuid"
    if isinstance(f, models.EmailField):
        return "email"
    return "text"


def _column_for(model, f: models.Field) -> Column:
    from django.db import connection

    required = not (f.null or f.blank or f.has_default())
    aliases = {f.name, f.attname, str(f.verbose_name)}
    if f.is_relation:
        key = _natural_key_field(f.related_model)
        if key is None:
            # A composite reference (a class session, an assignment): the table's rule replaces it.
            return Column(name=f.name, label=str(f.verbose_name), kind="ref", required=required, attname=f.attname,
                          model_field=f, ref_model=f.related_model, db_type=f.db_type(connection))
        label = _ref_label(f, key)
        aliases |= {label, key.name, str(key.verbose_name) if label == str(key.verbose_name) else label,
                    f"{f.verbose_name}{key.verbose_name}", f"{f.verbose_name}代码", f"{f.name}_{key.name}"}
        return Column(
            name=f.name, label=label, kind="ref", required=required, attname=f.attname, model_field=f,
            aliases={norm_header(a) for a in aliases}, ref_model=f.related_model, ref_field=key.name,
            ref_label=str(f.related_model._meta.verbose_name) + "表", db_type=f.db_type(connection),
        )
    column = Column(
        name=f.name, label=str(f.verbose_name), kind=_kind(f), required=required, attname=f.attname,
        model_field=f, aliases={norm_header(a) for a in aliases}, db_type=f.db_type(connection),
        max_length=getattr(f, "max_length", None) if isinstance(f, models.CharField) else None,
        default=f.get_default() if f.has_default() else None,
    )
    if f.choices:
        for value, label in f.choices:
            column.choices[norm_value(value)] = value
            column.choices[norm_value(label)] = value
    if isinstance(f, models.DecimalField):
        column.max_digits, column.decimal_places = f.max_digits, f.decimal_places
    if isinstance(f, (models.PositiveIntegerField, models.PositiveSmallIntegerField)):
        column.min_value = 0
    rng = RANGES.get((model._meta.label, f.name))
    if rng:
        column.min_value, column.max_value = rng
    return column


def _natural_key(model) -> list[str]:
    """The dictionary's natural key as target attnames; a one-to-one to a person (毕业去向) counts."""
    names = dictionary._natural_key(model)
    if not names:
        for f in model._meta.fields:
            if f.unique and not f.primary_key and f.name not in SKIPPED and f.name != "statement_id":
                names = [f.name]
                break
    return [model._meta.get_field(n).attname for n in names]


_SPECS: dict[str, TableSpec] = {}


def spec_for(table: str) -> TableSpec:
    """The import spec of a data-dictionary table code; IntakeError for an unknown or unimportable one."""
    if table in _SPECS:
        return _SPECS[table]
    try:
        model = dictionary.model_for_table(table)
    except LookupError:
        codes = "、".join(dictionary.TABLE_CODES)
        raise IntakeError(_("没有名为“%(table)s”的数据表。可用的表：%(codes)s") % {"table": table, "codes": codes}) from None
    if not issubclass(model, Lineage):
        raise IntakeError(_("数据表“%(table)s”不能导入。") % {"table": table})
    key = _natural_key(model)
    if not key:
        raise IntakeError(
            _("数据表“%(table)s”没有自然键，重复导入无法识别同一行，不能通过文件导入。") % {"table": table}
        )
    columns = [_column_for(model, f) for f in model._meta.concrete_fields if f.name not in SKIPPED]
    spec = TableSpec(
        code=table, model=model, label=str(model._meta.verbose_name), columns=columns, natural_key=key,
        master=table in MASTER_TABLES,
    )
    _ADJUST.get(model._meta.label, lambda s: None)(spec)
    _SPECS[table] = spec
    return spec


# Per-table rules -------------------------------------------------------------------------------


def _students(spec: TableSpec) -> None:
    # The specialty and cohort follow from the class; a file may still give them.
    spec.column("specialty").required = False
    spec.column("cohort").required = False


def _attendance(spec: TableSpec) -> None:
    from zhengai.datacenter.models import ClassSession

    session = spec.column("session")
    spec.columns.remove(session)
    period = Column(
        name="period", label=_("节次"), kind="int", required=False, attname="period", min_value=1, to_target=False,
        aliases={norm_header(a) for a in ("period", "节次", "开始节次", "第几节")}, db_type="integer",
    )
    spec.columns.insert(spec.columns.index(spec.column("date")) + 1, period)
    spec.composites.append(Composite(
        target="session_id", model=ClassSession, on={"offering_id": "offering_id", "date": "date", "period": "period"},
        column_labels=[spec.column("offering").label, spec.column("date").label, _("节次")],
        message=_("该教学班在这一天这一节没有课次（请先导入课次 sessions）"), optional="period",
        db_type=session.db_type,
    ))
    spec.natural_key = ["session_id", "student_id"]


def _grades(spec: TableSpec) -> None:
    # Whether the grade passes follows from the score when the file does not say.
    spec.column("passed").required = False


def _submissions(spec: TableSpec) -> None:
    from zhengai.datacenter.models import Assignment

    assignment = spec.column("assignment")
    index = spec.columns.index(assignment)
    spec.columns.remove(assignment)
    from zhengai.datacenter.models import Offering

    offering = Column(
        name="offering", label=_("教学班代码"), kind="ref", required=True, attname="offering_id", to_target=False,
        aliases={norm_header(a) for a in ("offering", "教学班代码", "开课", "教学班")},
        ref_model=Offering, ref_field="code", ref_label=_("开课表"), db_type=assignment.db_type,
    )
    code = Column(
        name="assignment_code", label=_("作业编号"), kind="text", required=True, attname="assignment_code",
        max_length=48, to_target=False,
        aliases={norm_header(a) for a in ("assignment", "assignment_code", "作业编号", "作业")}, db_type="varchar(48)",
    )
    spec.columns[index:index] = [offering, code]
    spec.composites.append(Composite(
        target="assignment_id", model=Assignment, on={"offering_id": "offering_id", "assignment_code": "code"},
        column_labels=[_("教学班代码"), _("作业编号")], message=_("该教学班没有这个作业（请先导入作业 assignments）"),
        db_type=assignment.db_type,
    ))


_ADJUST = {
    "datacenter.Student": _students,
    "datacenter.Attendance": _attendance,
    "datacenter.Grade": _grades,
    "datacenter.Submission": _submissions,
}
