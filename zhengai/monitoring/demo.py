"""The demo college's history, monitored when ``zhengai seed_demo`` sends ``demo_seeded`` (after the
chains app has installed the default standards — INSTALLED_APPS order), so warnings exist on first
sign-in: every level, every window of the current and the previous term up to the demo date, then
the notifications app (its own receiver, after this one) sends one digest per person over the whole
history (not one per run). Then the college answers part of its warnings as a college mid-spiral
has (``plant_responses``), so the cockpit's and the homes' figures of the quality culture — answered
within a week, corrections under way, resolved lately — are not all zero on first sign-in."""

import logging
import time
from datetime import timedelta

from django.utils.dateparse import parse_date

log = logging.getLogger(__name__)


def monitor_history(demo_date, out=None) -> list:
    from .policies import ensure_policies
    from .scheduling import run_due

    ensure_policies()
    started = time.monotonic()
    results = run_due(demo_date, trigger="demo", limit=10_000, notify=False)
    failed = [(level, window.code, error) for level, window, summary, error in results if error]
    opened = sum(s.opened for _l, _w, s, e in results if s)
    message = (f"monitoring: {len(results)} runs up to {demo_date}, {opened} warnings opened, "
               f"{len(failed)} failed, {time.monotonic() - started:.1f} s")
    log.info(message)
    if out is not None:
        out.write(message + "\n")
    for level, window, error in failed:
        log.warning("monitoring run %s %s failed: %s", level, window, error)
    return results


def on_demo_seeded(sender=None, size=None, seed=None, demo_date=None, **kwargs):
    day = parse_date(str(demo_date)) if demo_date and not hasattr(demo_date, "year") else demo_date
    if day is None:
        from zhengai.core import clock

        day = clock.today()
    monitor_history(day, out=kwargs.get("out"))
    plant_responses(day, out=kwargs.get("out"))


# What the people in charge did about a warning of each level: (measure kind, cause, measure).
RESPONSES = {
    "student": ("talk", "近期缺课增多，与学生谈话了解到作息不规律", "辅导员每周谈心一次，任课教师课前点名并反馈"),
    "offering": ("teaching_adjustment", "部分学生基础薄弱，课堂参与度低", "调整教学进度，增加课堂练习与过程性考核"),
    "course": ("teaching_adjustment", "课程资源更新滞后", "课程组修订课程标准并补充实训项目"),
    "teacher": ("training", "本年度培训学时不足", "安排参加暑期企业实践与校本培训"),
    "specialty": ("management", "专业就业质量下滑", "专业带头人走访合作企业，调整人才培养方案"),
    "department": ("management", "部门年度任务推进缓慢", "部门每月召开任务推进会"),
    "school": ("management", "学校层面指标未达标", "质管办牵头专项整改"),
}
RESOLVE_NOTE = "纠偏后复查，数据已回到预警线内"


def plant_responses(demo_date, out=None) -> dict:
    """Answer part of the demo's active warnings as their owners (else the quality office) would
    have: of those opened at least a week before the demo date, in a fixed order, one in three
    acknowledged, one in three put under correction with a cause and a measure — and of those one
    in two resolved since. The events are dated a few days after the warning opened (before the
    demo date), as people act.
    Through the same ``actions`` as the pages, so the events and the audit read as real ones."""
    from zhengai.core import clock
    from zhengai.org.choices import Role
    from zhengai.org.models import User

    from . import actions
    from .choices import ACTIVE_STATUSES
    from .models import Warning, WarningEvent
    from .owners import owners_of

    now = clock.now()
    candidates = list(Warning.objects.filter(status__in=ACTIVE_STATUSES, opened_window_end__lte=demo_date - timedelta(days=7))
                      .order_by("pk"))
    owners = owners_of([w.pk for w in candidates])
    users = User.objects.in_bulk(sorted({u for us in owners.values() for u in us}))
    # The demo has one account per role, so most subjects have no owner of their own: the quality
    # office (质管办) answers for them, as it follows up warnings nobody has taken up.
    office = User.objects.filter(roles__role=Role.QUALITY_OFFICE, is_active=True).order_by("pk").first()
    done = {"acknowledged": 0, "correcting": 0, "resolved": 0}
    for i, warning in enumerate(candidates):
        if i % 3 == 2:
            continue
        actor = users.get(min(owners[warning.pk])) if owners.get(warning.pk) else office
        if actor is None:
            continue
        acted = min(warning.opened_at + timedelta(days=1 + i % 9), now)
        first = WarningEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        try:
            if i % 3 == 0:
                actions.do_acknowledge_warning(warning, acting_user=actor)
                done["acknowledged"] += 1
            else:
                kind, cause, text = RESPONSES.get(warning.level, RESPONSES["school"])
                actions.do_start_correction(warning, cause, kind, text, acting_user=actor)
                Warning.objects.filter(pk=warning.pk).update(correction_started_at=acted)
                done["correcting"] += 1
                if i % 6 == 1:
                    actions.do_resolve_warning(warning, RESOLVE_NOTE, acting_user=actor)
                    Warning.objects.filter(pk=warning.pk).update(resolved_at=min(acted + timedelta(days=7), now))
                    done["resolved"] += 1
        except Exception as exc:  # a demo must seed whatever one warning does; the rest still read right
            log.warning("demo response to warning %s skipped: %s", warning.pk, exc)
            continue
        WarningEvent.objects.filter(warning=warning, pk__gt=first).update(created_at=acted)
    message = (f"monitoring: answered demo warnings — {done['acknowledged']} acknowledged, "
               f"{done['correcting']} under correction, {done['resolved']} of them resolved")
    log.info(message)
    if out is not None:
        out.write(message + "\n")
    return done
