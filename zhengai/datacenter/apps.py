from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatacenterConfig(AppConfig):
    name = "zhengai.datacenter"
    label = "datacenter"
    verbose_name = _("校本数据中心")

    def ready(self):
        from zhengai.core import audit, windows
        from zhengai.core.management.commands import serve

        from .models import Staff, Student, Term

        audit.register_model_history(Staff, Student)  # who is whose counsellor, teacher, student
        windows.use_terms(lambda: Term.objects)  # the term table that names terms' dates
        serve.BANNERS.append(_demo_sign_ins)


def _demo_sign_ins() -> list[str]:
    from .demo import demo_sign_ins

    rows = demo_sign_ins()
    if not rows:
        return []
    return ["Demo sign-ins (username / password):"] + [f"  {role:<12} {username:<14} {password}"
                                                       for role, username, password in rows]
