"""The default standard set (默认标准) of the demo college: one or more standards for every level,
in the national guideline's shape (诊断项目 → 诊断要素 → 诊断点), so the platform is useful on
day one. A college edits them on the standards pages or through ``zhengai standards export`` /
``import``.

Warning lines are set only where the demo college's healthy population stays clear of them and its
planted patterns cross them (``zhengai.datacenter.demo``): attendance under 85 % yellow, 75 % orange,
60 % red (healthy students and offerings stay ≥ 85 % in every month and half month; declining
students fall to 50–65 %, low-attendance offerings to about 68 %); evaluation scores under 80 (low
ones 66–77.5, healthy 84–97); training under 40 hours a year (healthy ≥ 48), judged over the
academic year (评价周期 学年) once it has ended — on a term most teachers fall short, since they train
in the winter and summer breaks; employment under 85 % (weak specialties 66–75 %, healthy 92–98 %).
Indicators without a documented healthy range (GPA, failed courses, fitness, submission and credit
rates, employment relevance …) carry grade thresholds only, so the demo raises no false alarms.

``install_default_standards()`` goes through the same import path as a quality office's file and
is idempotent: a published version already stored and identical is left as it is. Points bound to
an indicator code the library does not (yet) have are left out, with a log line, rather than
failing the installation.
"""

import logging
from datetime import date

from zhengai.datacenter.choices import Level

from . import indicator_codes
from .choices import StandardClass

log = logging.getLogger(__name__)

EFFECTIVE_FROM = date(2023, 9, 1)  # the demo college's first term starts in September 2023
VERSION = "2023版"


def P(code, name, indicator="", direction="", q=None, g=None, e=None, y=None, o=None, r=None, w=1, evidence="",
      margin=None, windows=None, period=""):
    """A 诊断点: indicator, thresholds 合格/良好/优秀, warning lines yellow/orange/red, weight, and
    the window it is judged over when that is not its level's monitoring window."""
    return {"point_code": code, "point_name": name, "indicator_code": indicator, "direction": direction,
            "qualified": q, "good": g, "excellent": e, "yellow": y, "orange": o, "red": r, "weight": w,
            "evidence": evidence, "resolve_margin": margin, "resolve_windows": windows, "period": period}


def _specialty(tier_label: str, strict: int) -> dict:
    """A specialty construction standard for one tier; ``strict`` raises the bar per tier."""
    return {
        "name": f"{tier_label}专业建设标准", "level": Level.SPECIALTY, "class": StandardClass.SPECIALTY,
        "applies_to": f"专业层次={tier_label}",
        "projects": [
            ("1", "专业定位与规划", [
                ("1.1", "招生与生源", [
                    P("1.1.1", "招生计划完成率", "specialty.enrolment_plan_completion", "higher", 90, 95 + strict, 100, 85, 75, 60),
                    P("1.1.2", "新生报到率", "specialty.registration_rate", "higher", 85, 90, 95, 80, 70, 60),
                ]),
                ("1.2", "建设规划", [
                    P("1.2.1", "专业建设规划与年度计划", evidence="专业建设规划文本、年度建设计划及完成情况总结"),
                ]),
            ]),
            ("2", "师资队伍", [
                ("2.1", "结构", [
                    P("2.1.1", "生师比", "specialty.student_teacher_ratio", "lower", 18, 16, 14, 20, 22, 25),
                    P("2.1.2", "双师型教师比例", "specialty.dual_qualified_share", "higher", 50 + strict * 5, 60 + strict * 5, 70 + strict * 5, 50, 40, 30),
                ]),
            ]),
            ("3", "人才培养质量", [
                ("3.1", "学业", [
                    P("3.1.1", "课程及格率", "specialty.pass_rate", "higher", 85, 90, 95, 80, 70, 60, w=2),
                    P("3.1.2", "学生流失率", "specialty.attrition_rate", "lower", 5, 3, 1, 5, 8, 12, margin=1),
                    P("3.1.3", "1+X 证书获取率", "specialty.certificate_rate", "higher", 30 + strict * 10, 50 + strict * 10, 70 + strict * 5, None, None, None),
                ]),
                ("3.2", "就业", [
                    P("3.2.1", "毕业生就业率", "specialty.employment_rate", "higher", 90, 95, 98, 85, 80, 70, w=2),
                    P("3.2.2", "就业专业相关度", "specialty.employment_relevance", "higher", 60, 70, 80),
                ]),
            ]),
        ],
    }


DEFAULT_STANDARDS = {
    "SCH-2023": {
        "name": "学校事业发展标准", "level": Level.SCHOOL, "class": StandardClass.SCHOOL, "applies_to": "",
        "projects": [
            ("1", "目标任务", [
                ("1.1", "年度任务", [
                    P("1.1.1", "年度工作任务完成率", "school.task_completion", "higher", 85, 92, 98, 80, 70, 60, w=3),
                ]),
            ]),
            ("2", "办学条件与质量", [
                ("2.1", "人才培养", [
                    P("2.1.1", "学生出勤率", "school.attendance_rate", "higher", 90, 94, 97, 85, 75, 60),
                    P("2.1.2", "毕业生就业率", "school.employment_rate", "higher", 90, 95, 98, 85, 80, 70),
                ]),
                ("2.2", "质量年报", [
                    P("2.2.1", "质量年度报告", evidence="学校质量年度报告及五张表"),
                ]),
            ]),
        ],
    },
    "DEPT-2023": {
        "name": "二级学院工作标准", "level": Level.DEPARTMENT, "class": StandardClass.DEPARTMENT,
        "applies_to": "部门类别=二级学院",
        "projects": [
            ("1", "教学运行", [
                ("1.1", "课堂", [
                    P("1.1.1", "学生出勤率", "department.attendance_rate", "higher", 90, 94, 97, 85, 75, 60),
                    P("1.1.2", "学生评教平均分", "department.evaluation_average", "higher", 85, 90, 95, 80, 75, 70),
                ]),
            ]),
            ("2", "目标任务", [
                ("2.1", "年度任务", [
                    P("2.1.1", "年度任务完成率", "department.task_completion", "higher", 85, 92, 98, 80, 70, 60, w=2),
                ]),
            ]),
            ("3", "自我诊改", [
                ("3.1", "诊改报告", [
                    P("3.1.1", "年度自我诊改报告", evidence="学院年度自我诊改报告及改进措施落实材料"),
                ]),
            ]),
        ],
    },
    "SP-BENCHMARK-2023": _specialty("标杆", 3),
    "SP-BRAND-2023": _specialty("品牌", 2),
    "SP-BACKBONE-2023": _specialty("骨干", 1),
    "SP-GENERAL-2023": _specialty("一般", 0),
    "CB-2023": {
        "name": "课程建设标准", "level": Level.COURSE, "class": StandardClass.COURSE_CONSTRUCTION, "applies_to": "",
        "projects": [
            ("1", "课程设计", [
                ("1.1", "课程标准", [
                    P("1.1.1", "课程标准与授课计划", evidence="课程标准、授课计划文本"),
                ]),
            ]),
            ("2", "教学资源", [
                ("2.1", "在线资源", [
                    P("2.1.1", "在线学习活跃度", "course.online_activity", "higher", 5, 10, 20, 3, 2, 1),
                    P("2.1.2", "教学资源建设", evidence="课件、微课、题库等资源清单"),
                ]),
            ]),
            ("3", "教学效果", [
                ("3.1", "成绩与评价", [
                    P("3.1.1", "课程及格率", "course.pass_rate", "higher", 85, 90, 95, 80, 70, 60, w=2),
                    P("3.1.2", "学生评教得分", "course.evaluation_average", "higher", 85, 90, 95, 80, 75, 70),
                ]),
            ]),
        ],
    },
    "CT-2023": {
        "name": "课程教学标准", "level": Level.OFFERING, "class": StandardClass.COURSE_TEACHING, "applies_to": "",
        "projects": [
            ("1", "教学过程", [
                ("1.1", "课堂出勤", [
                    P("1.1.1", "学生出勤率", "offering.attendance_rate", "higher", 90, 94, 97, 85, 75, 60, w=2, margin=2, windows=2),
                ]),
                ("1.2", "作业与互动", [
                    P("1.2.1", "作业提交率", "offering.submission_rate", "higher", 85, 90, 95, 80, 70, 50),
                    P("1.2.2", "在线互动度", "offering.interaction", "higher", 2, 4, 6, None, None, None),
                ]),
            ]),
            ("2", "教学效果", [
                ("2.1", "评价", [
                    P("2.1.1", "学生评教得分", "offering.evaluation_score", "higher", 85, 90, 95, 80, 75, 70, w=2),
                    P("2.1.2", "督导评价得分", "offering.supervisor_score", "higher", 80, 88, 94, 75, 70, 60),
                ]),
                ("2.2", "成绩", [
                    P("2.2.1", "及格率", "offering.pass_rate", "higher", 85, 90, 95, 80, 70, 60),
                ]),
            ]),
        ],
    },
    **{
        code: {
            "name": name, "level": Level.TEACHER, "class": StandardClass.TEACHER, "applies_to": rule,
            "projects": [
                ("1", "教学", [
                    ("1.1", "教学工作量", [
                        P("1.1.1", "授课学时（学年）", "teacher.teaching_hours", "higher", hours, hours + 40, hours + 80,
                          period="academic_year"),
                    ]),
                    ("1.2", "教学质量", [
                        P("1.2.1", "学生评教平均分", "teacher.evaluation_average", "higher", 85, 90, 95, 80, 75, 70, w=2),
                    ]),
                ]),
                ("2", "科研与社会服务", [
                    ("2.1", "科研", [
                        P("2.1.1", "科研成果数（学年）", "teacher.research_outputs", "higher", research, research + 1, research + 2,
                          period="academic_year"),
                    ]),
                ]),
                ("3", "专业发展", [
                    ("3.1", "培训与实践", [
                        P("3.1.1", "培训学时（学年）", "teacher.training_hours", "higher", 40, 60, 80, 40, 30, 20,
                          period="academic_year"),
                        P("3.1.2", "企业实践天数（学年）", "teacher.enterprise_practice_days", "higher", 15, 30, 45,
                          period="academic_year"),
                        P("3.1.3", "个人发展规划", evidence="教师个人发展规划及年度总结"),
                    ]),
                ]),
            ],
        }
        for code, name, rule, hours, research in (
            ("TD-SENIOR-2023", "高级职称教师发展标准", "职称=教授、副教授", 160, 2),
            ("TD-MIDDLE-2023", "讲师发展标准", "职称=讲师", 200, 1),
            ("TD-JUNIOR-2023", "助教及新教师发展标准", "职称=助教、无", 160, 0),
        )
    },
    "STU-2023": {
        "name": "学生全面发展标准（德智体美劳）", "level": Level.STUDENT, "class": StandardClass.STUDENT, "applies_to": "",
        "projects": [
            ("1", "德", [
                ("1.1", "思想品德", [
                    P("1.1.1", "思政与志愿服务活动时长", "student.activity_hours_moral", "higher", 8, 16, 24, None, None, None),
                    P("1.1.2", "操行评定", evidence="辅导员操行评定意见"),
                ]),
            ]),
            ("2", "智", [
                ("2.1", "学习投入", [
                    P("2.1.1", "出勤率", "student.attendance_rate", "higher", 90, 94, 97, 85, 75, 60, w=2, margin=2, windows=2),
                    P("2.1.2", "作业提交率", "student.assignment_submission_rate", "higher", 85, 90, 95),
                    P("2.1.3", "在线学习次数", "student.online_activity", "higher", 10, 20, 40, None, None, None),
                ]),
                ("2.2", "学业成绩", [
                    P("2.2.1", "平均学分绩点", "student.gpa", "higher", 2, 3, "3.5", w=2),
                    P("2.2.2", "不及格课程数", "student.failed_courses", "lower", 0, 0, 0),
                    P("2.2.3", "学分获得率", "student.credits_earned_ratio", "higher", 90, 95, 100),
                ]),
            ]),
            ("3", "体", [
                ("3.1", "体质健康", [
                    P("3.1.1", "体质测试成绩", "student.fitness_score", "higher", 60, 75, 90),
                    P("3.1.2", "体育活动时长", "student.activity_hours_physical", "higher", 10, 20, 30, None, None, None),
                ]),
            ]),
            ("4", "美", [
                ("4.1", "审美与人文", [
                    P("4.1.1", "美育活动时长", "student.activity_hours_aesthetic", "higher", 4, 8, 16, None, None, None),
                ]),
            ]),
            ("5", "劳", [
                ("5.1", "劳动实践", [
                    P("5.1.1", "劳动实践时长", "student.activity_hours_labour", "higher", 8, 16, 32, None, None, None),
                    P("5.1.2", "职业资格与技能证书", "student.certificates", "higher", 1, 2, 3, None, None, None),
                ]),
            ]),
        ],
    },
}


def default_rows() -> list[tuple[int, dict[str, str]]]:
    """The default set as the cell texts of an import file (so it is checked like a file)."""
    from zhengai.datacenter.choices import Level as L

    from .choices import StandardClass as C

    known = indicator_codes.known()
    rows, number = [], 2
    for code, spec in DEFAULT_STANDARDS.items():
        head = {
            "std_code": code, "std_name": spec["name"], "level": str(L(spec["level"]).label),
            "std_class": str(C(spec["class"]).label), "version": VERSION, "status": "已发布",
            "effective_from": EFFECTIVE_FROM.isoformat(), "effective_to": "", "applies_to": spec["applies_to"],
        }
        for pcode, pname, elements in spec["projects"]:
            for ecode, ename, points in elements:
                kept = []
                for point in points:
                    if known is not None and point["indicator_code"] and point["indicator_code"] not in known:
                        log.warning("default standard %s: indicator %s is not in the library; point %s left out",
                                    code, point["indicator_code"], point["point_code"])
                        continue
                    kept.append(point)
                if not kept:  # the element stays, to be given points when the library has them
                    rows.append((number, dict(head, project_code=pcode, project_name=pname, element_code=ecode, element_name=ename)))
                    number += 1
                for point in kept:
                    texts = dict(head, project_code=pcode, project_name=pname, element_code=ecode, element_name=ename)
                    for key, value in point.items():
                        texts[key] = "" if value is None else str(value)
                    if texts["direction"]:
                        texts["direction"] = "越高越好" if texts["direction"] == "higher" else "越低越好"
                    rows.append((number, texts))
                    number += 1
    return rows


def _tree(rows) -> list[tuple]:
    """A version's content as spreadsheet cells, without what names or dates the version, so that
    two versions compare by content."""
    from .choices import VersionStatus
    from .standards_io import row_cells

    head = {"std_code": "", "std_name": "", "level": Level.SCHOOL, "std_class": StandardClass.SCHOOL, "version": "",
            "status": VersionStatus.DRAFT, "effective_from": None, "effective_to": None, "applies_to": {}}
    return [tuple(row_cells({**row, **head})) for row in rows]


def outdated_defaults() -> dict[str, str]:
    """Default standards whose version in force now (the latest published, open-ended one) differs
    from the set this release ships: standard code → label of that stored version. Three queries."""
    from .choices import VersionStatus
    from .models import Standard
    from .standards_io import flat_rows, parse_rows

    stored: dict[str, dict[str, list]] = {}
    for row in flat_rows(Standard.objects.filter(code__in=list(DEFAULT_STANDARDS))):
        if row["status"] == VersionStatus.PUBLISHED and row["effective_to"] is None:
            stored.setdefault(row["std_code"], {}).setdefault(row["version"], []).append(row)
    shipped, _problems = parse_rows(default_rows())
    outdated = {}
    for code, versions in stored.items():
        label, rows = max(versions.items(), key=lambda item: item[1][0]["effective_from"])
        if code in shipped and _tree(rows) != _tree(r for _n, r in shipped[code].versions[VERSION].rows):
            outdated[code] = label
    return outdated


def install_default_standards(acting_user=None, *, upgrade_from: date | None = None) -> dict[str, int]:
    """Install the default standard set; safe to run any number of times. A default version already
    stored is never edited (history is judged by it). With ``upgrade_from``, a stored default that
    differs from this release's (see ``outdated_defaults``) gets this release's content as a new
    published version from that day, labelled ``2023版（修订YYYYMMDD）``; the stored one closes the day
    before, so earlier windows keep being judged by it."""
    from .models import StandardVersion
    from .standards_io import import_rows

    present = set(StandardVersion.objects.filter(standard__code__in=list(DEFAULT_STANDARDS), label=VERSION)
                  .values_list("standard__code", flat=True))
    rows = [(n, texts) for n, texts in default_rows() if texts["std_code"] not in present]
    upgraded = {}
    if upgrade_from is not None:
        upgraded = outdated_defaults()
        label = f"{VERSION}（修订{upgrade_from:%Y%m%d}）"
        rows += [(n, dict(texts, version=label, effective_from=upgrade_from.isoformat()))
                 for n, texts in default_rows() if texts["std_code"] in upgraded]
    if not rows:
        return {"standards": 0, "versions": 0, "unchanged": len(present), "points": 0, "upgraded": 0}
    counts = import_rows(rows, acting_user=acting_user)
    counts["unchanged"] += len(present) - len(upgraded)
    counts["upgraded"] = len(upgraded)
    return counts
