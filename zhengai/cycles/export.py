"""Diagnosis reports exported as a Chinese college files them — .docx (python-docx) and PDF
(WeasyPrint with Noto CJK) — and a cycle's evidence package (复核材料包) as one .zip.

Layout, the same in both: a title page (school, subject, period, version, status, date), a
contents page, numbered sections (一、概述 … 八、本周期改进措施) with the data tables, and the radar as an
image (PNG drawn with Pillow in Word; the same chart as SVG in the PDF). Drafted sentences keep
their mark (【系统起草】).
"""

import csv
import functools
import io
import json
import math
import zipfile
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zhengai.core import windows
from zhengai.core.output import neutralise
from zhengai.core.wordfile import add_table, heading, paragraph, set_east_asian_font

from . import charts
from .models import PointEvidenceFile, Report

SECTIONS = [gettext_noop(s) for s in ("一、概述", "二、目标达成", "三、对标找差", "四、诊断项目雷达图", "五、预警与纠偏",
                                      "六、上一周期改进措施落实情况", "七、分析", "八、本周期改进措施")]
FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")


def _dash(v):
    if v is None or v == "":
        return "—"
    if isinstance(v, float):
        return f"{v:g}"
    return str(v)


def context(report: Report) -> dict:
    """What both formats print, read once: a fixed number of queries per report."""
    cycle = report.cycle
    data = report.data or {}
    ratings = list(report.ratings.select_related("point").order_by("order", "pk"))
    actions = list(cycle.actions.select_related("owner", "point").order_by("due", "pk"))
    try:
        label = windows.label(windows.parse(cycle.period))
    except windows.WindowError:
        label = cycle.period
    return {
        "school": settings.ZHENGAI_SCHOOL_NAME, "report": report, "cycle": cycle, "subject": cycle.subject,
        "period_label": label, "data": data, "ratings": ratings, "actions": actions,
        "sections": [_(s) for s in SECTIONS], "status": report.get_status_display(),
        "date": (report.published_at or report.submitted_at or report.drafted_at),
    }


# ------------------------------------------------------------------------------------ charts

@functools.lru_cache(maxsize=1)
def _chart_font():
    from PIL import ImageFont

    font_path = next((p for p in FONT_FILES if Path(p).exists()), None)
    return ImageFont.truetype(font_path, 15) if font_path else ImageFont.load_default()


def radar_png(radar: list[dict], size: int = 520) -> bytes:
    """The radar as a PNG for Word (Pillow; labels in Noto Sans CJK), drawn once per distinct
    radar and language: a batch of reports shares the pictures of equal scores."""
    legend = tuple(_(name) for _key, _colour, name in charts.SERIES)
    return _radar_png(json.dumps(radar, sort_keys=True, ensure_ascii=False), legend, size)


@functools.lru_cache(maxsize=256)
def _radar_png(radar_json: str, legend: tuple, size: int) -> bytes:
    from PIL import Image, ImageDraw

    radar = json.loads(radar_json)
    font = _chart_font()
    image = Image.new("RGB", (size, size + 40), "white")
    draw = ImageDraw.Draw(image)
    n = len(radar)
    c, r = size / 2, size / 2 - 90

    def point(i, value):
        angle = -math.pi / 2 + 2 * math.pi * i / max(n, 1)
        return c + r * value / 100 * math.cos(angle), c + r * value / 100 * math.sin(angle)

    if n >= 3:
        for ring in (20, 40, 60, 80, 100):
            draw.polygon([point(i, ring) for i in range(n)], outline="#d1d5db")
        for i, row in enumerate(radar):
            draw.line([(c, c), point(i, 100)], fill="#d1d5db")
            x, y = point(i, 122)
            text = str(row["project"])[:12]
            w = draw.textlength(text, font=font)
            draw.text((x - w / 2, y - 8), text, fill="black", font=font)
        for key, colour, _name in charts.SERIES:
            values = [row.get(key) for row in radar]
            if any(v is None for v in values):
                continue
            draw.polygon([point(i, v) for i, v in enumerate(values)], outline=colour, width=3)
    else:
        for i, row in enumerate(radar):
            y = 30 + i * 90
            draw.text((20, y), str(row["project"])[:24], fill="black", font=font)
            for j, (key, colour, _name) in enumerate(charts.SERIES):
                v = row.get(key)
                if v is not None:
                    draw.rectangle([20, y + 24 + j * 18, 20 + 4 * v, y + 38 + j * 18], fill=colour)
                    draw.text((26 + 4 * v, y + 22 + j * 18), f"{v:g}", fill="black", font=font)
    for i, ((key, colour, _name), label) in enumerate(zip(charts.SERIES, legend)):
        x = 20 + i * 160
        draw.rectangle([x, size + 10, x + 14, size + 24], fill=colour)
        draw.text((x + 20, size + 8), label, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


# ------------------------------------------------------------------------------------ Word

def _dash_table(doc, header, rows):
    return add_table(doc, header, rows, text=_dash)



def _toc(doc):
    """A Word contents field (updated when the file is opened) above the sections' list."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, 'TOC \\o "1-2" \\h \\z \\u'), ("separate", None), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)


def report_docx(report: Report) -> bytes:
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    ctx = context(report)
    data = ctx["data"]
    doc = Document()
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        set_east_asian_font(doc.styles[style], "黑体" if style != "Normal" else "宋体")
    doc.styles["Normal"].font.size = Pt(11)
    # Title page.
    for _i in range(4):
        doc.add_paragraph()
    p = doc.add_paragraph(ctx["school"])
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title = paragraph(doc, style="Title")
    title.add_run(f"{ctx['subject'].name}{_('诊改报告')}")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in (f"{_('诊改周期')}：{ctx['period_label']}", f"{_('层面')}：{ctx['cycle'].get_level_display()}",
                 f"{_('版本')}：v{report.version}（{ctx['status']}）",
                 f"{_('日期')}：{ctx['date']:%Y-%m-%d}" if ctx["date"] else ""):
        if line:
            para = doc.add_paragraph(line)
            para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    heading(doc, _("目录"), 1)
    _toc(doc)
    for s in ctx["sections"]:
        doc.add_paragraph(s)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    sec = iter(ctx["sections"])
    marker = _("【系统起草】")

    heading(doc, next(sec), 1)
    for sentence in data.get("sentences", []):
        doc.add_paragraph(f"{sentence}{marker}")
    counts = data.get("counts", {})
    _dash_table(doc, [_("合格"), _("预警"), _("不合格"), _("待评定")],
           [[counts.get("合格", 0), counts.get("预警", 0), counts.get("不合格", 0), counts.get("未评", 0)]])

    heading(doc, next(sec), 1)
    rows = []
    for g in data.get("goals", []):
        for kr in g.get("key_results") or [{}]:
            rows.append([g["title"], kr.get("name"), kr.get("baseline"), kr.get("target"), kr.get("current"),
                         kr.get("percent", g.get("percent"))])
    _dash_table(doc, [_("目标"), _("关键结果"), _("基线值"), _("目标值"), _("当前值"), _("进度") + "（%）"], rows or [[_("本周期没有目标。")] + [""] * 5])

    heading(doc, next(sec), 1)
    _dash_table(doc, [_("诊断项目"), _("诊断点"), _("值"), _("等级"), _("合格线"), _("差距"), _("本部门"), _("全校"), _("上一周期"), _("评定")],
           [[r.project, f"{r.point.code} {r.point.name}", r.value, r.grade, r.line, r.gap, r.peers.get("department"),
             r.peers.get("school"), r.last_value, (r.get_status_display() or _("待评定")) + (marker if r.drafted else "")]
            for r in ctx["ratings"]])
    judged = [r for r in ctx["ratings"] if r.evidence or r.judgement]
    for r in judged:
        doc.add_paragraph(f"{r.point.code} {r.point.name}：{_('佐证')} {r.evidence}；{_('判断')} {r.judgement}")

    heading(doc, next(sec), 1)
    radar = data.get("radar", [])
    if radar:
        doc.add_picture(io.BytesIO(radar_png(radar)), width=Cm(12))
        _dash_table(doc, [_("诊断项目"), _("本周期"), _("标准（合格）"), _("上一周期")],
               [[p["project"], p["score"], p["standard"], p.get("last")] for p in radar])
    else:
        doc.add_paragraph(_("无可评分的诊断项目。"))

    heading(doc, next(sec), 1)
    _dash_table(doc, [_("指标"), _("等级"), _("触发窗口"), _("状态"), _("纠偏是否见效")],
           [[w["indicator"], w["grade"], w["opened_window"], w["status"], _("已见效") if w["worked"] else _("未见效")]
            for w in data.get("warnings", [])] or [[_("本周期没有预警。"), "", "", "", ""]])

    heading(doc, next(sec), 1)
    _dash_table(doc, [_("措施"), _("完成期限"), _("状态"), _("结果")],
           [[a["text"], a["due"], a["status"], a["outcome"]] for a in data.get("last_actions", [])] or [[_("无"), "", "", ""]])

    heading(doc, next(sec), 1)
    for label, text in ((_("主要成效"), report.achievements), (_("存在问题"), report.problems),
                        (_("原因分析"), report.causes), (_("改进措施"), report.measures)):
        heading(doc, label, 2)
        doc.add_paragraph(text or "—")

    heading(doc, next(sec), 1)
    _dash_table(doc, [_("措施"), _("诊断点"), _("责任人"), _("完成期限"), _("状态")],
           [[a.text, str(a.point) if a.point else "—", (a.owner.display_name or a.owner.username) if a.owner else "—",
             a.due.isoformat(), a.get_status_display()] for a in ctx["actions"]] or [[_("无"), "", "", "", ""]])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------ PDF

def report_html(report: Report) -> str:
    ctx = context(report)
    radar = ctx["data"].get("radar", [])
    ctx["radar_svg"] = charts.radar_svg(radar) if radar else ""
    return render_to_string("cycles/export/report_print.html", ctx)


def report_pdf(report: Report, *, font_config=None, cache=None) -> bytes:
    """The PDF; ``font_config`` and ``cache`` (WeasyPrint's) may be shared by a batch."""
    from weasyprint import HTML

    return HTML(string=report_html(report)).write_pdf(font_config=font_config, cache=cache)


def render(report: Report, fmt: str) -> bytes:
    if fmt == "docx":
        return report_docx(report)
    if fmt == "pdf":
        return report_pdf(report)
    raise ValueError(f"unknown format {fmt!r}")


def render_many(reports, fmt: str):
    """``(report, file bytes)`` for each report, one at a time, so that a batch holds one rendered
    report in memory, not all. A PDF batch shares one WeasyPrint font configuration (the Noto CJK
    faces found and loaded once, not per report) and one image cache."""
    if fmt not in ("docx", "pdf"):
        raise ValueError(f"unknown format {fmt!r}")
    options = {}
    if fmt == "pdf":
        from weasyprint.text.fonts import FontConfiguration

        options = {"font_config": FontConfiguration(), "cache": {}}
    for report in reports:
        yield report, (report_pdf(report, **options) if fmt == "pdf" else report_docx(report))


def filename(report: Report, fmt: str) -> str:
    cycle = report.cycle
    safe = cycle.period.replace("..", "_").replace("/", "_")
    return f"{cycle.subject.key}-{cycle.level}-{safe}-v{report.version}.{fmt}"


def write_zip(reports, fmt: str, out, progress=None) -> int:
    """Every report as one .zip written into the file object ``out``, report by report; calls
    ``progress(n)`` after each. Returns the number of reports."""
    n = 0
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for report, content in render_many(reports, fmt):
            archive.writestr(filename(report, fmt), content)
            n += 1
            if progress:
                progress(n)
    return n


def reports_zip(reports, fmt: str) -> bytes:
    out = io.BytesIO()
    write_zip(reports, fmt, out)
    return out.getvalue()


# ------------------------------------------------------------------------------------ evidence package

def evidence_package(report: Report) -> bytes:
    """One archive for an external review (复核): the report (.docx), the standard tree with every
    point's values and ratings (tree.json, values.csv), the cycle's history, and the files of the
    self-diagnosis evidence the cycle holds."""
    cycle = report.cycle
    ctx = context(report)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename(report, "docx"), report_docx(report))
        tree = {}
        for r in ctx["ratings"]:
            tree.setdefault(r.project, {}).setdefault(r.element, []).append({
                "code": r.point.code, "name": r.point.name, "indicator": r.indicator_code, "value": r.value,
                "grade": r.grade, "line": r.line, "gap": r.gap, "status": r.status, "drafted": r.drafted,
                "evidence": r.evidence, "judgement": r.judgement})
        archive.writestr("tree.json", json.dumps({"subject": cycle.subject.key, "period": cycle.period,
                                                  "version": report.version, "tree": tree}, ensure_ascii=False, indent=1))
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow(["point", "name", "indicator", "value", "grade", "line", "gap", "status", "evidence", "judgement"])
        for r in ctx["ratings"]:
            writer.writerow([neutralise(str(x if x is not None else "")) for x in
                             (r.point.code, r.point.name, r.indicator_code, r.value, r.grade, r.line, r.gap, r.status,
                              r.evidence, r.judgement)])
        archive.writestr("values.csv", "\ufeff" + buffer.getvalue())
        archive.writestr("history.json", json.dumps([
            {"at": e.at.isoformat(), "kind": e.kind, "actor": e.actor.username if e.actor else "", "from": e.from_phase,
             "to": e.to_phase, "note": e.note} for e in cycle.events.select_related("actor").order_by("at", "pk")],
            ensure_ascii=False, indent=1))
        # The cycle's own evidence, frozen with its published report (zhengai.cycles.selfdiag).
        files = PointEvidenceFile.objects.filter(evidence__cycle_id=cycle.pk).order_by("pk")
        for f in files:
            try:
                with f.file.open("rb") as handle:
                    archive.writestr(f"files/{f.pk}-{Path(f.name).name}", handle.read())
            except (FileNotFoundError, ValueError, OSError):
                archive.writestr(f"files/{f.pk}-{Path(f.name).name}.missing.txt", _("文件已不在存储中。"))
    return out.getvalue()
