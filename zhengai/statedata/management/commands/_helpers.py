"""The work of ``zhengai statedata`` sub-commands, kept apart from argument parsing."""

import time

from django.core.management.base import CommandError

from zhengai.core.output import render


def template(name):
    from zhengai.statedata.models import ReportTemplate

    found = ReportTemplate.objects.filter(name=name).first()
    if found is None:
        names = "、".join(ReportTemplate.objects.values_list("name", flat=True)) or "（无）"
        raise CommandError(f"没有名为“{name}”的模板；现有：{names}")
    return found


def fill(command, options):
    from zhengai.statedata.actions import do_fill_template
    from zhengai.statedata.defaults import install_default_templates
    from zhengai.statedata.filling import academic_year, counts
    from zhengai.statedata.models import ReportTemplate

    window = academic_year(options["year"])  # refuse a wrong year before anything is written
    if not ReportTemplate.objects.exists():
        install_default_templates()
        command.stdout.write("尚无模板，已安装默认模板")
    templates = [template(options["template"])] if options.get("template") else list(ReportTemplate.objects.all())
    started = time.perf_counter()
    rows, results = [], []
    for t in templates:
        done = do_fill_template(t, window.code, table_codes=options.get("table"))
        results += done
        rows += [(t.name, r.table.code, r.table.name + ("（已签发）" if r.locked else ""), r.filled, r.entered, r.todo)
                 for r in done]
    filled, todo, entered = counts(results)
    command.stdout.write(f"{window.code} 学年（{window.start} 至 {window.end}）")
    command.stdout.write(render(rows, ["模板", "表代码", "表名称", "已填", "部门已填", "待填报"], "table"), ending="")
    command.stdout.write(f"已填 {filled + entered} 格（平台算出 {filled}，部门已填 {entered}），待填报 {todo} 格，"
                         f"用时 {time.perf_counter() - started:.2f} 秒")


def export(command, options):
    from pathlib import Path

    from zhengai.statedata import export as E
    from zhengai.statedata.filling import academic_year
    from zhengai.statedata.models import ReportTemplate

    window = academic_year(options["year"])
    mapping = E.configured_mapping(options.get("mapping"))
    templates = [template(options["template"])] if options.get("template") else list(ReportTemplate.objects.all())
    fmt = options["format"]
    files, missing = E.export_files(templates, window.code, fmt, mapping, table_codes=options.get("table"))
    if not any(name != "mapping.json" for name in files):
        raise CommandError(f"{window.code} 学年尚无已填报的表，请先运行 zhengai statedata fill --year {window.code}")
    out = Path(options["out"])
    if out.exists() and not out.is_dir():
        raise CommandError(f"--out 应为目录：{out} 是一个文件")
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    if fmt != "xlsx" and not E.school_code():
        command.stderr.write("注意：未设置学校代码（ZHENGAI_SCHOOL_CODE），记录中的学校代码为空")
    if missing:
        command.stdout.write("尚未填报、未导出：" + "、".join(t.name for t in missing))
    tables = len(files) - (1 if "mapping.json" in files else 0)
    command.stdout.write(f"已导出 {window.code} 学年 {tables} 张表（{fmt}）到 {out}"
                         + ("，字段映射见 mapping.json" if "mapping.json" in files else ""))


def import_failures(command, options):
    import os

    from zhengai.statedata import export as E
    from zhengai.statedata.corrections import MAX_BYTES, do_import_failures

    path = options["file"]
    if not os.path.exists(path):
        raise CommandError(f"找不到文件：{path}")
    if os.path.getsize(path) > MAX_BYTES:
        raise CommandError(f"文件超过 {MAX_BYTES // 1048576} MB，未写入任何内容")
    mapping = E.configured_mapping(options.get("mapping"))
    with open(path, "rb") as fh:
        data = fh.read()
    outcome = do_import_failures(os.path.basename(path), data, mapping=mapping)
    command.stdout.write(render(sorted(outcome.by_department.items()), ["负责部门", "失败记录"], "table"), ending="")
    command.stdout.write(f"已导入上传失败回执 {os.path.basename(path)}：{outcome.response.records} 条失败记录，"
                         f"新建整改任务 {outcome.created} 项，更新 {outcome.updated} 项")
