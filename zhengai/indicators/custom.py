"""Custom indicators without code (自定义指标): validate a spec, compile it to a safe ORM query.

A spec (``CustomIndicator.spec``) is one of:

    {"kind": "aggregate", "table": "attendance", "aggregate": "count|sum|avg|distinct_count|min|max",
     "field": "periods", "filters": [{"field": "status", "op": "in", "value": ["present", "late"]}]}
    {"kind": "ratio", "numerator": <aggregate>, "denominator": <aggregate>, "scale": 100}
    {"kind": "weighted", "components": [{"code": "student.attendance_rate", "weight": 0.6}, …]}

Tables are data-dictionary codes, fields are the model's own concrete fields, operators come from
a fixed list and values are converted by the field (choices checked): nothing a user types ever
reaches SQL as text. Grouping to the indicator's level goes through the declared paths
(``paths.py``), so a table can only be grouped to levels it really reaches.
"""

from django.core.exceptions import ValidationError
from django.db.models import Avg, Count, FloatField, Max, Min, Q, Sum
from django.utils.translation import gettext as _

from zhengai.datacenter.choices import Level
from zhengai.datacenter.dictionary import model_for_table

from .choices import AggregateFunction, Operator, SpecKind
from .paths import PATHS, group_lookup, window_q
from .registry import CUSTOM, Indicator, normalise

# Lineage, and personal attributes no score or warning may be built on (gender: 敏感个人信息 under
# 个人信息保护法; the master tables hold no ethnicity, origin or family data).
_HIDDEN_FIELDS = {"source", "batch", "gender", "email", "user"}
_FUNCTIONS = {
    AggregateFunction.SUM: Sum,
    AggregateFunction.AVG: Avg,
    AggregateFunction.MIN: Min,
    AggregateFunction.MAX: Max,
}
_NUMERIC = {"IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SmallIntegerField",
            "BigIntegerField", "DecimalField", "FloatField", "BooleanField"}


def table_fields(table: str) -> dict:
    """The fields a custom indicator may filter or aggregate on: concrete columns (foreign keys by
    their ``_id``), without lineage columns."""
    model = model_for_table(table)
    fields = {}
    for f in model._meta.concrete_fields:
        if f.name in _HIDDEN_FIELDS:
            continue
        fields[f.attname] = f
    return fields


def _table_label(table: str) -> str:
    return str(model_for_table(table)._meta.verbose_name)


def _check_value(field, value, where: str, table: str):
    """Convert one filter value by its field; Chinese message naming the row, field and value."""
    if field.choices:
        allowed = [str(v) for v, _label in field.choices]
        if str(value) not in allowed:
            raise ValidationError(_("%(where)s：值“%(value)s”不是字段“%(field)s”（%(label)s）的可选值，可选：%(allowed)s") % {
                "where": where, "value": value, "field": field.attname, "label": field.verbose_name,
                "allowed": "、".join(allowed)})
        return str(value)
    try:
        return field.to_python(value)
    except ValidationError:
        raise ValidationError(_("%(where)s：值“%(value)s”不符合字段“%(field)s”（%(label)s）的类型") % {
            "where": where, "value": value, "field": field.attname, "label": field.verbose_name}) from None


def _filters_q(table: str, filters, where: str) -> Q:
    fields = table_fields(table)
    q = Q()
    if not isinstance(filters, list):
        raise ValidationError(_("%(where)s：筛选条件应为列表") % {"where": where})
    for n, item in enumerate(filters, start=1):
        row = _("%(where)s筛选条件第 %(n)s 行") % {"where": where, "n": n}
        if not isinstance(item, dict):
            raise ValidationError(_("%(row)s：格式不正确") % {"row": row})
        name, op, value = item.get("field"), item.get("op"), item.get("value")
        if name not in fields:
            raise ValidationError(_("%(row)s：字段“%(field)s”不是表“%(table)s”（%(label)s）的字段，可用：%(allowed)s") % {
                "row": row, "field": name, "table": table, "label": _table_label(table), "allowed": "、".join(fields)})
        if op not in Operator.values:
            raise ValidationError(_("%(row)s：运算符“%(op)s”无效，可用：%(allowed)s") % {
                "row": row, "op": op, "allowed": "、".join(Operator.values)})
        field = fields[name]
        if op in (Operator.ISNULL, Operator.NOTNULL):
            q &= Q(**{f"{name}__isnull": op == Operator.ISNULL})
            continue
        if op in (Operator.IN, Operator.NOT_IN):
            values = value if isinstance(value, list) else [v.strip() for v in str(value or "").split(",") if v.strip()]
            if not values:
                raise ValidationError(_("%(row)s：“属于/不属于”至少需要一个值") % {"row": row})
            values = [_check_value(field, v, row, table) for v in values]
            condition = Q(**{f"{name}__in": values})
            q &= ~condition if op == Operator.NOT_IN else condition
            continue
        if value is None or value == "":
            raise ValidationError(_("%(row)s：缺少比较值") % {"row": row})
        converted = _check_value(field, value, row, table)
        if op == Operator.EQ:
            q &= Q(**{name: converted})
        elif op == Operator.NE:
            q &= ~Q(**{name: converted})
        else:
            q &= Q(**{f"{name}__{op}": converted})
    return q


def _aggregate_expression(part: dict, where: str):
    """(table, filter Q, aggregate expression) of one aggregate part of a spec, validated."""
    if not isinstance(part, dict):
        raise ValidationError(_("%(where)s：格式不正确") % {"where": where})
    table = part.get("table")
    if table not in PATHS:
        raise ValidationError(_("%(where)s：数据表“%(table)s”不可用，可用：%(allowed)s") % {
            "where": where, "table": table, "allowed": "、".join(PATHS)})
    function = part.get("aggregate")
    if function not in AggregateFunction.values:
        raise ValidationError(_("%(where)s：聚合方式“%(fn)s”无效，可用：%(allowed)s") % {
            "where": where, "fn": function, "allowed": "、".join(AggregateFunction.values)})
    fields = table_fields(table)
    name = part.get("field") or ""
    if function == AggregateFunction.COUNT:
        expression = lambda q=None: Count("pk", filter=q)  # noqa: E731
    else:
        if name not in fields:
            raise ValidationError(_("%(where)s：聚合字段“%(field)s”不是表“%(table)s”的字段") % {
                "where": where, "field": name, "table": table})
        if function == AggregateFunction.DISTINCT_COUNT:
            expression = lambda q=None: Count(name, distinct=True, filter=q)  # noqa: E731
        else:
            if fields[name].get_internal_type() not in _NUMERIC:
                raise ValidationError(_("%(where)s：字段“%(field)s”（%(label)s）不是数值，不能%(fn)s") % {
                    "where": where, "field": name, "label": fields[name].verbose_name,
                    "fn": AggregateFunction(function).label})
            function_class = _FUNCTIONS[function]
            expression = lambda q=None: function_class(name, filter=q, output_field=FloatField())  # noqa: E731
    # ``expression(q)`` builds the aggregate, optionally conditional on ``q`` (for one-query ratios).
    return table, _filters_q(table, part.get("filters") or [], where), expression


def _check_level(table: str, level: str, where: str):
    try:
        group_lookup(table, level)
    except LookupError:
        reachable = "、".join(str(Level(lv).label) for lv in PATHS[table].levels)
        raise ValidationError(_("%(where)s：表“%(table)s”（%(label)s）无法归集到层面“%(level)s”，可归集到：%(reachable)s") % {
            "where": where, "table": table, "label": _table_label(table), "level": Level(level).label,
            "reachable": reachable}) from None


def validate(custom) -> None:
    """Raise ``ValidationError`` (Chinese, naming the part and value) unless ``custom`` can compute."""
    from . import registry

    errors = {}
    if custom.level not in Level.values:
        errors["level"] = _("层面“%(level)s”无效") % {"level": custom.level}
    elif not (custom.code or "").startswith(custom.level + "."):
        errors["code"] = _("指标代码“%(code)s”须以层面“%(level)s.”开头") % {"code": custom.code, "level": custom.level}
    if custom.code in registry.builtin_codes():
        errors["code"] = _("指标代码“%(code)s”已被内置指标使用") % {"code": custom.code}
    if errors:
        raise ValidationError(errors)
    try:
        _compile(custom.spec, custom.level, custom.code)
    except ValidationError as exc:
        raise ValidationError({"spec": exc.messages}) from None


def _compile(spec, level: str, code: str):
    """The evaluator of ``spec``: ``window -> rows of (master id, value)``. Validates as it goes."""
    if not isinstance(spec, dict):
        raise ValidationError(_("计算规则格式不正确"))
    kind = spec.get("kind")
    if kind == SpecKind.AGGREGATE:
        table, q, expression = _aggregate_expression(spec, _("聚合"))
        _check_level(table, level, _("聚合"))
        return _aggregate_evaluator(table, level, q, expression)
    if kind == SpecKind.RATIO:
        n_table, n_q, n_expr = _aggregate_expression(spec.get("numerator"), _("分子"))
        d_table, d_q, d_expr = _aggregate_expression(spec.get("denominator"), _("分母"))
        _check_level(n_table, level, _("分子"))
        _check_level(d_table, level, _("分母"))
        try:
            scale = float(spec.get("scale", 100))
        except (TypeError, ValueError):
            raise ValidationError(_("倍数“%(scale)s”不是数字") % {"scale": spec.get("scale")}) from None
        return _ratio_evaluator(level, (n_table, n_q, n_expr), (d_table, d_q, d_expr), scale)
    if kind == SpecKind.WEIGHTED:
        return _weighted_evaluator(spec.get("components"), level, code)
    raise ValidationError(_("计算类型“%(kind)s”无效，可用：%(allowed)s") % {"kind": kind, "allowed": "、".join(SpecKind.values)})


def _grouped(table, level, q, window, **aggregates):
    from .builtin.base import rows_of

    qs = model_for_table(table)._default_manager.filter(window_q(table, window)).filter(q)
    return rows_of(qs, group_lookup(table, level), **aggregates)


def _aggregate_evaluator(table, level, q, expression):
    def evaluate(window):
        for key, row in _grouped(table, level, q, window, v=expression()):
            yield key, row["v"]

    return evaluate


def _ratio_evaluator(level, numerator, denominator, scale):
    from .builtin.base import ratio

    (n_table, n_q, n_expr), (d_table, d_q, d_expr) = numerator, denominator

    def evaluate(window):
        if n_table == d_table:
            # One query: both aggregates conditional over the rows either side wants.
            # (An empty Q means "every row"; Q() | x would wrongly narrow to x.)
            either = n_q | d_q if (n_q and d_q) else Q()
            rows = _grouped(d_table, level, either, window, n=n_expr(n_q or None), d=d_expr(d_q or None))
            for key, row in rows:
                yield key, ratio(row["n"], row["d"], scale)
            return
        # Two tables: two grouped queries, joined on the level's key in memory.
        numerators = {k: r["v"] for k, r in _grouped(n_table, level, n_q, window, v=n_expr())}
        for key, row in _grouped(d_table, level, d_q, window, v=d_expr()):
            yield key, ratio(numerators.get(key), row["v"], scale)

    return evaluate


def _weighted_evaluator(components, level, code):
    from . import registry

    if not isinstance(components, list) or not components:
        raise ValidationError(_("加权组合至少需要一个指标"))
    parts = []
    for n, item in enumerate(components, start=1):
        where = _("加权组合第 %(n)s 行") % {"n": n}
        if not isinstance(item, dict):
            raise ValidationError(_("%(where)s：格式不正确") % {"where": where})
        other = item.get("code")
        if other == code:
            raise ValidationError(_("%(where)s：指标不能引用自身") % {"where": where})
        try:
            indicator = registry.get(other)
        except LookupError:
            raise ValidationError(_("%(where)s：指标“%(code)s”不存在") % {"where": where, "code": other}) from None
        if indicator.level != level:
            raise ValidationError(_("%(where)s：指标“%(code)s”属于层面“%(other)s”，与本指标层面“%(level)s”不同") % {
                "where": where, "code": other, "other": indicator.level_label, "level": Level(level).label})
        if indicator.kind == CUSTOM and (indicator.spec or {}).get("kind") == SpecKind.WEIGHTED:
            raise ValidationError(_("%(where)s：不能组合另一个加权组合指标“%(code)s”") % {"where": where, "code": other})
        try:
            weight = float(item.get("weight"))
        except (TypeError, ValueError):
            raise ValidationError(_("%(where)s：权重“%(weight)s”不是数字") % {"where": where, "weight": item.get("weight")}) from None
        parts.append((indicator, weight))

    def evaluate(window):
        # One query per component; a subject needs every component's value to get the combination.
        values = [(dict((k, normalise(v)) for k, v in indicator.evaluator(window)), weight) for indicator, weight in parts]
        common = set.intersection(*(set(k for k, v in vals.items() if v is not None) for vals, _w in values))
        for key in common:
            yield key, sum(vals[key] * weight for vals, weight in values)

    return evaluate


def as_indicator(custom) -> Indicator:
    return Indicator(
        code=custom.code, level=custom.level, name_zh=custom.name_zh, name_en=custom.name_en or custom.code,
        unit=custom.unit, direction=custom.direction, definition_zh=custom.definition,
        sources=tuple(sources_of(custom.spec)), kind=CUSTOM, evaluator=_compile(custom.spec, custom.level, custom.code),
        spec=custom.spec,
    )


def sources_of(spec) -> list[str]:
    if not isinstance(spec, dict):
        return []
    kind = spec.get("kind")
    if kind == SpecKind.AGGREGATE:
        return [spec.get("table")]
    if kind == SpecKind.RATIO:
        tables = [(spec.get("numerator") or {}).get("table"), (spec.get("denominator") or {}).get("table")]
        return list(dict.fromkeys(t for t in tables if t))
    return []
