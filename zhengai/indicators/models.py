from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.datacenter.choices import Level

from .choices import Direction


class CustomIndicator(models.Model):
    """A custom indicator (自定义指标) defined on a page by the quality office, without code.

    ``spec`` says what to compute — an aggregate of a data-dictionary table with filters, a ratio
    of two aggregates, or a weighted combination of other indicators — and is validated when saved
    and compiled to an ORM query by ``zhengai.indicators.custom``; users never write SQL.
    """

    code = models.CharField(_("指标代码"), max_length=64, unique=True, help_text=_("如 student.labour_hours_share，须以层面开头"))
    level = models.CharField(_("层面"), max_length=16, choices=Level.choices)
    name_zh = models.CharField(_("中文名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    unit = models.CharField(pgettext_lazy("计量单位", "单位"), max_length=16, blank=True)
    direction = models.CharField(_("方向"), max_length=8, choices=Direction.choices, default=Direction.HIGHER)
    definition = models.TextField(_("定义"), help_text=_("让人能读懂的口径说明"))
    spec = models.JSONField(_("计算规则"), default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name=_("创建人"))
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    # Definitions are the school's shared vocabulary: every staff member may read them.
    scope_lookups: dict = {}

    class Meta:
        verbose_name = _("自定义指标")
        verbose_name_plural = _("自定义指标")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def clean(self):
        from .custom import validate

        validate(self)

    def as_indicator(self):
        from .custom import as_indicator

        return as_indicator(self)
