"""HTML input for opinion reports and bulletins: parsing only; the services validate and decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.members.forms import add_service_errors

from .models import Adoption, BulletinIssue, BulletinType, Instruction, OpinionReport
from .services.drafting import serving_membership
from .workflow import State

__all__ = ["ACTION_FORMS", "add_service_errors"]

Kind = OpinionReport.ReporterKind


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _area(rows: int = 5) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class ReportForm(forms.Form):
    """A member's or an invited officer's report: 情况、分析、建议 (rule 40)."""

    title = forms.CharField(
        label=_("标题"),
        max_length=120,
        required=False,
        help_text=_("一事一报：一篇信息只反映一件事。"),
    )
    situation = forms.CharField(label=_("情况"), required=False, widget=_area(6))
    analysis = forms.CharField(label=_("分析"), required=False, widget=_area(5))
    suggestions = forms.CharField(label=_("建议"), required=False, widget=_area(5))
    category = forms.ChoiceField(label=_("类别"), choices=OpinionReport.Category.choices)
    is_urgent = forms.BooleanField(
        label=_("急事急报"),
        required=False,
        help_text=_("时效性强、需尽快报送的事项，将排在信息科待办的最前面。"),
    )
    reporter_unit = forms.CharField(label=_("反映人单位"), max_length=100, required=False)

    def __init__(self, *args: Any, user: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["situation"].help_text = _("情况、分析、建议合计不超过 %(n)d 字（不计空格）。") % {
            "n": limit
        }
        self.fields["situation"].widget.attrs["data-limit"] = str(limit)


class NewReportForm(ReportForm):
    """A new report: also in whose name it is reported (the member, or a body they belong to)."""

    reporter = forms.ChoiceField(label=_("报送名义"), required=False)
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    field_order = ["reporter", "title", "situation", "analysis", "suggestions", "category", "is_urgent"]

    def __init__(self, *args: Any, user: Any, limit: int, **kwargs: Any) -> None:
        super().__init__(*args, user=user, limit=limit, **kwargs)
        choices: list[tuple[str, str]] = []
        membership = (
            serving_membership(committee_id=user.committee_id, person_id=user.person_id)
            if user.person_id
            else None
        )
        if membership is not None:
            choices.append((Kind.MEMBER, _("本人（%(name)s）") % {"name": membership.person.name}))
            if membership.participating_unit:
                choices.append(
                    (
                        f"{Kind.PARTICIPATING_UNIT}:{membership.participating_unit_id}",
                        str(membership.participating_unit),
                    )
                )
            for sc in membership.special_committees.all():
                choices.append((f"{Kind.SPECIAL_COMMITTEE}:{sc.pk}", str(sc)))
            choices.append((f"{Kind.SECTOR}:{membership.sector_id}", str(membership.sector)))
            if membership.activity_group:
                choices.append(
                    (f"{Kind.ACTIVITY_GROUP}:{membership.activity_group_id}", str(membership.activity_group))
                )
        if user.has_role("invited_informant"):
            choices.append((Kind.INFORMANT, _("特邀信息员（%(name)s）") % {"name": user.full_name}))
        cast(forms.ChoiceField, self.fields["reporter"]).choices = choices
        if len(choices) <= 1:
            self.fields["reporter"].widget = forms.HiddenInput()

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        kind, _sep, body = (data.pop("reporter") or "").partition(":")
        data["reporter_kind"] = kind
        data["body_id"] = int(body) if body.isdigit() else None
        return data


class SubmitForm(forms.Form):
    """Submitting asks nothing: the service checks the parts and the length."""


class NoteForm(forms.Form):
    note = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=_area(3))


class ReturnForm(forms.Form):
    note = forms.CharField(label=_("退回原因及修改意见"), max_length=1000, widget=_area(3))


class EditForm(forms.Form):
    """The office's edited text; the author's original is kept beside it."""

    edited_title = forms.CharField(label=_("编辑后标题"), max_length=120, required=False)
    edited_situation = forms.CharField(label=_("编辑后情况"), required=False, widget=_area(6))
    edited_analysis = forms.CharField(label=_("编辑后分析"), required=False, widget=_area(5))
    edited_suggestions = forms.CharField(label=_("编辑后建议"), required=False, widget=_area(5))
    note = forms.CharField(label=_("编辑说明"), required=False, max_length=1000)

    @classmethod
    def for_report(cls, report: OpinionReport, **kwargs: Any) -> EditForm:
        initial = {
            "edited_title": report.edited_title or report.title,
            "edited_situation": report.edited_situation or report.situation,
            "edited_analysis": report.edited_analysis or report.analysis,
            "edited_suggestions": report.edited_suggestions or report.suggestions,
        }
        return cls(initial=initial, **kwargs)


class AdoptForm(forms.Form):
    """Adopt into an open issue, or number a new issue of a bulletin type."""

    target = forms.ChoiceField(label=_("编入刊物"))
    mode = forms.ChoiceField(label=_("编发方式"), choices=OpinionReport.AdoptionMode.choices)

    def __init__(
        self, *args: Any, issues: list[BulletinIssue], types: list[BulletinType], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        choices = [(f"issue:{i.pk}", _("编入 %(label)s") % {"label": i.label}) for i in issues]
        choices += [
            (f"type:{t.pk}", _("新建一期《%(name)s》") % {"name": t.name.strip("《》")}) for t in types
        ]
        cast(forms.ChoiceField, self.fields["target"]).choices = choices

    def service_payload(self) -> dict[str, Any]:
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        key = "issue_id" if kind == "issue" else "bulletin_type_id"
        return {key: int(pk), "mode": self.cleaned_data["mode"]}


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("不予采用原因"), max_length=200)
    disposition = forms.ChoiceField(
        label=_("处理方式"),
        choices=[("archive", _("存档")), ("refer", _("转有关部门参考"))],
        widget=forms.RadioSelect,
        initial="archive",
    )
    referred_to = forms.CharField(label=_("转送部门"), max_length=100, required=False)


class RecordAdoptionForm(forms.Form):
    level = forms.ChoiceField(label=_("采用层级"), choices=Adoption.Level.choices)
    mode = forms.ChoiceField(label=_("采用方式"), choices=Adoption.Mode.choices)
    outlet = forms.CharField(label=_("刊物或渠道"), max_length=60, required=False)
    issue_no = forms.CharField(label=_("期号"), max_length=40, required=False)
    adopted_on = forms.DateField(label=_("采用日期"), widget=DateInput(), initial=timezone.localdate)
    note = forms.CharField(label=_("说明"), required=False, max_length=1000)


class RecordInstructionForm(forms.Form):
    leader_level = forms.ChoiceField(label=_("领导层级"), choices=Instruction.LeaderLevel.choices)
    leader_role = forms.ChoiceField(label=_("领导职务"), choices=Instruction.LeaderRole.choices)
    leader_name = forms.CharField(label=_("批示领导"), max_length=60, required=False)
    instructed_on = forms.DateField(label=_("批示日期"), widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label=_("批示内容"), max_length=5000, widget=_area(3))


class RecordFeedbackForm(forms.Form):
    department = forms.CharField(label=_("反馈部门"), max_length=100)
    received_on = forms.DateField(label=_("反馈日期"), widget=DateInput(), initial=timezone.localdate)
    content = forms.CharField(label=_("反馈内容"), max_length=5000, widget=_area(3))


ACTION_FORMS: dict[str, type[forms.Form]] = {
    "submit": SubmitForm,
    "withdraw": NoteForm,
    "return_for_revision": ReturnForm,
    "edit": EditForm,
    "adopt": AdoptForm,
    "decline": DeclineForm,
    "forward": NoteForm,
    "record_adoption": RecordAdoptionForm,
    "record_instruction": RecordInstructionForm,
    "record_feedback": RecordFeedbackForm,
    "close": NoteForm,
}


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、Word（docx）、JPG 或 PNG。"))


class FilterForm(forms.Form):
    """The list's filters (GET)."""

    box = forms.ChoiceField(
        label=_("范围"),
        required=False,
        choices=[
            ("", _("全部")),
            ("queue", _("待编辑")),
            ("mine", _("我报送的")),
            ("forwarded", _("下级转报")),
        ],
    )
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *State.choices])
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部")), *OpinionReport.Category.choices]
    )
    urgent = forms.BooleanField(label=_("只看急事急报"), required=False)
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    text = forms.CharField(label=_("标题或内容"), required=False, max_length=50)

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "", False)}


class IssueForm(forms.Form):
    bulletin_type_id = forms.TypedChoiceField(label=_("刊物"), coerce=int)
    title = forms.CharField(label=_("本期标题"), max_length=120, required=False)
    recipients = forms.MultipleChoiceField(
        label=_("报送对象"),
        choices=BulletinIssue.Recipient.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    recipient_note = forms.CharField(label=_("报送部门"), max_length=200, required=False)

    def __init__(self, *args: Any, types: list[BulletinType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["bulletin_type_id"]).choices = [
            (t.pk, f"《{t.name.strip('《》')}》") for t in types
        ]


class SendForm(forms.Form):
    sent_on = forms.DateField(label=_("报送日期"), widget=DateInput(), initial=timezone.localdate)
    recipients = forms.MultipleChoiceField(
        label=_("报送对象"), choices=BulletinIssue.Recipient.choices, widget=forms.CheckboxSelectMultiple
    )
    recipient_note = forms.CharField(label=_("报送部门"), max_length=200, required=False)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
