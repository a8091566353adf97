"""The 质量年度报告 drafted as .docx: its six sections, the annex tables with their numbers, charts
as images, the level reports' highlights from the cycles; drafted sentences marked as drafted."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

YEAR = "2025-2026"
SECTIONS = ["人才培养", "服务贡献", "文化传承", "国际合作", "产教融合", "发展保障"]


@pytest.fixture
def published(year_facts):
    """A specialty's cycle over 2025-2026 with its report published."""
    from zhengai.cycles.models import Cycle, Report
    from zhengai.datacenter.models import Subject

    subject = Subject.objects.get(level="specialty", key="460103")
    cycle = Cycle.objects.create(subject=subject, level="specialty", period=YEAR, start=date(2025, 9, 1),
                                 end=date(2026, 8, 31), phase_since=date(2025, 9, 1))
    Report.objects.create(cycle=cycle, status="published", published_at=timezone.now(), data={
        "counts": {"合格": 5, "预警": 2, "不合格": 1, "未评": 0},
        "sentences": ["数控技术专业就业率达到目标值。", "课程及格率低于合格线，需改进。"]})
    return cycle


def _read(path):
    from docx import Document

    return Document(str(path))


def test_the_command_drafts_the_report_with_its_sections_annex_tables_charts_and_highlights(published, tmp_path):
    out = io.StringIO()
    path = tmp_path / "年报.docx"
    call_command("annualreport", "draft", "--year", YEAR, "--out", str(path), stdout=out)
    assert "已起草 2025-2026 学年质量年度报告" in out.getvalue()
    assert "已先填报" in out.getvalue()  # the annex tables were not filled yet
    doc = _read(path)
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for n, title in zip("一二三四五六", SECTIONS):
        assert f"{n}、{title}" in headings
    assert "示范职业技术学院" in doc.paragraphs[4].text or any("示范职业技术学院" in p.text for p in doc.paragraphs)
    for name in ("计分卡", "资源表", "服务贡献表", "落实政策表", "国际影响表"):
        assert any(h.endswith(name) and h.startswith("附表") for h in headings), name
    text = "\n".join(p.text for p in doc.paragraphs)
    # Drafted from the numbers, marked as drafted; the year before had no graduates: a change is not invented.
    assert "2025-2026 学年科研成果数为 2 项。【系统起草】" in text
    assert "2025-2026 学年就业率为 50%。【系统起草】" in text
    assert "尚待党政办公室填报" in text  # a figure the data center does not hold: who owes it
    assert "【待撰写】" in text
    # The level reports' highlights from the cycles.
    assert "专业层面发布诊改报告 1 份，诊断点合格 5 个、预警 2 个、不合格 1 个。【系统起草】" in text
    assert "数控技术：数控技术专业就业率达到目标值。课程及格率低于合格线，需改进。【系统起草】" in text
    # The annex tables with their numbers, Chinese intact.
    contribution = next(t for t in doc.tables if any(c.text == "科研成果数" for c in t.columns[1].cells))
    research = next(r for r in contribution.rows if r.cells[1].text == "科研成果数")
    assert [c.text for c in research.cells] == ["5", "科研成果数", "项", "待填报", "2"]
    assert contribution.rows[0].cells[4].text == "本学年（2025-2026）"
    # Charts as images: the scorecard and the level reports' ratings.
    images = [r for r in doc.part.rels.values() if "image" in r.reltype]
    assert len(images) == 2 and all(r.target_part.blob.startswith(b"\x89PNG") for r in images)


def test_a_year_that_is_not_an_academic_year_or_a_bad_file_name_is_refused(defaults, tmp_path):
    with pytest.raises(CommandError, match="不是学年"):
        call_command("annualreport", "draft", "--year", "2026", "--out", str(tmp_path / "x.docx"))
    with pytest.raises(CommandError, match="应为 .docx"):
        call_command("annualreport", "draft", "--year", YEAR, "--out", str(tmp_path / "x.pdf"))


def test_the_quality_office_downloads_the_draft_on_the_page(client, cast, defaults, year_facts):
    from zhengai.statedata.defaults import ANNUAL_REPORT
    from zhengai.statedata.filling import fill_template

    fill_template(defaults[ANNUAL_REPORT], YEAR)
    client.force_login(cast.alice)
    index = client.get(reverse("statedata:index") + f"?year={YEAR}").content.decode()
    url = reverse("statedata:annual_report", args=[YEAR])
    assert url in index
    response = client.get(url)
    assert response.status_code == 200
    from docx import Document

    doc = Document(io.BytesIO(response.content))
    assert any(p.text == "一、人才培养" for p in doc.paragraphs)
    assert client.get(reverse("statedata:annual_report", args=["2025"])).status_code == 404
    client.force_login(cast.bob)
    assert client.get(url).status_code == 403
