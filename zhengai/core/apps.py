from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengai.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self):
        from . import audit

        audit.connect()
        audit.register_model_history()
