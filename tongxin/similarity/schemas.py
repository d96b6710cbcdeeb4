"""API input and output shapes for similarity and search."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class DraftIn(Schema):
    title: str = Field("", max_length=120, description="案由（草稿）")
    body: str = Field("", max_length=20000, description="正文（草稿）")
    kind: str = Field(
        "proposal", pattern="^(proposal|opinion)$", description="proposal 提案；opinion 社情民意"
    )
    exclude: int | None = Field(None, description="排除的提案 id（如正在修改的提案本身）")


class SimilarOut(Schema):
    id: int
    title: str
    score: float
    year: int
    state: str
    session_id: int | None
    reply_gist: str


class ClusterMemberOut(Schema):
    id: int
    title: str
    state: str
    centroid_score: float


class ClusterOut(Schema):
    lead_id: int | None
    mean_score: float
    members: list[ClusterMemberOut]


class CopyOut(Schema):
    a: int
    b: int
    containment: float
    jaccard: float
    kind: str


class MergeSuggestionsOut(Schema):
    computed_at: datetime
    clusters: list[ClusterOut]
    copies: list[CopyOut]


class ReasonOut(Schema):
    id: int
    title: str
    score: float


class UnitSuggestionOut(Schema):
    unit_id: int
    unit: str
    score: float
    lead_count: int
    co_count: int
    reasons: list[ReasonOut]


class SearchHitOut(Schema):
    kind: str
    id: int
    proposal_id: int | None
    title: str
    unit: str
    url: str = Field(..., description="页面链接；调用者不能打开的（如仅因公开而可见的提案）为空")
    highlight: str


class SearchPageOut(Schema):
    items: list[SearchHitOut]
    next_after: int | None


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="检索词，空格分隔多个词（须全部出现）")
    type: str = Field(
        "proposal",
        pattern="^(proposal|reply|opinion|meeting)$",
        description="proposal 提案 / reply 答复 / opinion 社情民意 / meeting 会议活动",
    )
    session: int | None = Field(None, description="会议 id")
    state: str = Field("", max_length=24, description="状态")
    unit: int | None = Field(None, description="承办单位 id")
    after: int | None = Field(None, description="上一页最后一条的 id")
    limit: int = Field(20, ge=1, le=100)
