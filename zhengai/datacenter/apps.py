from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacenterConfig(AppConfig):
    name = "zhengai.datacenter"
    label = "datacenter"
    verbose_name = _("校本数据中心")
