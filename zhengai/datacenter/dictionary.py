"""The data dictionary (数据字典), generated from the models so it can never drift from them.

Each table has an English code (the name imports and APIs use: ``students``, ``attendance`` …),
a Chinese label, and its fields with label, type, code table (choices) and description.
"""

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.utils.translation import gettext_lazy as _

# English table codes, the contract imports (``zhengai import --table``) and the API use.
TABLE_CODES = {
    "terms": "datacenter.Term",
    "departments": "datacenter.Department",
    "specialties": "datacenter.Specialty",
    "staff": "datacenter.Staff",
    "teachers": "datacenter.Staff",
    "classes": "datacenter.AdminClass",
    "students": "datacenter.Student",
    "courses": "datacenter.Course",
    "offerings": "datacenter.Offering",
    "enrolments": "datacenter.Enrolment",
    "sessions": "datacenter.ClassSession",
    "attendance": "datacenter.Attendance",
    "grades": "datacenter.Grade",
    "assignments": "datacenter.Assignment",
    "submissions": "datacenter.Submission",
    "learning_activity": "datacenter.LearningActivity",
    "evaluations": "datacenter.TeachingEvaluation",
    "research": "datacenter.ResearchOutput",
    "training": "datacenter.TrainingRecord",
    "enterprise_practice": "datacenter.EnterprisePractice",
    "awards": "datacenter.Award",
    "enrolment_plans": "datacenter.EnrolmentPlan",
    "admissions": "datacenter.Admission",
    "employment": "datacenter.Employment",
    "fitness_tests": "datacenter.FitnessTest",
    "activities": "datacenter.ActivityRecord",
}
# ``teachers`` is an alias of ``staff``: the dictionary lists each model once, under its first code.
CANONICAL_CODES = {}
for _code, _label in TABLE_CODES.items():
    CANONICAL_CODES.setdefault(_label, _code)

# Each table's description, for the people who read the dictionary (the models' docstrings are for
# developers, in English): in the active language.
DESCRIPTIONS = {
    "terms": _("学期，按学校的写法编码为“学年-学期”，如 2025-2026-1。"),
    "departments": _("部门：二级学院（教学单位）或职能部门。"),
    "specialties": _("专业，按国家高职专业目录的专业代码编码。"),
    "staff": _("教职工，以工号为键；教师是“是否教师”为是的教职工。"),
    "classes": _("行政班：一个专业的一个年级的一个班，有其辅导员。"),
    "students": _("学生，以学号为键。"),
    "courses": _("课程目录中的课程，以课程代码为键，有其课程负责人。"),
    "offerings": _("开课（教学班）：一门课程在一个学期由一位教师为一组学生讲授。"),
    "enrolments": _("选课：学生在一个教学班中的名额。"),
    "sessions": _("课次：教学班排定的一次上课——已上，或课表提前导入时尚未到来。"),
    "attendance": _("考勤：一名学生在一个课次的出勤情况。"),
    "grades": _("成绩：学生在一个教学班的总评成绩；考试次数 1 为首次考试，2 为补考。"),
    "assignments": _("作业：教学班布置的作业。"),
    "submissions": _("作业提交：学生对一次作业的提交。"),
    "learning_activity": _("在线学习活动：来自智能云课堂或学习平台的学习事件，多经 xAPI 接入。"),
    "evaluations": _("评教：一类评价者对一个教学班教学的评价，记平均分。"),
    "research": _("科研成果：教职工的科研或社会服务成果。"),
    "training": _("培训：教职工参加的培训，按学时计。"),
    "enterprise_practice": _("企业实践：教师到企业实践，按天计。"),
    "awards": _("获奖与证书：学生或教职工的获奖与证书，含 1+X 证书。"),
    "enrolment_plans": _("招生计划：一个专业一年的招生计划。"),
    "admissions": _("录取与报到：专业录取的考生及其是否报到。"),
    "employment": _("毕业去向：毕业生的去向，按就业部门上报。"),
    "fitness_tests": _("体质测试：学生每年的体质健康测试。"),
    "activities": _("第二课堂：志愿服务、文艺、劳动、社团等活动，按德智体美劳分类。"),
}

_TYPE_NAMES = {
    "CharField": _("文本"), "SlugField": _("文本"), "EmailField": _("电子邮箱"), "TextField": _("长文本"),
    "DateField": _("日期"), "DateTimeField": _("日期时间"), "BooleanField": _("是/否"),
    "DecimalField": _("小数"), "PositiveIntegerField": _("非负整数"), "PositiveSmallIntegerField": _("非负整数"),
    "IntegerField": _("整数"), "BigAutoField": _("自增主键"), "ForeignKey": _("引用"), "OneToOneField": _("一对一引用"),
    "UUIDField": "UUID", "JSONField": "JSON",
}


@dataclass
class FieldEntry:
    name: str
    label: str
    type: str
    required: bool
    unique: bool
    code_table: str
    references: str
    description: str
    codes: list = None  # the code table as (code, label) pairs, for the page
    references_label: str = ""  # the referenced table's name


@dataclass
class TableEntry:
    code: str
    model: type
    label: str
    db_table: str
    description: str
    natural_key: list[str]
    fields: list[FieldEntry]


def model_for_table(code: str):
    try:
        return apps.get_model(TABLE_CODES[code])
    except KeyError:
        raise LookupError(code) from None


def _natural_key(model) -> list[str]:
    for field in model._meta.fields:
        if field.unique and not field.primary_key and not field.is_relation and field.name != "statement_id":
            return [field.name]
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            return list(constraint.fields)
    return []


def _field_entry(field) -> FieldEntry:
    kind = field.get_internal_type()
    code_table = "；".join(f"{value}={label}" for value, label in field.choices) if field.choices else ""
    references = references_label = ""
    if field.is_relation and field.related_model is not None:
        target = field.related_model
        references = CANONICAL_CODES.get(target._meta.label, target._meta.label)
        references_label = str(target._meta.verbose_name)
    description = str(field.help_text or "")
    if field.name in ("source", "batch"):
        description = description or str(_("数据血缘：该行来自哪个来源系统、哪个导入批次"))
    return FieldEntry(
        name=field.attname if field.is_relation else field.name,
        label=str(field.verbose_name),
        type=str(_TYPE_NAMES.get(kind, kind)),
        required=not (field.null or field.blank or field.has_default()) and not field.primary_key,
        unique=bool(field.unique and not field.primary_key),
        code_table=code_table,
        references=references,
        description=description,
        codes=[(value, str(label)) for value, label in field.choices] if field.choices else [],
        references_label=references_label,
    )


def tables() -> list[TableEntry]:
    entries = []
    for code, label in TABLE_CODES.items():
        if CANONICAL_CODES[label] != code:
            continue
        model = apps.get_model(label)
        entries.append(
            TableEntry(
                code=code,
                model=model,
                label=str(model._meta.verbose_name),
                db_table=model._meta.db_table,
                description=str(DESCRIPTIONS.get(code, "")),
                natural_key=_natural_key(model),
                fields=[_field_entry(f) for f in model._meta.concrete_fields],
            )
        )
    return entries


# The .xlsx speaks the active language (Chinese by default, as on the command line).
DICTIONARY_HEADER = [
    _("表代码"), _("表名"), _("字段"), _("中文名"), _("类型"), _("必填"), _("唯一"), _("代码表"), _("引用"), _("说明"),
]


def dictionary_rows():
    yes = str(_("是"))
    for table in tables():
        for field in table.fields:
            yield [
                table.code, table.label, field.name, field.label, field.type,
                yes if field.required else "", yes if field.unique else "",
                field.code_table, field.references, field.description,
            ]


def dictionary_sheets() -> dict:
    overview = (
        [str(h) for h in (_("表代码"), _("表名"), _("数据库表"), _("自然键"), _("说明"))],
        [[t.code, t.label, t.db_table, ",".join(t.natural_key), t.description] for t in tables()],
    )
    return {str(_("数据表")): overview, str(_("字段")): ([str(h) for h in DICTIONARY_HEADER], dictionary_rows())}


def write_dictionary_xlsx(target) -> None:
    from zhengai.core.output import write_xlsx

    write_xlsx(target, dictionary_sheets())
