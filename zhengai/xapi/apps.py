from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "zhengai.xapi"
    label = "xapi"
    verbose_name = _("xAPI 学习记录")

    def ready(self):
        from zhengai.intake.quality import count_unresolved

        from .quality import unresolved_actor_counts

        # The data quality page counts the actors the LRS could not resolve, per source system.
        count_unresolved(unresolved_actor_counts)
