"""The 质量年度报告 drafted as .docx for the quality office to finish.

Its sections are the ones the report has had since 2023 — 人才培养, 服务贡献, 文化传承, 国际合作,
产教融合, 发展保障 — each opened with sentences drafted from the annex tables as filled for the
academic year (the value, its unit, the change on the year before; a figure still owed says who
owes it), followed by the annex tables themselves (计分卡, 资源表, 服务贡献表, 落实政策表, 国际影响表 of
the default template ``defaults.ANNUAL_REPORT``), charts drawn as images (Pillow), and the
highlights of the level reports published in the cycles over the year
(``zhengai.cycles.queries.published_highlights``). Every sentence the platform wrote ends with
【系统起草】; a section the data cannot speak to has a 【待撰写】 paragraph saying what to write.

Read-only: it reads the fills as they stand (the command fills a table not filled yet first).
"""

import io
import math
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from zhengai.core import windows as W
from zhengai.core.wordfile import add_table, set_east_asian_font

from . import export, filling
from .defaults import ANNUAL_REPORT

FONT_FILES = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc")
# The levels whose published reports the annual report draws on, top down.
HIGHLIGHT_LEVELS = ("school", "department", "specialty", "course", "offering", "teacher")
SHOWN_PER_LEVEL = 8


def drafted_marker() -> str:
    return _("【系统起草】")


def to_write_marker() -> str:
    return _("【待撰写】")


@dataclass
class Section:
    title: str
    rows: list  # (table code, row label) the section's sentences are drafted from
    to_write: str  # what the quality office is to write where the data cannot speak


def sections() -> list[Section]:
    return [
        Section(_("人才培养"), [("scorecard", "就业率"), ("scorecard", "月收入"), ("scorecard", "专业相关度"),
                             ("scorecard", "自主创业比例"), ("scorecard", "母校满意度"), ("scorecard", "雇主满意度"),
                             ("contribution", "全日制在校生人数")],
                _("补充立德树人、专业与课程建设、学生技能大赛与创新创业等典型案例。")),
        Section(_("服务贡献"), [("contribution", "毕业生人数"), ("contribution", "毕业去向落实人数"),
                             ("contribution", "其中：在当地就业人数"), ("contribution", "科研成果数"),
                             ("contribution", "横向技术服务到款额"), ("contribution", "非学历培训到款额"),
                             ("contribution", "公益性培训服务")],
                _("补充服务区域产业、乡村振兴、社会培训的典型案例。")),
        Section(_("文化传承"), [],
                _("撰写传承工匠精神、弘扬优秀传统文化、校园文化建设的做法与成效（数据中心无对应数据）。")),
        Section(_("国际合作"), [("international", "全日制国（境）外留学生人数（年度）"),
                             ("international", "非全日制国（境）外人员培训量（年度）"),
                             ("international", "开发并被国（境）外采用的专业教学标准数（年度）"),
                             ("international", "国（境）外技能大赛获奖数量（年度）")],
                _("补充中外合作办学、海外分校（鲁班工坊）与标准输出的案例。")),
        Section(_("产教融合"), [("policy", "教师企业实践天数"), ("policy", "企业兼职教师年课时总量"),
                             ("resources", "双师素质专任教师比例")],
                _("补充校企合作、产业学院、现代学徒制与职教集团（市域产教联合体）的做法与成效。")),
        Section(_("发展保障"), [("resources", "生师比"), ("resources", "高级职称专任教师比例"),
                             ("resources", "专任教师人均培训学时"), ("resources", "生均教学科研仪器设备值"),
                             ("policy", "年生均财政拨款水平"), ("policy", "专任教师总数")],
                _("补充党建引领、治理体系、经费投入与内部质量保证体系（诊改）运行情况。")),
    ]


def _fmt(value) -> str:
    if value is None:
        return ""
    value = export._number(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.2f}".rstrip("0").rstrip(".")


def _years(e) -> tuple[int | None, int | None]:
    """Positions of this year's and last year's column of an annex table."""
    this = next((n for n, c in enumerate(e.columns) if c.year_offset == 0), None)
    last = next((n for n, c in enumerate(e.columns) if c.year_offset == -1), None)
    return this, last


def sentence(line, e, year: str) -> str:
    """One drafted sentence for a row of an annex table."""
    this, last = _years(e)
    now = line.values[this] if this is not None else None
    before = line.values[last] if last is not None else None
    unit = "" if line.unit in ("比",) else line.unit
    unit = unit if unit in ("", "%") else f" {unit}"
    if now is None:
        return _("%(year)s 学年“%(label)s”尚待%(department)s填报。") % {
            "year": year, "label": line.label, "department": line.department or _("负责部门")}
    text = _("%(year)s 学年%(label)s为 %(value)s%(unit)s") % {"year": year, "label": line.label, "value": _fmt(now), "unit": unit}
    if before is not None:
        diff = now - before
        if line.unit == "%":
            change = _("%(n)s 个百分点") % {"n": _fmt(abs(diff))}
        elif before:
            change = f"{_fmt(abs(diff))}{unit}（{_fmt(abs(diff) / abs(before) * 100)}%）"
        else:
            change = f"{_fmt(abs(diff))}{unit}"
        if abs(diff) < 1e-9:
            text += _("，与上一学年持平")
        elif diff > 0:
            text += _("，比上一学年增加 %(change)s") % {"change": change}
        else:
            text += _("，比上一学年减少 %(change)s") % {"change": change}
    return text + "。"


def highlights(year: str) -> list[tuple[str, list[dict]]]:
    """(level label, published reports) of each level with reports over the year; a query per level."""
    from zhengai.cycles.queries import published_highlights
    from zhengai.datacenter.choices import Level

    out = []
    for level in HIGHLIGHT_LEVELS:
        found = published_highlights(level, year)
        if found:
            out.append((str(Level(level).label), found))
    return out


def _font(size):
    from PIL import ImageFont

    path = next((p for p in FONT_FILES if Path(p).exists()), None)
    return ImageFont.truetype(path, size) if path else ImageFont.load_default()


def bar_chart_png(title: str, labels: list[str], series: list[tuple[str, str, list]], width: int = 900) -> bytes:
    """Grouped bars: one group per label, one bar per series (name, colour, values; None is left
    out), the value above each bar. Pillow, labels in Noto Sans CJK."""
    from PIL import Image, ImageDraw

    font, small, big = _font(15), _font(13), _font(18)
    height = 460
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((20, 12), title, fill="black", font=big)
    left, right, top, bottom = 60, width - 20, 70, height - 90
    values = [v for _n, _c, vs in series for v in vs if v is not None]
    peak = max(values) if values else 1
    peak = peak if peak > 0 else 1
    scale = 10 ** math.floor(math.log10(peak))
    peak = math.ceil(peak / scale) * scale
    for k in range(5):
        y = bottom - (bottom - top) * k / 4
        draw.line([(left, y), (right, y)], fill="#e5e7eb")
        draw.text((8, y - 8), _fmt(peak * k / 4), fill="#6b7280", font=small)
    group = (right - left) / max(len(labels), 1)
    bar = group * 0.7 / max(len(series), 1)
    for i, label in enumerate(labels):
        x0 = left + group * i + group * 0.15
        for j, (_name, colour, vs) in enumerate(series):
            v = vs[i]
            if v is None:
                continue
            h = (bottom - top) * v / peak
            draw.rectangle([x0 + bar * j, bottom - h, x0 + bar * (j + 1) - 3, bottom], fill=colour)
            text = _fmt(v)
            draw.text((x0 + bar * j + (bar - draw.textlength(text, font=small)) / 2, bottom - h - 17), text,
                      fill="black", font=small)
        text = label[:10]
        draw.text((left + group * i + (group - draw.textlength(text, font=font)) / 2, bottom + 8), text, fill="black", font=font)
    for j, (name, colour, _vs) in enumerate(series):
        x = left + j * 180
        draw.rectangle([x, height - 34, x + 14, height - 20], fill=colour)
        draw.text((x + 20, height - 37), name, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def annex(template, year: str) -> list:
    """The annex tables as filled for the year (``export.Exported``), in the template's order."""
    tables = list(template.tables.select_related("template").prefetch_related("columns"))
    return export.load(tables, year)


def draft_docx(year: str) -> bytes:
    """The 质量年度报告 of the academic year as .docx."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.shared import Cm, Pt

    from .models import ReportTemplate

    window = filling.academic_year(year)
    template = ReportTemplate.objects.filter(name=ANNUAL_REPORT).first()
    tables = annex(template, window.code) if template else []
    by_code = {e.table.code: e for e in tables}
    lines = {(e.table.code, line.label): (line, e) for e in tables for line in e.lines}
    marker, to_write = drafted_marker(), to_write_marker()

    doc = Document()
    for style in ("Normal", "Title", "Heading 1", "Heading 2"):
        set_east_asian_font(doc.styles[style], "宋体" if style == "Normal" else "黑体")
    doc.styles["Normal"].font.size = Pt(11)
    for _i in range(4):
        doc.add_paragraph()
    title = doc.add_paragraph(style="Title")
    title.add_run(_("%(school)s高等职业教育质量年度报告（%(year)s 学年）") % {
        "school": settings.ZHENGAI_SCHOOL_NAME, "year": window.code})
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in (_("草稿：由平台根据数据中心与状态数据起草，供质管办修改定稿"),
                 _("统计时段：%(start)s 至 %(end)s") % {"start": window.start, "end": window.end}):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_("说明：句末标 %(drafted)s 的内容由平台按附表数据起草，请核实后改写；标 %(write)s 处请补充撰写。") % {
        "drafted": marker, "write": to_write})
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    found = highlights(window.code)
    for n, section in enumerate(sections(), start=1):
        doc.add_heading(_("%(n)s、%(title)s") % {"n": _chinese_number(n), "title": section.title}, level=1)
        for code, label in section.rows:
            got = lines.get((code, label))
            if got is not None:
                doc.add_paragraph(sentence(got[0], got[1], window.code) + marker)
        if n == 1:
            _scorecard_chart(doc, by_code.get("scorecard"), Cm)
            _highlights(doc, found, marker, Cm)
        doc.add_paragraph(f"{to_write}{section.to_write}")

    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading(_("附表"), level=1)
    if not tables:
        doc.add_paragraph(_("附表尚未按 %(year)s 学年填报。") % {"year": window.code})
    terms = W.term_dates()
    for n, e in enumerate(tables, start=1):
        doc.add_heading(_("附表%(n)s %(name)s") % {"n": n, "name": e.table.name}, level=2)
        header = [_("序号"), _("指标")] + [_("单位")] + [
            f"{c.header}（{filling.year_window(window, c.year_offset, terms).code}）" for c in e.columns]
        rows = [[k, line.label, line.unit] + [_fmt(v) if v is not None else _("待填报") for v in line.values]
                for k, line in enumerate(e.lines, start=1)]
        add_table(doc, header, rows)
        state = _("已签发") if e.fill.status == "signed" else _("填报中")
        doc.add_paragraph(_("状态：%(status)s；数据采集时间：%(at)s。") % {"status": state, "at": e.collected_at})
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _chinese_number(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)


def _scorecard_chart(doc, e, Cm):
    if e is None:
        return
    this, last = _years(e)
    shown = [line for line in e.lines if line.unit == "%" and any(v is not None for v in line.values)]
    if not shown or this is None:
        return
    series = [(_("本学年"), "#2563eb", [line.values[this] for line in shown])]
    if last is not None:
        series.insert(0, (_("上一学年"), "#9ca3af", [line.values[last] for line in shown]))
    png = bar_chart_png(_("图 1　计分卡主要指标（%）"), [line.label for line in shown], series)
    doc.add_picture(io.BytesIO(png), width=Cm(15))


def _highlights(doc, found, marker, Cm):
    doc.add_heading(_("各层面诊改报告要点"), level=2)
    if not found:
        doc.add_paragraph(_("本学年尚无发布的诊改报告。"))
        return
    names = [_("合格"), _("预警"), _("不合格")]
    totals = {level: {k: sum(r["counts"].get(k, 0) for r in reports) for k in ("合格", "预警", "不合格")}
              for level, reports in found}
    doc.add_picture(io.BytesIO(bar_chart_png(
        _("图 2　各层面诊改报告的诊断点评定"), [level for level, _r in found],
        [(name, colour, [totals[level][k] for level, _r in found])
         for name, colour, k in zip(names, ("#16a34a", "#f59e0b", "#dc2626"), ("合格", "预警", "不合格"))])), width=Cm(15))
    for level, reports in found:
        t = totals[level]
        doc.add_paragraph(_("%(level)s层面发布诊改报告 %(n)s 份，诊断点合格 %(ok)s 个、预警 %(warn)s 个、不合格 %(bad)s 个。") % {
            "level": level, "n": len(reports), "ok": t["合格"], "warn": t["预警"], "bad": t["不合格"]} + marker)
        for r in reports[:SHOWN_PER_LEVEL]:
            said = "".join(str(s) for s in r["sentences"][:2])
            if said:
                doc.add_paragraph(f"{r['name']}：{said}{marker}", style="List Bullet")
        if len(reports) > SHOWN_PER_LEVEL:
            doc.add_paragraph(_("（另有 %(n)s 份，见诊改报告库）") % {"n": len(reports) - SHOWN_PER_LEVEL})
