"""Input parsing for the calendar page and the calendar API's query parameters.

Forms only turn text into dates and numbers; the ranges and rules live in queries.py and services.py,
so the page and the API refuse the same inputs with the same messages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .errors import Invalid

# Browsers with a date picker send ISO dates; the others accept what people type.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
DATE_ERRORS = {"required": _("请填写日期。"), "invalid": _("请按“2026-10-01”的格式填写有效的日期。")}
NUMBER_ERRORS = {"invalid": _("请填写整数。"), "required": _("请填写数量。")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


class YearForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"),
        required=False,
        error_messages={"invalid": _("请填写四位数的年份。")},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(
        label=_("日期"), input_formats=DATE_INPUT_FORMATS, error_messages=DATE_ERRORS, widget=DateInput()
    )
    is_working_day = forms.TypedChoiceField(
        label=_("这一天"),
        choices=[("0", _("休息（节假日）")), ("1", _("上班（调休上班日）"))],
        coerce=lambda value: value == "1",
        widget=forms.Select,
        error_messages={"required": _("请选择这一天上班还是休息。")},
    )
    note = forms.CharField(
        label=_("说明"),
        max_length=100,
        help_text=_("如“春节”“国庆节调休上班”或本地调整的依据。"),
        error_messages={"required": _("请填写说明，如“春节”或“春节调休上班”。")},
    )


class DayClearForm(forms.Form):
    date = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)


class DeadlineForm(forms.Form):
    """The page's calculator: a start date plus a number of working days or of months."""

    UNIT_CHOICES = [("working_days", _("个工作日")), ("months", _("个月"))]

    start = forms.DateField(
        label=_("起算日"),
        input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS,
        widget=DateInput(),
        help_text=_("如交办日期；工作日从次日起算。"),
    )
    count = forms.IntegerField(
        label=_("数量"),
        error_messages=NUMBER_ERRORS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    unit = forms.ChoiceField(
        label=_("单位"),
        choices=UNIT_CHOICES,
        initial="working_days",
        widget=forms.Select,
        error_messages={"required": _("请选择工作日或月。"), "invalid_choice": _("请选择工作日或月。")},
    )

    def deadline_arguments(self) -> dict[str, Any]:
        """The cleaned input as keyword arguments of queries.deadline_compute."""
        data = self.cleaned_data
        return {"start": data["start"], data["unit"]: data["count"]}


class DeadlineQueryForm(forms.Form):
    """The API's `?start=&working_days=` or `?start=&months=`."""

    start = forms.DateField(input_formats=["%Y-%m-%d"], error_messages=DATE_ERRORS)
    working_days = forms.IntegerField(required=False, error_messages=NUMBER_ERRORS)
    months = forms.IntegerField(required=False, error_messages=NUMBER_ERRORS)


def parsed(form: forms.Form) -> dict[str, Any]:
    """The form's cleaned data, or Invalid carrying every field's messages (for the API)."""
    if not form.is_valid():
        fields = {name: [str(message) for message in messages] for name, messages in form.errors.items()}
        raise Invalid(next(iter(fields.values()))[0], fields)
    return form.cleaned_data


def parse_iso_date(value: str) -> dt.date:
    """An ISO date from a URL, or Invalid for the field "date"."""
    date: dt.date = parsed(DayClearForm({"date": value}))["date"]
    return date
