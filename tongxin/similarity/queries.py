"""Reads: similar proposals, 并案 clusters, copies, unit suggestions and full-text search.

The engine answers ids; every list is then cut down to what the caller may read through the owning
app's visibility function, so an index that holds drafts and other people's proposals never leaks them.
Reply contacts (contact_name, contact_phone) are never read here: only the reply's text gist.
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import BooleanField, Count, Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from tongxin.meetings.models import Meeting
from tongxin.meetings.queries import meetings_visible_to
from tongxin.opinions.access import opinions_visible_to
from tongxin.opinions.models import OpinionReport
from tongxin.org.models import HandlingUnit, PlenarySession
from tongxin.proposals.access import proposals_visible_to
from tongxin.proposals.models import Assignment, Proposal, Reply
from tongxin.proposals.workflow import State
from tongxin.textsim import find_copies
from tongxin.textsim.clusters import CLUSTER_THRESHOLD, clusters_from_index

from . import indexes
from .access import can_use_similarity, readable_proposals, readable_replies_filter

GIST_CHARS = 80
# The engine is asked for more than it shows, since visibility removes some of its answers.
OVERFETCH = 5
# States whose proposals the review desk may still merge (the merge transition's sources).
MERGEABLE = (State.SUBMITTED, State.FILED)


@dataclass
class SimilarItem:
    """One similar proposal as shown to a user: never its proposers' contact data."""

    proposal: Proposal
    score: float
    year: int
    reply_gist: str = ""


def _readable_replies(user: Any) -> Any:
    """The approved replies `user` may read (a 不公开 reply only for those who may read its proposal)."""
    return Prefetch(
        "replies", queryset=Reply.objects.filter(readable_replies_filter(user)).order_by("-round", "-pk")
    )


def _gist(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= GIST_CHARS else text[:GIST_CHARS] + "…"


def _visible_items(user: Any, hits: Iterable[tuple[Any, float]], k: int) -> list[SimilarItem]:
    hits = list(hits)
    ids = [int(pk) for pk, _score in hits]
    found = {
        p.pk: p
        for p in readable_proposals(user)
        .filter(pk__in=ids)
        .select_related("session__term")
        .prefetch_related(_readable_replies(user))
    }
    items: list[SimilarItem] = []
    for pk, score in hits:
        p = found.get(int(pk))
        if p is None:
            continue
        when = p.submitted_at or p.created_at
        replies = list(p.replies.all())
        items.append(SimilarItem(p, round(score, 3), when.year, _gist(replies[0].text) if replies else ""))
        if len(items) >= k:
            break
    return items


def similar_for_text(
    *, user: Any, title: str, body: str, exclude: int | None = None, k: int = 8
) -> list[SimilarItem]:
    """The proposals most similar to a draft's text that `user` may read, best first."""
    if not can_use_similarity(user) or not (title.strip() or body.strip()):
        return []
    index = indexes.get(user.committee_id)
    hits = index.query(title, body, k=k * OVERFETCH, exclude=exclude)
    return _visible_items(user, hits, k)


def similar_for_proposal(*, user: Any, proposal: Proposal, k: int = 8) -> list[SimilarItem]:
    """The proposals most similar to a stored proposal that `user` may read (itself excluded)."""
    return similar_for_text(
        user=user, title=proposal.title, body=indexes.proposal_body(proposal), exclude=proposal.pk, k=k
    )


# --- 并案 clusters and copies ---------------------------------------------------------------------


@dataclass
class ClusterView:
    """A merge suggestion: members (lead first), their scores, and the lead the office would merge into."""

    members: list[Proposal]
    mean_score: float
    centroid_scores: dict[int, float]
    lead: Proposal | None
    pair_scores: list[tuple[int, int, float]] = field(default_factory=list)

    @property
    def rows(self) -> list[tuple[Proposal, float]]:
        """Members with their score to the group's centroid, lead first."""
        return [(p, self.centroid_scores[p.pk]) for p in self.members]


def _session_proposals(session: PlenarySession) -> QuerySet[Proposal]:
    return Proposal.objects.filter(session_id=session.pk, state__in=MERGEABLE, merged_into__isnull=True)


def _cluster_view(proposals: dict[int, Proposal], c: Any) -> ClusterView | None:
    """One engine cluster as the desk shows it, over the members that are still mergeable."""
    members = sorted(
        (proposals[int(pk)] for pk in c["members"] if int(pk) in proposals),
        key=lambda p: -c["centroid"][p.pk],
    )
    if len(members) < 2:
        return None
    # The lead must already be filed (proposals workflow, merge): the filed member closest to the
    # group's centroid, so the merged proposal is answered on its most representative text.
    filed = [p for p in members if p.state == State.FILED]
    lead = filed[0] if filed else None
    if lead is not None:
        members.remove(lead)
        members.insert(0, lead)
    return ClusterView(members, c["mean"], {p.pk: c["centroid"][p.pk] for p in members}, lead, c["pairs"])


def _compute_clusters(session: PlenarySession, ids: list[int], threshold: float) -> list[dict[str, Any]]:
    index = indexes.get(session.term.committee_id)
    out = []
    for c in clusters_from_index(index, [pk for pk in ids if pk in index], threshold=threshold):
        out.append(
            {
                "members": [int(pk) for pk in c.members],
                "mean": round(c.mean_pair_score, 3),
                "centroid": {int(k): round(v, 3) for k, v in c.centroid_scores.items()},
                "pairs": [
                    (int(a), int(b), s) for (a, b), s in sorted(c.pair_scores.items(), key=lambda kv: -kv[1])
                ],
            }
        )
    return out


@dataclass
class SessionClusters:
    """The desk's clusters and when they were computed (they are cached: see session_clusters)."""

    clusters: list[ClusterView]
    computed_at: datetime.datetime
    cached: bool


CLUSTER_CACHE_SECONDS = 24 * 3600


def _cluster_key(session: PlenarySession, threshold: float) -> str:
    """Changes whenever a session proposal's text changes or a proposal is submitted (each writes a
    ProposalVersion) and when the index is rebuilt (new idf). Filing, merging or withdrawing does not
    change it: members that are no longer mergeable are dropped when the result is shown."""
    newest = (
        Proposal.objects.filter(session_id=session.pk)
        .exclude(state=State.DRAFT)
        .aggregate(v=Max("versions__pk"), n=Count("pk", distinct=True))
    )
    index = indexes.get(session.term.committee_id)
    return f"similarity:clusters:{session.pk}:{newest['n']}:{newest['v']}:{index.n_at_build}:{threshold}"


def session_clusters(
    *, session: PlenarySession, threshold: float = CLUSTER_THRESHOLD, refresh: bool = False
) -> SessionClusters:
    """Merge-candidate clusters (sizes 2..9, average link) among the session's mergeable proposals.
    Computing them takes seconds at national scale, so the result is cached per session text version
    and index build; `refresh` (the desk's 重新计算) computes again."""
    key = _cluster_key(session, threshold)
    stored = None if refresh else cache.get(key)
    cached = stored is not None
    if stored is None:
        ids = sorted(_session_proposals(session).values_list("pk", flat=True))
        stored = {
            "at": timezone.now(),
            "clusters": _compute_clusters(session, ids, threshold) if len(ids) > 1 else [],
        }
        cache.set(key, stored, CLUSTER_CACHE_SECONDS)
    wanted = {int(pk) for c in stored["clusters"] for pk in c["members"]}
    proposals = {p.pk: p for p in _session_proposals(session).filter(pk__in=wanted).select_related("session")}
    views = [v for v in (_cluster_view(proposals, c) for c in stored["clusters"]) if v is not None]
    return SessionClusters(views, stored["at"], cached)


@dataclass
class CopyFlag:
    """Two proposals of a session whose bodies are substantially the same text."""

    a: Proposal
    b: Proposal
    containment: float
    jaccard: float
    kind: str


def copies_for_session(session: PlenarySession) -> list[CopyFlag]:
    """Near-identical submissions in a session (whole-body 3-gram containment ≥ 0.6, textsim copies)."""
    proposals = {
        p.pk: p
        for p in Proposal.objects.filter(session_id=session.pk)
        .exclude(state__in=(State.DRAFT, State.WITHDRAWN))
        .order_by("pk")
    }
    pairs = find_copies((p.pk, p.title, indexes.proposal_body(p)) for p in proposals.values())
    return [
        CopyFlag(proposals[int(c.a)], proposals[int(c.b)], c.containment, c.jaccard, c.kind) for c in pairs
    ]


# --- handling-unit suggestions --------------------------------------------------------------------


@dataclass
class UnitSuggestion:
    """A unit ranked by what it handled for similar past proposals, with those proposals as the reason."""

    unit: HandlingUnit
    score: float
    lead_count: int
    co_count: int
    proposals: list[tuple[Proposal, float]]


# A co-unit (会办) contributed less than the lead or a separate unit that answered.
ROLE_WEIGHT: dict[str, float] = {
    Assignment.Role.LEAD: 1.0,
    Assignment.Role.SEPARATE: 1.0,
    Assignment.Role.CO: 0.5,
}


def unit_suggestions(
    *, user: Any, proposal: Proposal, k: int = 5, neighbours: int = 20
) -> list[UnitSuggestion]:
    """Units ranked by similarity-weighted past assignments for proposals like this one."""
    index = indexes.get(proposal.committee_id)
    hits = index.query(proposal.title, indexes.proposal_body(proposal), k=neighbours, exclude=proposal.pk)
    scores = {int(pk): s for pk, s in hits}
    past = (
        proposals_visible_to(user)
        .filter(pk__in=scores)
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=Assignment.objects.filter(replaced_by__isnull=True).select_related("unit"),
            )
        )
    )
    ranked: dict[int, UnitSuggestion] = {}
    for p in past:
        seen: set[int] = set()
        for a in p.assignments.all():
            if a.unit_id in seen or not a.unit.is_active:
                continue
            seen.add(a.unit_id)
            s = ranked.setdefault(a.unit_id, UnitSuggestion(a.unit, 0.0, 0, 0, []))
            s.score += scores[p.pk] * ROLE_WEIGHT.get(a.role, 0.5)
            if a.role == Assignment.Role.CO:
                s.co_count += 1
            else:
                s.lead_count += 1
            s.proposals.append((p, round(scores[p.pk], 3)))
    out = sorted(ranked.values(), key=lambda s: (-s.score, s.unit.pk))[:k]
    for s in out:
        s.score = round(s.score, 3)
        s.proposals.sort(key=lambda ps: -ps[1])
    return out


# --- full-text search -----------------------------------------------------------------------------

KINDS = ("proposal", "reply", "opinion", "meeting")
MAX_TERMS = 5
_SPLIT = re.compile(r"[\s,，;；、。]+")


def search_terms(q: str) -> list[str]:
    """The query's terms: whitespace or punctuation separated, each matched as a substring (Chinese
    needs no segmentation for this: a term such as 公厕 matches wherever those characters occur)."""
    terms = [t for t in _SPLIT.split(q.strip()) if t]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def highlight(text: str, terms: list[str], width: int = 60) -> SafeString:
    """An escaped snippet around the first match with every term wrapped in <mark>."""
    text = " ".join((text or "").split())
    lowered = text.lower()
    first = min((i for i in (lowered.find(t.lower()) for t in terms) if i >= 0), default=0)
    start = max(0, first - width // 3)
    snippet = text[start : start + width]
    pattern = re.compile("|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)), re.IGNORECASE)
    out: list[str] = ["…" if start else ""]
    pos = 0
    for m in pattern.finditer(snippet) if terms else ():
        out.append(html.escape(snippet[pos : m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(snippet[pos:]))
    if start + width < len(text):
        out.append("…")
    return mark_safe("".join(out))  # noqa: S308 - every piece of user text above is escaped


# The text the PostgreSQL bigram index covers (migration 0001_search_bigrams); the same expression here
# lets the planner use it.
BIGRAM_TEXT = (
    'tongxin_bigrams("proposals_proposal"."title" || \' \' || "proposals_proposal"."background" || \' \' || '
    '"proposals_proposal"."analysis" || \' \' || "proposals_proposal"."suggestions")'
)


def uses_bigram_index(terms: list[str]) -> bool:
    """Whether the bigram index helps (bench/similarity_bench.py, 100,000 proposals): yes for a term of
    three or more characters or for two terms together; not for one two-character term, usually a
    common word, whose candidates are a large part of the table, while the scan in id order stops
    after the first page."""
    return any(len(t) >= 3 for t in terms) or sum(len(t) >= 2 for t in terms) >= 2


def search_prefilter(proposals: QuerySet[Proposal], terms: list[str]) -> QuerySet[Proposal]:
    """On PostgreSQL, candidates from the character-bigram GIN index: every bigram of every term of two
    or more characters must occur; the exact substring match follows. Elsewhere (SQLite) nothing:
    the match is a LIKE scan."""
    if connection.vendor != "postgresql" or not uses_bigram_index(terms):
        return proposals
    for t in terms:
        if len(t) >= 2:
            proposals = proposals.filter(
                RawSQL(f"{BIGRAM_TEXT} @> tongxin_bigrams(%s)", [t], output_field=BooleanField())  # noqa: S611
            )
    return proposals


def _all_terms(fields: tuple[str, ...], terms: list[str]) -> Q:
    cond = Q()
    for t in terms:
        any_field = Q()
        for f in fields:
            any_field |= Q(**{f"{f}__icontains": t})
        cond &= any_field
    return cond


PROPOSAL_FIELDS = ("title", "background", "analysis", "suggestions")
OPINION_FIELDS = ("title", "situation", "analysis", "suggestions", "edited_title", "edited_suggestions")
# A meeting's minutes and outcomes are read by whoever may open the meeting (meetings' detail page).
MEETING_FIELDS = ("title", "notice", "minutes", "outcomes")


@dataclass
class SearchFilters:
    """Parsed search input: the text and the filters of the search page and API."""

    q: str
    kind: str = "proposal"
    session_id: int | None = None
    state: str = ""
    unit_id: int | None = None


def search(*, user: Any, filters: SearchFilters) -> QuerySet[Any]:
    """Rows of one kind matching every term, restricted to what `user` may read (id order for paging)."""
    terms = search_terms(filters.q)
    if not can_use_similarity(user) or not terms:
        return Proposal.objects.none()
    if filters.kind == "opinion":
        opinions = opinions_visible_to(user).filter(_all_terms(OPINION_FIELDS, terms))
        if filters.state:
            opinions = opinions.filter(state=filters.state)
        # Opinion reports have no session or handling unit: those filters leave none.
        if filters.session_id or filters.unit_id:
            return opinions.none()
        return opinions
    if filters.kind == "meeting":
        meetings = meetings_visible_to(user).filter(_all_terms(MEETING_FIELDS, terms))
        if filters.state:
            meetings = meetings.filter(state=filters.state)
        if filters.session_id or filters.unit_id:
            return meetings.none()
        return meetings.select_related("kind", "term")
    visible = readable_proposals(user)
    if filters.session_id:
        visible = visible.filter(session_id=filters.session_id)
    if filters.state:
        visible = visible.filter(state=filters.state)
    if filters.kind == "reply":
        replies = Reply.objects.filter(readable_replies_filter(user), _all_terms(("text",), terms))
        if filters.unit_id:
            replies = replies.filter(assignment__unit_id=filters.unit_id)
        return replies.filter(proposal__in=visible.values("pk")).select_related(
            "proposal", "assignment__unit"
        )
    if filters.unit_id:
        visible = visible.filter(
            Exists(Assignment.objects.filter(proposal_id=OuterRef("pk"), unit_id=filters.unit_id))
        )
    matching = search_prefilter(visible, terms).filter(_all_terms(PROPOSAL_FIELDS, terms))
    return matching.select_related("session")


def search_hits(user: Any, rows: list[Any], terms: list[str]) -> list[dict[str, Any]]:
    """The page of results as the page and API show them: kind, id, title, link and highlight. A
    proposal read only because it is public has no link (its page is for those who may open it)."""
    proposal_ids = {
        r.pk if isinstance(r, Proposal) else r.proposal_id for r in rows if isinstance(r, Proposal | Reply)
    }
    openable = (
        set(proposals_visible_to(user).filter(pk__in=proposal_ids).values_list("pk", flat=True))
        if proposal_ids
        else set()
    )

    def proposal_url(pk: int) -> str:
        return reverse("proposals:detail", args=[pk]) if pk in openable else ""

    hits = []
    for row in rows:
        if isinstance(row, Reply):
            hit = {
                "kind": "reply",
                "id": row.pk,
                "proposal_id": row.proposal_id,
                "title": row.proposal.title,
                "unit": row.assignment.unit.name,
                "url": proposal_url(row.proposal_id),
                "highlight": highlight(row.text, terms),
            }
        elif isinstance(row, OpinionReport):
            text = " ".join([row.edited_title or row.title, row.situation, row.analysis, row.suggestions])
            hit = {
                "kind": "opinion",
                "id": row.pk,
                "proposal_id": None,
                "title": row.edited_title or row.title,
                "unit": "",
                "url": reverse("opinions:detail", args=[row.pk]),
                "highlight": highlight(text, terms),
            }
        elif isinstance(row, Meeting):
            text = " ".join([row.title, row.notice, row.minutes, row.outcomes])
            hit = {
                "kind": "meeting",
                "id": row.pk,
                "proposal_id": None,
                "title": row.title,
                "unit": row.kind.name,
                "url": reverse("meetings:detail", args=[row.pk]),
                "highlight": highlight(text, terms),
            }
        else:
            text = " ".join([row.title, row.background, row.analysis, row.suggestions])
            hit = {
                "kind": "proposal",
                "id": row.pk,
                "proposal_id": row.pk,
                "title": row.title,
                "unit": "",
                "url": proposal_url(row.pk),
                "highlight": highlight(text, terms),
            }
        hits.append(hit)
    return hits
