"""JSON endpoints. `proposals_router` is mounted on /proposals beside the proposals app's router
(its paths, /{id}/similar and /{id}/unit-suggestions, overlap none of that app's); `router` on the root."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from tongxin.core.pagination import keyset_page
from tongxin.core.schemas import ErrorOut
from tongxin.proposals.access import get_proposal_for_user

from . import access, queries
from .schemas import (
    DraftIn,
    MergeSuggestionsOut,
    SearchPageOut,
    SearchQuery,
    SimilarOut,
    UnitSuggestionOut,
)

router = Router()
proposals_router = Router()

READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _similar_out(items: list[queries.SimilarItem]) -> list[dict[str, Any]]:
    return [
        {
            "id": i.proposal.pk,
            "title": i.proposal.title,
            "score": i.score,
            "year": i.year,
            "state": i.proposal.state,
            "session_id": i.proposal.session_id,
            "reply_gist": i.reply_gist,
        }
        for i in items
    ]


@proposals_router.get(
    "/{int:proposal_id}/similar",
    response={200: list[SimilarOut], **READ_ERRORS},
    summary="相似提案",
    description="与该提案最相似的提案（本届与往年），只含调用者可见的提案，附答复摘要。",
)
def proposal_similar(request: HttpRequest, proposal_id: int) -> Any:
    access.require_similarity(request.user)
    proposal = get_proposal_for_user(request.user, proposal_id)
    return _similar_out(queries.similar_for_proposal(user=request.user, proposal=proposal))


@proposals_router.get(
    "/{int:proposal_id}/unit-suggestions",
    response={200: list[UnitSuggestionOut], **READ_ERRORS},
    summary="承办单位建议",
    description="按相似往年提案的承办情况为该提案推荐承办单位，并给出理由。仅提案工作机构。",
)
def proposal_unit_suggestions(request: HttpRequest, proposal_id: int) -> Any:
    proposal = access.get_proposal_for_unit_suggestions(request.user, proposal_id)
    return [
        {
            "unit_id": s.unit.pk,
            "unit": s.unit.name,
            "score": s.score,
            "lead_count": s.lead_count,
            "co_count": s.co_count,
            "reasons": [{"id": p.pk, "title": p.title, "score": score} for p, score in s.proposals],
        }
        for s in queries.unit_suggestions(user=request.user, proposal=proposal)
    ]


@router.post(
    "/similar",
    response={200: list[SimilarOut], **READ_ERRORS},
    summary="草稿相似提案",
    description="起草提案或社情民意时，按标题和正文查找最相似的已有提案（只含调用者可见的）。",
)
def draft_similar(request: HttpRequest, payload: DraftIn) -> Any:
    access.require_similarity(request.user)
    items = queries.similar_for_text(
        user=request.user, title=payload.title, body=payload.body, exclude=payload.exclude
    )
    return _similar_out(items)


@router.get(
    "/sessions/{int:session_id}/merge-suggestions",
    response={200: MergeSuggestionsOut, **READ_ERRORS},
    summary="并案建议与疑似重复",
    description=(
        "本次会议待审查和已立案提案的并案候选组（含分数）与疑似重复提交。仅提案工作机构。"
        "候选组按会议提案的文本版本缓存（computed_at 为计算时间），refresh=true 重新计算。"
    ),
)
def merge_suggestions(request: HttpRequest, session_id: int, refresh: bool = False) -> Any:
    session = access.get_session_for_office(request.user, session_id)
    result = queries.session_clusters(session=session, refresh=refresh)
    return {
        "computed_at": result.computed_at,
        "clusters": [
            {
                "lead_id": c.lead.pk if c.lead else None,
                "mean_score": c.mean_score,
                "members": [
                    {
                        "id": p.pk,
                        "title": p.title,
                        "state": p.state,
                        "centroid_score": c.centroid_scores[p.pk],
                    }
                    for p in c.members
                ],
            }
            for c in result.clusters
        ],
        "copies": [
            {"a": f.a.pk, "b": f.b.pk, "containment": f.containment, "jaccard": f.jaccard, "kind": f.kind}
            for f in queries.copies_for_session(session)
        ],
    }


@router.get(
    "/search",
    response={200: SearchPageOut, **READ_ERRORS},
    summary="全文检索",
    description=(
        "在提案、答复、社情民意和会议活动中检索（不需分词，按字匹配），只返回调用者可见的内容，高亮命中；"
        "不公开的答复只有能查看该提案的人可见。"
    ),
)
def search(request: HttpRequest, params: Query[SearchQuery]) -> Any:
    access.require_similarity(request.user)
    filters = queries.SearchFilters(
        q=params.q, kind=params.type, session_id=params.session, state=params.state, unit_id=params.unit
    )
    page = keyset_page(
        queries.search(user=request.user, filters=filters), after=params.after, limit=params.limit
    )
    terms = queries.search_terms(params.q)
    return {
        "items": queries.search_hits(request.user, list(page.items), terms),
        "next_after": page.next_after,
    }
