"""HTML input for the duty record: parsing only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.errors import Invalid

from .kinds import DutyKind
from .presets import CHECKLIST_PRESETS, PRESETS
from .services import CLAIM_KINDS, COMMENDATION_LEVELS
from .workflow import ClaimState

LEVEL_LABELS = {"national": _("全国"), "provincial": _("省级"), "prefecture": _("市级"), "county": _("县级")}


def add_service_errors(form: forms.Form, exc: Invalid) -> None:
    """Show a service's field messages next to the fields, the rest above the form."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, messages in exc.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def year_or(self, default: int) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default


class ClaimForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("类别"), choices=[(k.value, k.label) for k in DutyKind if k in CLAIM_KINDS]
    )
    occurred_on = forms.DateField(
        label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    title = forms.CharField(label=_("事项"), max_length=200)
    description = forms.CharField(
        label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    level = forms.ChoiceField(
        label=_("表彰级别"),
        required=False,
        choices=[("", "—"), *((v, LEVEL_LABELS[v]) for v in COMMENDATION_LEVELS)],
        help_text=_("仅“受到表彰”需要填写。"),
    )
    evidence = forms.FileField(
        label=_("佐证材料"), required=False, help_text=_("PDF、JPG 或 PNG，不超过 10 MB。")
    )


class ClaimFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *ClaimState.choices])


class NoteForm(forms.Form):
    note = forms.CharField(label=_("意见"), required=False, max_length=200)


class PresetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    preset = forms.ChoiceField(label=_("计分规则预设"), choices=[(k, p.name) for k, p in PRESETS.items()])


class ChecklistPresetForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    preset = forms.ChoiceField(
        label=_("年度履职要求"), choices=[(k, name) for k, (name, _i) in CHECKLIST_PRESETS.items()]
    )


class ReportForm(forms.Form):
    body = forms.CharField(label=_("报告正文"), widget=forms.Textarea(attrs={"rows": 16}))
    submit = forms.BooleanField(label=_("提交（提交后不能再修改）"), required=False)


class QueryForm(forms.Form):
    event = forms.TypedChoiceField(label=_("有异议的记录"), required=False, coerce=int, empty_value=None)
    message = forms.CharField(label=_("异议内容"), widget=forms.Textarea(attrs={"rows": 3}), max_length=1000)

    def __init__(self, *args: Any, events: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("（整体得分）")), *((e.pk, f"{e.occurred_on} {e.title}") for e in events)]
        self.fields["event"].choices = choices  # type: ignore[attr-defined]
