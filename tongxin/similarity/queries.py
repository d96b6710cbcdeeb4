"""Reads: similar proposals, 并案 clusters, copies, unit suggestions and full-text search.

The engine answers ids; every list is then cut down to what the caller may read through the owning
app's visibility function, so an index that holds drafts and other people's proposals never leaks them.
Reply contacts (contact_name, contact_phone) are never read here: only the reply's text gist.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe

from tongxin.opinions.access import opinions_visible_to
from tongxin.opinions.models import OpinionReport
from tongxin.org.models import HandlingUnit, PlenarySession
from tongxin.proposals.access import proposals_visible_to
from tongxin.proposals.models import Assignment, Proposal, Reply
from tongxin.proposals.workflow import State
from tongxin.textsim import find_copies
from tongxin.textsim.clusters import CLUSTER_THRESHOLD, clusters_from_index

from . import indexes
from .access import can_use_similarity

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


def _approved_replies() -> Any:
    return Prefetch(
        "replies", queryset=Reply.objects.filter(approved_at__isnull=False).order_by("-round", "-pk")
    )


def _gist(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= GIST_CHARS else text[:GIST_CHARS] + "…"


def _visible_items(user: Any, hits: Iterable[tuple[Any, float]], k: int) -> list[SimilarItem]:
    hits = list(hits)
    ids = [int(pk) for pk, _score in hits]
    found = {
        p.pk: p
        for p in proposals_visible_to(user)
        .filter(pk__in=ids)
        .select_related("session__term")
        .prefetch_related(_approved_replies())
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


def session_clusters(*, session: PlenarySession, threshold: float = CLUSTER_THRESHOLD) -> list[ClusterView]:
    """Merge-candidate clusters (sizes 2..9, average link) among the session's mergeable proposals."""
    proposals = {p.pk: p for p in _session_proposals(session).select_related("session")}
    if len(proposals) < 2:
        return []
    index = indexes.get(session.term.committee_id)
    ids = [pk for pk in sorted(proposals) if pk in index]
    views: list[ClusterView] = []
    for c in clusters_from_index(index, ids, threshold=threshold):
        members = sorted((proposals[int(pk)] for pk in c.members), key=lambda p: -c.centroid_scores[p.pk])
        # The lead must already be filed (proposals workflow, merge): the filed member closest to the
        # group's centroid, so the merged proposal is answered on its most representative text.
        filed = [p for p in members if p.state == State.FILED]
        lead = filed[0] if filed else None
        if lead is not None:
            members.remove(lead)
            members.insert(0, lead)
        pairs = [(int(a), int(b), s) for (a, b), s in sorted(c.pair_scores.items(), key=lambda kv: -kv[1])]
        views.append(
            ClusterView(
                members,
                round(c.mean_pair_score, 3),
                {int(k): round(v, 3) for k, v in c.centroid_scores.items()},
                lead,
                pairs,
            )
        )
    return views


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

KINDS = ("proposal", "reply", "opinion")
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
    visible = proposals_visible_to(user)
    if filters.session_id:
        visible = visible.filter(session_id=filters.session_id)
    if filters.state:
        visible = visible.filter(state=filters.state)
    if filters.unit_id:
        visible = visible.filter(
            Exists(Assignment.objects.filter(proposal_id=OuterRef("pk"), unit_id=filters.unit_id))
        )
    if filters.kind == "reply":
        # Only approved replies: a draft reply is the unit's working text, not yet an answer.
        return Reply.objects.filter(
            _all_terms(("text",), terms), approved_at__isnull=False, proposal__in=visible
        ).select_related("proposal", "assignment__unit")
    return visible.filter(_all_terms(PROPOSAL_FIELDS, terms)).select_related("session")


def search_hit(row: Any, terms: list[str]) -> dict[str, Any]:
    """One search result as the page and API show it: kind, id, title, link target and highlight."""
    if isinstance(row, Reply):
        return {
            "kind": "reply",
            "id": row.pk,
            "proposal_id": row.proposal_id,
            "title": row.proposal.title,
            "unit": row.assignment.unit.name,
            "highlight": highlight(row.text, terms),
        }
    if isinstance(row, OpinionReport):
        text = " ".join([row.edited_title or row.title, row.situation, row.analysis, row.suggestions])
        return {
            "kind": "opinion",
            "id": row.pk,
            "proposal_id": None,
            "title": row.edited_title or row.title,
            "unit": "",
            "highlight": highlight(text, terms),
        }
    text = " ".join([row.title, row.background, row.analysis, row.suggestions])
    return {
        "kind": "proposal",
        "id": row.pk,
        "proposal_id": row.pk,
        "title": row.title,
        "unit": "",
        "highlight": highlight(text, terms),
    }
