"""HTML input parsing only."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .queries import KINDS


class DraftForm(forms.Form):
    title = forms.CharField(label=_("案由"), max_length=120, required=False)
    body = forms.CharField(
        label=_("正文"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    exclude = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # The proposals draft form's own field names: its panel (hx-include) sends these, not `body`.
    PARTS = ("background", "analysis", "suggestions")

    def body_text(self) -> str:
        """`body`, or the draft's 调研情况 / 问题分析 / 具体建议 joined when the proposals form sent them."""
        body: str = self.cleaned_data.get("body") or ""
        return body or "\n".join(str(self.data.get(k, ""))[:20000] for k in self.PARTS if self.data.get(k))


class MergeForm(forms.Form):
    lead = forms.IntegerField(label=_("牵头提案"))
    members = forms.TypedMultipleChoiceField(label=_("并入提案"), coerce=int, choices=())
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args: object, member_ids: list[int] | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["members"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = [(m, m) for m in member_ids or []]


KIND_LABELS = {"proposal": _("提案"), "reply": _("答复"), "opinion": _("社情民意"), "meeting": _("会议活动")}


class SearchForm(forms.Form):
    q = forms.CharField(label=_("检索词"), max_length=100, required=False)
    type = forms.ChoiceField(label=_("类型"), choices=[(k, KIND_LABELS[k]) for k in KINDS], required=False)
    session = forms.IntegerField(label=_("会议"), required=False, min_value=1)
    state = forms.CharField(label=_("状态"), max_length=24, required=False)
    unit = forms.IntegerField(label=_("承办单位"), required=False, min_value=1)
