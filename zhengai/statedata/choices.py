from django.db import models
from django.utils.translation import gettext_lazy as _


class Layout(models.TextChoices):
    """How a table's cells are laid out, as the state forms lay them."""

    INDICATORS = "indicators", _("指标行：每行一个指标，各列为学年")
    SUBJECTS = "subjects", _("主体行：每行一个部门或专业，各列为指标")


class CellOrigin(models.TextChoices):
    """Where a cell's value came from."""

    COMPUTED = "computed", _("平台计算")
    TODO = "todo", _("待填报")
    ENTERED = "entered", _("部门填报")
    CARRIED = "carried", _("沿用上年")


class FillStatus(models.TextChoices):
    """A table's fill: being filled, or signed off and locked."""

    DRAFT = "draft", _("填报中")
    SIGNED = "signed", _("已签发")


class CorrectionStatus(models.TextChoices):
    """A record the 数字基座 refused: to be corrected by its department, then done."""

    OPEN = "open", _("待整改")
    DONE = "done", _("已整改")
