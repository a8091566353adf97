"""The demo college's history, monitored when ``zhengai seed_demo`` sends ``demo_seeded`` (after the
chains app has installed the default standards — INSTALLED_APPS order), so warnings exist on first
sign-in: every level, every window of the current and the previous term up to the demo date, then
the notifications app (its own receiver, after this one) sends one digest per person over the whole
history (not one per run)."""

import logging
import time

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
