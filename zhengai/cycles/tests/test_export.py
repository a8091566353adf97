"""Reports exported as .docx and PDF in the filing layout, read back with Chinese intact; a batch
as one .zip; the evidence package."""

import io
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from zhengai.cycles import export, reports
from zhengai.cycles.models import Cycle

from .test_reports import standard  # noqa: F401 (the fixture)


@pytest.fixture
def published(college, cast, standard):  # noqa: F811
    from zhengai.cycles import actions

    actions.do_open_cycles("offering", "2026-2027-1", acting_user=cast.alice)
    cycle = Cycle.objects.get(subject__key="2026-2027-1-C001-01")
    report = reports.do_draft_report(cycle, acting_user=cast.dave)
    for r in report.ratings.filter(drafted=False):
        reports.do_rate_point(r, status="合格", evidence="教案十六份", judgement="齐全规范", acting_user=cast.dave)
    reports.do_write_analysis(report, achievements="到课率稳定", problems="通过率数据缺失", acting_user=cast.dave)
    reports.do_submit_report(report, acting_user=cast.dave)
    return reports.do_review_report(report, "approve", acting_user=cast.ivan)


def test_the_word_report_has_a_title_page_contents_numbered_sections_tables_and_the_radar(published):
    from docx import Document

    doc = Document(io.BytesIO(export.report_docx(published)))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "数控编程（2026-2027-1-C001-01）诊改报告" in text and "目录" in text
    assert text.index("一、概述") < text.index("三、对标找差") < text.index("八、本周期改进措施")
    assert "【系统起草】" in text and "到课率稳定" in text
    cells = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["教学运行", "1.1.1 开课次数", "4", "良好", "3", "1", "4", "4", "—", "合格【系统起草】"] in cells
    assert doc.inline_shapes and doc.inline_shapes[0].type is not None  # the radar as an image


def test_the_pdf_report_reads_back_with_its_tables_in_chinese(published):
    from pypdf import PdfReader

    pdf = PdfReader(io.BytesIO(export.report_pdf(published)))
    assert len(pdf.pages) >= 3  # title page, contents, sections
    # Lines wrap inside words in the extracted text: compare without whitespace.
    text = "".join("".join(page.extract_text().split()) for page in pdf.pages)
    for words in ("诊改报告", "一、概述", "对标找差", "开课次数", "良好", "教案十六份", "通过率数据缺失"):
        assert words in text, words


def test_zhengai_report_export_writes_one_file_or_a_zip_of_all(published, tmp_path):
    out = tmp_path / "r.docx"
    call_command("report", "export", "--subject", "2026-2027-1-C001-01", "--level", "offering", "--period", "2026-2027-1",
                 "--format", "docx", "--out", str(out), stdout=io.StringIO())
    assert out.read_bytes()[:2] == b"PK"
    pdf = tmp_path / "r.pdf"
    call_command("report", "export", "--subject", "2026-2027-1-C001-01", "--level", "offering", "--period", "2026-2027-1",
                 "--format", "pdf", "--out", str(pdf), stdout=io.StringIO())
    assert pdf.read_bytes()[:5] == b"%PDF-"
    zipped = tmp_path / "all.zip"
    call_command("report", "export", "--all", "--level", "offering", "--period", "2026-2027-1", "--format", "docx",
                 "--out", str(zipped), stdout=io.StringIO())
    assert zipfile.ZipFile(zipped).namelist() == ["2026-2027-1-C001-01-offering-2026-2027-1-v1.docx"]
    with pytest.raises(CommandError, match="没有找到"):
        call_command("report", "export", "--subject", "nobody", "--level", "offering", "--period", "2026-2027-1",
                     "--format", "pdf", "--out", str(tmp_path / "x.pdf"))


def test_the_evidence_package_holds_the_report_tree_values_and_history(published, client, cast):
    archive = zipfile.ZipFile(io.BytesIO(export.evidence_package(published)))
    names = archive.namelist()
    assert {"tree.json", "values.csv", "history.json"} <= set(names) and any(n.endswith(".docx") for n in names)
    assert "开课次数" in archive.read("values.csv").decode("utf-8-sig")
    client.force_login(cast.bob)
    response = client.get(reverse("cycles:report_export", args=[published.cycle_id]), {"format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client.get(reverse("cycles:report_export", args=[published.cycle_id]), {"format": "exe"}).status_code == 400
    client.force_login(cast.frank)
    assert client.get(reverse("cycles:report_export", args=[published.cycle_id]), {"format": "pdf"}).status_code == 404
