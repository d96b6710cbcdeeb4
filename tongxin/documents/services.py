"""Every write of the documents app: the committee's settings and issuing numbers.

`resolved(committee)` merges the presets with the committee's overrides and fills the committee's own
names, so builders read one flat, ready-to-print set of texts.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden, Invalid
from tongxin.gongwen.spec import doc_number
from tongxin.org.models import Committee

from . import access, presets
from .models import DocumentSerial, DocumentSettings, IssuedDocument
from .presets import NUMBERED_FAMILIES, Family

# The placeholders each wording template may use; anything else is refused when saving.
WORDING_FIELDS: dict[str, set[str]] = {
    "notice_opening": {"session", "received", "filed", "assigned"},
    "notice_requirements": {"deadline", "classes", "proposal_committee", "committee", "area"},
    "reply_opening": {"title", "number"},
    "co_opinion_opening": {"session", "number", "title"},
    "reply_thanks": set(),
    "circular_opening": {"scope"},
    "circular_closing": set(),
    "opinion_circular_opening": {"year"},
    "opinion_circular_closing": set(),
    "duty_circular_opening": {"year"},
    "duty_circular_closing": set(),
}
NAME_FIELDS = {"committee", "area", "office", "proposal_committee"}
AGENCY_FIELDS = {"unit_short"}
TEXT_MAX = 2000
NAME_MAX = 60


@dataclass(frozen=True)
class Resolved:
    """The texts one committee's documents use, presets overridden and its names filled in."""

    committee_id: int
    agency_codes: dict[str, str]
    issuers: dict[str, str]
    recipients: dict[str, str]
    cc: dict[str, list[str]]
    wording: dict[str, str]

    def agency_code(self, family: str, **fields: str) -> str:
        return self.agency_codes[family].format(**fields) if fields else self.agency_codes[family]


def settings_for(committee_id: int) -> DocumentSettings:
    """The committee's settings row, created empty (all presets) on first use."""
    conf = DocumentSettings.objects.filter(committee_id=committee_id).first()
    if conf is not None:
        return conf
    try:
        with transaction.atomic():
            return DocumentSettings.objects.create(committee_id=committee_id)
    except IntegrityError:
        return DocumentSettings.objects.get(committee_id=committee_id)


def names_for(committee: Committee) -> dict[str, str]:
    """The committee's own names the templates refer to."""
    base = f"政协{committee.name}委员会"
    return {
        "committee": base,
        "area": committee.name,
        "office": f"{base}办公室",
        "proposal_committee": f"{base}提案委员会",
    }


def _fill(text: str, names: dict[str, str]) -> str:
    """Fill only the committee-name placeholders, leaving the builders' own ({session}…) for later."""
    out = []
    for literal, field, spec, _conv in string.Formatter().parse(text):
        out.append(literal)
        if field is None:
            continue
        if field in names:
            out.append(names[field])
        else:
            out.append("{" + field + (":" + spec if spec else "") + "}")
    return "".join(out)


def resolved(committee: Committee, conf: DocumentSettings | None = None) -> Resolved:
    """Presets with the committee's overrides, committee names filled in."""
    conf = conf or settings_for(committee.pk)
    names = names_for(committee)

    def merged(defaults: dict[str, Any], overrides: Any) -> dict[str, Any]:
        return {**defaults, **(overrides if isinstance(overrides, dict) else {})}

    return Resolved(
        committee_id=committee.pk,
        agency_codes={k: _fill(v, names) for k, v in merged(presets.AGENCY_CODES, conf.agency_codes).items()},
        issuers={k: _fill(v, names) for k, v in merged(presets.ISSUERS, conf.issuers).items()},
        recipients={k: _fill(v, names) for k, v in merged(presets.RECIPIENTS, conf.recipients).items()},
        cc={k: [_fill(x, names) for x in v] for k, v in merged(presets.CC, conf.cc).items()},
        wording={k: _fill(v, names) for k, v in merged(presets.WORDING, conf.wording).items()},
    )


def _fields_of(text: str) -> set[str] | None:
    """The placeholders of a template, or None when it is not a valid template."""
    try:
        return {f for _l, f, _s, _c in string.Formatter().parse(text) if f is not None}
    except ValueError:
        return None


def _check_text(value: Any, allowed: set[str], max_len: int) -> str | None:
    """An error message for a template value, or None when it is acceptable."""
    if not isinstance(value, str) or not value.strip():
        return _("不能为空。")
    if len(value) > max_len:
        return _("不能超过 %(n)d 个字。") % {"n": max_len}
    fields = _fields_of(value)
    if fields is None:
        return _("花括号不成对。")
    unknown = sorted(fields - allowed)
    if unknown:
        return _("不认识的占位符：%(names)s。") % {"names": "、".join("{" + f + "}" for f in unknown)}
    return None


PRESET_SECTIONS: dict[str, dict[str, Any]] = {
    "agency_codes": presets.AGENCY_CODES,
    "issuers": presets.ISSUERS,
    "recipients": presets.RECIPIENTS,
    "cc": presets.CC,
    "wording": presets.WORDING,
}
SECTIONS = tuple(PRESET_SECTIONS)


def _clean_section(section: str, value: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    if not isinstance(value, dict):
        errors[section] = [_("须为对象。")]
        return {}
    keys: dict[str, Any] = PRESET_SECTIONS[section]
    clean: dict[str, Any] = {}
    for key, item in value.items():
        where = f"{section}.{key}"
        if key not in keys:
            errors[where] = [_("没有这一项。")]
            continue
        if item is None:  # back to the preset
            clean[key] = None
            continue
        if section == "cc":
            if not isinstance(item, list) or len(item) > 20:
                errors[where] = [_("须为不超过 20 个机关名称的列表。")]
                continue
            problems = [_check_text(x, NAME_FIELDS, NAME_MAX) for x in item]
            if any(problems):
                errors[where] = [p for p in problems if p]
                continue
            clean[key] = [x.strip() for x in item]
            continue
        if section == "wording":
            allowed, max_len = WORDING_FIELDS[key] | NAME_FIELDS, TEXT_MAX
        elif section == "agency_codes":
            allowed, max_len = AGENCY_FIELDS | NAME_FIELDS, 20
        else:
            allowed, max_len = NAME_FIELDS, NAME_MAX
        problem = _check_text(item, allowed, max_len)
        if problem:
            errors[where] = [problem]
        else:
            clean[key] = item.strip()
    return clean


def document_settings_update(*, actor: Any, committee_id: int, changes: dict[str, Any]) -> DocumentSettings:
    """Override presets for the committee (a value of null goes back to the preset); each change is
    in the security log as a configuration change."""
    if not access.can_manage_settings(actor) or actor.committee_id != committee_id:
        raise Forbidden(_("只有机关工作人员可以修改公文设置。"))
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, dict[str, Any]] = {}
    for section, value in changes.items():
        if section not in SECTIONS:
            errors[section] = [_("不能修改此项。")]
            continue
        cleaned[section] = _clean_section(section, value, errors)
    if errors:
        raise Invalid(_("公文设置有误，请检查。"), errors)
    with transaction.atomic():
        conf = DocumentSettings.objects.select_for_update().get(pk=settings_for(committee_id).pk)
        before: dict[str, Any] = {}
        for section, values in cleaned.items():
            current = dict(getattr(conf, section) or {})
            before[section] = {k: current.get(k) for k in values}
            for key, item in values.items():
                if item is None:
                    current.pop(key, None)
                else:
                    current[key] = item
            setattr(conf, section, current)
        conf.save()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"documents.DocumentSettings:{conf.pk}",
            details={"before": before, "after": cleaned},
        )
    return conf


def draft_number(agency_code: str, year: int) -> str:
    """The 发文字号 of a draft: the serial left blank for the office to fill in when it issues."""
    return f"{agency_code}〔{year}〕　号"


def document_number_issue(
    *,
    actor: Any,
    committee: Committee,
    family: str,
    title: str,
    params: dict[str, Any],
    on: dt.date | None = None,
) -> IssuedDocument:
    """Take the next number of `family` in the year and register it. The serial row is locked, so two
    issuers at once get two numbers; a preview never calls this."""
    if family not in NUMBERED_FAMILIES:
        raise Invalid(_("这一文种不由本机关编号。"), {"family": [_("这一文种不由本机关编号。")]})
    year = (on or timezone.localdate()).year
    code = resolved(committee).agency_code(family)
    with transaction.atomic():
        DocumentSerial.objects.get_or_create(committee=committee, family=family, year=year)
        serial = DocumentSerial.objects.select_for_update().get(committee=committee, family=family, year=year)
        serial.last += 1
        serial.save(update_fields=["last"])
        issued = IssuedDocument.objects.create(
            committee=committee,
            family=family,
            year=year,
            serial=serial.last,
            doc_number=doc_number(code, year, serial.last),
            title=title[:200],
            params=params,
            issued_by=actor,
            issued_at=timezone.now(),
        )
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT,
            actor=actor,
            target=f"documents.IssuedDocument:{issued.pk}",
            details={"family": family, "doc_number": issued.doc_number},
        )
    return issued


__all__ = [
    "Family",
    "Resolved",
    "document_number_issue",
    "document_settings_update",
    "draft_number",
    "names_for",
    "resolved",
    "settings_for",
]
