"""The period a dashboard covers: a plenary session or a calendar year (proposals), or a year."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Invalid, NotFound
from tongxin.proposals.queries import session_choices

YEARS = (2000, 2100)


@dataclass(frozen=True)
class Period:
    session_id: int | None
    year: int | None
    label: str


def _int(raw: Any, name: str, message: str) -> int | None:
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except (TypeError, ValueError):
        raise Invalid(message, {name: [_("须为整数。")]}) from None


def year_from(raw: Any) -> int:
    """The year asked for (default: this year), between 2000 and 2100."""
    year = _int(raw, "year", _("年度有误。"))
    if year is None:
        return timezone.localdate().year
    if not YEARS[0] <= year <= YEARS[1]:
        raise Invalid(_("年度有误。"), {"year": [_("年度须在 2000—2100 之间。")]})
    return year


def proposals_period(committee_id: int, *, session: Any = None, year: Any = None) -> Period:
    """A session of the committee (default: the newest) or, when a year is given, that year."""
    if year not in (None, ""):
        y = year_from(year)
        return Period(None, y, _("%(y)d 年") % {"y": y})
    sessions = session_choices(committee_id)
    wanted = _int(session, "session", _("会议参数有误。"))
    if wanted is None:
        if not sessions:
            y = timezone.localdate().year
            return Period(None, y, _("%(y)d 年") % {"y": y})
        return Period(sessions[0].pk, None, str(sessions[0]))
    for s in sessions:
        if s.pk == wanted:
            return Period(s.pk, None, str(s))
    raise NotFound(_("会议不存在。"))
