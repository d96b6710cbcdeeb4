"""Per-committee opinion configuration: the settings row and the bulletin types, created with the
defaults of domain.md §3 on first use."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden, Invalid

from .. import access
from ..models import BulletinType, OpinionSettings

# The two basic national bulletins (rule 40: "《政协信息》和《政协信息专报》"); local offices name their
# own series 《社情民意》 (rule 42).
DEFAULT_BULLETIN_TYPES = ("社情民意", "政协信息专报")

# Bounds an office may set: a limit below 300 characters cannot hold 情况、分析、建议.
SETTING_BOUNDS: dict[str, tuple[int, int]] = {
    "max_chars": (300, 10000),
    "attachment_max_mb": (1, 50),
    "attachment_max_count": (0, 20),
}


def settings_for(committee_id: int) -> OpinionSettings:
    """The committee's settings row, created with the defaults on first use."""
    conf = OpinionSettings.objects.filter(committee_id=committee_id).first()
    if conf is not None:
        return conf
    try:
        with transaction.atomic():
            return OpinionSettings.objects.create(committee_id=committee_id)
    except IntegrityError:
        return OpinionSettings.objects.get(committee_id=committee_id)


def bulletin_types_for(committee_id: int) -> list[BulletinType]:
    """The committee's active bulletin types; the two defaults are created on first use."""
    if not BulletinType.objects.filter(committee_id=committee_id).exists():
        with transaction.atomic():
            for position, name in enumerate(DEFAULT_BULLETIN_TYPES, start=1):
                BulletinType.objects.get_or_create(
                    committee_id=committee_id, name=name, defaults={"position": position}
                )
    return list(BulletinType.objects.filter(committee_id=committee_id, is_active=True))


def opinion_settings_update(*, actor: Any, committee_id: int, changes: Mapping[str, Any]) -> OpinionSettings:
    """The information office changes its committee's limits; each change is in the security log."""
    if not access.can_manage_settings(actor, committee_id):
        raise Forbidden(_("只有本会信息工作人员可以修改社情民意设置。"))
    conf = settings_for(committee_id)
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for name, value in changes.items():
        if name not in SETTING_BOUNDS:
            errors[name] = [_("没有这项设置。")]
            continue
        low, high = SETTING_BOUNDS[name]
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            errors[name] = [_("须为 %(low)d 到 %(high)d 之间的整数。") % {"low": low, "high": high}]
            continue
        clean[name] = value
    if errors:
        raise Invalid(_("设置有误，请检查。"), errors)
    before = {name: getattr(conf, name) for name in clean}
    with transaction.atomic():
        for name, value in clean.items():
            setattr(conf, name, value)
        conf.save()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"opinions.settings:{committee_id}",
            details={"before": before, "after": clean},
        )
    return conf


def bulletin_type_create(*, actor: Any, committee_id: int, name: str) -> BulletinType:
    """Add a bulletin series (e.g. 《政协信息专报》) to the committee's list."""
    if not access.can_manage_settings(actor, committee_id):
        raise Forbidden(_("只有本会信息工作人员可以设置刊物类型。"))
    clean = (name or "").strip().strip("《》").strip()
    if not clean or len(clean) > 40:
        raise Invalid(_("刊物名称须为 1 到 40 个字。"), {"name": [_("须为 1 到 40 个字。")]})
    bulletin_types_for(committee_id)
    if BulletinType.objects.filter(committee_id=committee_id, name=clean).exists():
        raise Invalid(_("已有同名刊物。"), {"name": [_("已有同名刊物。")]})
    position = BulletinType.objects.filter(committee_id=committee_id).count() + 1
    with transaction.atomic():
        bulletin_type = BulletinType.objects.create(committee_id=committee_id, name=clean, position=position)
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"opinions.bulletin_type:{bulletin_type.pk}",
            details={"created": clean},
        )
    return bulletin_type
