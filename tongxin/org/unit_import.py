"""Handling units (承办单位) from a spreadsheet: the list a government office sends at the start of a
term, imported in one go. All or nothing: every row is checked (and every error reported in Chinese
with its row and column) before anything is kept. Idempotent: a unit whose name already exists is
updated, not duplicated, and a contact of the same name in that unit is updated. Every write goes
through the org services (their validation, access rule and OrgEvent rows); the import itself is in
the security log.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.audit.services import import_record, template_download
from tongxin.core.errors import Invalid
from tongxin.core.sheets import (
    RowError,
    RowErrors,
    SheetFile,
    SheetRejected,
    cells_by_header,
    file_error,
    header_columns,
    is_blank_row,
    read_rows,
    text_value,
)

from . import access, services
from .models import Committee, HandlingUnit, HandlingUnitContact

MAX_ROWS = 2000


@dataclass(frozen=True)
class UnitColumn:
    header: str
    field: str
    width: int
    note: Any


UNIT_COLUMNS: tuple[UnitColumn, ...] = (
    UnitColumn("单位名称", "name", 30, gettext_lazy("必填，不超过 60 个字；与已有单位同名时更新该单位。")),
    UnitColumn("简称", "short_name", 14, gettext_lazy("可空，不超过 30 个字。")),
    UnitColumn(
        "类别",
        "kind",
        12,
        gettext_lazy("可空（默认政府部门）：政府部门、法院、检察院、党委部门、其他单位。"),
    ),
    UnitColumn("联系人", "contact_name", 10, gettext_lazy("可空；同一单位同名联系人会被更新。")),
    UnitColumn("职务", "contact_title", 14, gettext_lazy("可空，不超过 40 个字。")),
    UnitColumn("联系电话", "contact_phone", 16, gettext_lazy("可空；数字、空格和 + - ( ) 转。")),
    UnitColumn("电子邮箱", "contact_email", 24, gettext_lazy("可空。")),
)
HEADER_FOR_FIELD = {c.field: c.header for c in UNIT_COLUMNS}
CONTACT_FIELD = {
    "name": "contact_name",
    "title": "contact_title",
    "phone": "contact_phone",
    "email": "contact_email",
}
HEADER_ALIASES = {
    "承办单位": "单位名称",
    "单位": "单位名称",
    "名称": "单位名称",
    "单位简称": "简称",
    "单位类别": "类别",
    "联系人姓名": "联系人",
    "电话": "联系电话",
    "手机": "联系电话",
    "邮箱": "电子邮箱",
}
KIND_VALUES: dict[str, str] = {str(label): value for value, label in HandlingUnit.Kind.choices}


@dataclass(frozen=True)
class UnitImportResult:
    rows: int
    created: int
    updated: int
    contacts: int


def handling_unit_template(
    *, actor: Any, committee: Committee, request: HttpRequest | None = None
) -> SheetFile:
    """The empty import sheet for handling units, with what each column takes (audited download)."""
    access.require_manage(actor, "handling_unit", committee.pk)
    return template_download(
        UNIT_COLUMNS,
        title=_("承办单位"),
        filename=f"{_('承办单位导入模板')}.xlsx",
        actor=actor,
        request=request,
        target="org.handling_unit_template",
        details={"committee": committee.pk},
    )


@dataclass
class _Row:
    number: int
    values: dict[str, str]


def _parse(upload: File[Any]) -> tuple[list[_Row], list[RowError]]:
    rows = read_rows(upload, max_bytes=settings.ROSTER_MAX_BYTES)
    headers = [c.header for c in UNIT_COLUMNS]
    columns = header_columns(
        rows, known=headers, required=["单位名称"], anchor="单位名称", aliases=HEADER_ALIASES
    )
    errors = RowErrors()
    parsed: list[_Row] = []
    first_row: dict[str, int] = {}
    for number, values in rows:
        if is_blank_row(values):
            continue
        if len(parsed) >= MAX_ROWS:
            raise file_error(_("一次最多导入 %(n)d 行。") % {"n": MAX_ROWS})
        errors.start(number)
        cells = cells_by_header(values, columns)
        text = {c.field: text_value(cells.get(c.header)) for c in UNIT_COLUMNS}
        if not text["name"]:
            errors.add("单位名称", _("必须填写"))
        elif text["name"] in first_row:
            errors.add("单位名称", _("与第 %(row)d 行的单位重复") % {"row": first_row[text["name"]]})
        else:
            first_row[text["name"]] = number
        if text["kind"] and text["kind"] not in KIND_VALUES:
            errors.add(
                "类别",
                _("只能填写%(kinds)s，而不是“%(value)s”")
                % {"kinds": "、".join(KIND_VALUES), "value": text["kind"]},
            )
        contact_given = any(text[f] for f in ("contact_title", "contact_phone", "contact_email"))
        if contact_given and not text["contact_name"]:
            errors.add("联系人", _("填写了联系电话、职务或邮箱时，必须填写联系人"))
        parsed.append(_Row(number=number, values=text))
    return parsed, errors.items


def _service_errors(number: int, exc: Invalid) -> list[RowError]:
    found = [
        RowError(number, HEADER_FOR_FIELD.get(k, k), str(m).rstrip("。"))
        for k, ms in exc.fields.items()
        for m in ms
    ]
    return found or [RowError(number, "单位名称", str(exc.message).rstrip("。"))]


def _write_row(
    actor: Any, committee: Committee, row: _Row, units: dict[str, HandlingUnit], request: Any
) -> tuple[bool, bool]:
    """Create or update one unit (and its contact); (unit created, contact written)."""
    v = row.values
    unit = units.get(v["name"])
    created = unit is None
    kind = KIND_VALUES.get(v["kind"]) if v["kind"] else None
    if unit is None:
        unit = services.handling_unit_create(
            actor=actor,
            committee=committee,
            name=v["name"],
            short_name=v["short_name"],
            kind=kind or HandlingUnit.Kind.GOVERNMENT,
            request=request,
        )
        units[unit.name] = unit
    else:
        services.handling_unit_update(
            actor=actor,
            handling_unit=unit,
            name=unit.name,
            short_name=v["short_name"] or unit.short_name,
            kind=kind or unit.kind,
            request=request,
        )
    if not v["contact_name"]:
        return created, False
    try:
        _write_contact(actor, unit, v, created, request)
    except Invalid as exc:  # the contact's fields carry their own names: map them to the contact columns
        fields = {CONTACT_FIELD.get(k, k): ms for k, ms in exc.fields.items()}
        raise Invalid(exc.message, fields, code=exc.code) from None
    return created, True


def _write_contact(actor: Any, unit: HandlingUnit, v: dict[str, str], created: bool, request: Any) -> None:
    contact = (
        None if created else HandlingUnitContact.objects.filter(unit=unit, name=v["contact_name"]).first()
    )
    if contact is None:
        services.handling_unit_contact_add(
            actor=actor,
            unit=unit,
            name=v["contact_name"],
            title=v["contact_title"],
            phone=v["contact_phone"],
            email=v["contact_email"],
            is_primary=not HandlingUnitContact.objects.filter(unit=unit).exists(),
            request=request,
        )
    else:
        services.handling_unit_contact_update(
            actor=actor,
            contact=contact,
            name=contact.name,
            title=v["contact_title"] or contact.title,
            phone=v["contact_phone"] or contact.phone,
            email=v["contact_email"] or contact.email,
            is_primary=contact.is_primary,
            request=request,
        )


def handling_units_import(
    *, actor: Any, committee: Committee, upload: File[Any], request: HttpRequest | None = None
) -> UnitImportResult:
    """Import handling units from .xlsx into `committee`: every row valid and written, or nothing."""
    access.require_manage(actor, "handling_unit", committee.pk)
    filename = str(getattr(upload, "name", "") or "")[:100]
    target = f"org.Committee:{committee.pk}:handling_units"
    with import_record(actor=actor, target=target, details={"file": filename}, request=request) as record:
        parsed, errors = _parse(upload)
        if errors:
            raise SheetRejected(
                errors,
                _("导入文件中有 %(n)d 处错误，未导入任何单位。请改正后重新导入。") % {"n": len(errors)},
            )
        if not parsed:
            raise file_error(_("文件中没有承办单位数据。"))
        with transaction.atomic():
            units = {u.name: u for u in HandlingUnit.objects.filter(committee=committee)}
            created = updated = contacts = 0
            for row in parsed:
                try:
                    new, contact = _write_row(actor, committee, row, units, request)
                except Invalid as exc:
                    errors.extend(_service_errors(row.number, exc))
                    continue
                created += new
                updated += not new
                contacts += contact
            if errors:
                # Every row was tried so the report is complete; raising rolls all of them back.
                raise SheetRejected(
                    errors,
                    _("导入文件中有 %(n)d 处错误，未导入任何单位。请改正后重新导入。") % {"n": len(errors)},
                )
            result = UnitImportResult(rows=len(parsed), created=created, updated=updated, contacts=contacts)
            record.succeeded(rows=result.rows, created=created, updated=updated)
    return result
