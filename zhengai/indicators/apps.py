from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "zhengai.indicators"
    label = "indicators"
    verbose_name = _("指标库")

    def ready(self):
        from auditlog.registry import auditlog

        from . import cache
        from .models import CustomIndicator

        # Definitions of custom indicators change what every later measurement means: keep their history.
        if not auditlog.contains(CustomIndicator):
            auditlog.register(CustomIndicator)
        # Values kept for pages are renewed when data-center rows are edited one at a time.
        cache.connect()
