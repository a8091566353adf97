"""The default templates the platform ships: the 质量年报 annex tables and the state-data summary
tables, filled from what the data center holds; the rest is owed by the department named.

The annex tables follow the layout of the 高等职业教育质量年度报告 annex (计分卡, 资源表, 服务贡献表,
落实政策表, 国际影响表: 序号, 指标, 单位, the year before, the year reported). Figures the data
center has no table for (funding, floor space, foreign students …) are rows without an indicator:
each becomes a task for its department when the table is filled.

A few school-level figures the library has no built-in indicator for are installed as custom
indicators (自定义指标) beside the templates, through the same validation as the indicator page.
``install_default_templates()`` is idempotent: a template that exists (edited or not) is left alone.
"""

import logging

from django.db import transaction

from zhengai.datacenter.choices import EmploymentStatus, Level

from .choices import Layout
from .models import ReportTemplate, TotalRule
from .structure import ColumnSpec, RowSpec, TableSpec, check, replace

log = logging.getLogger(__name__)

ANNUAL_REPORT = "质量年报附表"
STATE_DATA = "状态数据汇总表"

_EMPLOYED = [EmploymentStatus.EMPLOYED.value, EmploymentStatus.FLEXIBLE.value, EmploymentStatus.SELF_EMPLOYED.value]

# (code, 中文名称, English name, unit, definition, spec)
CUSTOM_INDICATORS = [
    ("school.graduates", "毕业生人数", "Graduates", "人",
     "窗口所含毕业届别的全校毕业生人数（就业去向表的记录数）。",
     {"kind": "aggregate", "table": "employment", "aggregate": "count", "field": "", "filters": []}),
    ("school.graduates_placed", "毕业去向落实人数", "Graduates placed", "人",
     "窗口所含毕业届别中去向不是“待就业”的毕业生人数。",
     {"kind": "aggregate", "table": "employment", "aggregate": "count", "field": "",
      "filters": [{"field": "status", "op": "ne", "value": EmploymentStatus.UNEMPLOYED.value}]}),
    ("school.average_salary", "毕业生平均月收入", "Graduates' average monthly income", "元",
     "窗口所含毕业届别中已就业（协议就业、灵活就业、自主创业）且填报月薪的毕业生的月薪平均。",
     {"kind": "aggregate", "table": "employment", "aggregate": "avg", "field": "monthly_salary",
      "filters": [{"field": "status", "op": "in", "value": _EMPLOYED}, {"field": "monthly_salary", "op": "notnull", "value": ""}]}),
    ("school.relevant_share", "毕业生专业相关度", "Employment relevance", "%",
     "窗口所含毕业届别中已就业（协议就业、灵活就业、自主创业）的毕业生里专业对口的人数 ÷ 其人数 × 100。",
     {"kind": "ratio", "scale": 100,
      "numerator": {"table": "employment", "aggregate": "count", "field": "",
                    "filters": [{"field": "status", "op": "in", "value": _EMPLOYED}, {"field": "relevant", "op": "eq", "value": True}]},
      "denominator": {"table": "employment", "aggregate": "count", "field": "",
                      "filters": [{"field": "status", "op": "in", "value": _EMPLOYED}]}}),
    ("school.self_employed_share", "自主创业比例", "Share self-employed", "%",
     "窗口所含毕业届别中自主创业的毕业生人数 ÷ 毕业生人数 × 100。",
     {"kind": "ratio", "scale": 100,
      "numerator": {"table": "employment", "aggregate": "count", "field": "",
                    "filters": [{"field": "status", "op": "eq", "value": EmploymentStatus.SELF_EMPLOYED.value}]},
      "denominator": {"table": "employment", "aggregate": "count", "field": "", "filters": []}}),
    ("school.full_time_teachers", "专任教师数", "Full-time teachers", "人",
     "全校专任教师人数（当前状态）。",
     {"kind": "aggregate", "table": "teachers", "aggregate": "count", "field": "",
      "filters": [{"field": "is_teacher", "op": "eq", "value": True}]}),
    ("school.senior_title_share", "高级职称专任教师比例", "Share of senior titles", "%",
     "专任教师中教授、副教授人数 ÷ 专任教师人数 × 100（当前状态）。",
     {"kind": "ratio", "scale": 100,
      "numerator": {"table": "teachers", "aggregate": "count", "field": "",
                    "filters": [{"field": "is_teacher", "op": "eq", "value": True},
                                {"field": "title", "op": "in", "value": ["professor", "associate"]}]},
      "denominator": {"table": "teachers", "aggregate": "count", "field": "",
                      "filters": [{"field": "is_teacher", "op": "eq", "value": True}]}}),
    ("school.enterprise_practice_days", "教师企业实践天数", "Teachers' enterprise practice days", "天",
     "窗口内开始的全校教职工企业实践天数之和。",
     {"kind": "aggregate", "table": "enterprise_practice", "aggregate": "sum", "field": "days", "filters": []}),
    ("school.training_hours", "教师培训学时", "Teachers' training hours", "小时",
     "窗口内全校教职工培训学时之和。",
     {"kind": "aggregate", "table": "training", "aggregate": "sum", "field": "hours", "filters": []}),
]

_YEARS = [ColumnSpec("上一学年", year_offset=-1), ColumnSpec("本学年", year_offset=0)]


def _rows(*rows) -> list[RowSpec]:
    return [RowSpec(label, unit, code, dept) for label, unit, code, dept in rows]


def annual_report_tables() -> list[TableSpec]:
    return [
        TableSpec("scorecard", "计分卡", department="招生就业处", columns=list(_YEARS), rows=_rows(
            ("就业率", "%", "school.employment_rate", ""),
            ("月收入", "元", "school.average_salary", ""),
            ("专业相关度", "%", "school.relevant_share", ""),
            ("母校满意度", "%", "", ""),
            ("自主创业比例", "%", "school.self_employed_share", ""),
            ("雇主满意度", "%", "", ""),
            ("毕业三年职位晋升比例", "%", "", ""),
        )),
        TableSpec("resources", "资源表", department="发展规划处", columns=list(_YEARS), rows=_rows(
            ("生师比", "比", "school.student_teacher_ratio", ""),
            ("双师素质专任教师比例", "%", "school.dual_qualified_share", ""),
            ("高级职称专任教师比例", "%", "school.senior_title_share", ""),
            ("专任教师人均培训学时", "小时", "school.teacher_training_hours", ""),
            ("生均教学科研仪器设备值", "元", "", "发展规划处"),
            ("生均校内实践教学工位数", "个", "", "教务处"),
            ("生均教学及辅助、行政办公用房面积", "平方米", "", "发展规划处"),
            ("生均纸质图书", "册", "", "党政办公室"),
        )),
        TableSpec("contribution", "服务贡献表", department="科技处", columns=list(_YEARS), rows=_rows(
            ("全日制在校生人数", "人", "school.students", ""),
            ("毕业生人数", "人", "school.graduates", ""),
            ("毕业去向落实人数", "人", "school.graduates_placed", ""),
            ("其中：在当地就业人数", "人", "", "招生就业处"),
            ("科研成果数", "项", "school.research_outputs", ""),
            ("横向技术服务到款额", "万元", "", ""),
            ("纵向科研经费到款额", "万元", "", ""),
            ("非学历培训到款额", "万元", "", ""),
            ("公益性培训服务", "人日", "", ""),
        )),
        TableSpec("policy", "落实政策表", department="发展规划处", columns=list(_YEARS), rows=_rows(
            ("年生均财政拨款水平", "元", "", ""),
            ("年生均财政专项经费", "元", "", ""),
            ("教职员工额定编制数", "人", "", "人事处"),
            ("专任教师总数", "人", "school.full_time_teachers", ""),
            ("教师企业实践天数", "天", "school.enterprise_practice_days", ""),
            ("企业兼职教师年课时总量", "课时", "", "教务处"),
        )),
        TableSpec("international", "国际影响表", department="党政办公室", columns=list(_YEARS), rows=_rows(
            ("全日制国（境）外留学生人数（年度）", "人", "", ""),
            ("非全日制国（境）外人员培训量（年度）", "人日", "", ""),
            ("在校生服务“走出去”企业国（境）外实习时间（年度）", "人日", "", ""),
            ("专任教师赴国（境）外指导和开展培训时间（年度）", "人日", "", ""),
            ("在国（境）外组织担任职务的专任教师人数（年度）", "人", "", ""),
            ("开发并被国（境）外采用的专业教学标准数（年度）", "个", "", ""),
            ("开发并被国（境）外采用的课程标准数（年度）", "个", "", ""),
            ("国（境）外技能大赛获奖数量（年度）", "项", "", ""),
        )),
    ]


def state_data_tables() -> list[TableSpec]:
    d = [ColumnSpec(header, unit, code) for header, unit, code in (
        ("在籍学生数", "人", "department.students"),
        ("学生出勤率", "%", "department.attendance_rate"),
        ("课程及格率", "%", "department.pass_rate"),
        ("学生评教均分", "分", "department.evaluation_average"),
        ("双师型教师比例", "%", "department.dual_qualified_share"),
        ("教师人均培训学时", "小时", "department.teacher_training_hours"),
        ("科研成果数", "项", "department.research_outputs"),
        ("毕业生就业率", "%", "department.employment_rate"),
    )]
    s = [ColumnSpec(header, unit, code) for header, unit, code in (
        ("在籍学生数", "人", "specialty.students"),
        ("招生计划完成率", "%", "specialty.enrolment_plan_completion"),
        ("新生报到率", "%", "specialty.registration_rate"),
        ("生师比", "比", "specialty.student_teacher_ratio"),
        ("双师型教师比例", "%", "specialty.dual_qualified_share"),
        ("课程及格率", "%", "specialty.pass_rate"),
        ("证书获取率（1+X）", "%", "specialty.certificate_rate"),
        ("毕业生就业率", "%", "specialty.employment_rate"),
        ("就业专业对口率", "%", "specialty.employment_relevance"),
        ("毕业生平均月薪", "元", "specialty.average_salary"),
        ("校内实训基地工位数", "个", ""),
    )]
    return [
        TableSpec("school_basic", "学校基本情况", department="发展规划处", columns=[ColumnSpec("本学年")], rows=_rows(
            ("在籍学生数", "人", "school.students", ""),
            ("专任教师数", "人", "school.full_time_teachers", ""),
            ("生师比", "比", "school.student_teacher_ratio", ""),
            ("双师型教师比例", "%", "school.dual_qualified_share", ""),
            ("学生出勤率", "%", "school.attendance_rate", ""),
            ("课程及格率", "%", "school.pass_rate", ""),
            ("学生评教均分", "分", "school.evaluation_average", ""),
            ("招生计划完成率", "%", "school.enrolment_plan_completion", ""),
            ("学生流失率", "%", "school.attrition_rate", ""),
            ("毕业生就业率", "%", "school.employment_rate", ""),
            ("科研成果数", "项", "school.research_outputs", ""),
            ("占地面积", "平方米", "", ""),
            ("教学科研仪器设备总值", "万元", "", ""),
        )),
        TableSpec("departments", "二级学院基本情况", Layout.SUBJECTS, Level.DEPARTMENT, columns=d),
        TableSpec("specialties", "专业基本情况", Layout.SUBJECTS, Level.SPECIALTY, columns=s),
    ]


# Totals that must agree (核对规则): (name, left table, row, column, right table, row — blank: the
# column's sum over all rows —, column).
STATE_DATA_RULES = [
    ("在籍学生数：学校与二级学院合计", "school_basic", "在籍学生数", "本学年", "departments", "", "在籍学生数"),
    ("在籍学生数：二级学院与专业合计", "departments", "", "在籍学生数", "specialties", "", "在籍学生数"),
]

DEFAULTS = [
    (ANNUAL_REPORT, "高等职业教育质量年度报告的附表（计分卡、资源表、服务贡献表、落实政策表、国际影响表），按学年填报。",
     annual_report_tables, []),
    (STATE_DATA, "人才培养工作状态数据的汇总表：学校、二级学院与专业的基本情况，按学年（9 月 1 日至次年 8 月 31 日）填报。",
     state_data_tables, STATE_DATA_RULES),
]


def install_custom_indicators() -> int:
    """The custom indicators the default templates use; those that exist are left as they are."""
    from zhengai.indicators.models import CustomIndicator

    existing = set(CustomIndicator.objects.values_list("code", flat=True))
    made = 0
    for code, name_zh, name_en, unit, definition, spec in CUSTOM_INDICATORS:
        if code in existing:
            continue
        custom = CustomIndicator(code=code, level=Level.SCHOOL, name_zh=name_zh, name_en=name_en, unit=unit,
                                 definition=definition, spec=spec)
        custom.full_clean(exclude=["created_by"])
        custom.save()
        made += 1
    return made


@transaction.atomic
def install_default_templates() -> dict:
    """Create the default templates that do not exist yet (and the custom indicators they use)."""
    indicators = install_custom_indicators()
    made = 0
    for order, (name, description, tables, rules) in enumerate(DEFAULTS, start=1):
        if ReportTemplate.objects.filter(name=name).exists():
            continue
        specs = tables()
        problems = check(specs)
        if problems:  # a release that ships a broken default must fail loudly, not install half
            raise ValueError("; ".join(problems))
        template = ReportTemplate.objects.create(name=name, description=description, builtin=True, order=order)
        replace(template, specs)
        TotalRule.objects.bulk_create([TotalRule(template=template, name=n, left_table=lt, left_row=lr, left_column=lc,
                                                 right_table=rt, right_row=rr, right_column=rc)
                                       for n, lt, lr, lc, rt, rr, rc in rules])
        made += 1
    return {"templates": made, "indicators": indicators}


def on_demo_seeded(sender=None, **kwargs):
    log.info("default report templates: %s", install_default_templates())
