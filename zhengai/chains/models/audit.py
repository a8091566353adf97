from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChainEvent(models.Model):
    """An audit row (操作记录) for a change to a standard or a goal that matters: publishing a
    version, importing a file, submitting, reviewing or reporting on a goal. (Self-diagnosis
    evidence's steps are ``cycles.CycleEvent`` rows since the evidence moved to the cycles app.)"""

    at = models.DateTimeField(_("时间"), auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人"))
    action = models.CharField(_("操作"), max_length=48)
    goal = models.ForeignKey("Goal", models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("目标"))
    version = models.ForeignKey("StandardVersion", models.CASCADE, null=True, blank=True, related_name="events", verbose_name=_("标准版本"))
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
