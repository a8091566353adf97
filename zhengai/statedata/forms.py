from django import forms
from django.forms import formset_factory
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from zhengai.datacenter.choices import Level

from .choices import Layout
from .structure import OLDEST_OFFSET, SUBJECT_LEVELS


class TableForm(forms.Form):
    name = forms.CharField(label=_("表名称"), max_length=100)
    code = forms.RegexField(label=_("表代码"), max_length=32, regex=r"^[A-Za-z][A-Za-z0-9_]*$",
                            error_messages={"invalid": _("以字母开头，只含字母、数字和下划线")})
    layout = forms.ChoiceField(label=_("布局"), choices=Layout.choices)
    level = forms.ChoiceField(label=_("主体层面"), choices=[(Level.SCHOOL, Level.SCHOOL.label)]
                              + [(v, Level(v).label) for v in SUBJECT_LEVELS])
    department = forms.CharField(label=_("负责部门"), max_length=100, required=False)
    note = forms.CharField(label=_("填表说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RowForm(forms.Form):
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=9999, required=False)
    label = forms.CharField(label=_("指标名称"), max_length=200)
    unit = forms.CharField(label=pgettext_lazy("计量单位", "单位"), max_length=16, required=False)
    indicator = forms.CharField(label=_("指标代码"), max_length=64, required=False,
                                widget=forms.TextInput(attrs={"list": "indicator-codes"}))
    department = forms.CharField(label=_("负责部门"), max_length=100, required=False)


class ColumnForm(forms.Form):
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=9999, required=False)
    header = forms.CharField(label=_("列名"), max_length=200)
    unit = forms.CharField(label=pgettext_lazy("计量单位", "单位"), max_length=16, required=False)
    indicator = forms.CharField(label=_("指标代码"), max_length=64, required=False,
                                widget=forms.TextInput(attrs={"list": "indicator-codes"}))
    year_offset = forms.TypedChoiceField(label=_("学年"), coerce=int, initial=0, choices=[
        (n, _("本学年") if n == 0 else _("上一学年") if n == -1 else _("前 %(n)s 学年") % {"n": -n})
        for n in range(0, OLDEST_OFFSET - 1, -1)])


RowFormSet = formset_factory(RowForm, extra=2, can_delete=True, max_num=300, absolute_max=300, validate_max=True)
ColumnFormSet = formset_factory(ColumnForm, extra=1, can_delete=True, max_num=60, absolute_max=60, validate_max=True)


class TemplateImportForm(forms.Form):
    file = forms.FileField(label=_("模板文件（.xlsx）"))


class YearForm(forms.Form):
    year = forms.RegexField(label=_("学年"), regex=r"^\d{4}-\d{4}$", max_length=9,
                            error_messages={"invalid": _("学年写作 2025-2026")})
