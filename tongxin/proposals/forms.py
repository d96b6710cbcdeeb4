"""Forms of the proposal pages. They only parse input: every rule lives in the services and in the
action payload schemas (schemas.ACTION_PAYLOADS), which the pages share with the JSON API."""

from __future__ import annotations

import datetime as dt
import types
import typing
from typing import Any, Literal, get_args, get_origin

from django import forms
from django.utils.translation import gettext_lazy as _

from tongxin.core.errors import Invalid

from .models import Proposal
from .schemas import ACTION_PAYLOADS

Choices = list[tuple[Any, Any]]

# Labels of the payload fields as people read them (the schemas describe them for API clients).
LABELS: dict[str, Any] = {
    "note": _("说明"),
    "category_id": _("类别"),
    "reason_code": _("不予立案情形"),
    "target": _("转为"),
    "into": _("并入的牵头提案"),
    "mode": _("交办方式"),
    "lead_unit_id": _("主办单位"),
    "co_unit_ids": _("会办单位"),
    "unit_ids": _("分办单位"),
    "reply_due_on": _("答复期限"),
    "reason": _("理由"),
    "approve": _("是否同意"),
    "new_unit_id": _("改由哪个单位承办"),
    "until": _("申请延期至"),
    "unit_id": _("承办单位"),
    "kind": _("类型"),
    "text": _("内容"),
    "happened_on": _("日期"),
    "result_class": _("办理结果分类"),
    "signer": _("签发人"),
    "contact_name": _("联系人"),
    "contact_phone": _("联系电话"),
    "publicity": _("是否公开"),
    "attitude": _("对办理态度"),
    "result": _("对办理结果"),
    "comment": _("意见"),
    "proposer_id": _("代录哪位提案者的评价"),
    "due_on": _("重新办理期限"),
    "step": _("环节"),
    "decided_on": _("审定日期"),
    "supervising_leader": _("督办领导"),
    "year": _("年度"),
}

# Human labels of literal values used in payloads.
VALUE_LABELS: dict[str, Any] = {
    "opinion": _("意见建议"),
    "opinion_report": _("社情民意信息"),
    "letter": _("委员来信"),
    "lead": _("主办会办 / 领办"),
    "separate": _("分办"),
    "pre_contact": _("办前沟通"),
    "progress": _("办理进展"),
    "public": _("公开"),
    "not_public": _("不公开"),
    "satisfied": _("满意"),
    "basically": _("基本满意"),
    "unsatisfied": _("不满意"),
    "nominate": _("提名 / 推荐"),
    "decide": _("记录主席会议审定"),
    "select": _("评定"),
    "supervise": _("督办"),
    "": _("（不填）"),
}

# Fields that are never offered on a page: the system alone records silence (rule: no response).
HIDDEN_FIELDS = {"no_response"}

LONG_TEXT = 300
YES_NO: Choices = [("", "—"), ("true", _("是")), ("false", _("否"))]


def _bool(value: str) -> bool | None:
    return {"true": True, "false": False}.get(value)


def _optional(annotation: Any) -> Any:
    """The inner type of `X | None`."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation


def _field(name: str, info: Any, choices: dict[str, Choices]) -> forms.Field:
    annotation = _optional(info.annotation)
    label = LABELS.get(name, name)
    # Django only parses types here; whether a value is required is the schema's rule, so its
    # message ("此项必填。") is the one people see, on the page as in the API.
    required = False
    if name in choices:
        if get_origin(annotation) is list:
            return forms.TypedMultipleChoiceField(
                label=label, choices=choices[name], coerce=int, required=required
            )
        options = [("", "—"), *choices[name]]
        if annotation is int:
            return forms.TypedChoiceField(
                label=label, choices=options, coerce=int, empty_value=None, required=required
            )
        return forms.ChoiceField(label=label, choices=options, required=required)
    if get_origin(annotation) is Literal:
        values = [str(v) for v in get_args(annotation)]
        options = [(v, VALUE_LABELS.get(v, v)) for v in values]
        if "" not in values:
            options = [("", "—"), *options]
        return forms.ChoiceField(label=label, choices=options, required=required)
    if annotation is bool:
        return forms.TypedChoiceField(
            label=label, choices=YES_NO, coerce=_bool, empty_value=None, required=required
        )
    if annotation is dt.date:
        return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))
    if annotation is int:
        return forms.IntegerField(label=label, required=required)
    max_length = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
    widget = forms.Textarea(attrs={"rows": 4}) if (max_length or 0) > LONG_TEXT else forms.TextInput()
    return forms.CharField(label=label, required=required, widget=widget, strip=True)


def action_form(
    name: str, *, data: Any = None, choices: dict[str, Choices] | None = None, prefix: str | None = None
) -> forms.Form:
    """A form for action `name`, built from its payload schema: the page asks for exactly what the API
    asks for. `choices` offers lists (units, reasons, classes, proposers) for the fields that pick."""
    schema = ACTION_PAYLOADS[name]
    fields = {
        field_name: _field(field_name, info, choices or {})
        for field_name, info in schema.model_fields.items()
        if field_name not in HIDDEN_FIELDS
    }
    form_class = type(f"{name.title().replace('_', '')}Form", (forms.Form,), fields)
    return typing.cast(forms.Form, form_class(data=data, prefix=prefix or name))


def action_payload(form: forms.Form) -> dict[str, Any]:
    """The parsed form as the action's JSON payload: empty inputs are left out so the schema's
    defaults and required-field messages apply."""
    payload: dict[str, Any] = {}
    for key, value in form.cleaned_data.items():
        if value in (None, "", []):
            continue
        payload[key] = value
    return payload


def add_service_errors(form: forms.Form, exc: Invalid) -> None:
    """Show a service's field messages on the form's fields (others above the form)."""
    placed = False
    for field, messages in exc.fields.items():
        target = field.split(".")[0]
        for message in messages:
            form.add_error(target if target in form.fields else None, str(message))
            placed = True
    if not placed:
        form.add_error(None, str(exc.message))


class DraftForm(forms.Form):
    """A member's proposal: 案由, the body in sections, category, suggested units and co-signers."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    title = forms.CharField(
        label=_("案由"),
        max_length=120,
        required=False,
        help_text=_("一般写作“关于×××的建议”，一事一案。"),
    )
    background = forms.CharField(
        label=_("调研情况"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=20000
    )
    analysis = forms.CharField(
        label=_("情况分析"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("写明问题的现状、原因和影响。正文全文建议 1000 至 1500 字。"),
    )
    suggestions = forms.CharField(
        label=_("具体建议"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("分条写出可操作的建议。"),
    )
    category_id = forms.TypedChoiceField(label=_("类别"), coerce=int, empty_value=None, required=False)
    suggested_unit_ids = forms.TypedMultipleChoiceField(label=_("建议承办单位"), coerce=int, required=False)
    cosigner_person_ids = forms.TypedMultipleChoiceField(
        label=_("联名委员"),
        coerce=int,
        required=False,
        help_text=_("选择联名委员即为联名提案；被邀请的委员在线确认后生效。"),
    )

    def __init__(
        self,
        *args: Any,
        categories: Choices,
        units: Choices,
        members: Choices | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category_id"].choices = [("", "—"), *categories]  # type: ignore[attr-defined]
        self.fields["suggested_unit_ids"].choices = units  # type: ignore[attr-defined]
        if members is None:  # not a joint proposal: co-signers cannot be added after creation
            del self.fields["cosigner_person_ids"]
        else:
            self.fields["cosigner_person_ids"].choices = members  # type: ignore[attr-defined]

    def changes(self) -> dict[str, Any]:
        """The fields to save, as the drafting services take them."""
        data = dict(self.cleaned_data)
        data.pop("idempotency_key", None)
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"), help_text=_("PDF、Word、Excel 或图片。"))


class ListFilterForm(forms.Form):
    """The list's filters, passed on to queries.proposal_filter (which validates them)."""

    text = forms.CharField(label=_("关键词"), required=False, max_length=50)
    state = forms.ChoiceField(label=_("状态"), required=False)
    session = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .workflow import State

        self.fields["state"].choices = [("", _("全部")), *State.choices]  # type: ignore[attr-defined]


def proposal_kind_for(cosigners: list[int]) -> str:
    """A proposal with co-signers is a joint one (联名), otherwise an individual one."""
    return Proposal.Kind.JOINT if cosigners else Proposal.Kind.INDIVIDUAL


class HistoryImportForm(forms.Form):
    """历史提案导入: one .xlsx file, headers as in the template."""

    file = forms.FileField(
        label=_("历史提案文件"),
        help_text=_("Excel 工作簿（.xlsx），表头与导入模板一致。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
