"""The chains pages: standards readable by staff and edited by the quality office, goals seen
within scope, the task table imported and exported by the quality office."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from zhengai.chains import seedtable
from zhengai.chains.choices import GoalKind, GoalStatus, VersionStatus
from zhengai.chains.defaults import install_default_standards
from zhengai.chains.models import Goal, KeyResult, Standard, StandardNode, StandardVersion, TaskTable
from zhengai.datacenter.choices import Level
from zhengai.datacenter.models import Subject


@pytest.fixture
def standards(college):
    install_default_standards()
    return Standard.objects.get(code="STU-2023")


def test_it_shows_the_standards_and_a_readable_tree(client, cast, standards):
    client.force_login(cast.bob)
    text = client.get(reverse("chains:standards")).content.decode()
    assert "学生全面发展标准（德智体美劳）" in text and "专业层次=品牌" in text
    assert "安装默认标准" not in text  # a department head reads, does not edit
    text = client.get(reverse("chains:standard", args=[standards.pk])).content.decode()
    assert "诊断项目 / 诊断要素 / 诊断点" in text and "学习投入" in text and "student.attendance_rate" in text


def test_a_standard_that_asks_for_evidence_links_to_what_the_subjects_submitted(client, cast, standards):
    # 操行评定 asks for evidence: the quality office goes from the standard to its overview; a
    # specialty leader (no school or department scope) reads the standard without the link.
    overview = reverse("cycles:self_diagnosis_overview") + f"?standard={standards.pk}"
    client.force_login(cast.alice)
    assert overview in client.get(reverse("chains:standard", args=[standards.pk])).content.decode()
    client.force_login(cast.heidi)
    response = client.get(reverse("chains:standard", args=[standards.pk]))
    assert response.status_code == 200 and "操行评定" in response.content.decode()
    assert overview not in response.content.decode()


def test_it_reads_a_standard_page_in_queries_that_do_not_grow_with_points(client, cast, standards, django_assert_max_num_queries):
    client.force_login(cast.alice)
    # session, user, roles, standard, versions, in-force version, nodes, applicability count, navigation and home checks
    with django_assert_max_num_queries(14):
        response = client.get(reverse("chains:standard", args=[standards.pk]))
    assert response.status_code == 200


def test_it_lets_the_quality_office_copy_edit_and_publish_a_version(client, cast, standards):
    client.force_login(cast.alice)
    current = StandardVersion.objects.get(standard=standards)
    client.post(reverse("chains:version_copy", args=[current.pk]), {"label": "2026版"})
    draft = StandardVersion.objects.get(standard=standards, label="2026版")
    point = draft.nodes.get(indicator_code="student.attendance_rate")
    response = client.post(reverse("chains:node_edit", args=[draft.pk, point.pk]), {
        "code": point.code, "name": point.name, "indicator_code": point.indicator_code, "direction": "higher",
        "qualified": "90", "good": "94", "excellent": "97", "yellow": "88", "orange": "75", "red": "60",
        "weight": "2", "resolve_margin": "2", "resolve_windows": "2", "period": "term", "evidence": ""})
    assert response.status_code == 302
    assert StandardNode.objects.get(pk=point.pk).period == "term"  # judged over terms from this version on
    client.post(reverse("chains:version_publish", args=[draft.pk]), {"effective_from": "2026-12-01"})
    draft.refresh_from_db()
    current.refresh_from_db()
    assert (draft.status, current.effective_to) == (VersionStatus.PUBLISHED, date(2026, 11, 30))
    assert StandardNode.objects.get(pk=point.pk).yellow == Decimal("88")
    # the published version refuses edits
    old_point = current.nodes.get(indicator_code="student.attendance_rate")
    client.post(reverse("chains:node_edit", args=[current.pk, old_point.pk]), {"code": "x", "name": "x", "weight": "1",
                                                                               "resolve_margin": "0", "resolve_windows": "1", "direction": "higher"})
    assert StandardNode.objects.get(pk=old_point.pk).yellow == Decimal("85")


def test_it_keeps_standard_editing_to_the_quality_office(client, cast, standards):
    version = StandardVersion.objects.get(standard=standards)
    client.force_login(cast.bob)
    assert client.post(reverse("chains:version_copy", args=[version.pk]), {"label": "x"}).status_code == 403
    assert client.post(reverse("chains:standards_install_defaults")).status_code == 403
    assert StandardVersion.objects.filter(label="x").count() == 0


def test_it_exports_standards_and_reports_bad_imports_cell_by_cell(client, cast, standards):
    client.force_login(cast.alice)
    response = client.get(reverse("chains:standards_export"))
    ws = load_workbook(io.BytesIO(response.content))["标准"]
    assert ws["A1"].value == "标准代码" and ws.max_row > 50
    ws["C2"] = "火星"
    bad = io.BytesIO()
    ws.parent.save(bad)
    bad.seek(0)
    bad.name = "bad.xlsx"
    response = client.post(reverse("chains:standards_import"), {"file": bad})
    assert response.status_code == 400
    assert "第 2 行，“层面”列，值“火星”" in response.content.decode()


def test_it_shows_a_student_only_their_own_goals(client, cast, college):
    erin, frank = (Subject.objects.get(level=Level.STUDENT, student=s) for s in (college.s_zhang, college.s_liu))
    mine = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="张三的年度目标", owner=erin, start=date(2026, 9, 1))
    theirs = Goal.objects.create(kind=GoalKind.STUDENT_ANNUAL, title="刘五的年度目标", owner=frank, start=date(2026, 9, 1))
    KeyResult.objects.create(goal=mine, name="出勤率", indicator_code="student.attendance_rate", target=Decimal(95))
    client.force_login(cast.erin)
    text = client.get(reverse("chains:goals")).content.decode()
    assert "张三的年度目标" in text and "刘五的年度目标" not in text
    assert client.get(reverse("chains:goal", args=[mine.pk])).status_code == 200
    assert client.get(reverse("chains:goal", args=[theirs.pk])).status_code == 404


def test_it_walks_a_student_goal_through_submit_and_review_on_pages(client, cast, college):
    client.force_login(cast.erin)
    response = client.post(reverse("chains:goal_new"), {
        "kind": GoalKind.STUDENT_ANNUAL, "owner_level": "student", "owner_key": "2024001", "title": "考取1+X证书",
        "description": "", "start": "2026-09-01", "end": "2027-06-30"})
    goal = Goal.objects.get(title="考取1+X证书")
    assert response.status_code == 302 and goal.status == GoalStatus.DRAFT
    client.post(reverse("chains:goal_submit", args=[goal.pk]))
    client.force_login(cast.carol)
    page = client.get(reverse("chains:goal", args=[goal.pk])).content.decode()
    assert "提交审核结果" in page
    client.post(reverse("chains:goal_review", args=[goal.pk]), {"decision": "approve", "comment": ""})
    assert Goal.objects.get(pk=goal.pk).status == GoalStatus.APPROVED


def test_it_imports_and_exports_the_task_table_on_pages(client, cast, college, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    source = io.BytesIO()
    seedtable.build_workbook(source)
    source.seek(0)
    source.name = "进程表.xlsx"
    client.force_login(cast.bob)
    assert client.post(reverse("chains:task_import"), {"file": source}).status_code == 403
    client.force_login(cast.alice)
    source.seek(0)
    assert client.post(reverse("chains:task_import"), {"file": source}).status_code == 302
    table = TaskTable.objects.get()
    assert "建立领导组织" in client.get(reverse("chains:tasks")).content.decode()
    exported = load_workbook(io.BytesIO(client.get(reverse("chains:task_export", args=[table.pk])).content)).worksheets[0]
    source.seek(0)
    original = load_workbook(source).worksheets[0]
    assert [[c.value for c in r] for r in exported.iter_rows()] == [[c.value for c in r] for r in original.iter_rows()]


@pytest.mark.parametrize("name", ["chains:standards", "chains:goals", "chains:goal_new"])
def test_it_serves_standards_and_goals_to_every_role(client, cast, name):
    for user in (cast.alice, cast.grace, cast.bob, cast.heidi, cast.ivan, cast.dave, cast.carol, cast.erin):
        client.force_login(user)
        # A school leader reads goals and writes none: the new-goal form is refused them.
        expected = 403 if (name, user) == ("chains:goal_new", cast.grace) else 200
        assert client.get(reverse(name)).status_code == expected, (name, user)


def test_it_shows_the_task_table_to_the_school_and_department_scopes_only(client, cast):
    for user, status in ((cast.alice, 200), (cast.grace, 200), (cast.bob, 200), (cast.heidi, 403), (cast.dave, 403), (cast.erin, 403)):
        client.force_login(user)
        assert client.get(reverse("chains:tasks")).status_code == status, user
