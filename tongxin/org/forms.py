"""HTML input for the organisation pages. Forms only parse: every rule lives in services.py.

The edit form of each kind is built from its model fields (labels, lengths, choices), so the pages
and the models cannot drift apart.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any, cast

from django import forms
from django.db import models
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from .entities import ENTITIES
from .models import Committee


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]

HELP_TEXTS: dict[str, dict[str, Any]] = {
    "committee": {
        "name": _("地区名称，如“兰州市城关区”；全称据此生成：中国人民政治协商会议兰州市城关区委员会。"),
        "short_name": _("简称中的称呼，如“区政协”“县政协”“市政协”“全国政协”。"),
    },
    "session": {
        "proposal_window_starts_at": _("自此时起至截止时间提交的提案为大会提案，其余为平时提案。"),
    },
    "contact": {"phone": _("如 0931-8812345 或 0931-8812345转801。")},
}


@cache
def form_for(entity: str, *, create: bool = False) -> type[forms.Form]:
    """The form for one kind's editable fields; a new term may also be made the current one."""
    kind = ENTITIES[entity]
    widgets: dict[str, type[forms.Widget]] = {}
    for name in kind.fields:
        field = kind.model._meta.get_field(name)
        if isinstance(field, models.DateTimeField):
            widgets[name] = DateTimeInput
        elif isinstance(field, models.DateField):
            widgets[name] = DateInput
    fields = fields_for_model(
        kind.model,
        fields=list(kind.fields),
        widgets={name: widget() for name, widget in widgets.items()},
        help_texts=HELP_TEXTS.get(entity, {}),
    )
    for name, widget in widgets.items():
        if widget is DateTimeInput:
            fields[name].input_formats = DATETIME_FORMATS
    if entity == "committee":
        # A new committee sits below its parent; the service says which levels are allowed.
        fields["level"].choices = Committee.Level.choices
    if entity == "term" and create:
        fields["is_current"] = forms.BooleanField(label=_("设为本届"), required=False)
    return type(f"{kind.model.__name__}Form", (forms.Form,), dict(fields))


class ListFilterForm(forms.Form):
    """The filters over a list page; any value that does not parse is ignored."""

    q = forms.CharField(label=_("名称"), required=False, max_length=60)
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部")), ("active", _("启用")), ("inactive", _("已停用"))],
    )
    term = forms.TypedChoiceField(label=_("届次"), required=False, coerce=int, empty_value=None)
    without_contact = forms.BooleanField(label=_("仅看未登记联系人的"), required=False)

    def __init__(
        self,
        data: Mapping[str, Any] | None,
        *,
        named: bool,
        terms: list[tuple[int, str]] | None,
        contacts: bool,
    ) -> None:
        super().__init__(data)
        if not named:
            del self.fields["q"]
        if terms is None:
            del self.fields["term"]
        else:
            cast(forms.TypedChoiceField, self.fields["term"]).choices = terms
        if not contacts:
            del self.fields["without_contact"]

    def value(self, name: str) -> object:
        """A cleaned filter value, or None when it is absent or did not parse."""
        if not self.is_bound:
            return None
        self.is_valid()
        return self.cleaned_data.get(name) if name not in self.errors else None


class UnitImportForm(forms.Form):
    """承办单位导入: one .xlsx file, headers as in the template."""

    file = forms.FileField(
        label=_("单位名单文件"),
        help_text=_("Excel 工作簿（.xlsx），表头与导入模板一致。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
