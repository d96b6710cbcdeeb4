"""The roster as the office keeps it in Excel: import a whole term's list, export it, hand out a template.

One column set serves all three, so an export (with full phone numbers) imports again. Habits from
ecosystem.md §b.7: Chinese headers, a frozen header row, column widths for CJK text, dates as real
dates, and a guard against formula injection. An import is all or nothing, and every import, export
and template download is in the security log (C9).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import import_record, security_event_record
from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.sheets import (
    RowError as RowError,  # re-exported: the views report rows with it
)
from tongxin.core.sheets import (
    RowErrors,
    RowProgress,
    SheetColumn,
    SheetFile,
    SheetRejected,
    date_value,
    file_error,
    header_columns,
    read_rows,
    unescape_text,
    write_sheet,
)
from tongxin.files.exports import ListExport
from tongxin.org.models import ActivityGroup, ParticipatingUnit, Sector, SpecialCommittee, Term

from . import access
from .forms import RosterFilterForm
from .masking import mask_phone
from .models import Membership, Person
from .queries import RosterFilters, members_visible_to, roster_filter, roster_rows
from .services import (
    MemberFields,
    member_create,
    member_fields_errors,
    member_fields_kwargs,
    normalize_phone,
    phone_owner_errors,
    require_roster_manager,
    term_phone_owners,
)


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    width: int  # in Excel character units; a hanzi takes about two
    note: str


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "name", 12, "必填，不超过 30 个字。"),
    Column("性别", "gender", 6, "必填：男 或 女。"),
    Column("民族", "ethnicity", 10, "必填，如 汉族、回族。"),
    Column("出生日期", "birth_date", 16, "日期，如 1970-01-02；可空。"),
    Column("手机号码", "phone", 15, "11 位大陆手机号码；可空。本届内不能重复。"),
    Column("工作单位", "workplace", 30, "可空，不超过 100 个字。"),
    Column("职务职称", "title", 24, "可空，不超过 100 个字。"),
    Column("界别", "sector", 18, "必填，须是本届已设的界别名称。"),
    Column("党派团体", "participating_unit", 14, "可空，填全称或简称，如 九三学社、民盟。"),
    Column("专委会", "special_committees", 26, "可空；多个用 、 或 ， 分隔。"),
    Column("活动组", "activity_group", 16, "可空，须是本届已设的活动组名称。"),
    Column("常委", "is_standing", 6, "是 或 否；空为否。"),
    Column("领导职务", "leadership", 10, "主席、副主席、秘书长，或空。"),
    Column("任职日期", "joined_on", 16, "日期；可空，须在本届任期内。"),
)
HEADER_FOR_FIELD = {c.field: c.header for c in COLUMNS}
# Headers offices commonly use for the same columns.
HEADER_ALIASES = {
    "手机": "手机号码",
    "手机号": "手机号码",
    "移动电话": "手机号码",
    "联系电话": "手机号码",
    "出生年月日": "出生日期",
    "单位": "工作单位",
    "工作单位及职务": "工作单位",
    "职务": "职务职称",
    "党派": "党派团体",
    "党派/团体": "党派团体",
    "专门委员会": "专委会",
    "所在专委会": "专委会",
    "委员活动组": "活动组",
    "是否常委": "常委",
    "任职时间": "任职日期",
}
LEADERSHIP_VALUES: dict[str, str] = {
    "": "",
    "无": "",
    "主席": Membership.Leadership.CHAIR,
    "副主席": Membership.Leadership.VICE_CHAIR,
    "秘书长": Membership.Leadership.SECRETARY_GENERAL,
}
LEADERSHIP_LABELS: dict[str, str] = {v: k for k, v in LEADERSHIP_VALUES.items() if k != "无"}
GENDER_VALUES: dict[str, str] = {"男": Person.Gender.MALE, "女": Person.Gender.FEMALE}
GENDER_LABELS: dict[str, str] = {v: k for k, v in GENDER_VALUES.items()}
YES = {"是", "√", "✓", "Y", "y", "yes", "Yes", "YES", "1"}
NO = {"", "否", "×", "N", "n", "no", "No", "NO", "0"}
LIST_SEPARATORS = re.compile(r"[、，,;；]")
MAX_ROWS = 5000


class RosterRejected(SheetRejected):
    """The file was read, but some rows are wrong; nothing was imported. Carries the row report."""

    def __init__(self, errors: list[RowError]) -> None:
        message = _("导入文件中有 %(n)d 处错误，未导入任何委员。请改正后重新导入。") % {"n": len(errors)}
        super().__init__(errors, message, code="invalid_roster")


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    reused_people: int


@dataclass(frozen=True)
class ExportFile:
    content: bytes
    filename: str
    rows: int


# --- Writing -------------------------------------------------------------------------------------


def _row_values(membership: Membership, *, full_phone: bool) -> list[Any]:
    person = membership.person
    unit = membership.participating_unit
    group = membership.activity_group
    return [
        person.name,
        GENDER_LABELS.get(person.gender, ""),
        person.ethnicity,
        person.birth_date,
        person.phone if full_phone else mask_phone(person.phone),
        person.workplace,
        person.title,
        membership.sector.name,
        unit.name if unit else "",
        "、".join(c.name for c in membership.special_committees.all()),
        group.name if group else "",
        "是" if membership.is_standing else "否",
        LEADERSHIP_LABELS.get(membership.leadership, ""),
        membership.joined_on,
    ]


def roster_sheet(
    *,
    actor: User,
    filters: RosterFilters,
    include_full_phone: bool = False,
    request: HttpRequest | None = None,
    progress: RowProgress | None = None,
) -> SheetFile:
    """The filtered roster as .xlsx in a temporary file, masked unless an allowed role asked for full
    numbers; audited (with the full-number flag: each reveal is logged)."""
    if not access.can_export_roster(actor):
        raise Forbidden(_("您的角色不能导出委员名册。"))
    if include_full_phone and not access.can_export_full_phones(actor):
        raise Forbidden(_("您的角色不能导出完整手机号码。"))
    queryset = roster_filter(members_visible_to(actor), filters)
    rows = roster_rows(queryset).order_by("sector__position", "person__name_pinyin", "pk")
    term = (
        Term.objects.filter(pk=filters.term_id).select_related("committee").first()
        if filters.term_id
        else None
    )
    label = f"-{term.short_name}" if term else ""
    filename = f"{_('委员名册')}{label}-{timezone.localdate():%Y%m%d}.xlsx"
    columns: list[SheetColumn[list[Any]]] = [
        SheetColumn(c.header, c.width, itemgetter(i)) for i, c in enumerate(COLUMNS)
    ]
    # iterator() with a chunk size keeps memory flat for a national-size roster (performance.md P11).
    values = (_row_values(m, full_phone=include_full_phone) for m in rows.iterator(chunk_size=500))
    sheet = write_sheet(columns, values, title=_("委员名册"), filename=filename, progress=progress)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        request=request,
        actor=actor,
        target="members.roster",
        details={"rows": sheet.rows, "full_phone": include_full_phone, "filters": filters.as_details()},
    )
    return sheet


def roster_export(
    *,
    actor: User,
    filters: RosterFilters,
    include_full_phone: bool = False,
    request: HttpRequest | None = None,
) -> ExportFile:
    """The filtered roster as .xlsx bytes (the API's export); see roster_sheet."""
    sheet = roster_sheet(actor=actor, filters=filters, include_full_phone=include_full_phone, request=request)
    try:
        return ExportFile(content=sheet.read(), filename=sheet.filename, rows=sheet.rows)
    finally:
        sheet.file.close()


def _roster_clean(actor: Any, params: Mapping[str, Any]) -> dict[str, Any]:
    """The roster page's filter form (an invalid value is dropped, as on the page) and the export's
    access rules; the term is pinned, so a file made later is of the term the page showed."""
    if not access.can_export_roster(actor):
        raise Forbidden(_("您的角色不能导出委员名册。"))
    full_phone = str(params.get("full_phone") or "") == "1"
    if full_phone and not access.can_export_full_phones(actor):
        raise Forbidden(_("您的角色不能导出完整手机号码。"))
    form = RosterFilterForm(params, committee_id=actor.committee_id)
    form.is_valid()
    cleaned = {name: str(value) for name, value in form.cleaned_data.items() if value not in (None, "")}
    if form.selected_term is not None:
        cleaned["term"] = str(form.selected_term.pk)
    if full_phone:
        cleaned["full_phone"] = "1"
    return cleaned


def _roster_filters(actor: Any, cleaned: dict[str, Any]) -> RosterFilters:
    return RosterFilterForm(cleaned, committee_id=actor.committee_id).filters()


def _roster_write(
    actor: Any, cleaned: dict[str, Any], request: HttpRequest | None, progress: RowProgress | None
) -> SheetFile:
    return roster_sheet(
        actor=actor,
        filters=_roster_filters(actor, cleaned),
        include_full_phone=cleaned.get("full_phone") == "1",
        request=request,
        progress=progress,
    )


# 导出名册: streamed, or a background file above EXPORT_INLINE_MAX_ROWS (files.exports).
ROSTER = ListExport(
    kind="members.roster",
    label=gettext_lazy("委员名册"),
    clean=_roster_clean,
    count=lambda actor, cleaned: roster_filter(
        members_visible_to(actor), _roster_filters(actor, cleaned)
    ).count(),
    write=_roster_write,
)
roster_generator = ROSTER.generator


def roster_template(*, actor: User, term: Term, request: HttpRequest | None = None) -> ExportFile:
    """An empty roster with the import headers, drop-downs, and the names valid in `term`."""
    require_roster_manager(actor, term)
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new Workbook always has one sheet
    sheet.title = _("委员名册")
    sheet.freeze_panes = "A2"
    fill = PatternFill("solid", fgColor="F6F5F2")
    for index, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=1, column=index, value=column.header)
        cell.font = Font(bold=True)
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    letters = {c.field: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for field_name, options in (
        ("gender", "男,女"),
        ("is_standing", "是,否"),
        ("leadership", "主席,副主席,秘书长"),
    ):
        validation = DataValidation(type="list", formula1=f'"{options}"', allow_blank=True)
        validation.add(f"{letters[field_name]}2:{letters[field_name]}{MAX_ROWS + 1}")
        sheet.add_data_validation(validation)

    notes = workbook.create_sheet(_("填写说明"))
    notes.column_dimensions["A"].width = 14
    notes.column_dimensions["B"].width = 60
    notes.append([_("导入到"), term.full_name])
    notes.append([])
    notes.append([_("列"), _("填写要求")])
    for column in COLUMNS:
        notes.append([column.header, column.note])
    notes.append([])
    lists = (
        (_("本届界别"), Sector.objects.filter(term=term, is_active=True)),
        (_("党派团体"), ParticipatingUnit.objects.filter(committee_id=term.committee_id, is_active=True)),
        (_("专委会"), SpecialCommittee.objects.filter(committee_id=term.committee_id, is_active=True)),
        (_("本届活动组"), ActivityGroup.objects.filter(term=term, is_active=True)),
    )
    for title, queryset in lists:
        names = "、".join(str(getattr(o, "name", o)) for o in queryset)
        notes.append([title, names or _("（未设置）")])
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=actor,
        target="members.roster_template",
        details={"term": term.pk},
    )
    return ExportFile(
        content=buffer.getvalue(), filename=f"{_('委员名册导入模板')}-{term.short_name}.xlsx", rows=0
    )


# --- Reading (the shared reader in tongxin.core.sheets) ------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat()
    return unescape_text(str(value).strip())


class _Lookups:
    """The committee's and term's names, loaded once per import."""

    def __init__(self, term: Term) -> None:
        self.sectors = {s.name: s for s in Sector.objects.filter(term=term)}
        units = list(ParticipatingUnit.objects.filter(committee_id=term.committee_id))
        # A full name wins over another unit's identical short name.
        self.units = {u.short_name: u for u in units if u.short_name} | {u.name: u for u in units}
        self.committees = {c.name: c for c in SpecialCommittee.objects.filter(committee_id=term.committee_id)}
        self.groups = {g.name: g for g in ActivityGroup.objects.filter(term=term)}


@dataclass
class _ParsedRow:
    number: int
    fields: MemberFields
    person: Person | None = None


def _parse_row(values: dict[str, Any], lookups: _Lookups, errors: RowErrors) -> MemberFields:
    """One row's cells as MemberFields; cells that cannot be read are reported and left empty."""
    text = {field: _text(values.get(field)) for field in HEADER_FOR_FIELD}
    gender = GENDER_VALUES.get(text["gender"], "")
    if text["gender"] and not gender:
        errors.add("性别", _("只能填写“男”或“女”，而不是“%(value)s”") % {"value": text["gender"]})
    dates: dict[str, dt.date | None] = {}
    for field_name in ("birth_date", "joined_on"):
        try:
            dates[field_name] = date_value(values.get(field_name))
        except (ValueError, OverflowError):
            errors.add(
                HEADER_FOR_FIELD[field_name],
                _("“%(value)s”不是有效日期，应写作 1970-01-02 或 1970年1月2日") % {"value": text[field_name]},
            )
    sector = lookups.sectors.get(text["sector"]) if text["sector"] else None
    if text["sector"] and sector is None:
        errors.add("界别", _("本届没有名为“%(name)s”的界别") % {"name": text["sector"]})
    unit = lookups.units.get(text["participating_unit"]) if text["participating_unit"] else None
    if text["participating_unit"] and unit is None:
        errors.add(
            "党派团体", _("本委员会没有名为“%(name)s”的党派团体") % {"name": text["participating_unit"]}
        )
    committees = []
    for name in (n.strip() for n in LIST_SEPARATORS.split(text["special_committees"])):
        if not name:
            continue
        body = lookups.committees.get(name)
        if body is None:
            errors.add("专委会", _("本委员会没有名为“%(name)s”的专委会") % {"name": name})
        else:
            committees.append(body)
    group = lookups.groups.get(text["activity_group"]) if text["activity_group"] else None
    if text["activity_group"] and group is None:
        errors.add("活动组", _("本届没有名为“%(name)s”的活动组") % {"name": text["activity_group"]})
    standing = text["is_standing"]
    if standing not in YES and standing not in NO:
        errors.add("常委", _("只能填写“是”或“否”，而不是“%(value)s”") % {"value": standing})
    leadership = LEADERSHIP_VALUES.get(text["leadership"])
    if leadership is None:
        errors.add(
            "领导职务",
            _("只能填写主席、副主席、秘书长或留空，而不是“%(value)s”") % {"value": text["leadership"]},
        )
    return MemberFields(
        name=text["name"],
        gender=gender,
        ethnicity=text["ethnicity"],
        birth_date=dates.get("birth_date"),
        phone=normalize_phone(text["phone"]),
        workplace=text["workplace"],
        title=text["title"],
        sector=sector,
        participating_unit=unit,
        special_committees=committees,
        activity_group=group,
        is_standing=standing in YES,
        leadership=leadership or "",
        joined_on=dates.get("joined_on"),
    )


def _header_columns(rows: Iterator[tuple[int, tuple[Any, ...]]]) -> dict[str, int]:
    """Find the header line (the first with 姓名) and map each known header to its column index."""
    headers = [c.header for c in COLUMNS]
    return header_columns(rows, known=headers, required=headers, anchor="姓名", aliases=HEADER_ALIASES)


def _parse(term: Term, upload: File[Any]) -> tuple[list[_ParsedRow], list[RowError]]:
    """Read and check every row; the rows as MemberFields, and every error found."""
    rows = read_rows(upload, max_bytes=settings.ROSTER_MAX_BYTES)
    columns = _header_columns(rows)
    lookups = _Lookups(term)
    errors = RowErrors()
    parsed: list[_ParsedRow] = []
    for number, values in rows:
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            continue
        if len(parsed) >= MAX_ROWS:
            raise file_error(_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
        errors.start(number)
        cells = {
            c.field: (values[columns[c.header]] if columns[c.header] < len(values) else None) for c in COLUMNS
        }
        fields = _parse_row(cells, lookups, errors)
        cleaned, field_errors = member_fields_errors(term=term, fields=fields)
        for field_name, messages in field_errors.items():
            column = HEADER_FOR_FIELD.get(field_name, field_name)
            if column in errors.row_columns:
                continue  # already reported as unreadable, e.g. an unknown sector name
            for message in messages:
                errors.items.append(RowError(number, column, message.rstrip("。")))
        parsed.append(_ParsedRow(number=number, fields=cleaned))
    return parsed, errors.items


def _report_order(error: RowError) -> tuple[int, int]:
    headers = [c.header for c in COLUMNS]
    return error.row, headers.index(error.column) if error.column in headers else len(headers)


def _check_duplicates(term: Term, parsed: list[_ParsedRow], errors: list[RowError]) -> None:
    """Same phone twice in the file, or a phone already held by another member of the term; a person of
    an earlier term with the same name and phone is the same person and is carried over."""
    owners = term_phone_owners(term)
    phones = {p.fields.phone for p in parsed if p.fields.phone}
    earlier: dict[tuple[str, str], Person] = {}
    for person in Person.objects.filter(committee_id=term.committee_id, phone__in=phones).order_by("-id"):
        earlier[(person.name, normalize_phone(person.phone))] = person
    first_row: dict[str, int] = {}
    for row in parsed:
        phone = row.fields.phone
        if not phone:
            continue
        if phone in first_row:
            errors.append(
                RowError(
                    row.number, "手机号码", _("与第 %(row)d 行的手机号码相同") % {"row": first_row[phone]}
                )
            )
            continue
        first_row[phone] = row.number
        row.person = earlier.get((row.fields.name, phone))
        person_id = row.person.pk if row.person is not None else None
        for message in phone_owner_errors(phone=phone, owners=owners, person_id=person_id).get("phone", []):
            errors.append(RowError(row.number, "手机号码", message.rstrip("。")))
        if person_id is not None and owners.get(phone, (None,))[0] == person_id:
            errors.append(
                RowError(
                    row.number, "姓名", _("%(name)s已是本届委员，不能重复导入") % {"name": row.fields.name}
                )
            )


def roster_import(
    *, actor: User, term: Term, upload: File[Any], request: HttpRequest | None = None
) -> ImportResult:
    """Import a term's roster from .xlsx: every row valid and imported, or nothing (one transaction)."""
    require_roster_manager(actor, term)
    filename = str(getattr(upload, "name", "") or "")[:100]
    with import_record(
        actor=actor, target=f"org.Term:{term.pk}", details={"file": filename}, request=request
    ) as record:
        parsed, errors = _parse(term, upload)
        _check_duplicates(term, parsed, errors)
        if errors:
            raise RosterRejected(sorted(errors, key=_report_order))
        if not parsed:
            raise file_error(_("文件中没有委员数据。"))
        with transaction.atomic():
            created = reused = 0
            for row in parsed:
                try:
                    member_create(
                        actor=actor,
                        term=term,
                        person=row.person,
                        source="import",
                        **member_fields_kwargs(row.fields),
                    )
                except Invalid as exc:  # changed since the check (a concurrent edit): report, roll back
                    raise RosterRejected(
                        [
                            RowError(row.number, HEADER_FOR_FIELD.get(k, k), m.rstrip("。"))
                            for k, ms in exc.fields.items()
                            for m in ms
                        ]
                    ) from None
                created += 1
                reused += row.person is not None
            result = ImportResult(rows=len(parsed), created=created, reused_people=reused)
            record.succeeded(rows=result.rows, created=created, reused_people=reused)
    return result
