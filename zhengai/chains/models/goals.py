"""Goals (目标): a tree aligned upward, key results bound to indicators, progress reports with
evidence, and the annual task table (年度工作任务表) as users know it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Direction, GoalKind, GoalStatus, KeyResultKind

# A goal lies inside a scope where its owner subject does (zhengai.org.access).
_OWNER_SCOPE = {
    "department": "owner__department_id",
    "specialty": "owner__specialty_id",
    "course": "owner__course_id",
    "admin_class": "owner__admin_class_id",
    "self_staff": "owner__staff_id",
    "self_student": "owner__student_id",
}


class Goal(models.Model):
    """A goal (目标) or task (任务) of one owner subject over a period, supporting its parent.

    School development goals, annual tasks and department tasks, specialty and course construction
    goals, a teacher's personal development plan and a student's growth goals are all goals; the
    kind says which. ``end`` is empty for a continuing task (完成时间 “持续”).
    """

    kind = models.CharField(_("类别"), max_length=24, choices=GoalKind.choices)
    title = models.CharField(_("名称"), max_length=300)
    description = models.TextField(_("主要内容"), blank=True)
    owner = models.ForeignKey("datacenter.Subject", models.PROTECT, related_name="goals", verbose_name=_("责任主体"))
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="children", verbose_name=_("上级目标"))
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("完成日期"), null=True, blank=True, help_text=_("空表示持续"))
    recurring = models.BooleanField(_("每年重复"), default=False)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    weight = models.DecimalField(_("权重"), max_digits=8, decimal_places=4, default=1)
    status = models.CharField(_("状态"), max_length=16, choices=GoalStatus.choices, default=GoalStatus.APPROVED)
    # The task table's own words, kept as the owner wrote them (after "same as above" is filled in).
    category = models.CharField(_("体系类别"), max_length=100, blank=True)
    leader = models.CharField(_("主管(牵头)领导"), max_length=100, blank=True)
    lead_departments = models.CharField(_("牵头部门"), max_length=300, blank=True)
    partner_departments = models.CharField(_("承担部门"), max_length=300, blank=True)
    outcome = models.CharField(_("成果形式"), max_length=300, blank=True)
    partners = models.ManyToManyField("datacenter.Subject", blank=True, related_name="partner_goals", verbose_name=_("承担主体"),
                                      through="GoalPartner")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("审核人"))
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    scope_lookups = _OWNER_SCOPE
    # The owner's level: one's own plan (a student's, a teacher's) is told from a unit's goal by it.
    subject_level_lookup = "owner__level"

    class Meta:
        verbose_name = _("目标")
        verbose_name_plural = _("目标")
        ordering = ["order", "pk"]
        indexes = [
            models.Index(fields=["owner", "kind"], name="goal_owner_kind"),
            models.Index(fields=["kind", "start"], name="goal_kind_start"),
        ]

    def __str__(self) -> str:
        return self.title


class GoalPartner(models.Model):
    """A department that shares a task (承担部门) beyond its lead. An explicit model rather than
    Django's hidden table, so that whatever empties the data center (``seed_demo --reset``) sees it."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="+", verbose_name=_("任务"))
    subject = models.ForeignKey("datacenter.Subject", models.CASCADE, related_name="+", verbose_name=_("承担主体"))

    class Meta:
        verbose_name = _("承担主体")
        verbose_name_plural = _("承担主体")
        constraints = [models.UniqueConstraint(fields=["goal", "subject"], name="goal_partner_unique")]


class KeyResult(models.Model):
    """A key result (关键结果) of a goal: an indicator with a baseline and a target value, or a
    milestone proved by evidence where no indicator fits."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="key_results", verbose_name=_("目标"))
    kind = models.CharField(_("类型"), max_length=16, choices=KeyResultKind.choices, default=KeyResultKind.INDICATOR)
    name = models.CharField(_("名称"), max_length=300)
    indicator_code = models.CharField(_("指标代码"), max_length=64, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    baseline = models.DecimalField(_("基线值"), max_digits=14, decimal_places=4, null=True, blank=True)
    target = models.DecimalField(_("目标值"), max_digits=14, decimal_places=4, null=True, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=8, decimal_places=4, default=1)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    done = models.BooleanField(_("已完成"), default=False, help_text=_("里程碑是否达成"))
    done_on = models.DateField(_("完成日期"), null=True, blank=True)

    scope_lookups = {k: f"goal__{v}" for k, v in _OWNER_SCOPE.items()}

    class Meta:
        verbose_name = _("关键结果")
        verbose_name_plural = _("关键结果")
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["indicator_code"], name="kr_indicator")]

    def __str__(self) -> str:
        return self.name


class TaskReport(models.Model):
    """A progress report (进展报告) on a goal or task: a completion figure (0–100 %) as of a day,
    with a note and evidence files. The latest report on or before a day is the task's standing."""

    goal = models.ForeignKey(Goal, models.CASCADE, related_name="reports", verbose_name=_("任务"))
    as_of = models.DateField(_("截至日期"))
    completion = models.DecimalField(_("完成度(%)"), max_digits=5, decimal_places=2)
    note = models.TextField(_("进展说明"), blank=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("填报人"))
    reported_at = models.DateTimeField(_("填报时间"), auto_now_add=True)

    scope_lookups = {k: f"goal__{v}" for k, v in _OWNER_SCOPE.items()}

    class Meta:
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        ordering = ["goal", "-as_of", "-pk"]
        indexes = [models.Index(fields=["goal", "as_of"], name="report_goal_asof")]

    def __str__(self) -> str:
        return f"{self.goal} {self.as_of} {self.completion}%"


class Evidence(models.Model):
    """Evidence (佐证材料): a file under MEDIA_ROOT and/or a text, attached to a progress report, a
    milestone key result, or a goal."""

    file = models.FileField(_("文件"), upload_to="chains/evidence/%Y/%m/", blank=True)
    text = models.TextField(_("文字说明"), blank=True)
    goal = models.ForeignKey(Goal, models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name=_("目标"))
    key_result = models.ForeignKey(KeyResult, models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name=_("关键结果"))
    report = models.ForeignKey(TaskReport, models.CASCADE, null=True, blank=True, related_name="evidence", verbose_name=_("进展报告"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("上传人"))
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    scope_lookups = {k: f"goal__{v}" for k, v in _OWNER_SCOPE.items()}

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else (self.text[:30] or "—")


class TaskTable(models.Model):
    """An imported annual task table (建设与实施进程表 / 年度工作任务表) as a file: its title row,
    header, merged ranges and every cell's original text, so that export gives the same table back."""

    title = models.CharField(_("标题"), max_length=300, blank=True)
    sheet_name = models.CharField(_("工作表"), max_length=64, default="Sheet1")
    header = models.JSONField(_("表头"), default=list)
    header_row = models.PositiveSmallIntegerField(_("表头行号"), default=2)
    # Every non-empty cell above the header (the title rows), as [row, column, text].
    preamble = models.JSONField(_("标题行"), default=list, blank=True)
    merges = models.JSONField(_("合并单元格"), default=list, help_text=_("如 A3:A8"))
    column_widths = models.JSONField(_("列宽"), default=dict, blank=True)
    year = models.PositiveSmallIntegerField(_("基准年份"), help_text=_("“每年1月”一类的日期从此年起算"))
    source_name = models.CharField(_("文件名"), max_length=300, blank=True)
    imported_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("导入人"))

    class Meta:
        verbose_name = _("任务表")
        verbose_name_plural = _("任务表")
        ordering = ["-imported_at", "-pk"]

    def __str__(self) -> str:
        return self.title or self.source_name


class TaskRow(models.Model):
    """One row of a task table: the cells' original text (blank where the file says "same as
    above") and the department task it became."""

    table = models.ForeignKey(TaskTable, models.CASCADE, related_name="rows", verbose_name=_("任务表"))
    row_no = models.PositiveIntegerField(_("行号"))
    cells = models.JSONField(_("单元格原文"), default=list)
    goal = models.ForeignKey(Goal, models.SET_NULL, null=True, blank=True, related_name="task_rows", verbose_name=_("任务"))

    class Meta:
        verbose_name = _("任务表行")
        verbose_name_plural = _("任务表行")
        ordering = ["table", "row_no"]
        constraints = [models.UniqueConstraint(fields=["table", "row_no"], name="task_row_unique")]

    def __str__(self) -> str:
        return f"{self.table} #{self.row_no}"
