"""The seed's task table (section 七, 建设与实施进程表), cell by cell as the plan prints it: blank
cells mean "same as above" (merged in the original for 体系类别, 工作任务 and 主管领导).

Used by the demo college and the tests. ``build_workbook`` writes it the way real files come: a
title row above the header, merged cells, blanks, dates as ``2019.01``, ``每年1月`` and ``持续``.
"""

TITLE = "七、建设与实施进程表"
HEADER = ["体系类别", "工作任务", "主要内容", "主管(牵头)领导", "牵头部门", "承担部门", "成果形式", "开始时间", "完成时间"]
ROWS = [
    ["学校层面", "建立领导组织", "成立学校内部质量保证工作委员会, 成立诊改专项工作组", "党委书记", "党办", "质管办", "学院文件", "2019.01", "2019.03"],
    ["", "", "成立二级学院(部)质量保证工作组", "", "", "二级学院(部)", "二级学院(部)文件", "2019.01", "2019.03"],
    ["", "两链打造", "编制建设目标体系", "校长", "质管办", "组织部、教务处、改发室、高教所等相关部门", "党代会目标分解, 专业、课程、师资、育人目标任务", "2019.01", "2019.03"],
    ["", "", "完成年度任务分解", "", "组织部", "人事处、教务处、科技处、继教院、质管办等", "各院部、各部门年度目标任务清单", "每年1月", "每年3月"],
    ["", "", "梳理明确部门、岗位职责", "", "组织部", "人事处、党办", "学院文件", "2019.01", "2019.06"],
    ["", "诊改运行", "基于“8”字螺旋, 运用网上事务大厅, 自我诊改, 持续提升", "", "院办", "质管办、组织部", "任务分解表、任务考核表、考核结果, 诊改报告", "2019.06", "持续"],
    ["专业课程层面", "专业两链打造", "专业建设规划(目标)、专业建设标准、专业教学标准", "分管教学学校领导", "教务处", "二级学院", "标准文本", "2019.01", "2019.12"],
    ["", "诊改运行", "基于“8”字螺旋, 自我诊改, 持续提升", "", "", "二级学院", "诊改报告", "2019.12", "持续"],
    ["", "课程两链打造", "课程建设规划(目标)、课程建设标准、课程教学标准", "", "", "二级学院(部)", "标准文本", "2019.01", "2019.12"],
    ["", "诊改运行", "基于“8”字螺旋, 运用智能云课堂, 自我诊改, 持续提升", "", "", "二级学院(部)", "诊改报告", "2019.12", "持续"],
    ["教师层面", "两链打造", "建立教师发展标准系列", "分管教师发展校领导", "教师发展中心", "人事处、二级学院(部) 教师个人", "标准文本", "2019.01", "2019.12"],
    ["", "诊改运行", "基于“8”字螺旋, 运用师资平台, 自我诊改提升", "", "", "二级学院(部) 教师个人", "诊改报告", "2019.12", "持续"],
    ["学生层面", "两链打造", "建立与完善学生发展标准", "分管学生校领导", "学工处", "二级学院(部)", "标准文本", "2019.01", "2019.12"],
    ["", "诊改运行", "基于“8”字螺旋, 运用学工平台, 自我诊改提升", "", "", "二级学院(部) 学生个体", "诊改报告", "2019.12", "持续"],
    ["平台建设", "数据中心", "建设数据互通、共享校本数据中心", "分管信息化校领导", "信息中心", "信息中心", "软件系统", "2019.01", "2019.12"],
    ["", "四个平台建设", "网上事务大厅", "", "", "信息中心", "", "2019.01", "2019.12"],
    ["", "", "智能云课堂平台", "", "", "教务处", "", "2019.01", "2019.12"],
    ["", "", "教师发展管理系统", "", "", "教师发展中心、人事处", "", "2019.01", "2019.12"],
    ["", "", "学生成长管理系统", "", "", "学工处", "", "2019.01", "2019.12"],
    ["引擎保证", "机制建设", "建立学校层面自我诊改制度, 年度考核办法、诊改考核激励制度, 内控制度", "分管诊改工作校领导", "质管办", "院办、组织部、财务处", "制度文件", "2019.01", "2019.09"],
    ["", "", "制定专业考核性诊改制度", "", "教务处", "二级学院(部)", "", "2019.01", "2019.12"],
    ["", "", "制定课程适时性考核诊改制度", "", "教师发展中心", "人事处、二级学院(部) 教师个人", "", "2019.01", "2019.12"],
    ["", "", "制定教师实时性考核诊改制度", "", "教师发展中心", "人事处、二级学院(部) 教师个人", "", "2019.01", "2019.12"],
    ["", "", "制定学生发展自测诊断制度", "", "学工处", "二级学院(部) 学生个体", "", "2019.01", "2019.12"],
    ["", "", "建立各层面自我诊改质量报告制度", "", "学工处", "二级学院(部) 学生个体", "", "2019.01", "2019.12"],
    ["", "文化建设", "质量知晓、质量认同、质量建构, 促进全员全过程全方位育人", "质管办", "各诊改责任主体", "宣传部", "质量文化建设方案及建设过程材料", "2019.01", "2020.12"],
]

# Columns merged down over the blanks below a cell, as the plan's table is laid out.
MERGED_COLUMNS = (0, 1, 3)


def merges_for(rows: list[list[str]], first_row: int) -> list[str]:
    """The vertical merged ranges (e.g. ``A3:A8``) of a table whose data starts at ``first_row``:
    a non-blank cell of a merged column spans the blanks below it, within its 体系类别."""
    from openpyxl.utils import get_column_letter

    ranges = []
    for column in MERGED_COLUMNS:
        for index, row in enumerate(rows):
            if not row[column]:
                continue
            stop = index + 1
            while stop < len(rows) and not rows[stop][column] and (column == 0 or not rows[stop][0]):
                stop += 1
            if stop - index > 1:
                letter = get_column_letter(column + 1)
                ranges.append(f"{letter}{first_row + index}:{letter}{first_row + stop - 1}")
    return ranges


def build_workbook(target, rows=None, title=TITLE) -> None:
    """Write the table as a real file: title row (merged across), header, data with merged cells."""
    from zhengai.core import workbook
    from openpyxl.styles import Alignment, Font

    rows = ROWS if rows is None else rows
    wb = workbook.new()
    ws = wb.active
    ws.title = "进程表"
    ws.append([title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(HEADER)
    for row in rows:
        ws.append([cell or None for cell in row])
    for cell_range in merges_for(rows, 3):
        ws.merge_cells(cell_range)
        ws[cell_range.split(":")[0]].alignment = Alignment(vertical="center", wrap_text=True)
    wb.save(target)
