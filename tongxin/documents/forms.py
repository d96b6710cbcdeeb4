"""The settings page's form: one field per preset text, showing the committee's value (or the preset)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from . import presets
from .models import DocumentSettings
from .presets import Family

ISSUER_LABELS: dict[str, Any] = {
    "office_mark": _("办公室发文机关标志"),
    "proposal_committee_mark": _("提案委员会发文机关标志"),
    "office_signature": _("办公室署名"),
    "proposal_committee_signature": _("提案委员会署名"),
    "government_office": _("政府办公室名称"),
    "government_supervision": _("政府督查室名称"),
    "printer": _("印发机关"),
}
WORDING_LABELS: dict[str, Any] = {
    "notice_opening": _("交办通知：开头"),
    "notice_requirements": _("交办通知：办理要求（每行一条，首句为小标题）"),
    "reply_opening": _("答复函：开头"),
    "co_opinion_opening": _("会办意见：开头"),
    "reply_thanks": _("答复函：致谢"),
    "circular_opening": _("提案办理情况通报：开头"),
    "circular_closing": _("提案办理情况通报：结尾"),
    "opinion_circular_opening": _("社情民意采纳情况通报：开头"),
    "opinion_circular_closing": _("社情民意采纳情况通报：结尾"),
    "duty_circular_opening": _("履职考核得分通报：开头"),
    "duty_circular_closing": _("履职考核得分通报：结尾"),
}
SECTION_PRESETS: dict[str, dict[str, Any]] = {
    "agency_codes": presets.AGENCY_CODES,
    "issuers": presets.ISSUERS,
    "recipients": presets.RECIPIENTS,
    "cc": presets.CC,
    "wording": presets.WORDING,
}


def _label(section: str, key: str) -> Any:
    family_labels = dict(Family.choices)
    if section == "agency_codes":
        return _("机关代字：%(f)s") % {"f": family_labels[key]}
    if section == "recipients":
        return _("主送机关：%(f)s") % {"f": family_labels[key]}
    if section == "cc":
        return _("抄送机关（每行一个）：%(f)s") % {"f": family_labels[key]}
    if section == "issuers":
        return ISSUER_LABELS[key]
    return WORDING_LABELS[key]


class DocumentSettingsForm(forms.Form):
    """Every preset as a field; a value equal to the preset is stored as "use the preset"."""

    def __init__(self, *args: Any, conf: DocumentSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections: dict[str, list[str]] = {}
        for section, defaults in SECTION_PRESETS.items():
            current = getattr(conf, section) or {}
            for key, default in defaults.items():
                name = f"{section}__{key}"
                value = current.get(key, default)
                if section == "cc":
                    field: forms.Field = forms.CharField(
                        label=_label(section, key), widget=forms.Textarea(attrs={"rows": 3}), required=False
                    )
                    self.initial[name] = "\n".join(value)
                elif section == "wording":
                    field = forms.CharField(
                        label=_label(section, key), widget=forms.Textarea(attrs={"rows": 4})
                    )
                    self.initial[name] = value
                else:
                    field = forms.CharField(label=_label(section, key), max_length=60)
                    self.initial[name] = value
                self.fields[name] = field
                self.sections.setdefault(section, []).append(name)

    def changes(self) -> dict[str, dict[str, Any]]:
        """The submitted values as `document_settings_update` changes (None = back to the preset)."""
        out: dict[str, dict[str, Any]] = {}
        for section, defaults in SECTION_PRESETS.items():
            values: dict[str, Any] = {}
            for key, default in defaults.items():
                raw = self.cleaned_data.get(f"{section}__{key}", "")
                value: Any
                if section == "cc":
                    value = [line.strip() for line in str(raw).splitlines() if line.strip()]
                else:
                    value = str(raw).replace("\r\n", "\n").strip()
                values[key] = None if value == default else value
            out[section] = values
        return out

    def grouped(self) -> list[tuple[Any, list[forms.BoundField]]]:
        titles = {
            "agency_codes": _("机关代字"),
            "issuers": _("发文机关与署名"),
            "recipients": _("主送机关"),
            "cc": _("抄送机关"),
            "wording": _("文字模板"),
        }
        return [(titles[s], [self[name] for name in names]) for s, names in self.sections.items()]


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
