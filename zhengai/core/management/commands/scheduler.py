"""``zhengai scheduler``: the embedded scheduler — runs the jobs of settings ``CELERY_BEAT_SCHEDULE``
(due monitoring runs, notification digests and retries, the intake's due pulls) in-process, on a loop,
each at its own interval (``zhengai.core.scheduling``). ``zhengai serve`` starts it beside the web
server; production runs the same schedule with Celery beat instead (zhengai/celery.py)."""

import signal
import time

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "内置调度：循环运行到期的监测、通知摘要与重试、数据拉取"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=60, help="每轮间隔秒数")
        parser.add_argument("--once", action="store_true", help="只运行一轮")

    def handle(self, *args, interval=60, once=False, **options):
        from zhengai.core.scheduling import Scheduler

        scheduler = Scheduler()
        stop = {"now": False}

        def halt(*_):
            stop["now"] = True

        signal.signal(signal.SIGTERM, halt)
        signal.signal(signal.SIGINT, halt)
        while True:
            report = scheduler.tick()
            if report:
                self.stdout.write(report)
            if once or stop["now"]:
                return
            for _second in range(interval):
                if stop["now"]:
                    return
                time.sleep(1)
