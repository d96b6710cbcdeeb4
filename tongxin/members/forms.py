"""HTML input for the roster: parsing only; the services validate and decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tongxin.core.errors import Invalid
from tongxin.org.models import ActivityGroup, ParticipatingUnit, Sector, SpecialCommittee, Term

from .ethnicities import ETHNIC_GROUPS, OTHER_GROUPS
from .masking import mask_phone
from .models import Membership, Person
from .queries import RosterFilters, committee_terms, current_term
from .workflow import MembershipStatus

NO_GROUP = "none"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _choices(items: Any, blank: str) -> list[tuple[str, str]]:
    return [("", blank), *((str(o.pk), str(o)) for o in items)]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def add_service_errors(form: forms.Form, exc: Invalid) -> None:
    """Show a service's field messages next to the fields, the rest above the form."""
    if not exc.fields:
        form.add_error(None, exc.message)
    for name, messages in exc.fields.items():
        for message in messages:
            form.add_error(name if name in form.fields else None, message)


class RosterFilterForm(forms.Form):
    """The roster list's filters (GET); the same parameters drive the export."""

    term = forms.ChoiceField(label=_("届次"), required=False)
    sector = forms.ChoiceField(label=_("界别"), required=False)
    party = forms.ChoiceField(label=_("党派团体"), required=False)
    special_committee = forms.ChoiceField(label=_("专委会"), required=False)
    activity_group = forms.ChoiceField(label=_("活动组"), required=False)
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=[("", _("全部")), *MembershipStatus.choices]
    )
    standing = forms.ChoiceField(
        label=_("常委"), required=False, choices=[("", _("全部")), ("1", _("常委")), ("0", _("非常委"))]
    )
    q = forms.CharField(
        label=_("搜索"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("姓名、拼音或工作单位")}),
    )

    def __init__(self, data: Any, *, committee_id: int) -> None:
        terms = list(committee_terms(committee_id))
        current = next((t for t in terms if t.is_current), terms[0] if terms else None)
        wanted = _int_or_none(data.get("term"))
        self.selected_term: Term | None = next((t for t in terms if t.pk == wanted), current)
        data = data.copy()
        if self.selected_term is not None:
            data["term"] = str(self.selected_term.pk)  # the list opens on the current term
        super().__init__(data)
        term_id = self.selected_term.pk if self.selected_term else 0
        everything = str(_("全部"))
        fields: Any = self.fields
        fields["term"].choices = [(str(t.pk), t.short_name) for t in terms]
        fields["sector"].choices = _choices(Sector.objects.filter(term_id=term_id), everything)
        fields["party"].choices = _choices(
            ParticipatingUnit.objects.filter(committee_id=committee_id), everything
        )
        fields["special_committee"].choices = _choices(
            SpecialCommittee.objects.filter(committee_id=committee_id), everything
        )
        fields["activity_group"].choices = [
            *_choices(ActivityGroup.objects.filter(term_id=term_id), everything),
            (NO_GROUP, str(_("未分配活动组"))),
        ]

    def filters(self) -> RosterFilters:
        """The valid filters; an invalid value is dropped rather than failing the page."""
        self.is_valid()
        data = self.cleaned_data
        group = data.get("activity_group") or ""
        standing = data.get("standing") or ""
        return RosterFilters(
            term_id=self.selected_term.pk if self.selected_term else -1,
            sector_id=_int_or_none(data.get("sector")),
            participating_unit_id=_int_or_none(data.get("party")),
            special_committee_id=_int_or_none(data.get("special_committee")),
            activity_group_id=_int_or_none(group),
            without_activity_group=group == NO_GROUP,
            status=data.get("status") or "",
            standing=None if standing == "" else standing == "1",
            q=data.get("q") or "",
        )


class MemberForm(forms.Form):
    """A member's details and their membership of one term (create and edit)."""

    name = forms.CharField(label=_("姓名"), max_length=30)
    gender = forms.ChoiceField(label=_("性别"), choices=Person.Gender.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label=_("民族"), choices=[(e, e) for e in ETHNIC_GROUPS + OTHER_GROUPS], initial="汉族"
    )
    birth_date = forms.DateField(label=_("出生日期"), required=False, widget=DateInput())
    phone = forms.CharField(
        label=_("手机号码"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric", "autocomplete": "off"}),
    )
    clear_phone = forms.BooleanField(label=_("清除手机号码"), required=False)
    workplace = forms.CharField(label=_("工作单位"), required=False, max_length=100)
    title = forms.CharField(label=_("职务职称"), required=False, max_length=100)
    sector = forms.ModelChoiceField(label=_("界别"), queryset=Sector.objects.none())
    participating_unit = forms.ModelChoiceField(
        label=_("党派团体"), required=False, queryset=ParticipatingUnit.objects.none()
    )
    special_committees = forms.ModelMultipleChoiceField(
        label=_("专委会"),
        required=False,
        queryset=SpecialCommittee.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    activity_group = forms.ModelChoiceField(
        label=_("活动组"), required=False, queryset=ActivityGroup.objects.none()
    )
    is_standing = forms.BooleanField(label=_("常委"), required=False)
    leadership = forms.ChoiceField(label=_("领导职务"), required=False, choices=Membership.Leadership.choices)
    joined_on = forms.DateField(label=_("任职日期"), required=False, widget=DateInput())

    def __init__(self, data: Any = None, *, term: Term, membership: Membership | None = None) -> None:
        initial: dict[str, Any] = {}
        if membership is not None:
            person = membership.person
            initial = {
                "name": person.name,
                "gender": person.gender,
                "ethnicity": person.ethnicity,
                "birth_date": person.birth_date,
                "workplace": person.workplace,
                "title": person.title,
                "sector": membership.sector_id,
                "participating_unit": membership.participating_unit_id,
                "special_committees": [c.pk for c in membership.special_committees.all()],
                "activity_group": membership.activity_group_id,
                "is_standing": membership.is_standing,
                "leadership": membership.leadership,
                "joined_on": membership.joined_on,
            }
        super().__init__(data, initial=initial)
        self.editing = membership is not None

        def in_use(field: str) -> Q:
            # Offer what is in use, plus whatever this membership already has (it may since be disabled).
            current = getattr(membership, f"{field}_id", None) if membership is not None else None
            return Q(is_active=True) | Q(pk=current)

        fields: Any = self.fields
        fields["sector"].queryset = Sector.objects.filter(term=term).filter(in_use("sector"))
        fields["participating_unit"].queryset = ParticipatingUnit.objects.filter(
            committee_id=term.committee_id
        ).filter(in_use("participating_unit"))
        fields["special_committees"].queryset = SpecialCommittee.objects.filter(
            committee_id=term.committee_id
        ).filter(Q(is_active=True) | Q(pk__in=initial.get("special_committees", [])))
        fields["activity_group"].queryset = ActivityGroup.objects.filter(term=term).filter(
            in_use("activity_group")
        )
        if membership is None:
            del self.fields["clear_phone"]
        else:
            # The form never carries the stored number back to the browser (masking, ecosystem.md C23).
            fields["phone"].help_text = _("当前：%(masked)s。留空表示不修改。") % {
                "masked": mask_phone(membership.person.phone) or _("未填写")
            }

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned input as keyword arguments of member_create / member_update."""
        data = dict(self.cleaned_data)
        clear_phone = data.pop("clear_phone", False)
        if self.editing:
            if clear_phone:
                data["phone"] = ""
            elif not data.get("phone"):
                data.pop("phone", None)
        data["special_committees"] = list(data.get("special_committees") or [])
        data["leadership"] = data.get("leadership") or ""
        return data


class TransitionForm(forms.Form):
    note = forms.CharField(
        label=_("说明"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("如批准的会议或文件。"),
    )
    on_date = forms.DateField(label=_("日期"), required=False, widget=DateInput())

    def __init__(self, data: Any = None, *, prefix: str | None = None) -> None:
        super().__init__(data, prefix=prefix, initial={"on_date": timezone.localdate()})


class PhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片"), help_text=_("JPEG 或 PNG，不超过 2 MB。"))


class TermChoiceForm(forms.Form):
    """Pick one of the committee's terms (import, template, new member)."""

    term = forms.TypedChoiceField(label=_("届次"), coerce=int)

    def __init__(self, data: Any = None, files: Any = None, *, committee_id: int, **kwargs: Any) -> None:
        super().__init__(data, files, **kwargs)
        self.terms = {t.pk: t for t in committee_terms(committee_id)}
        current = current_term(committee_id)
        field: Any = self.fields["term"]
        field.choices = [(pk, t.full_name) for pk, t in self.terms.items()]
        if current is not None:
            self.initial.setdefault("term", current.pk)

    def selected_term(self) -> Term | None:
        return self.terms.get(self.cleaned_data["term"]) if self.is_valid() else None


class ImportForm(TermChoiceForm):
    file = forms.FileField(
        label=_("名册文件"),
        help_text=_("Excel 工作簿（.xlsx），表头与导入模板一致。"),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )
