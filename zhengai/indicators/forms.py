"""The page form of a custom indicator (自定义指标): plain fields in, a validated ``spec`` out.

Filters are written one a line as ``字段 运算符 值`` (``status in present,late``; ``score gte 60``;
``staff_id notnull``), weighted components as ``指标代码 权重``. The form only assembles the spec;
``custom.validate`` decides whether it can compute, with Chinese messages naming the line and value.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.utils.translation import pgettext_lazy

from zhengai.datacenter.choices import Level

from .choices import AggregateFunction, Direction, SpecKind
from .custom import validate
from .models import CustomIndicator
from .paths import PATHS

TABLE_CHOICES = [("", "—")] + [(t, t) for t in PATHS]
AGGREGATE_CHOICES = [("", "—")] + list(AggregateFunction.choices)


def parse_filters(text: str, where: str) -> list[dict]:
    filters = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 2:
            raise ValidationError(_("%(where)s筛选条件第 %(n)s 行“%(line)s”：应写成“字段 运算符 值”，如 status in present,late") % {
                "where": where, "n": n, "line": line})
        item = {"field": parts[0], "op": parts[1]}
        if len(parts) == 3:
            value = parts[2].strip()
            item["value"] = [v.strip() for v in value.split(",") if v.strip()] if parts[1] in ("in", "not_in") else value
        filters.append(item)
    return filters


def format_filters(filters) -> str:
    lines = []
    for item in filters or []:
        value = item.get("value")
        if isinstance(value, list):
            value = ",".join(str(v) for v in value)
        lines.append(" ".join(str(p) for p in (item.get("field"), item.get("op"), value) if p not in (None, "")))
    return "\n".join(lines)


def parse_components(text: str) -> list[dict]:
    components = []
    for n, line in enumerate((text or "").splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 2:
            raise ValidationError(_("加权组合第 %(n)s 行“%(line)s”：应写成“指标代码 权重”，如 student.gpa 0.6") % {
                "n": n, "line": line.strip()})
        components.append({"code": parts[0], "weight": parts[1]})
    return components


class CustomIndicatorForm(forms.Form):
    code = forms.CharField(label=_l("指标代码"), max_length=64, help_text=_l("以层面开头，如 student.labour_share"))
    level = forms.ChoiceField(label=_l("层面"), choices=Level.choices)
    name_zh = forms.CharField(label=_l("中文名称"), max_length=100)
    name_en = forms.CharField(label=_l("英文名称"), max_length=100, required=False)
    unit = forms.CharField(label=pgettext_lazy("计量单位", "单位"), max_length=16, required=False, help_text=_l("如 %、节、分、小时、人"))
    direction = forms.ChoiceField(label=_l("方向"), choices=Direction.choices)
    definition = forms.CharField(label=_l("定义"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_l("计算类型"), choices=SpecKind.choices)
    table = forms.ChoiceField(label=_l("数据表（聚合 / 分子）"), choices=TABLE_CHOICES, required=False)
    aggregate = forms.ChoiceField(label=_l("聚合方式"), choices=AGGREGATE_CHOICES, required=False)
    field = forms.CharField(label=_l("聚合字段"), required=False, help_text=_l("计数时可空"))
    filters = forms.CharField(label=_l("筛选条件"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                              help_text=_l("每行一个：字段 运算符 值；运算符 eq ne in not_in gt gte lt lte isnull notnull"))
    den_table = forms.ChoiceField(label=_l("分母数据表"), choices=TABLE_CHOICES, required=False)
    den_aggregate = forms.ChoiceField(label=_l("分母聚合方式"), choices=AGGREGATE_CHOICES, required=False)
    den_field = forms.CharField(label=_l("分母聚合字段"), required=False)
    den_filters = forms.CharField(label=_l("分母筛选条件"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    scale = forms.DecimalField(label=_l("倍数"), required=False, initial=100, help_text=_l("比值乘以该数，百分比为 100"))
    components = forms.CharField(label=_l("加权组合"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text=_l("每行一个：指标代码 权重"))

    def __init__(self, *args, instance: CustomIndicator | None = None, **kwargs):
        self.instance = instance or CustomIndicator()
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = initial_from(instance)
        super().__init__(*args, **kwargs)
        if instance is not None and instance.pk:
            self.fields["code"].disabled = True  # measurements and standards refer to it by code

    def spec(self) -> dict:
        d = self.cleaned_data
        kind = d.get("kind")
        if kind == SpecKind.WEIGHTED:
            return {"kind": kind, "components": parse_components(d.get("components"))}
        first = {"table": d.get("table"), "aggregate": d.get("aggregate"), "field": d.get("field") or "",
                 "filters": parse_filters(d.get("filters"), _("分子") if kind == SpecKind.RATIO else "")}
        if kind == SpecKind.AGGREGATE:
            return {"kind": kind, **first}
        second = {"table": d.get("den_table"), "aggregate": d.get("den_aggregate"), "field": d.get("den_field") or "",
                  "filters": parse_filters(d.get("den_filters"), _("分母"))}
        scale = d.get("scale")
        return {"kind": kind, "numerator": first, "denominator": second, "scale": float(scale if scale is not None else 100)}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        custom = self.instance
        for name in ("level", "name_zh", "name_en", "unit", "direction", "definition"):
            setattr(custom, name, data.get(name))
        if not custom.pk:
            custom.code = data.get("code")
            if CustomIndicator.objects.filter(code=custom.code).exists():
                self.add_error("code", _("指标代码“%(code)s”已存在") % {"code": custom.code})
                return data
        try:
            custom.spec = self.spec()
            validate(custom)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    for error in errors:
                        self.add_error(key if key in self.fields else None, error)
            else:
                for message in exc.messages:
                    self.add_error(None, message)
        return data


def initial_from(custom: CustomIndicator) -> dict:
    spec = custom.spec or {}
    initial = {name: getattr(custom, name) for name in ("code", "level", "name_zh", "name_en", "unit", "direction", "definition")}
    kind = spec.get("kind")
    initial["kind"] = kind
    first = spec if kind == SpecKind.AGGREGATE else spec.get("numerator") or {}
    second = spec.get("denominator") or {}
    initial.update(table=first.get("table"), aggregate=first.get("aggregate"), field=first.get("field"),
                   filters=format_filters(first.get("filters")), den_table=second.get("table"),
                   den_aggregate=second.get("aggregate"), den_field=second.get("field"),
                   den_filters=format_filters(second.get("filters")), scale=spec.get("scale", 100),
                   components="\n".join(f"{c.get('code')} {c.get('weight')}" for c in spec.get("components") or []))
    return initial
