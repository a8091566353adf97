"""Templates of the state's reports as data, and their filled values.

A template (报表模板) is a set of tables laid out as the state form lays them. A table has rows and
columns; each cell is an indicator of ``zhengai.indicators`` (built-in or custom) over an academic
year, or — where the data center holds no such figure — a value a department fills in:

- layout ``indicators`` (the 质量年报 annex tables): a row is one indicator, a column one academic
  year (``year_offset`` 0 the year reported, -1 the one before);
- layout ``subjects`` (the state-data summary tables): a row is each department or specialty of the
  table's level, a column one indicator of that level.

A fill (填报) is one table over one academic year; its cells keep where each value came from.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.datacenter.choices import Level

from .choices import CellOrigin, CorrectionStatus, FillStatus, Layout


class ReportTemplate(models.Model):
    """A report template (报表模板): the tables of one state report, edited by the quality office."""

    name = models.CharField(_("模板名称"), max_length=100, unique=True)
    description = models.TextField(_("说明"), blank=True)
    builtin = models.BooleanField(_("平台默认"), default=False)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    change_ratio = models.FloatField(_("同比变化复核阈值"), default=0.3,
                                     help_text=_("与上年相比变化超过该比例（0.3 即 30%）的数据，签发前须复核"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("报表模板")
        verbose_name_plural = _("报表模板")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class ReportTable(models.Model):
    """One table of a template (报表), laid out as the state form lays it."""

    template = models.ForeignKey(ReportTemplate, models.CASCADE, related_name="tables", verbose_name=_("报表模板"))
    code = models.CharField(_("表代码"), max_length=32, help_text=_("字母、数字、下划线，模板内唯一；导出文件用它作表名"))
    name = models.CharField(_("表名称"), max_length=100)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    layout = models.CharField(_("布局"), max_length=16, choices=Layout.choices, default=Layout.INDICATORS)
    level = models.CharField(_("主体层面"), max_length=16, choices=Level.choices, default=Level.SCHOOL,
                             help_text=_("主体行布局：每行一个该层面的主体（部门或专业）"))
    department = models.CharField(_("负责部门"), max_length=100, blank=True,
                                  help_text=_("平台算不出的数据由该部门填报，可写简称，如 质管办"))
    note = models.TextField(_("填表说明"), blank=True)

    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("报表")
        verbose_name_plural = _("报表")
        ordering = ["template", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="statedata_table_code")]

    def __str__(self) -> str:
        return self.name


class TableRow(models.Model):
    """A row of an ``indicators`` table: one indicator (blank: a figure a department fills in)."""

    table = models.ForeignKey(ReportTable, models.CASCADE, related_name="rows", verbose_name=_("报表"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    label = models.CharField(_("指标名称"), max_length=200)
    unit = models.CharField(pgettext_lazy("计量单位", "单位"), max_length=16, blank=True)
    indicator = models.CharField(_("指标代码"), max_length=64, blank=True, help_text=_("留空：由负责部门填报"))
    department = models.CharField(_("负责部门"), max_length=100, blank=True, help_text=_("留空：沿用表的负责部门"))

    class Meta:
        verbose_name = _("报表行")
        verbose_name_plural = _("报表行")
        ordering = ["table", "order", "id"]

    def __str__(self) -> str:
        return self.label


class TableColumn(models.Model):
    """A column of a table: an academic year (``indicators`` layout) or an indicator (``subjects``)."""

    table = models.ForeignKey(ReportTable, models.CASCADE, related_name="columns", verbose_name=_("报表"))
    order = models.PositiveIntegerField(_("顺序"), default=0)
    header = models.CharField(_("列名"), max_length=200)
    unit = models.CharField(pgettext_lazy("计量单位", "单位"), max_length=16, blank=True)
    indicator = models.CharField(_("指标代码"), max_length=64, blank=True,
                                 help_text=_("主体行布局：该列的指标；留空则由各行主体的部门填报"))
    year_offset = models.SmallIntegerField(_("学年"), default=0, help_text=_("0 为填报学年，-1 为上一学年"))

    class Meta:
        verbose_name = _("报表列")
        verbose_name_plural = _("报表列")
        ordering = ["table", "order", "id"]

    def __str__(self) -> str:
        return self.header


class TableFill(models.Model):
    """One table filled for one academic year (填报)."""

    table = models.ForeignKey(ReportTable, models.CASCADE, related_name="fills", verbose_name=_("报表"))
    year = models.CharField(_("学年"), max_length=9, help_text=_("如 2025-2026"))
    filled_at = models.DateTimeField(_("计算时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=FillStatus.choices, default=FillStatus.DRAFT)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                  verbose_name=_("签发人"))
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)

    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("报表填报")
        verbose_name_plural = _("报表填报")
        ordering = ["table__template", "table__order", "year"]
        constraints = [models.UniqueConstraint(fields=["table", "year"], name="statedata_fill_table_year")]

    def __str__(self) -> str:
        return f"{self.table} {self.year}"


class CellValue(models.Model):
    """One cell of a fill and where its value came from: the indicator and window that computed
    it, or the department that owes it (a to-do) and what it entered."""

    fill = models.ForeignKey(TableFill, models.CASCADE, related_name="cells", verbose_name=_("报表填报"))
    row = models.ForeignKey(TableRow, models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("报表行"))
    subject = models.ForeignKey("datacenter.Subject", models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("质量主体"))
    column = models.ForeignKey(TableColumn, models.CASCADE, related_name="+", verbose_name=_("报表列"))
    row_key = models.CharField(_("行标识"), max_length=64)
    row_label = models.CharField(_("行名称"), max_length=200)
    row_order = models.PositiveIntegerField(_("行顺序"), default=0)
    value = models.FloatField(_("数值"), null=True, blank=True)
    origin = models.CharField(_("来源"), max_length=16, choices=CellOrigin.choices)
    indicator = models.CharField(_("指标代码"), max_length=64, blank=True)
    window = models.CharField(_("时间窗口"), max_length=32, blank=True)
    window_start = models.DateField(_("窗口首日"), null=True, blank=True)
    window_end = models.DateField(_("窗口末日"), null=True, blank=True)
    department = models.ForeignKey("datacenter.Department", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("负责部门"))
    department_text = models.CharField(_("负责部门（原文）"), max_length=100, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("填报人"))
    entered_at = models.DateTimeField(_("填报时间"), null=True, blank=True)
    evidence = models.TextField(_("数据来源与佐证"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.CharField(_("审核意见"), max_length=500, blank=True)

    scope_lookups = {"department": "department_id"}

    class Meta:
        verbose_name = _("报表单元格")
        verbose_name_plural = _("报表单元格")
        ordering = ["fill", "row_order", "column__order"]
        constraints = [models.UniqueConstraint(fields=["fill", "row_key", "column"], name="statedata_cell_unique")]

    def __str__(self) -> str:
        return f"{self.row_label} · {self.column}"


class TotalRule(models.Model):
    """A total that must agree across tables (核对规则): a cell (row and column of a table) against
    another cell, or against the sum of a column over all rows of a table (``right_row`` blank)."""

    template = models.ForeignKey(ReportTemplate, models.CASCADE, related_name="rules", verbose_name=_("报表模板"))
    name = models.CharField(_("核对名称"), max_length=100)
    left_table = models.CharField(_("表代码"), max_length=32)
    left_row = models.CharField(_("行"), max_length=200)
    left_column = models.CharField(_("列"), max_length=200)
    right_table = models.CharField(_("对照表代码"), max_length=32)
    right_row = models.CharField(_("对照行"), max_length=200, blank=True, help_text=_("留空：该列所有行的合计"))
    right_column = models.CharField(_("对照列"), max_length=200)
    tolerance = models.FloatField(_("允许差"), default=0)

    class Meta:
        verbose_name = _("核对规则")
        verbose_name_plural = _("核对规则")
        ordering = ["template", "id"]

    def __str__(self) -> str:
        return self.name


class UploadResponse(models.Model):
    """A failure response of the 职业院校数字基座 imported (上传失败回执): which file, when, by whom;
    each failed record in it became a ``Correction``."""

    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件摘要"), max_length=64)
    records = models.PositiveIntegerField(_("失败记录数"), default=0)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("导入人"))
    imported_at = models.DateTimeField(_("导入时间"))

    class Meta:
        verbose_name = _("上传失败回执")
        verbose_name_plural = _("上传失败回执")
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return self.file_name


class Correction(models.Model):
    """A record the 数字基座 refused, as a task of its responsible department (整改任务): the row of
    the filled table it was exported from, the reason given, and how it was corrected."""

    response = models.ForeignKey(UploadResponse, models.CASCADE, related_name="corrections", verbose_name=_("上传失败回执"))
    fill = models.ForeignKey(TableFill, models.CASCADE, related_name="corrections", verbose_name=_("报表填报"))
    record_key = models.CharField(_("主键数据唯一性标识"), max_length=64)
    row_key = models.CharField(_("行标识"), max_length=64)
    row_label = models.CharField(_("行名称"), max_length=200)
    reason = models.TextField(_("失败原因"))
    department = models.ForeignKey("datacenter.Department", models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("负责部门"))
    department_text = models.CharField(_("负责部门（原文）"), max_length=100, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=CorrectionStatus.choices, default=CorrectionStatus.OPEN)
    created_at = models.DateTimeField(_("创建时间"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name=_("整改人"))
    resolved_at = models.DateTimeField(_("整改时间"), null=True, blank=True)
    resolution = models.TextField(_("整改说明"), blank=True)

    scope_lookups = {"department": "department_id"}

    class Meta:
        verbose_name = _("上传失败整改任务")
        verbose_name_plural = _("上传失败整改任务")
        ordering = ["status", "fill__table__order", "fill__year", "row_label", "id"]
        indexes = [models.Index(fields=["record_key"], name="statedata_corr_key")]

    def __str__(self) -> str:
        return f"{self.row_label} · {self.reason[:30]}"
