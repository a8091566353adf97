from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortraitsConfig(AppConfig):
    name = "zhengai.portraits"
    label = "portraits"
    verbose_name = _("画像")
