from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "zhengai.indicators"
    label = "indicators"
    verbose_name = _("指标库")

    def ready(self):
        # Definitions of custom indicators change what every later measurement means: keep their history.
        from auditlog.registry import auditlog

        from .models import CustomIndicator

        if not auditlog.contains(CustomIndicator):
            auditlog.register(CustomIndicator)
