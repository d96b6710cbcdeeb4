"""Reads: lists, the detail, timelines, statistics, due lists, the review desk and "我的待办".

Every list and detail loads a bounded number of queries whatever the data size (issue 3: at most 15),
and statistics are computed by aggregate queries, never by Python loops over rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlencode

from django.db.models import (
    Aggregate,
    Count,
    Exists,
    F,
    JSONField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.core.errors import Invalid, NotFound
from tongxin.core.roles import Role
from tongxin.core.todos import Todo
from tongxin.opinions.models import OpinionReport

from . import access, deadlines
from .models import (
    Assignment,
    Attachment,
    ExcellentNomination,
    KeyProposal,
    Notification,
    Proposal,
    ProposalEvent,
    ProposalSettings,
    ProposalVersion,
    Proposer,
    Rating,
    Reply,
)
from .numbering import display_number
from .services.config import settings_for
from .services.review import report_source
from .workflow import FILED_STATES, HANDLING_STATES, TRANSITIONS, State

API_BASE = "/api/v1/proposals"


def proposal_url(pk: int | None = None, **query: Any) -> str:
    """Where a to-do item points: the proposal's page, or the list filtered by `query`."""
    from django.urls import reverse

    path = reverse("proposals:detail", kwargs={"pk": pk}) if pk is not None else reverse("proposals:list")
    params = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{path}?{urlencode(params)}" if params else path


# --- Lists ----------------------------------------------------------------------------------------


def _int(value: Any, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Invalid(_("筛选条件有误。"), {name: [_("须为整数。")]}) from None


def proposal_filter(user: Any, params: Mapping[str, Any]) -> QuerySet[Proposal]:
    """The proposals visible to `user`, narrowed by list filters: session, state (comma-separated),
    unit, category (an area includes its finer categories), proposer (person id), kind, text."""
    qs = access.proposals_visible_to(user)
    session = _int(params.get("session"), "session")
    if session is not None:
        qs = qs.filter(session_id=session)
    states = [s for s in str(params.get("state") or "").split(",") if s]
    if states:
        unknown = [s for s in states if s not in State.values]
        if unknown:
            raise Invalid(_("筛选条件有误。"), {"state": [_("未知状态：%(s)s") % {"s": ",".join(unknown)}]})
        qs = qs.filter(state__in=states)
    unit = _int(params.get("unit"), "unit")
    if unit is not None:
        qs = qs.filter(
            Exists(Assignment.objects.filter(proposal_id=OuterRef("pk"), unit_id=unit, is_active=True))
        )
    category = _int(params.get("category"), "category")
    if category is not None:
        qs = qs.filter(Q(category_id=category) | Q(category__parent_id=category))
    proposer = _int(params.get("proposer"), "proposer")
    if proposer is not None:
        qs = qs.filter(Exists(Proposer.objects.filter(proposal_id=OuterRef("pk"), person_id=proposer)))
    kind = params.get("kind")
    if kind:
        if kind not in Proposal.Kind.values:
            raise Invalid(_("筛选条件有误。"), {"kind": [_("提案类型无效。")]})
        qs = qs.filter(kind=kind)
    text = str(params.get("text") or "").strip()[:50]
    if text:
        qs = qs.filter(
            Q(title__icontains=text)
            | Q(background__icontains=text)
            | Q(analysis__icontains=text)
            | Q(suggestions__icontains=text)
        )
    return qs


def with_list_data(qs: QuerySet[Proposal]) -> QuerySet[Proposal]:
    """Everything a list row shows, in a fixed number of queries."""
    return qs.select_related("category").prefetch_related(
        Prefetch("proposers", queryset=Proposer.objects.select_related("person")),
        Prefetch("assignments", queryset=Assignment.objects.filter(is_active=True).select_related("unit")),
    )


def summary(p: Proposal, conf: ProposalSettings) -> dict[str, Any]:
    """The list-row shape of a proposal (schemas.ProposalSummaryOut)."""
    proposers = [
        r for r in p.proposers.all() if r.status in (Proposer.Status.CONFIRMED, Proposer.Status.INVITED)
    ]
    first = next((r for r in proposers if r.role == Proposer.Role.FIRST), None)
    return {
        "id": p.pk,
        "number": p.number,
        "number_display": display_number(p.number, conf.number_format),
        "title": p.title,
        "kind": p.kind,
        "channel": p.channel,
        "state": p.state,
        "state_label": str(State(p.state).label),
        "session_id": p.session_id,
        "category_id": p.category_id,
        "category_name": p.category.name if p.category else None,
        "first_proposer": first.person.name if first else None,
        "proposer_names": [r.person.name for r in proposers],
        "units": [f"{a.unit.name}（{a.get_role_display()}）" for a in p.assignments.all() if a.is_active],
        "round": p.round,
        "result_class": p.result_class,
        "is_key": p.is_key,
        "is_excellent": p.is_excellent,
        "submitted_at": p.submitted_at,
        "updated_at": p.updated_at,
    }


# The fields of `summary` that a list export writes.
EXPORT_FIELDS = (
    "number_display",
    "title",
    "state_label",
    "is_key",
    "proposer_names",
    "units",
    "category_name",
    "submitted_at",
)


def list_export_rows(
    qs: QuerySet[Proposal], conf: ProposalSettings, *, chunk: int = 2000
) -> Iterator[dict[str, Any]]:
    """The EXPORT_FIELDS of `summary` for every proposal of `qs`, by id, read as plain values: one
    query for the proposals and two per `chunk` for proposers and units. A 100,000-row export spent
    most of its time building model instances (five per row) and translating labels per row."""
    states = {value: str(label) for value, label in State.choices}
    roles = {value: str(label) for value, label in Assignment.Role.choices}
    rows = qs.order_by("pk").values_list(
        "pk", "number", "title", "state", "is_key", "category__name", "submitted_at"
    )
    batch: list[tuple[Any, ...]] = []
    for row in rows.iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from _export_batch(batch, conf, states, roles)
            batch = []
    if batch:
        yield from _export_batch(batch, conf, states, roles)


def _export_batch(
    batch: list[tuple[Any, ...]], conf: ProposalSettings, states: dict[str, str], roles: dict[str, str]
) -> Iterator[dict[str, Any]]:
    ids = [row[0] for row in batch]
    names: defaultdict[int, list[str]] = defaultdict(list)
    proposers = Proposer.objects.filter(
        proposal_id__in=ids, status__in=(Proposer.Status.CONFIRMED, Proposer.Status.INVITED)
    ).order_by("proposal_id", "position", "id")
    for proposal_id, name in proposers.values_list("proposal_id", "person__name"):
        names[proposal_id].append(name)
    units: defaultdict[int, list[str]] = defaultdict(list)
    assignments = Assignment.objects.filter(proposal_id__in=ids, is_active=True).order_by(
        "proposal_id", "role", "id"
    )
    for proposal_id, unit, role in assignments.values_list("proposal_id", "unit__name", "role"):
        units[proposal_id].append(f"{unit}（{roles.get(role, role)}）")
    for pk, number, title, state, is_key, category, submitted_at in batch:
        yield {
            "number_display": display_number(number, conf.number_format),
            "title": title,
            "state_label": states.get(state, state),
            "is_key": is_key,
            "proposer_names": names.get(pk, []),
            "units": units.get(pk, []),
            "category_name": category,
            "submitted_at": submitted_at,
        }


# --- Detail ---------------------------------------------------------------------------------------


class JSONIdArray(Aggregate):
    """The grouped ids as one JSON array (SQLite json_group_array, PostgreSQL jsonb_agg), so a
    detail reads short id lists inside its main query instead of one query each."""

    function = "JSON_GROUP_ARRAY"
    output_field = JSONField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        return self.as_sql(compiler, connection, function="JSONB_AGG", **extra_context)


def _ids_of(qs: QuerySet[Any], group: str, value: str) -> Subquery:
    return Subquery(qs.values(group).annotate(ids=JSONIdArray(value)).values("ids")[:1])


def _count_of(qs: QuerySet[Any], group: str) -> Coalesce:
    return Coalesce(Subquery(qs.values(group).annotate(n=Count("pk")).values("n")[:1]), Value(0))


ORIGINAL_FIELDS = ("number", "reason", "title", "background", "analysis", "suggestions", "created_at")


def _detail_annotations() -> dict[str, Any]:
    """Counts, id lists and the proposer's original text, each a correlated subquery of the main
    query (rule 16: the original stays visible whatever reviewers change)."""
    versions = ProposalVersion.objects.filter(proposal_id=OuterRef("pk"))
    original = versions.filter(reason=ProposalVersion.Reason.ORIGINAL).order_by("-number")
    through = Proposal.suggested_units.through.objects.filter(proposal_id=OuterRef("pk"))
    return {
        "version_count": _count_of(versions, "proposal_id"),
        "attachment_count": _count_of(Attachment.objects.filter(proposal_id=OuterRef("pk")), "proposal_id"),
        "merged_member_ids": _ids_of(
            Proposal.objects.filter(merged_into_id=OuterRef("pk")), "merged_into_id", "pk"
        ),
        "suggested_unit_ids": _ids_of(through, "proposal_id", "handlingunit_id"),
        **{f"original_{f}": Subquery(original.values(f)[:1]) for f in ORIGINAL_FIELDS},
    }


def proposal_for_detail(user: Any, pk: int) -> Proposal:
    """The proposal with everything its detail shows, or NotFound when invisible to `user`.

    At most seven queries whatever the proposal's history (issue 3: a page at most 15 with the
    session and the signed-in user): the proposal with its settings, counts, id lists and original
    text in one; then proposers, and only the relations its state can have — assignments and
    replies once assigned, ratings once a reply was released, attachments when there are some.
    Relations that cannot exist yet are set empty without a query, so the access rules that
    iterate them (available actions) ask nothing more."""
    qs = (
        access.proposals_visible_to(user)
        .filter(pk=pk)
        .select_related(
            "category",
            "rejection_reason",
            "key",
            "committee__proposal_settings",
            "collective_participating_unit",
            "collective_special_committee",
            "collective_sector",
            "collective_activity_group",
        )
        .annotate(**_detail_annotations())
    )
    proposal = qs.first()
    if proposal is None:
        raise NotFound(_("提案不存在。"))
    assigned = proposal.assigned_at is not None
    attachments = vars(proposal)["attachment_count"]
    lookups = [
        Prefetch("proposers", queryset=Proposer.objects.select_related("person")),
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("unit") if assigned else Assignment.objects.none(),
        ),
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("assignment__unit") if assigned else Reply.objects.none(),
        ),
        Prefetch(
            "attachments",
            queryset=Attachment.objects.all() if attachments else Attachment.objects.none(),
        ),
    ]
    prefetch_related_objects([proposal], *lookups)
    # Ratings exist once a reply was released, and handling units are not shown them.
    rated = proposal.replied_at is not None and _sees_ratings(user, proposal)
    prefetch_related_objects(
        [proposal], Prefetch("ratings", queryset=Rating.objects.all() if rated else Rating.objects.none())
    )
    return proposal


def _sees_ratings(user: Any, p: Proposal) -> bool:
    """Proposers, the office and leaders see the ratings; a handling unit does not."""
    office = access.can_review(user, p) or access.sees_whole_committee(user)
    return office or not access.can_act_as_unit(user, p)


def conf_of(p: Proposal) -> ProposalSettings:
    """The proposal's committee settings: loaded with the detail, else read once."""
    try:
        if "committee" in p._state.fields_cache:
            return p.committee.proposal_settings
    except ProposalSettings.DoesNotExist:
        pass
    return settings_for(p.committee_id)


def merged_member_ids(p: Proposal) -> list[int]:
    """The proposals merged into `p` (a merge group's lead), from the detail's id list if loaded."""
    if "merged_member_ids" in vars(p):
        return sorted(vars(p)["merged_member_ids"] or [])
    return sorted(Proposal.objects.filter(merged_into=p).values_list("pk", flat=True))


def suggested_unit_ids(p: Proposal) -> list[int]:
    """The units the proposer suggested, from the detail's id list if loaded."""
    if "suggested_unit_ids" in vars(p):
        return sorted(vars(p)["suggested_unit_ids"] or [])
    return sorted(u.pk for u in p.suggested_units.all())


def available_actions(user: Any, proposal: Proposal) -> list[str]:
    """The actions `user` may try in the proposal's current state (their guards may still refuse)."""
    return [
        name
        for name, t in TRANSITIONS.items()
        if proposal.state in t.sources and getattr(access, t.permission)(user, proposal)
    ]


TITLE_FORM = re.compile(r"^关于.+的(建议|提案)$")


def proposal_warnings(p: Proposal, conf: ProposalSettings) -> list[str]:
    """Soft reminders that never block: the 案由 form and the length guide (rule 9)."""
    warnings = []
    if p.title and not TITLE_FORM.match(p.title):
        warnings.append(_("案由一般写作“关于×××的建议”。"))
    length = p.body_length
    if length and length < conf.body_soft_min_chars:
        warnings.append(
            _("正文约 %(n)d 字，建议 %(min)d 字以上。") % {"n": length, "min": conf.body_soft_min_chars}
        )
    if length > conf.body_soft_max_chars:
        warnings.append(
            _("正文约 %(n)d 字，建议不超过 %(max)d 字，一事一案。")
            % {"n": length, "max": conf.body_soft_max_chars}
        )
    return warnings


def detail(user: Any, p: Proposal) -> dict[str, Any]:
    """The detail shape (schemas.ProposalOut). Replies are shown to proposers once approved; contact
    data only to those who may see it; units see the replies of their own proposal."""
    conf = conf_of(p)
    data = summary(p, conf)
    office = access.can_review(user, p) or access.sees_whole_committee(user)
    is_unit = access.can_act_as_unit(user, p)
    replies = [r for r in p.replies.all() if r.approved_at is not None or office or is_unit]
    body = p.collective_body
    original = (
        {f: getattr(p, f"original_{f}") for f in ORIGINAL_FIELDS}
        if getattr(p, "original_title", None) is not None
        else _latest_original(p)
    )
    key: KeyProposal | None = getattr(p, "key", None) if hasattr(p, "key") else None
    data.update(
        background=p.background,
        analysis=p.analysis,
        suggestions=p.suggestions,
        collective_body=str(body) if body else None,
        handling_mode=p.handling_mode,
        merged_into_id=p.merged_into_id,
        merged_member_ids=merged_member_ids(p),
        rejection_reason=p.rejection_reason.label if p.rejection_reason else None,
        converted_to=p.converted_to,
        converted_report_id=converted_report_id(p),
        is_public=p.is_public,
        entered_on_behalf=p.entered_on_behalf_by_id is not None,
        cosign_due_on=p.cosign_due_on,
        rating_due_on=p.rating_due_on,
        suggested_unit_ids=suggested_unit_ids(p),
        proposers=[
            {
                "id": r.pk,
                "person_id": r.person_id,
                "name": r.person.name,
                "role": r.role,
                "status": r.status,
                "proposal_id": r.proposal_id,
            }
            for r in p.proposers.all()
        ],
        assignments=[
            {
                "id": a.pk,
                "unit_id": a.unit_id,
                "unit_name": a.unit.name,
                "role": a.role,
                "signed_at": a.signed_at,
                "reassign_until": a.reassign_until,
                "reassignment_decision": a.reassignment_decision,
                "reply_due_on": a.reply_due_on,
                "co_opinion_due_on": a.co_opinion_due_on,
                "co_opinion": a.co_opinion if (office or is_unit) else "",
                "extension_count": a.extension_count,
                "extension_requested_until": a.extension_requested_until,
                "extension_decision": a.extension_decision,
                "countersigned_at": a.countersigned_at,
            }
            for a in p.assignments.all()
            if a.is_active
        ],
        replies=[
            {
                "id": r.pk,
                "unit_id": r.assignment.unit_id,
                "unit_name": r.assignment.unit.name,
                "round": r.round,
                "text": r.text,
                "result_class": r.result_class,
                "proposed_class": r.proposed_class if (office or is_unit) else r.result_class,
                "signer": r.signer,
                "contact_name": r.contact_name,
                "contact_phone": r.contact_phone,
                "publicity": r.publicity,
                "has_letter": bool(r.letter),
                "approved_at": r.approved_at,
            }
            for r in replies
        ],
        ratings=[
            {
                "proposer_id": r.proposer_id,
                "round": r.round,
                "attitude": r.attitude,
                "result": r.result,
                "comment": r.comment,
                "no_response": r.no_response,
                "entered_by_staff": r.entered_by_staff,
            }
            for r in p.ratings.all()
        ]
        if _sees_ratings(user, p)
        else [],
        original=original,
        version_count=getattr(p, "version_count", None)
        if hasattr(p, "version_count")
        else ProposalVersion.objects.filter(proposal=p).count(),
        key=(
            {
                "status": key.status,
                "supervising_leader": key.supervising_leader,
                "mode": key.mode,
                "decided_on": key.decided_on,
            }
            if key
            else None
        ),
        available_actions=available_actions(user, p),
        warnings=proposal_warnings(p, conf),
    )
    return data


def converted_report_id(p: Proposal) -> int | None:
    """The draft 社情民意 report a proposal converted to it became (one query, only then)."""
    if p.converted_to != Proposal.ConvertedTo.OPINION_REPORT:
        return None
    return (
        OpinionReport.objects.filter(committee_id=p.committee_id, source=report_source(p.pk))
        .values_list("pk", flat=True)
        .first()
    )


def _latest_original(p: Proposal) -> dict[str, Any] | None:
    if hasattr(p, "original_title"):  # loaded for the detail: there is none
        return None
    row = (
        ProposalVersion.objects.filter(proposal=p, reason=ProposalVersion.Reason.ORIGINAL)
        .order_by("-number")
        .values(*ORIGINAL_FIELDS)
        .first()
    )
    return dict(row) if row else None


def proposal_events(proposal: Proposal) -> QuerySet[ProposalEvent]:
    """The proposal's timeline, oldest first, with each actor."""
    return ProposalEvent.objects.filter(proposal=proposal).select_related("actor")


# --- Review desk ----------------------------------------------------------------------------------

# Words too common in proposals to tell two apart.
STOP_TERMS = {
    "关于",
    "建议",
    "进一步",
    "加强",
    "推进",
    "提升",
    "完善",
    "加快",
    "推动",
    "我区",
    "我市",
    "问题",
    "工作",
}


def key_terms(title: str, limit: int = 6) -> list[str]:
    """Plain-text key terms of a title: overlapping 4-character pieces of its longest runs of
    characters, once the common frame (关于…的建议) and common words are dropped."""
    core = re.sub(r"^关于|的(建议|提案)$", "", title)
    for word in STOP_TERMS:
        core = core.replace(word, " ")
    runs = [r for r in re.split(r"[^\u4e00-\u9fffA-Za-z0-9]+", core) if len(r) >= 2]
    runs.sort(key=len, reverse=True)
    terms: list[str] = []
    for run in runs:
        pieces = [run] if len(run) <= 4 else [run[i : i + 4] for i in range(len(run) - 3)]
        for piece in pieces:
            if piece not in terms:
                terms.append(piece)
    return terms[:limit]


def review_desk(
    user: Any, *, session_id: int | None, limit: int = 50, after: int | None = None
) -> list[dict[str, Any]]:
    """Proposals waiting for review, each with up to five similar ones of the same session beside it
    (titles containing its key terms; the similarity capability's clusters go further)."""
    qs = access.proposals_visible_to(user).filter(state=State.SUBMITTED)
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    if after is not None:
        qs = qs.filter(pk__gt=after)
    queue = list(with_list_data(qs).order_by("pk")[:limit])
    if not queue:
        return []
    conf = settings_for(user.committee_id)
    terms_by_id = {p.pk: key_terms(p.title) for p in queue}
    # One query for the candidates: the titles of the queue's sessions (short rows, ~6,000 at
    # national size), matched against each proposal's key terms in memory. A LIKE per term over the
    # bodies took seconds per page at national scale (bench/proposals_bench.py).
    candidates: list[Proposal] = []
    if any(terms_by_id.values()):
        sessions = {p.session_id for p in queue}
        candidates = list(
            access.proposals_visible_to(user)
            .filter(session_id__in=sessions)
            .exclude(state__in=[State.DRAFT, State.WITHDRAWN])
            .only("pk", "title", "state", "number", "session_id")
            .order_by("-pk")[:20000]
        )
    rows = []
    for p in queue:
        terms = terms_by_id[p.pk]
        similar: list[dict[str, Any]] = []
        # One compiled alternation per proposal, stopping at five: ~7× faster than testing each term.
        pattern = re.compile("|".join(map(re.escape, terms))) if terms else None
        for c in candidates if pattern is not None else []:
            if c.pk != p.pk and c.session_id == p.session_id and pattern and pattern.search(c.title):
                similar.append({"id": c.pk, "title": c.title, "state": c.state, "number": c.number})
                if len(similar) == 5:
                    break
        rows.append({**summary(p, conf), "key_terms": terms, "similar": similar})
    return rows


# --- Due lists ------------------------------------------------------------------------------------


def open_assignments(user: Any) -> QuerySet[Assignment]:
    """Active lead and separate assignments still waiting for an approved reply, visible to `user`:
    the office sees its committee's, a unit its own."""
    approved = Reply.objects.filter(
        assignment_id=OuterRef("pk"), round=OuterRef("proposal__round"), approved_at__isnull=False
    )
    qs = Assignment.objects.filter(
        is_active=True,
        role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE),
        proposal__state__in=HANDLING_STATES,
        reply_due_on__isnull=False,
    ).exclude(Exists(approved))
    if access.sees_whole_committee(user):
        qs = qs.filter(proposal__committee_id=user.committee_id)
    elif access.is_business_user(user) and user.handling_unit_id and user.has_role(Role.UNIT_STAFF):
        qs = qs.filter(unit_id=user.handling_unit_id)
    else:
        return Assignment.objects.none()
    return qs.select_related("proposal", "unit").order_by("reply_due_on", "pk")


def due_lists(user: Any, *, today: dt.date) -> dict[str, list[Assignment]]:
    """Overdue and due-soon replies for a unit or the office (bounded to 200 rows each)."""
    if not access.is_business_user(user):
        return {"overdue": [], "due_soon": []}
    conf = settings_for(user.committee_id)
    soon = deadlines.due_soon_from(today=today, conf=conf)
    qs = open_assignments(user)
    return {
        "overdue": list(qs.filter(reply_due_on__lt=today)[:200]),
        "due_soon": list(qs.filter(reply_due_on__gte=today, reply_due_on__lte=soon)[:200]),
    }


# --- Statistics -----------------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _scope(committee_id: int, session_id: int | None, year: int | None) -> QuerySet[Proposal]:
    qs = Proposal.objects.filter(committee_id=committee_id, submitted_at__isnull=False)
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    if year is not None:
        qs = qs.filter(submitted_at__year=year)
    return qs


COUNTS = {
    "received": Count("pk", distinct=True),
    "filed": Count("pk", filter=Q(filed_at__isnull=False), distinct=True),
    "filed_after_merge": Count(
        "pk", filter=Q(filed_at__isnull=False) & ~Q(state=State.MERGED), distinct=True
    ),
    "merged_members": Count("pk", filter=Q(state=State.MERGED), distinct=True),
    "merged_groups": Count("merged_into", distinct=True),
    "converted": Count("pk", filter=Q(state=State.CONVERTED), distinct=True),
    "not_filed": Count("pk", filter=Q(state=State.NOT_FILED), distinct=True),
    "withdrawn": Count("pk", filter=Q(state=State.WITHDRAWN), distinct=True),
    "assigned": Count("pk", filter=Q(assigned_at__isnull=False), distinct=True),
    "replied": Count("pk", filter=Q(replied_at__isnull=False), distinct=True),
    "closed": Count("pk", filter=Q(state=State.CLOSED), distinct=True),
    "key_proposals": Count("pk", filter=Q(is_key=True), distinct=True),
}


# How the assigned proposals are handled (交办通知: "其中主办…会办…") and by how many units; totals only.
# Every count is distinct, so joining the assignments does not multiply the counts above.
_ACTIVE = Q(assignments__is_active=True)
HANDLING_COUNTS = {
    "units": Count("assignments__unit", filter=_ACTIVE, distinct=True),
    "lead_handled": Count("pk", filter=_ACTIVE & Q(assignments__role=Assignment.Role.LEAD), distinct=True),
    "separate_handled": Count(
        "pk", filter=_ACTIVE & Q(assignments__role=Assignment.Role.SEPARATE), distinct=True
    ),
    "with_co_units": Count("pk", filter=_ACTIVE & Q(assignments__role=Assignment.Role.CO), distinct=True),
    "co_assignments": Count(
        "assignments", filter=_ACTIVE & Q(assignments__role=Assignment.Role.CO), distinct=True
    ),
}


def _with_rates(row: dict[str, Any]) -> dict[str, Any]:
    row["reply_rate"] = _rate(row.get("replied", 0), row.get("assigned", 0))
    return row


def statistics(
    *,
    committee_id: int,
    session_id: int | None = None,
    year: int | None = None,
    breakdowns: bool = True,
) -> dict[str, Any]:
    """A session's or a year's figures (rule 37): received, filed (before and after merging), merged
    groups and members, converted, not filed, withdrawn, assigned (lead/co/separate split and units),
    replied, reply, on-time and close rates, the class mix, both satisfaction rates and overdue — in
    total and by unit, category (area), sector, participating unit and special committee (the totals
    alone with `breakdowns=False`)."""
    today = timezone.localdate()
    scope = _scope(committee_id, session_id, year)
    totals = _with_rates(scope.aggregate(**COUNTS, **HANDLING_COUNTS))
    totals["classes"] = dict(
        scope.filter(replied_at__isnull=False).values_list("result_class").annotate(n=Count("pk")).order_by()
    )
    replies = Reply.objects.filter(proposal__in=scope, round=1, approved_at__isnull=False)
    reply_counts = replies.aggregate(
        all=Count("pk"), on_time=Count("pk", filter=Q(approved_at__date__lte=F("assignment__reply_due_on")))
    )
    totals["on_time_rate"] = _rate(reply_counts["on_time"], reply_counts["all"])
    totals["replies_approved"], totals["on_time"] = reply_counts["all"], reply_counts["on_time"]
    totals["close_rate"] = _rate(totals["closed"], totals["assigned"])
    ratings = Rating.objects.filter(proposal__in=scope, round=F("proposal__round"), no_response=False)
    good = [Rating.Level.SATISFIED, Rating.Level.BASICALLY]
    r = ratings.aggregate(
        n=Count("pk"),
        attitude=Count("pk", filter=Q(attitude__in=good)),
        result=Count("pk", filter=Q(result__in=good)),
        no_response=Count("pk", filter=Q(no_response=True)),
    )
    totals["attitude_satisfaction_rate"] = _rate(r["attitude"], r["n"])
    totals["result_satisfaction_rate"] = _rate(r["result"], r["n"])
    totals["ratings"] = r["n"]
    approved_now = Reply.objects.filter(
        assignment_id=OuterRef("pk"), round=OuterRef("proposal__round"), approved_at__isnull=False
    )
    overdue = Assignment.objects.filter(
        proposal__in=scope,
        is_active=True,
        role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE),
        proposal__state__in=HANDLING_STATES,
        reply_due_on__lt=today,
    ).exclude(Exists(approved_now))
    totals["overdue"] = overdue.count()
    if not breakdowns:
        # Totals only, for comparisons across periods: the breakdowns below are most of the work.
        return {"session_id": session_id, "year": year, "totals": totals}

    def by(field: str, label: str) -> list[dict[str, Any]]:
        rows = scope.values(group_id=F(field), group_name=F(label)).annotate(**COUNTS).order_by("group_id")
        return [_with_rates(dict(row)) for row in rows]

    first = Q(proposers__role=Proposer.Role.FIRST)
    by_sector = (
        scope.filter(first)
        .values(
            group_id=F("proposers__membership__sector_id"),
            group_name=F("proposers__membership__sector__name"),
        )
        .annotate(**COUNTS)
        .order_by("group_id")
    )
    by_party = (
        scope.filter(first)
        .values(
            group_id=Coalesce(
                "collective_participating_unit_id", "proposers__membership__participating_unit_id"
            ),
            group_name=Coalesce(
                "collective_participating_unit__short_name",
                "proposers__membership__participating_unit__short_name",
            ),
        )
        .annotate(**COUNTS)
        .order_by("group_id")
    )
    by_unit = (
        Assignment.objects.filter(proposal__in=scope, is_active=True)
        .values(group_id=F("unit_id"), group_name=F("unit__name"))
        .annotate(
            assigned=Count("pk"),
            replied=Count(
                "pk", filter=Q(replies__approved_at__isnull=False, replies__round=1), distinct=True
            ),
            overdue=Count("pk", filter=Q(pk__in=overdue.values("pk")), distinct=True),
        )
        .order_by("group_id")
    )
    key = _with_rates(scope.filter(is_key=True).aggregate(**COUNTS))
    return {
        "session_id": session_id,
        "year": year,
        "totals": totals,
        "key": key,
        "by_category": by("category__parent_id", "category__parent__name") + by_leaf_areas(scope),
        "by_sector": [_with_rates(dict(row)) for row in by_sector],
        "by_participating_unit": [_with_rates(dict(row)) for row in by_party],
        "by_special_committee": by("collective_special_committee_id", "collective_special_committee__name"),
        "by_unit": _with_unit_performance(scope, [_with_rates(dict(row)) for row in by_unit]),
    }


def _with_unit_performance(scope: QuerySet[Proposal], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Adds to each unit's row what the unit itself answered for: its first-round replies on time
    (approved by the due date), its class mix, and the ratings of the proposals it led or replied
    to separately, as attitude and result satisfaction rates (rules 26, 27)."""
    replies = (
        Reply.objects.filter(
            proposal__in=scope, round=1, approved_at__isnull=False, assignment__is_active=True
        )
        .values("assignment__unit_id", "result_class")
        .annotate(
            n=Count("pk"), on_time=Count("pk", filter=Q(approved_at__date__lte=F("assignment__reply_due_on")))
        )
        .order_by()
    )
    good = [Rating.Level.SATISFIED, Rating.Level.BASICALLY]
    answering = Q(
        proposal__assignments__is_active=True,
        proposal__assignments__role__in=(Assignment.Role.LEAD, Assignment.Role.SEPARATE),
    )
    ratings = (
        Rating.objects.filter(proposal__in=scope, round=F("proposal__round"), no_response=False)
        .filter(answering)
        .values(unit_id=F("proposal__assignments__unit_id"))
        .annotate(
            n=Count("pk", distinct=True),
            attitude=Count("pk", filter=Q(attitude__in=good), distinct=True),
            result=Count("pk", filter=Q(result__in=good), distinct=True),
        )
        .order_by()
    )
    by_unit: dict[int, dict[str, Any]] = {}
    for row in replies:
        unit = by_unit.setdefault(row["assignment__unit_id"], {"answered": 0, "on_time": 0, "classes": {}})
        unit["answered"] += row["n"]
        unit["on_time"] += row["on_time"]
        unit["classes"][row["result_class"]] = row["n"]
    rated = {row["unit_id"]: row for row in ratings}
    for row in rows:
        unit = by_unit.get(row["group_id"], {"answered": 0, "on_time": 0, "classes": {}})
        r = rated.get(row["group_id"], {"n": 0, "attitude": 0, "result": 0})
        row["on_time"] = unit["on_time"]
        row["on_time_rate"] = _rate(unit["on_time"], unit["answered"])
        row["classes"] = unit["classes"]
        row["ratings"] = r["n"]
        row["attitude_satisfaction_rate"] = _rate(r["attitude"], r["n"])
        row["result_satisfaction_rate"] = _rate(r["result"], r["n"])
    return rows


def by_leaf_areas(scope: QuerySet[Proposal]) -> list[dict[str, Any]]:
    """Proposals filed directly under an area (no finer category), counted with that area."""
    rows = (
        scope.filter(category__isnull=False, category__parent__isnull=True)
        .values(group_id=F("category_id"), group_name=F("category__name"))
        .annotate(**COUNTS)
        .order_by("group_id")
    )
    return [_with_rates(dict(row)) for row in rows]


# --- 我的待办 -----------------------------------------------------------------------------------------


def todos_for(user: Any) -> list[Todo]:
    """Co-sign invitations and ratings due for members; sign-for and due replies for units; the
    review queue, requests and replies to approve for the proposal office."""
    if not access.is_business_user(user):
        return []
    items: list[Todo] = []
    today = timezone.localdate()
    visible = access.proposals_visible_to(user)
    if user.person_id:
        invited = Proposer.objects.filter(
            person_id=user.person_id,
            status=Proposer.Status.INVITED,
            proposal__state=State.SUBMITTED,
            proposal__committee_id=user.committee_id,
        ).filter(Q(proposal__cosign_due_on__isnull=True) | Q(proposal__cosign_due_on__gte=today))
        n = invited.count()
        if n:
            items.append(
                Todo(
                    title=_("有 %(n)d 件联名提案邀请待确认") % {"n": n},
                    url=proposal_url(state="submitted"),
                    kind="proposals",
                    count=n,
                    urgent=True,
                )
            )
        rated = Rating.objects.filter(
            proposal_id=OuterRef("proposal_id"), proposer_id=OuterRef("pk"), round=OuterRef("proposal__round")
        )
        rated_group = Rating.objects.filter(
            proposal_id=OuterRef("proposal__merged_into_id"), proposer_id=OuterRef("pk")
        )
        to_rate = (
            Proposer.objects.filter(person_id=user.person_id, status=Proposer.Status.CONFIRMED)
            .filter(
                Q(proposal__state=State.REPLIED)
                | Q(proposal__state=State.MERGED, proposal__merged_into__state=State.REPLIED)
            )
            .exclude(Exists(rated))
            .exclude(Exists(rated_group))
        )
        n = to_rate.count()
        if n:
            items.append(
                Todo(
                    title=_("有 %(n)d 件提案答复待您评价") % {"n": n},
                    url=proposal_url(state="replied"),
                    kind="proposals",
                    count=n,
                    urgent=True,
                )
            )
        returned = visible.filter(state=State.RETURNED).count()
        if returned:
            items.append(
                Todo(
                    title=_("有 %(n)d 件提案被退回修改") % {"n": returned},
                    url=proposal_url(state="returned"),
                    kind="proposals",
                    count=returned,
                )
            )
    if user.handling_unit_id and user.has_role(Role.UNIT_STAFF):
        mine = Assignment.objects.filter(unit_id=user.handling_unit_id, is_active=True)
        unsigned = mine.filter(
            signed_at__isnull=True, proposal__state__in=[State.ASSIGNED, State.REASSIGNMENT_REQUESTED]
        ).count()
        if unsigned:
            items.append(
                Todo(
                    title=_("有 %(n)d 件交办提案待签收") % {"n": unsigned},
                    url=proposal_url(unit=user.handling_unit_id, state="assigned"),
                    kind="proposals",
                    count=unsigned,
                    urgent=True,
                )
            )
        co_due = mine.filter(
            role=Assignment.Role.CO, co_opinion_at__isnull=True, proposal__state=State.IN_HANDLING
        ).count()
        if co_due:
            items.append(
                Todo(
                    title=_("有 %(n)d 件提案待提交会办意见") % {"n": co_due},
                    url=proposal_url(unit=user.handling_unit_id, state="in_handling"),
                    kind="proposals",
                    count=co_due,
                )
            )
        countersign = (
            mine.filter(role=Assignment.Role.CO, proposal__state=State.REPLY_DRAFTED)
            .exclude(
                Exists(
                    Reply.objects.filter(
                        proposal_id=OuterRef("proposal_id"),
                        round=OuterRef("proposal__round"),
                        pk=OuterRef("countersigned_reply_id"),
                    )
                )
            )
            .count()
        )
        if countersign:
            items.append(
                Todo(
                    title=_("有 %(n)d 件提案答复待会签") % {"n": countersign},
                    url=proposal_url(unit=user.handling_unit_id, state="reply_drafted"),
                    kind="proposals",
                    count=countersign,
                )
            )
    lists = (
        due_lists(user, today=today) if (user.handling_unit_id or access.is_proposal_office(user)) else None
    )
    if lists and lists["overdue"]:
        n = len(lists["overdue"])
        items.append(
            Todo(
                title=_("有 %(n)d 件提案答复已逾期") % {"n": n},
                url=proposal_url(state="in_handling"),
                kind="proposals",
                count=n,
                urgent=True,
                due=lists["overdue"][0].reply_due_on,
            )
        )
    if lists and lists["due_soon"]:
        n = len(lists["due_soon"])
        items.append(
            Todo(
                title=_("有 %(n)d 件提案答复即将到期") % {"n": n},
                url=proposal_url(state="in_handling"),
                kind="proposals",
                count=n,
                due=lists["due_soon"][0].reply_due_on,
            )
        )
    if access.is_proposal_office(user):
        committee = Proposal.objects.filter(committee_id=user.committee_id)
        co_units = Assignment.objects.filter(
            proposal_id=OuterRef("pk"), role=Assignment.Role.CO, is_active=True
        )
        counts = committee.aggregate(
            review=Count("pk", filter=Q(state=State.SUBMITTED)),
            requests=Count("pk", filter=Q(state=State.REASSIGNMENT_REQUESTED)),
            extensions=Count(
                "pk",
                filter=Q(
                    state=State.IN_HANDLING,
                    assignments__extension_decision=Assignment.Decision.PENDING,
                    assignments__is_active=True,
                ),
                distinct=True,
            ),
            approve=Count(
                "pk",
                filter=Q(state=State.REPLY_COUNTERSIGNED)
                | (Q(state=State.REPLY_DRAFTED) & ~Exists(co_units)),
                distinct=True,
            ),
            close=Count("pk", filter=Q(state=State.EVALUATED)),
        )
        labels = [
            ("review", _("有 %(n)d 件提案待审查"), "submitted"),
            ("requests", _("有 %(n)d 件调整承办单位申请待审批"), "reassignment_requested"),
            ("extensions", _("有 %(n)d 件延期申请待审批"), "in_handling"),
            ("approve", _("有 %(n)d 件答复待审核"), "reply_countersigned"),
            ("close", _("有 %(n)d 件提案已评价，待办结"), "evaluated"),
        ]
        for key, label, state in labels:
            if counts[key]:
                items.append(
                    Todo(
                        title=label % {"n": counts[key]},
                        url=proposal_url(state=state),
                        kind="proposals",
                        count=counts[key],
                    )
                )
    return items


def filed_count(committee_id: int, session_id: int | None) -> int:
    """Filed proposals (of a session, if given): the base of the key and excellent shares."""
    qs = Proposal.objects.filter(committee_id=committee_id, state__in=FILED_STATES)
    if session_id is not None:
        qs = qs.filter(session_id=session_id)
    return qs.count()


def share_guide(filed: int, percent: int) -> int:
    """About `percent` of `filed`, rounded half up: the size the nomination list aims at (rules 32, 36)."""
    return (filed * percent + 50) // 100


def key_proposals(user: Any, *, session_id: int | None) -> dict[str, Any]:
    """The key-proposal list (candidates and decisions) with the share guide (about 6% of filed)."""
    conf = settings_for(user.committee_id)
    rows = (
        KeyProposal.objects.filter(proposal__in=access.proposals_visible_to(user))
        .select_related("proposal")
        .order_by("proposal__number", "proposal_id")
    )
    if session_id is not None:
        rows = rows.filter(proposal__session_id=session_id)
    filed = filed_count(user.committee_id, session_id)
    return {
        "filed": filed,
        "guide": share_guide(filed, conf.key_share_percent),
        "items": [
            {
                "proposal_id": k.proposal_id,
                "number_display": display_number(k.proposal.number, conf.number_format),
                "title": k.proposal.title,
                "status": k.status,
                "supervising_leader": k.supervising_leader,
                "mode": k.mode,
                "decided_on": k.decided_on,
            }
            for k in rows[:500]
        ],
    }


def excellent_list(user: Any, *, year: int) -> dict[str, Any]:
    """The year's excellent-proposal nominations and selections, with the share guide (about 5% of
    the proposals closed that year)."""
    conf = settings_for(user.committee_id)
    rows = (
        ExcellentNomination.objects.filter(year=year, proposal__in=access.proposals_visible_to(user))
        .select_related("proposal")
        .order_by("proposal__number", "proposal_id")
    )
    closed = Proposal.objects.filter(committee_id=user.committee_id, closed_at__year=year).count()
    return {
        "year": year,
        "closed": closed,
        "guide": share_guide(closed, conf.excellent_share_percent),
        "items": [
            {
                "proposal_id": n.proposal_id,
                "number_display": display_number(n.proposal.number, conf.number_format),
                "title": n.proposal.title,
                "status": n.status,
                "reason": n.reason,
            }
            for n in rows[:500]
        ],
    }


def notifications_for(user: Any, *, unread_only: bool, after: int | None, limit: int) -> list[Notification]:
    """The user's proposal notices, newest first (keyset by descending id)."""
    qs = Notification.objects.filter(recipient_id=getattr(user, "pk", None)).order_by("-pk")
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    if after is not None:
        qs = qs.filter(pk__lt=after)
    return list(qs[:limit])


# --- Choices for the pages' forms (one query each, whatever the number of forms on a page) --------


def unit_choices(committee_id: int) -> list[tuple[int, str]]:
    """The committee's active handling units, by name."""
    from tongxin.org.models import HandlingUnit

    return list(
        HandlingUnit.objects.filter(committee_id=committee_id, is_active=True)
        .order_by("name")
        .values_list("pk", "name")
    )


def category_choices(committee_id: int) -> list[tuple[int, str]]:
    """The committee's proposal categories; finer ones shown under their area."""
    from .models import ProposalCategory

    rows = ProposalCategory.objects.filter(committee_id=committee_id, is_active=True).select_related("parent")
    return [(c.pk, f"{c.parent.name} · {c.name}" if c.parent else c.name) for c in rows.order_by("pk")]


def reason_choices(committee_id: int) -> list[tuple[str, str]]:
    """The committee's reasons not to file (rule 13)."""
    from .models import RejectionReason

    rows = RejectionReason.objects.filter(committee_id=committee_id, is_active=True).order_by("code")
    return [(r.code, f"{r.code} {r.label}") for r in rows]


def member_choices(committee_id: int, *, exclude_person_id: int | None) -> list[tuple[int, str]]:
    """Serving members of the committee's current term who may be invited to co-sign, by name."""
    from tongxin.members.models import Membership
    from tongxin.members.workflow import MembershipStatus

    rows = (
        Membership.objects.filter(
            term__committee_id=committee_id, term__is_current=True, status=MembershipStatus.ACTIVE
        )
        .exclude(person_id=exclude_person_id or 0)
        .order_by("person__name")
        .values_list("person_id", "person__name")
    )
    return list(rows[:2000])


def session_choices(committee_id: int) -> list[Any]:
    """The committee's plenary sessions, newest first."""
    from tongxin.org.models import PlenarySession

    return list(
        PlenarySession.objects.filter(term__committee_id=committee_id)
        .select_related("term__committee")  # a session's name includes its term's and committee's
        .order_by("-pk")
    )


def timeline(proposal: Proposal) -> list[dict[str, Any]]:
    """The proposal's events shaped for components/timeline.html (labels of actions and states)."""
    labels = {name: t.label for name, t in TRANSITIONS.items()}
    labels.update(create=_("创建草稿"), edit=_("修改草稿"), review_edit=_("审查修改"))
    states = dict(State.choices)
    return [
        {
            "created_at": e.created_at,
            "actor": e.actor.full_name if e.actor else None,
            "name": e.name,
            "label": labels.get(e.name, e.name),
            "from_state": e.from_state,
            "to_state": e.to_state,
            "from_state_label": states.get(e.from_state, e.from_state),
            "to_state_label": states.get(e.to_state, e.to_state),
            "note": e.note,
        }
        for e in proposal_events(proposal).order_by("pk")[:500]
    ]


def assignment_list_rows(user: Any, *, session_id: int) -> list[dict[str, Any]]:
    """The 交办清单 of a session: number, title, proposers, lead, co-units and due date of every
    assigned proposal the office sees, in number order."""
    conf = settings_for(user.committee_id)
    qs = with_list_data(
        access.proposals_visible_to(user)
        .filter(session_id=session_id, assignments__is_active=True)
        .distinct()
    ).order_by("number", "pk")
    rows = []
    for p in qs[:10000]:
        active = [a for a in p.assignments.all() if a.is_active]
        lead = [a.unit.name for a in active if a.role in (Assignment.Role.LEAD, Assignment.Role.SEPARATE)]
        co = [a.unit.name for a in active if a.role == Assignment.Role.CO]
        due = min((a.reply_due_on for a in active if a.reply_due_on), default=None)
        rows.append(
            {
                "id": p.pk,
                "number_display": display_number(p.number, conf.number_format),
                "title": p.title,
                "proposers": "、".join(summary(p, conf)["proposer_names"]),
                "lead": "、".join(lead),
                "co_units": "、".join(co),
                "due_on": due,
            }
        )
    return rows
