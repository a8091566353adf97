from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "zhengai.core"
    label = "core"
    verbose_name = _("平台")

    def ready(self):
        from . import audit

        audit.connect()
        from django.contrib.auth.signals import user_logged_in

        from . import signin

        user_logged_in.connect(signin.on_signed_in, dispatch_uid="zhengai_session_clocks")
        audit.register_model_history()
