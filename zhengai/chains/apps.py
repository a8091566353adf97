from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "zhengai.chains"
    label = "chains"
    verbose_name = _("目标链与标准链")

    def ready(self):
        from zhengai.datacenter.signals import demo_seeded
        from zhengai.indicators.registry import provide

        from .demo import on_demo_seeded
        from .progress import task_completion_by_subject

        demo_seeded.connect(on_demo_seeded, dispatch_uid="chains.demo")
        # The indicators school/department.task_completion read the task table through this.
        provide("task_completion", task_completion_by_subject)
