"""Standards as .xlsx: round trip, checks that name the bad cell, history kept, defaults."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook

from zhengai.chains import rules
from zhengai.chains.choices import NodeKind, VersionStatus
from zhengai.chains.defaults import DEFAULT_STANDARDS, install_default_standards
from zhengai.chains.models import Standard, StandardNode, StandardVersion
from zhengai.chains.standards_io import COLUMNS, export_workbook, import_workbook
from zhengai.chains.xlsxutil import ImportProblems
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject

HEADER = [label for _k, label in COLUMNS]


def workbook(*rows) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.title = "标准"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    out.seek(0)
    return out


def cells(source) -> list[list]:
    source.seek(0)
    return [list(r) for r in load_workbook(source).active.iter_rows(values_only=True)]


BRAND_ROWS = [
    ["STU-B", "品牌专业学生发展标准", "学生", "学生发展标准", "v1", "已发布", "2024-09-01", "", "专业层次=品牌",
     "2", "智", "2.1", "学习投入", "2.1.1", "出勤率", "student.attendance_rate", "越高越好",
     90, 95, 98, 85, 80, 70, 2, 1, 2, None],
    ["STU-B", "品牌专业学生发展标准", "学生", "学生发展标准", "v1", "已发布", "2024-09-01", "", "专业层次=品牌",
     "2", "智", "2.1", "学习投入", "2.1.2", "不及格课程数", "student.failed_courses", "越低越好",
     1, 0.5, 0, 1, 2, 3, 1, 0, 1, None],
    ["STU-B", "品牌专业学生发展标准", "学生", "学生发展标准", "v1", "已发布", "2024-09-01", "", "专业层次=品牌",
     "1", "德", "1.1", "思想品德", "1.1.1", "操行评定", None, "越高越好",
     None, None, None, None, None, None, 1, 0, 1, "辅导员操行评定意见"],
    ["STU-B", "品牌专业学生发展标准", "学生", "学生发展标准", "v2", "草稿", "", "", "专业层次=品牌、标杆",
     "2", "智", "2.2", "学业成绩", None, None, None, None,
     None, None, None, None, None, None, None, None, None, None],
]


def test_it_imports_a_standard_and_exports_the_same_cells(college):
    source = workbook(*BRAND_ROWS)
    assert Standard.objects.count() == 0

    counts = import_workbook(source)

    assert counts == {"standards": 1, "versions": 2, "unchanged": 0, "points": 3}
    v1 = StandardVersion.objects.get(label="v1")
    assert (v1.status, v1.effective_from, v1.applies_to) == (VersionStatus.PUBLISHED, date(2024, 9, 1), {"tier": ["brand"]})
    point = StandardNode.objects.get(version=v1, code="2.1.2")
    assert (point.direction, point.good, point.red, point.parent.name, point.parent.parent.name) == (
        "lower", Decimal("0.5"), Decimal("3"), "学习投入", "智")
    assert StandardNode.objects.get(version__label="v2", kind=NodeKind.ELEMENT).name == "学业成绩"
    out = io.BytesIO()
    export_workbook(out)
    assert cells(out) == cells(source)

    # and back again: importing the export changes nothing (published versions are identical)
    out.seek(0)
    assert import_workbook(out) == {"standards": 0, "versions": 1, "unchanged": 1, "points": 0}
    again = io.BytesIO()
    export_workbook(again)
    assert cells(again) == cells(source)


def test_it_names_every_bad_cell_and_writes_nothing(college):
    bad = [list(r) for r in BRAND_ROWS[:2]]
    bad[0][2] = "宇宙"          # level
    bad[0][15] = "student.nope"  # not in the indicator library
    bad[1][17] = "九十"         # 合格
    bad[1][8] = "职称=讲师"      # a teacher attribute on a specialty standard
    with pytest.raises(ImportProblems) as caught:
        import_workbook(workbook(*bad))
    problems = caught.value.problems
    assert any(p.startswith("第 2 行，“层面”列，值“宇宙”") for p in problems)
    assert "第 2 行，“指标代码”列，值“student.nope”：指标库中没有这个指标代码" in problems
    assert any(p.startswith("第 3 行，“合格”列，值“九十”：应为数字") for p in problems)
    assert any(p.startswith("第 3 行，“适用范围”列，值“职称=讲师”") and "不适用于学生层面" in p for p in problems)
    assert Standard.objects.count() == StandardNode.objects.count() == 0


def test_a_point_names_the_period_it_is_judged_over(college):
    # A file from before the 评价周期 column imports (blank: every run's window); the column names
    # one by its Chinese label or its code, and a wrong value is named by row and column.
    row = list(BRAND_ROWS[0]) + ["学年"]
    source = workbook(row, list(BRAND_ROWS[1]) + ["term"])
    import_workbook(source)
    assert dict(StandardNode.objects.filter(kind=NodeKind.POINT).values_list("code", "period")) == {
        "2.1.1": "academic_year", "2.1.2": "term"}
    rule, = [r for r in rules.warning_rules(Level.STUDENT, date(2025, 1, 1)) if r.point_code == "2.1.1"]
    assert rule.period == "academic_year"
    out = io.BytesIO()
    export_workbook(out)
    assert [r[-1] for r in cells(out)[1:]] == ["学年", "学期"]
    bad = list(BRAND_ROWS[0]) + ["每年"]
    bad[4] = "v9"
    with pytest.raises(ImportProblems) as caught:
        import_workbook(workbook(bad))
    assert any(p.startswith("第 2 行，“评价周期”列，值“每年”：应为以下之一：") for p in caught.value.problems)


def test_it_refuses_lines_out_of_order_for_the_direction(college):
    row = list(BRAND_ROWS[0])
    row[21], row[22] = 60, 70  # orange below red for a "higher is better" indicator
    with pytest.raises(ImportProblems) as caught:
        import_workbook(workbook(row))
    assert caught.value.problems == ["第 2 行，“橙色预警”列，值“60”：红色预警应不高于橙色预警"]
    assert Standard.objects.count() == 0


def test_it_refuses_to_change_a_published_version_but_accepts_a_new_one(college):
    import_workbook(workbook(*BRAND_ROWS[:3]))
    changed = [list(r) for r in BRAND_ROWS[:3]]
    changed[0][20] = 88  # yellow line of v1 raised
    with pytest.raises(ImportProblems) as caught:
        import_workbook(workbook(*changed))
    assert caught.value.problems == [
        "第 2 行，“版本”列，值“v1”：已发布的版本不能修改（历史判定以它为准）；请使用新的版本号"]
    assert StandardNode.objects.get(code="2.1.1").yellow == Decimal("85")

    # The same change as a new version from 2026-09-01: accepted; v1 closes the day before.
    v2 = [list(r) for r in changed]
    for r in v2:
        r[4], r[6] = "v2", "2026-09-01"
    assert import_workbook(workbook(*v2))["versions"] == 1
    assert StandardVersion.objects.get(label="v1").effective_to == date(2026, 8, 31)
    day_before, day_of = date(2026, 8, 31), date(2026, 9, 1)
    assert [r.yellow for r in rules.warning_rules(Level.STUDENT, day_before) if r.point_code == "2.1.1"] == [Decimal(85)]
    assert [r.yellow for r in rules.warning_rules(Level.STUDENT, day_of) if r.point_code == "2.1.1"] == [Decimal(88)]

    # A version starting inside an earlier, closed period is refused, the row named …
    v3 = [list(r) for r in v2]
    for r in v3:
        r[4], r[6] = "v3", "2026-08-01"
    with pytest.raises(ImportProblems) as caught:
        import_workbook(workbook(*v3))
    assert caught.value.problems == ["第 2 行，“生效日期”列，值“2026-08-01”：与版本“v1”的有效期重叠",
                                     "第 2 行，“生效日期”列，值“2026-08-01”：与版本“v2”的有效期重叠"]
    assert not StandardVersion.objects.filter(label="v3").exists()
    # … one starting after the version in force replaces it from that day.
    for r in v3:
        r[6] = "2026-10-01"
    import_workbook(workbook(*v3))
    assert StandardVersion.objects.get(label="v2").effective_to == date(2026, 9, 30)


def test_it_installs_the_default_set_once_and_its_lines_apply(college):
    first = install_default_standards()
    assert first["standards"] == len(DEFAULT_STANDARDS)
    points = StandardNode.objects.filter(kind=NodeKind.POINT).count()
    second = install_default_standards()
    assert second["standards"] == 0 and second["unchanged"] == len(DEFAULT_STANDARDS)
    assert StandardNode.objects.filter(kind=NodeKind.POINT).count() == points
    assert set(Standard.objects.values_list("level", flat=True)) == {l.value for l in Level}

    day = date(2026, 10, 15)
    attendance = [r for r in rules.warning_rules(Level.STUDENT, day) if r.indicator_code == "student.attendance_rate"]
    assert [(r.yellow, r.orange, r.red) for r in attendance] == [(Decimal(85), Decimal(75), Decimal(60))]
    # 品牌 standard applies to 数控技术 (品牌) only, 骨干 to 软件技术 only: rules, evaluated.
    from zhengai.chains.applicability import subject_ids

    brand = StandardVersion.objects.get(standard__code="SP-BRAND-2023")
    backbone = StandardVersion.objects.get(standard__code="SP-BACKBONE-2023")
    assert subject_ids(Level.SPECIALTY, brand.applies_to) == {Subject.objects.get(level=Level.SPECIALTY, key="460103").pk}
    assert subject_ids(Level.SPECIALTY, backbone.applies_to) == {Subject.objects.get(level=Level.SPECIALTY, key="510203").pk}
    # A healthy student's 96 % is not warned; a declining one's 78 % is yellow, 55 % red.
    assert [rules.crossed_line(attendance[0], v) for v in (96, 78, 70, 55)] == [None, "yellow", "orange", "red"]
    assert rules.warning_rules(Level.STUDENT, date(2023, 8, 31)) == []


def test_an_installed_default_set_from_an_older_release_is_upgraded_only_when_asked(college, capsys):
    from django.core.management import call_command

    from zhengai.chains.defaults import outdated_defaults

    install_default_standards()
    assert outdated_defaults() == {}
    # As an older release installed it: training hours judged on every run's window.
    StandardNode.objects.filter(version__standard__code="TD-MIDDLE-2023", indicator_code="teacher.training_hours").update(period="")
    assert outdated_defaults() == {"TD-MIDDLE-2023": "2023版"}
    call_command("standards", "install-defaults")
    assert "TD-MIDDLE-2023（2023版）" in capsys.readouterr().out and StandardVersion.objects.filter(standard__code="TD-MIDDLE-2023").count() == 1

    counts = install_default_standards(upgrade_from=date(2025, 9, 1))

    assert counts["upgraded"] == 1 and counts["versions"] == 1 and outdated_defaults() == {}
    old, new = StandardVersion.objects.filter(standard__code="TD-MIDDLE-2023").order_by("effective_from")
    assert (old.effective_to, new.label, new.effective_from) == (date(2025, 8, 31), "2023版（修订20250901）", date(2025, 9, 1))

    def period(day):
        return {r.period for r in rules.warning_rules(Level.TEACHER, day)
                if r.indicator_code == "teacher.training_hours" and r.version_id in (old.pk, new.pk)}

    assert period(date(2025, 6, 30)) == {""} and period(date(2025, 9, 1)) == {"academic_year"}
    assert install_default_standards(upgrade_from=date(2025, 9, 1))["upgraded"] == 0


def test_it_binds_the_defaults_only_to_indicators_of_the_library():
    """Every default point's code must exist in the library for each level the library covers
    (levels it does not cover yet are left out at install time, with a log line)."""
    from zhengai.chains.defaults import DEFAULT_STANDARDS
    from zhengai.indicators import registry

    covered = {i.level for i in registry.builtin_indicators()}
    known = {i.code for i in registry.builtin_indicators()}
    codes = {p["indicator_code"] for s in DEFAULT_STANDARDS.values() for _pc, _pn, elements in s["projects"]
             for _ec, _en, points in elements for p in points if p["indicator_code"]}
    # school.task_completion is the library's view of zhengai.chains.progress (indicators stage).
    missing = sorted(c for c in codes - known - {"school.task_completion"} if c.split(".")[0] in covered)
    assert missing == []
