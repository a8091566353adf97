from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatedataConfig(AppConfig):
    name = "zhengai.statedata"
    label = "statedata"
    verbose_name = _("状态数据与质量年报")

    def ready(self):
        from auditlog.registry import auditlog

        from zhengai.datacenter.signals import demo_seeded

        from .models import Correction, ReportTable, ReportTemplate, TableColumn, TableFill, TableRow, UploadResponse

        # A template's rows say what the state is told: keep the history of every edit.
        for model in (ReportTemplate, ReportTable, TableRow, TableColumn, TableFill, UploadResponse, Correction):
            if not auditlog.contains(model):
                auditlog.register(model)
        from .defaults import on_demo_seeded

        demo_seeded.connect(on_demo_seeded, dispatch_uid="statedata.demo")
