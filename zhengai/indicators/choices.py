from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class SpecKind(models.TextChoices):
    """What a custom indicator computes."""

    AGGREGATE = "aggregate", _("聚合")
    RATIO = "ratio", _("两个聚合之比")
    WEIGHTED = "weighted", _("指标加权组合")


class AggregateFunction(models.TextChoices):
    COUNT = "count", _("计数")
    SUM = "sum", _("求和")
    AVG = "avg", _("平均")
    DISTINCT_COUNT = "distinct_count", _("去重计数")
    MIN = "min", _("最小值")
    MAX = "max", _("最大值")


class Operator(models.TextChoices):
    EQ = "eq", _("等于")
    NE = "ne", _("不等于")
    IN = "in", _("属于")
    NOT_IN = "not_in", _("不属于")
    GT = "gt", _("大于")
    GTE = "gte", _("大于等于")
    LT = "lt", _("小于")
    LTE = "lte", _("小于等于")
    ISNULL = "isnull", _("为空")
    NOTNULL = "notnull", _("不为空")
