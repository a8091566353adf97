from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChainsConfig(AppConfig):
    name = "zhengai.chains"
    label = "chains"
    verbose_name = _("目标链与标准链")
