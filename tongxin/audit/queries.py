"""Reads of the security log: the search filter, newest-first paging, committee names, and the
audit administrator's items on "我的待办"."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tongxin.core.errors import Invalid
from tongxin.core.pagination import Page
from tongxin.core.todos import Todo

from . import access
from .models import SecurityEvent

# One export holds at most this many rows: a year of a county committee's log fits, and a larger
# request is refused with a hint to narrow the time range instead of tying up a worker.
EXPORT_MAX_ROWS = 50_000
USERNAME_MAX = 150
IP_PARTIAL = re.compile(r"^[0-9A-Fa-f.:]{1,45}$")


@dataclass(frozen=True)
class EventFilter:
    """A validated search of the log; empty fields do not filter."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    kind: str = ""
    outcome: str = ""
    username: str = ""
    ip: str = ""

    def as_dict(self) -> dict[str, str]:
        """The filter as plain strings, for the export's own log row and for query strings."""
        return {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in asdict(self).items() if v}


def event_filter(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    kind: str | None = "",
    outcome: str | None = "",
    username: str | None = "",
    ip: str | None = "",
) -> EventFilter:
    """Check a search of the log; both front doors (page and API) use this one set of rules."""
    kind, outcome = (kind or "").strip(), (outcome or "").strip()
    username, ip = (username or "").strip(), (ip or "").strip()
    errors: dict[str, list[str]] = {}
    if date_from and date_to and date_from > date_to:
        errors["date_to"] = [_("结束日期不能早于开始日期。")]
    if kind and kind not in SecurityEvent.Kind.values:
        errors["kind"] = [_("事件类型无效。")]
    if outcome and outcome not in SecurityEvent.Outcome.values:
        errors["outcome"] = [_("结果无效。")]
    if len(username) > USERNAME_MAX:
        errors["username"] = [_("用户名过长。")]
    if ip and not IP_PARTIAL.match(ip):
        errors["ip"] = [_("IP 地址只能包含数字、字母 a–f、点和冒号。")]
    if errors:
        raise Invalid(_("查询条件有误。"), errors)
    return EventFilter(
        date_from=date_from, date_to=date_to, kind=kind, outcome=outcome, username=username, ip=ip
    )


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def security_events_filtered(events: QuerySet[SecurityEvent], f: EventFilter) -> QuerySet[SecurityEvent]:
    """`events` narrowed by `f`: dates are whole local days, both ends included."""
    if f.date_from:
        events = events.filter(created_at__gte=_day_start(f.date_from))
    if f.date_to:
        events = events.filter(created_at__lt=_day_start(f.date_to + dt.timedelta(days=1)))
    if f.kind:
        events = events.filter(kind=f.kind)
    if f.outcome:
        events = events.filter(outcome=f.outcome)
    if f.username:
        events = events.filter(username__icontains=f.username)
    if f.ip:
        try:
            events = events.filter(ip_address=str(ipaddress.ip_address(f.ip)))
        except ValueError:  # a prefix such as "10.12." finds a whole office network
            events = events.filter(ip_address__startswith=f.ip)
    return events


def security_events_page(
    events: QuerySet[SecurityEvent], *, after: int | None, limit: int, query: dict[str, Any] | None = None
) -> Page[SecurityEvent]:
    """One page of the log, newest first: `after` is the last (smallest) id already seen.

    Ids grow with time, so id order is time order without a second sort key; keyset, never OFFSET.
    """
    qs = events.order_by("-pk")
    if after is not None:
        qs = qs.filter(pk__lt=after)
    items = list(qs[: limit + 1])
    next_after = items[limit - 1].pk if len(items) > limit else None
    return Page(items=items[:limit], next_after=next_after, query=dict(query or {}))


def committee_names(actor: Any) -> dict[int, str]:
    """Names of the committees whose rows `actor` reads, for the log's pages and export."""
    committees = access.committee_model(actor)._default_manager
    return dict(committees.filter(id__in=access.committee_scope_ids(actor)).values_list("id", "name"))


def with_committee_names(events: list[SecurityEvent], names: dict[int, str]) -> list[SecurityEvent]:
    """Set `committee_name` on each row for display, from one lookup of the scope's names."""
    for event in events:
        event.committee_name = names.get(event.committee_id or 0, "")  # type: ignore[attr-defined]
    return events


# Failures the audit administrator should look at on "我的待办", and over how many days.
ATTENTION_KINDS = (SecurityEvent.Kind.LOCKOUT, SecurityEvent.Kind.ACCESS_DENIED)
ATTENTION_DAYS = 7


def todos_for(user: Any) -> list[Todo]:
    """For the audit administrator: lockouts and refused accesses of the last week, if any."""
    if not access.can_read_security_log(user):
        return []
    since = timezone.localdate() - dt.timedelta(days=ATTENTION_DAYS - 1)
    counts = dict(
        access.security_events_visible_to(user)
        .filter(kind__in=ATTENTION_KINDS, created_at__gte=_day_start(since))
        .order_by()  # the model's default order would split the groups
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )
    titles = {
        SecurityEvent.Kind.LOCKOUT: _("近 %(days)d 天有 %(n)d 次账号因登录失败被锁定"),
        SecurityEvent.Kind.ACCESS_DENIED: _("近 %(days)d 天有 %(n)d 次越权访问被拒绝"),
    }
    url = reverse("audit:log")
    return [
        Todo(
            title=titles[kind] % {"days": ATTENTION_DAYS, "n": counts[kind]},
            url=f"{url}?{urlencode({'kind': kind, 'date_from': since.isoformat()})}",
            kind="audit",
            count=counts[kind],
        )
        for kind in ATTENTION_KINDS
        if counts.get(kind)
    ]
