"""Quality culture (质量文化: 质量知晓 · 认同 · 建构) as built-in indicators of the school and of each
department. The values come from the diagnosis cycles, above this app: ``zhengai.cycles`` provides
them when it is ready (``registry.provide("culture.<name>", …)``, see ``zhengai.cycles.culture``);
without it the indicators have no values."""

from zhengai.datacenter.choices import Level

from ..registry import HIGHER
from .base import builtin

CULTURE = [
    ("selfdiag_on_time", "自诊按时提交率", "Self-diagnoses submitted on time",
     "质量知晓：自诊期限（周期结束日加该层面自诊期限天数）落在窗口内且已到的诊改周期中，诊改报告在期限内首次提交的比例 × 100。",
     ["cycles", "cycle_events"]),
    ("warnings_acknowledged", "预警一周内响应率", "Warnings acknowledged within a week",
     "质量认同：窗口内触发、已满一周（或已有人处理）的预警中，七天内有人确认、纠偏、解除或关闭的比例 × 100。",
     ["warnings"]),
    ("corrections_worked", "纠偏有效率", "Corrections that worked",
     "质量建构：窗口内开始纠偏的预警中，此后已解除的比例 × 100。", ["warnings"]),
    ("actions_on_time", "改进措施按期完成率", "Improvement actions closed by their due date",
     "质量建构：完成期限落在窗口内且已到的改进措施中，在期限内完成的比例 × 100。", ["improvement_actions"]),
]


def _provided(name):
    def evaluate(window):
        from ..registry import provided

        return provided(f"culture.{name}", window).items()

    evaluate.__name__ = name
    return evaluate


for level, whole in ((Level.SCHOOL, "全校"), (Level.DEPARTMENT, "本部门")):
    for name, zh, en, definition, sources in CULTURE:
        builtin(f"{level}.{name}", zh, en, "%", HIGHER, f"{definition}按{whole}统计；无到期事项的不计。", sources,
                _provided(name), keyed_by_subject=True)
