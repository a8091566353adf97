from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CyclesConfig(AppConfig):
    name = "zhengai.cycles"
    verbose_name = _("诊改周期")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from zhengai.datacenter.signals import demo_seeded
        from zhengai.indicators.registry import provide

        from django.core.signals import request_finished, request_started

        from .culture import PROVIDERS, end_request, start_request
        from .demo import on_demo_seeded

        demo_seeded.connect(on_demo_seeded, dispatch_uid="zhengai.cycles.demo")
        # The quality culture indicators (zhengai.indicators.builtin.culture) read the cycles through these.
        for name, function in PROVIDERS.items():
            provide(f"culture.{name}", function)
        request_started.connect(start_request, dispatch_uid="zhengai.cycles.culture.start")
        request_finished.connect(end_request, dispatch_uid="zhengai.cycles.culture.end")
