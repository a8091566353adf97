"""Forms of the chains pages. Validation of thresholds and lines is shared with the .xlsx import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from zhengai.datacenter.choices import Level

from . import applicability
from .choices import GoalKind, KeyResultKind, NodeKind, ReviewDecision
from .models import Goal, KeyResult, StandardNode


class UploadForm(forms.Form):
    file = forms.FileField(label=_(".xlsx 文件"))


class NodeForm(forms.ModelForm):
    class Meta:
        model = StandardNode
        fields = ["code", "name", "indicator_code", "direction", "qualified", "good", "excellent", "yellow", "orange",
                  "red", "weight", "resolve_margin", "resolve_windows", "period", "evidence"]
        widgets = {"evidence": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, kind=NodeKind.POINT, level=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind, self.level = kind, level
        if kind != NodeKind.POINT:
            for name in list(self.fields):
                if name not in ("code", "name"):
                    del self.fields[name]

    def clean(self):
        from . import indicator_codes
        from .standards_io import check_lines

        data = super().clean()
        if self.kind != NodeKind.POINT:
            return data
        code = data.get("indicator_code") or ""
        known = indicator_codes.known()
        if code and known is not None:
            if code not in known:
                self.add_error("indicator_code", _("指标库中没有这个指标代码"))
            elif self.level and known[code].level != self.level:
                self.add_error("indicator_code", _("该指标属于其他层面"))
        if not code and not data.get("evidence"):
            self.add_error("evidence", _("诊断点须绑定指标代码，或写明证据要求"))
        for key, message in check_lines(data):
            if key in self.fields:
                self.add_error(key, message)
        return data


class RuleForm(forms.Form):
    applies_to = forms.CharField(label=_("适用范围"), required=False,
                                 help_text=_("如“专业层次=标杆、品牌；”，留空表示该层面全部主体"))

    def __init__(self, *args, level, **kwargs):
        super().__init__(*args, **kwargs)
        self.level = level

    def clean_applies_to(self):
        try:
            return applicability.parse_rule(self.level, self.cleaned_data["applies_to"])
        except applicability.RuleError as exc:
            raise forms.ValidationError(str(exc)) from None


class PublishForm(forms.Form):
    effective_from = forms.DateField(label=_("生效日期"), widget=forms.DateInput(attrs={"type": "date"}))


class CopyForm(forms.Form):
    label = forms.CharField(label=_("新版本号"), max_length=32)


class GoalForm(forms.ModelForm):
    class Meta:
        model = Goal
        fields = ["title", "description", "start", "end"]
        widgets = {"start": forms.DateInput(attrs={"type": "date"}), "end": forms.DateInput(attrs={"type": "date"}),
                   "description": forms.Textarea(attrs={"rows": 3})}


class AnnualTaskForm(GoalForm):
    """An annual task (年度工作任务) with the task table's words for it."""

    class Meta(GoalForm.Meta):
        fields = ["title", "description", "category", "leader", "start", "end"]


class DepartmentTaskForm(GoalForm):
    """A department task (部门任务): one row of the task table. Departments are named as in the
    table (``、`` between them); the first lead department known owns the task."""

    class Meta(GoalForm.Meta):
        fields = ["title", "description", "leader", "lead_departments", "partner_departments", "outcome", "start", "end"]


def form_for(goal):
    return {GoalKind.ANNUAL_TASK: AnnualTaskForm, GoalKind.DEPARTMENT_TASK: DepartmentTaskForm}.get(goal.kind, GoalForm)


class NewGoalForm(GoalForm):
    kind = forms.ChoiceField(label=_("类别"), choices=GoalKind.choices)
    owner_level = forms.ChoiceField(label=_("责任主体层面"), choices=Level.choices)
    owner_key = forms.CharField(label=_("责任主体标识"), max_length=64, help_text=_("学号、工号、专业代码、课程代码；学校填 school"))

    class Meta(GoalForm.Meta):
        fields = ["kind", "owner_level", "owner_key", "title", "description", "start", "end"]

    def clean(self):
        from zhengai.datacenter.models import Subject

        data = super().clean()
        owner = Subject.objects.filter(level=data.get("owner_level"), key=(data.get("owner_key") or "").strip()).first()
        if owner is None:
            self.add_error("owner_key", _("找不到该主体"))
        data["owner"] = owner
        return data


class KeyResultForm(forms.ModelForm):
    class Meta:
        model = KeyResult
        fields = ["kind", "name", "indicator_code", "direction", "baseline", "target", "weight"]

    def clean(self):
        from . import indicator_codes

        data = super().clean()
        if data.get("kind") == KeyResultKind.INDICATOR:
            code = data.get("indicator_code") or ""
            known = indicator_codes.known()
            if not code:
                self.add_error("indicator_code", _("指标类关键结果须填写指标代码"))
            elif known is not None and code not in known:
                self.add_error("indicator_code", _("指标库中没有这个指标代码"))
            if data.get("target") is None:
                self.add_error("target", _("请填写目标值"))
        return data


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=ReviewDecision.choices)
    comment = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReportForm(forms.Form):
    as_of = forms.DateField(label=_("截至日期"), widget=forms.DateInput(attrs={"type": "date"}))
    completion = forms.DecimalField(label=_("完成度(%)"), min_value=0, max_value=100, decimal_places=2)
    note = forms.CharField(label=_("进展说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

