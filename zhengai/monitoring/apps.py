from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "zhengai.monitoring"
    label = "monitoring"
    verbose_name = _("监测预警")

    def ready(self):
        from zhengai.datacenter.signals import demo_seeded

        from .demo import on_demo_seeded

        # After the chains app's receiver (it comes earlier in INSTALLED_APPS): standards first.
        demo_seeded.connect(on_demo_seeded, dispatch_uid="zhengai.monitoring.demo")

        from zhengai.indicators.registry import cadences_from

        from .models import MonitoringPolicy

        # Each level's cadence is its policy row (the quality office edits it); indicators ask here.
        cadences_from(lambda: dict(MonitoringPolicy.objects.values_list("level", "cadence")))
