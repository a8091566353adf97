from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XapiConfig(AppConfig):
    name = "zhengai.xapi"
    label = "xapi"
    verbose_name = _("xAPI 学习记录")
