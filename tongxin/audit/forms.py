"""HTML input for the security log's search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.errors import Invalid

from .models import SecurityEvent
from .queries import EventFilter, event_filter


class EventFilterForm(forms.Form):
    date_from = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("结束日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    kind = forms.ChoiceField(
        label=_("事件类型"), required=False, choices=[("", _("全部")), *SecurityEvent.Kind.choices]
    )
    outcome = forms.ChoiceField(
        label=_("结果"), required=False, choices=[("", _("全部")), *SecurityEvent.Outcome.choices]
    )
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    ip = forms.CharField(
        label=_("IP 地址"), required=False, max_length=45, help_text=_("可填写前缀，如 10.12.")
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            data["filter"] = event_filter(**{name: data.get(name) for name in self.fields})
        except Invalid as exc:
            for field, messages in exc.fields.items():
                for message in messages:
                    self.add_error(field if field in self.fields else None, message)
        return data

    def filter(self) -> EventFilter:
        """The validated search; call after is_valid()."""
        result: EventFilter = self.cleaned_data["filter"]
        return result
