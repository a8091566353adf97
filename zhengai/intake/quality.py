"""The data quality report (数据质量): is every source system's data arriving, complete and clean?

- per source system: its last successful import and its freshness against its expected cadence
  (``SourceSystem.expected_cadence_days``): fresh, late or never imported;
- completeness of key fields per table: the share of rows whose required-but-nullable or important
  fields hold a value (students' e-mail, staff titles, grades' scores …), over the rows the user
  may see (``restrict``);
- reject rates per source system and ISO week (rejected rows / rows read);
- xAPI actors that resolve to nobody (no 学号, 工号 or registered mbox), per source system.

Everything is computed set-based: one query for the sources, one per table in ``COMPLETENESS``,
one for the reject rates, and one for the LRS's unresolved actors — the same number of queries for ten rows or ten
million.
"""

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zhengai.datacenter.choices import BatchStatus, Title
from zhengai.datacenter.dictionary import model_for_table
from zhengai.datacenter.models import ImportBatch, SourceSystem
from zhengai.org.access import restrict

from .choices import Freshness

# Who sees the page is ``access.SEE_DATA_QUALITY``; completeness is narrowed to each one's scope.

REJECT_WEEKS = 12


@dataclass(frozen=True)
class KeyField:
    """A field whose emptiness makes indicators wrong or people unreachable."""

    name: str
    label: str
    # Values that mean "not filled in" besides NULL and "" (a default standing in for unknown).
    blank_values: tuple = ()


# table code → key fields. Required NOT NULL fields cannot be empty and are not listed, except
# where a default hides a missing value (a staff title defaulting to 无).
COMPLETENESS = {
    "students": (
        KeyField("email", gettext_lazy("电子邮箱")),
        KeyField("enrolled_on", gettext_lazy("入学日期")),
        KeyField("user", gettext_lazy("账号")),
    ),
    "staff": (
        KeyField("title", gettext_lazy("职称"), blank_values=(Title.NONE,)),
        KeyField("email", gettext_lazy("电子邮箱")),
        KeyField("hired_on", gettext_lazy("入职日期")),
        KeyField("track", gettext_lazy("发展类型")),
    ),
    "courses": (
        KeyField("leader", gettext_lazy("课程负责人")),
        KeyField("specialty", gettext_lazy("所属专业")),
    ),
    "offerings": (KeyField("admin_class", gettext_lazy("上课班级")),),
    "grades": (KeyField("score", gettext_lazy("成绩")),),
    "submissions": (KeyField("score", gettext_lazy("得分")),),
}


@dataclass
class SourceRow:
    source: SourceSystem
    last_success: object
    freshness: str
    age_days: int | None
    batches: int
    unresolved_actors: int = 0

    @property
    def freshness_label(self) -> str:
        return str(Freshness(self.freshness).label)


@dataclass
class CompletenessRow:
    table: str
    table_label: str
    field: str
    field_label: str
    total: int
    filled: int

    @property
    def share(self) -> float | None:
        return self.filled / self.total if self.total else None


@dataclass
class QualityReport:
    now: object
    sources: list[SourceRow]
    completeness: list[CompletenessRow]
    weeks: list
    reject_series: list[dict] = field(default_factory=list)
    unresolved_total: int = 0


def freshness(last_success, cadence_days: int, now) -> str:
    if last_success is None:
        return Freshness.NEVER
    return Freshness.FRESH if now - last_success <= timedelta(days=cadence_days) else Freshness.LATE


def source_rows(now) -> list[SourceRow]:
    """One query: every source with its last successful import and its batch count."""
    sources = SourceSystem.objects.annotate(
        last_success=Max("batches__finished_at", filter=Q(batches__status=BatchStatus.SUCCEEDED)),
        batch_count=Count("batches"),
    ).order_by("code")
    rows = []
    for s in sources:
        age = (now - s.last_success).days if s.last_success else None
        rows.append(SourceRow(s, s.last_success, freshness(s.last_success, s.expected_cadence_days, now), age, s.batch_count))
    return rows


def _filled_q(model, key: KeyField) -> Q:
    f = model._meta.get_field(key.name)
    q = Q(**{f"{key.name}__isnull": False})
    if not f.is_relation and f.get_internal_type() in ("CharField", "TextField", "EmailField", "SlugField"):
        q &= ~Q(**{key.name: ""})
    for value in key.blank_values:
        q &= ~Q(**{key.name: value})
    return q


def completeness_rows(user) -> list[CompletenessRow]:
    """One aggregate query per table: the row count and, per key field, the rows that have it."""
    rows = []
    for table, keys in COMPLETENESS.items():
        model = model_for_table(table)
        aggregates = {"total": Count("pk")}
        for key in keys:
            aggregates[f"filled_{key.name}"] = Count("pk", filter=_filled_q(model, key))
        counts = restrict(model._default_manager.all(), user).aggregate(**aggregates)
        for key in keys:
            rows.append(
                CompletenessRow(
                    table, str(model._meta.verbose_name), key.name, str(key.label), counts["total"], counts[f"filled_{key.name}"]
                )
            )
    return rows


def reject_rates(now, weeks: int = REJECT_WEEKS) -> tuple[list, list[dict]]:
    """One query: rows read and rejected per source and ISO week over the last ``weeks`` weeks.

    Returns the week starts (oldest first) and one series per source: rates in percent, None for a
    week without imports (a gap in the line, not a false zero).
    """
    today = timezone.localdate(now)
    first_week = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    week_starts = [first_week + timedelta(weeks=i) for i in range(weeks)]
    since = timezone.make_aware(datetime.combine(first_week, time.min))
    grouped = (
        ImportBatch.objects.filter(created_at__gte=since)
        .exclude(status=BatchStatus.UNDONE)
        .annotate(week=TruncWeek("created_at"))
        .values("source__code", "source__name", "week")
        .annotate(read=Sum("rows_read"), rejected=Sum("rows_rejected"))
        .order_by("source__code", "week")
    )
    series: dict[str, dict] = {}
    for g in grouped:
        week = g["week"].date() if hasattr(g["week"], "date") else g["week"]
        entry = series.setdefault(g["source__code"], {"code": g["source__code"], "name": g["source__name"], "by_week": {}})
        entry["by_week"][week] = (g["read"] or 0, g["rejected"] or 0)
    out = []
    for entry in series.values():
        values, read_total, rejected_total = [], 0, 0
        for week in week_starts:
            read, rejected = entry["by_week"].get(week, (0, 0))
            read_total, rejected_total = read_total + read, rejected_total + rejected
            values.append(round(100 * rejected / read, 2) if read else None)
        out.append({
            "code": entry["code"], "name": entry["name"], "values": values,
            "read": read_total, "rejected": rejected_total,
            "rate": round(100 * rejected_total / read_total, 2) if read_total else None,
        })
    return week_starts, out


# Counters of what a receiver above the intake could not resolve, per source system id (the xAPI
# LRS registers its unresolved actors when it is ready), so the intake need not import it.
UNRESOLVED_COUNTERS: list = []


def count_unresolved(counter) -> None:
    """An app registers a function returning {source system id: distinct unresolved actors}."""
    if counter not in UNRESOLVED_COUNTERS:
        UNRESOLVED_COUNTERS.append(counter)


def unresolved_actor_counts() -> dict[int, int]:
    """Per source system id, the distinct actors (xAPI) that could not be resolved to a person."""
    out: dict[int, int] = {}
    for counter in UNRESOLVED_COUNTERS:
        for source_id, n in counter().items():
            out[source_id] = out.get(source_id, 0) + n
    return out


def build_report(user, now=None) -> QualityReport:
    now = now or timezone.now()
    sources = source_rows(now)
    unresolved = unresolved_actor_counts()
    for row in sources:
        row.unresolved_actors = unresolved.get(row.source.pk, 0)
    weeks, series = reject_rates(now)
    return QualityReport(
        now=now, sources=sources, completeness=completeness_rows(user), weeks=weeks, reject_series=series,
        unresolved_total=sum(unresolved.values()),
    )


def report_sheets(report: QualityReport) -> dict:
    """The report as .xlsx sheets (``zhengai.core.output.write_xlsx``)."""
    sources = (
        [_("来源代码"), _("来源系统"), _("接入方式"), _("最近成功导入"), _("预期周期（天）"), _("新鲜度"), _("批次数"), _("未识别 xAPI 主体")],
        [
            [r.source.code, r.source.name, str(r.source.get_kind_display()),
             timezone.localtime(r.last_success).replace(tzinfo=None) if r.last_success else "",
             r.source.expected_cadence_days, r.freshness_label, r.batches, r.unresolved_actors]
            for r in report.sources
        ],
    )
    completeness = (
        [_("表代码"), _("表名"), _("字段"), _("字段名"), _("总行数"), _("已填行数"), _("完整率（%）")],
        [
            [c.table, c.table_label, c.field, c.field_label, c.total, c.filled,
             round(100 * c.share, 2) if c.share is not None else ""]
            for c in report.completeness
        ],
    )
    rejects = (
        [_("来源代码"), _("来源系统")] + [w.isoformat() for w in report.weeks],
        [[s["code"], s["name"]] + [v if v is not None else "" for v in s["values"]] for s in report.reject_series],
    )
    return {_("来源系统"): sources, _("字段完整性"): completeness, _("拒绝率（%）"): rejects}
