"""HTML input for meetings: parsing only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.errors import Invalid

from .models import MeetingKind, Speech
from .workflow import MeetingState


def add_service_errors(form: forms.Form, exc: Invalid) -> None:
    """Show a service's field messages next to the fields, the rest above the form."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, messages in exc.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class MeetingFilterForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), required=False)
    state = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *MeetingState.choices]
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args: Any, kinds: list[MeetingKind], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("全部")), *((k.code, k.name) for k in kinds)]  # type: ignore[attr-defined]

    def filters(self) -> dict[str, Any]:
        return self.cleaned_data if self.is_valid() else {}


class MeetingForm(forms.Form):
    kind_code = forms.ChoiceField(label=_("类别"))
    title = forms.CharField(
        label=_("名称"),
        required=False,
        max_length=120,
        help_text=_("留空则按届次自动命名，如“区政协十届二次常委会议”。"),
    )
    starts_at = forms.DateTimeField(label=_("开始时间"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("结束时间"), widget=DateTimeInput())
    sittings = forms.IntegerField(label=_("场次（半天）数"), initial=1, min_value=1, max_value=20)
    place = forms.CharField(label=_("地点"), required=False, max_length=100)
    notice = forms.CharField(label=_("会议通知"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    offsite = forms.BooleanField(label=_("外出活动"), required=False)
    special_committee_id = forms.TypedChoiceField(
        label=_("组织专委会"), required=False, coerce=int, empty_value=None
    )
    organiser_head_id = forms.TypedChoiceField(
        label=_("组织方负责人"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("全体会议、常委会议以外的会议活动，由组织方负责人审批请假。"),
    )

    def __init__(
        self,
        *args: Any,
        kinds: list[MeetingKind],
        specials: list[tuple[int, str]] | None = None,
        heads: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind_code"].choices = [(k.code, k.name) for k in kinds]  # type: ignore[attr-defined]
        self.fields["special_committee_id"].choices = [("", "—"), *(specials or [])]  # type: ignore[attr-defined]
        self.fields["organiser_head_id"].choices = [("", "—"), *(heads or [])]  # type: ignore[attr-defined]


class InviteForm(forms.Form):
    by = forms.ChoiceField(
        label=_("邀请范围"),
        choices=[
            ("everyone", _("全体委员")),
            ("role", _("按角色")),
            ("activity_group", _("按活动组")),
            ("sector", _("按界别")),
            ("special_committee", _("按专委会")),
        ],
    )
    role = forms.ChoiceField(
        label=_("角色"),
        required=False,
        choices=[("", "—"), ("standing", _("常委")), ("leadership", _("主席会议成员"))],
    )
    ids = forms.TypedMultipleChoiceField(label=_("范围"), required=False, coerce=int)

    def __init__(self, *args: Any, scopes: list[tuple[str, list[tuple[int, str]]]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ids"].choices = scopes  # type: ignore[attr-defined]


class LeaveForm(forms.Form):
    reason = forms.CharField(label=_("请假事由"), max_length=300, widget=forms.Textarea(attrs={"rows": 3}))


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("审批意见"), required=False, max_length=200)


class CodeForm(forms.Form):
    sitting = forms.TypedChoiceField(label=_("场次"), coerce=int)
    code = forms.CharField(
        label=_("签到码"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )

    def __init__(self, *args: Any, sittings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sitting"].choices = [(s.pk, s.title) for s in sittings]  # type: ignore[attr-defined]


class MarkForm(forms.Form):
    present = forms.TypedChoiceField(
        label=_("出席"), coerce=lambda v: v == "1", choices=[("1", _("出席")), ("0", _("缺席"))]
    )
    sitting_ids = forms.TypedMultipleChoiceField(label=_("出席场次"), required=False, coerce=int)
    late = forms.BooleanField(label=_("迟到"), required=False)
    left_early = forms.BooleanField(label=_("早退"), required=False)

    def __init__(self, *args: Any, sittings: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sitting_ids"].choices = [(s.pk, s.title) for s in sittings]  # type: ignore[attr-defined]


class SpeechForm(forms.Form):
    membership = forms.TypedChoiceField(label=_("发言委员"), coerce=int)
    mode = forms.ChoiceField(label=_("发言形式"), choices=Speech.Mode.choices)
    title = forms.CharField(label=_("题目"), max_length=200)
    summary = forms.CharField(label=_("摘要"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["membership"].choices = members  # type: ignore[attr-defined]


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    outcomes = forms.CharField(label=_("会议成果"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    file = forms.FileField(label=_("文件"), help_text=_("PDF、Word 或 Excel，不超过 20 MB。"))
