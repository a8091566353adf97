from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "zhengai.notifications"
    label = "notifications"
    verbose_name = _("消息通知")

    def ready(self):
        from zhengai.datacenter.signals import demo_seeded
        from zhengai.monitoring.signals import run_committed

        from .digest import on_demo_seeded, on_run_committed

        run_committed.connect(on_run_committed, dispatch_uid="zhengai.notifications.run_committed")
        # After monitoring's receiver (it comes earlier in INSTALLED_APPS): the history is monitored first.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="zhengai.notifications.demo")
