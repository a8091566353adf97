"""What each phase of a cycle needs (每个阶段需要什么), read from the rest of the platform, and what must
hold before a phase may be left.

``needs(cycle)`` gives, phase by phase, what the owner works with — the goals and standard in force,
the plan and who is responsible, monitoring and warnings during 实施, the self-diagnosis at 诊断 — each
a count with a link to where it lives. A fixed number of queries for one cycle.

``check_leave(cycle)`` / ``check_back(cycle)`` raise ``ValidationError`` (a Chinese message) when a
move is not allowed yet.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import Phase

PURPOSE = {
    Phase.GOAL: gettext_lazy("确定本周期的目标（与上级目标对齐，关键结果绑定指标）。"),
    Phase.STANDARD: gettext_lazy("确认在用的标准（诊断项目、诊断要素、诊断点）与上一周期的差距。"),
    Phase.DESIGN: gettext_lazy("设计实现目标的方案：关键结果、里程碑与所需材料。"),
    Phase.ORGANIZE: gettext_lazy("组织落实：明确责任人与承担部门。"),
    Phase.IMPLEMENT: gettext_lazy("实施并监测：按监测周期采集数据，预警、纠偏（小循环）。"),
    Phase.DIAGNOSE: gettext_lazy("自我诊断：对照标准逐个诊断点评价，撰写诊改报告并提交审核。"),
    Phase.INCENTIVE: gettext_lazy("考核激励：依据诊断结果与目标完成情况考核。"),
    Phase.LEARN: gettext_lazy("学习：总结经验与问题，学习标杆。"),
    Phase.INNOVATE: gettext_lazy("创新：提出新的做法与改进思路。"),
    Phase.IMPROVE: gettext_lazy("改进：落实改进措施，未完成的措施与差距转入下一周期目标。"),
}


@dataclass
class Need:
    label: str
    value: str
    url: str = ""
    ok: bool = True


@dataclass
class PhaseNeeds:
    phase: str
    label: str
    purpose: str
    needs: list = field(default_factory=list)


def _goals(cycle):
    from zhengai.chains.models import Goal

    qs = Goal.objects.filter(owner_id=cycle.subject_id, start__lte=cycle.end).filter(Q(end__isnull=True) | Q(end__gte=cycle.start))
    return qs.aggregate(total=Count("pk"), approved=Count("pk", filter=Q(status="approved")),
                        key_results=Count("key_results"))


def standards_in_force(cycle) -> list:
    """The published standard versions that apply to the cycle's subject on the period's last day
    (or today, if earlier): one query for the versions, one per applicability rule."""
    from zhengai.chains import applicability
    from zhengai.chains.models import StandardVersion
    from zhengai.chains.models.standards import in_force_q
    from zhengai.core import clock
    from zhengai.datacenter.models import Subject

    day = min(cycle.end, clock.today())
    found = []
    for version in StandardVersion.objects.filter(in_force_q(day), standard__level=cycle.level).select_related("standard"):
        rule = version.applies_to or {}
        if not rule or Subject.objects.filter(applicability.rule_q(cycle.level, rule), pk=cycle.subject_id).exists():
            found.append(version)
    return found


def _warnings(cycle):
    from zhengai.monitoring.models import Warning

    qs = Warning.objects.filter(subject_id=cycle.subject_id, opened_window_end__gte=cycle.start,
                                opened_window_end__lte=cycle.end)
    return qs.aggregate(total=Count("pk"), open=Count("pk", filter=Q(status__in=["open", "acknowledged", "correcting"])),
                        resolved=Count("pk", filter=Q(status__in=["resolved", "closed"])))


def _evidence(cycle):
    from .models import PointEvidence

    return PointEvidence.objects.filter(cycle_id=cycle.pk).aggregate(
        total=Count("pk"), passed=Count("pk", filter=Q(status="passed")))


def needs(cycle, owners: str = "") -> list[PhaseNeeds]:
    """Every phase with what it needs for this cycle."""
    goals, warnings, evidence = _goals(cycle), _warnings(cycle), _evidence(cycle)
    versions = standards_in_force(cycle)
    goal_url = reverse("chains:goals")
    warn_url = reverse("monitoring:warnings") + f"?level={cycle.level}"
    out = []
    for phase in Phase:
        pn = PhaseNeeds(phase.value, phase.label, str(PURPOSE[phase]))
        if phase == Phase.GOAL:
            pn.needs.append(Need(_("本周期目标"), _("%(n)s 个，已通过 %(a)s 个") % {"n": goals["total"], "a": goals["approved"]},
                                 goal_url, goals["total"] > 0))
        elif phase == Phase.STANDARD:
            pn.needs.append(Need(_("在用标准"), "；".join(str(v) for v in versions) or _("无适用标准"),
                                 reverse("chains:standard", args=[versions[0].standard_id]) if versions else reverse("chains:standards"),
                                 bool(versions)))
        elif phase == Phase.DESIGN:
            pn.needs.append(Need(_("关键结果"), _("%(n)s 个") % {"n": goals["key_results"]}, goal_url, goals["key_results"] > 0))
        elif phase == Phase.ORGANIZE:
            pn.needs.append(Need(_("责任人"), owners or _("未指定（请为该主体分配角色）"), "", bool(owners)))
        elif phase == Phase.IMPLEMENT:
            pn.needs.append(Need(_("本周期预警"), _("共 %(n)s 条，未解除 %(o)s 条，已解除 %(r)s 条") % {
                "n": warnings["total"], "o": warnings["open"], "r": warnings["resolved"]}, warn_url, warnings["open"] == 0))
        elif phase == Phase.DIAGNOSE:
            pn.needs.append(Need(_("自诊材料"), _("已提交 %(n)s 份，达标 %(p)s 份") % {"n": evidence["total"], "p": evidence["passed"]},
                                 reverse("cycles:self_diagnosis"), True))
            report = cycle.reports.order_by("-version").first()
            pn.needs.append(Need(_("诊改报告"), report.get_status_display() if report else _("未起草"),
                                 reverse("cycles:report", args=[cycle.pk]), bool(report and report.is_published)))
        out.append(pn)
    return out


def check_leave(cycle) -> None:
    """诊断 is left only with the cycle's report published (reviewed and approved)."""
    from .choices import ReportStatus

    if cycle.phase == Phase.DIAGNOSE:
        latest = cycle.reports.order_by("-version").values_list("status", flat=True).first()
        if latest != ReportStatus.PUBLISHED:
            raise ValidationError(_("诊改报告审核通过并发布后，才能进入“激励”阶段。"))


def check_back(cycle) -> None:
    """Moving back is always allowed while the cycle is open."""
