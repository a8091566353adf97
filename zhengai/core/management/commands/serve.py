"""``zhengai serve``: the embedded deployment in one command — a WSGI server (gunicorn) for the
site and, beside it, the in-process scheduler (``zhengai scheduler``) for the monitoring schedules,
so a demo or a small college needs no other service."""

import os
import subprocess
import sys

from django.core.management import get_commands
from django.core.management.base import BaseCommand

# Lines said when serving starts, from the apps above core (the data center's demo sign-ins): each a
# function returning a list of lines.
BANNERS: list = []


class Command(BaseCommand):
    help = "Serve the site with gunicorn and run the schedules in-process"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--no-scheduler", action="store_true", help="do not start the in-process scheduler")

    def handle(self, *args, port, host, workers, no_scheduler, **options):
        from gunicorn.app.base import BaseApplication

        from zhengai.wsgi import application

        self._print_sign_ins()
        self._print_date()
        scheduler = None
        if not no_scheduler and "scheduler" in get_commands():
            scheduler = subprocess.Popen([sys.executable, "-m", "zhengai", "scheduler"])

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("accesslog", "-")
                # gunicorn 27's control socket lives in $HOME; one demo needs none, and two demos
                # on one machine would fight over it.
                if "control_socket_disable" in self.cfg.settings:
                    self.cfg.set("control_socket_disable", True)

            def load(self):
                return application

        self.stdout.write(f"ZhenGai is serving at http://{host}:{port}/  (Ctrl-C stops it)")
        try:
            Server().run()
        finally:
            if scheduler is not None:
                scheduler.terminate()

    def _print_date(self):
        from django.utils.translation import gettext as _

        from zhengai.core import clock

        fixed = clock.fixed()
        if fixed is not None:
            # Said up front: "today" on every page and in every schedule is not the real date.
            self.stdout.write(_("%(label)s：各页面与定时任务按此日期计算“今天”，而非真实日期。") % {"label": fixed.label})

    def _print_sign_ins(self):
        for banner in BANNERS:
            for line in banner():
                self.stdout.write(line)
