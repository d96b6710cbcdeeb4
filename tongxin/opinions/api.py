"""API: public-opinion reports at /api/v1/opinions and bulletin issues at /api/v1/bulletins.

Every action of the lifecycle is `POST /api/v1/opinions/{id}/actions/{action}` with its own JSON
payload. Errors: 403 not yours to do, 404 unknown or invisible (another committee's report is
always 404), 409 `invalid_transition` (not allowed in the current state), `blocked` (a rule refused
it) or `conflict` (someone acted first), 422 with `fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tongxin.core.errors import Forbidden, Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_after, parse_limit

from . import access, queries, services
from .models import BulletinIssue, OpinionReport
from .schemas import (
    ACTION_PAYLOADS,
    BulletinTypeIn,
    BulletinTypeOut,
    ErrorOut,
    EventPageOut,
    IssueCreateIn,
    IssueOut,
    IssuePageOut,
    IssueSendIn,
    OpinionCreateIn,
    OpinionOut,
    OpinionPageOut,
    OpinionUpdateIn,
    SettingsIn,
    SettingsOut,
)
from .workflow import TRANSITIONS, State

router = Router()
bulletins_router = Router()

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListQuery(Schema):
    box: str | None = Field(None, description="queue（待编辑）/ mine（我报送的）/ forwarded（下级转报）")
    state: str | None = Field(None, description="状态，多个用逗号分隔")
    urgent: bool | None = Field(None, description="只看急事急报")
    category: str | None = None
    year: int | None = Field(None, description="报送年度")
    text: str | None = Field(None, max_length=50, description="标题或情况包含的文字")
    after: int | None = Field(None, description="上一页最后一条的 id")
    limit: int | None = Field(None, description="每页条数，1–100，默认 50")


def summary(report: OpinionReport) -> dict[str, Any]:
    """A list row (needs `with_list_data`)."""
    return {
        "id": report.pk,
        "title": report.display_title,
        "state": report.state,
        "state_label": str(State(report.state).label),
        "is_urgent": report.is_urgent,
        "category": report.category,
        "reporter_kind": report.reporter_kind,
        "reporter_name": report.reporter_name,
        "submitted_at": report.submitted_at,
        "origin_committee": report.origin.committee.name if report.origin_id and report.origin else None,
        "issue": report.issue.label if report.issue else None,
    }


def detail(user: Any, report: OpinionReport) -> dict[str, Any]:
    """The report as its page shows it: original and edited text, outcomes from every level above."""
    found = queries.outcomes(report)
    parts = ("title", "situation", "analysis", "suggestions")
    return {
        **summary(report),
        "committee_id": report.committee_id,
        "reporter_unit": report.reporter_unit,
        "original": {p: getattr(report, p) for p in parts},
        "edited": {p: getattr(report, f"edited_{p}") or getattr(report, p) for p in parts}
        if report.is_edited
        else None,
        "length": report.body_length,
        "max_chars": services.settings_for(report.committee_id).max_chars,
        "authors": [a.membership.person.name for a in report.authors.all()],
        "source": report.source,
        "hop": report.hop,
        "forwarded_at": report.forwarded_at,
        "decline_reason": report.decline_reason,
        "referred_to": report.referred_to,
        "attachments": [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in report.attachments.all()
        ],
        "adoptions": [
            {**_outcome(a), **_fields(a, "level mode outlet issue_no adopted_on automatic")}
            for a in found["adoptions"]
        ],
        "instructions": [
            {**_outcome(i), **_fields(i, "leader_level leader_role leader_name instructed_on text")}
            for i in found["instructions"]
        ],
        "feedback": [
            {**_outcome(f), **_fields(f, "department received_on content")} for f in found["feedback"]
        ],
        "actions": queries.available_actions(user, report),
    }


def _outcome(row: Any) -> dict[str, Any]:
    return {"committee": row.report.committee.name}


def _fields(row: Any, names: str) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names.split()}


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return detail(request.user, access.get_report_for_user(request.user, pk))


@router.post("", response={201: OpinionOut, **ERRORS}, summary="新建社情民意信息草稿")
def create_opinion(request: HttpRequest, payload: OpinionCreateIn) -> Status[dict[str, Any]]:
    """A member, an invited information officer, or the information office (entering it for a member:
    give `author_person_ids`) drafts a report. Send an `idempotency_key`: a retry returns the first draft."""
    report = services.opinion_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(request, report.pk))


@router.get("", response={200: OpinionPageOut, **ERRORS}, summary="社情民意信息列表")
def list_opinions(request: HttpRequest, filters: Query[ListQuery]) -> dict[str, Any]:
    """The reports visible to the caller, in id order, by keyset pages (`next_after`)."""
    params = filters.model_dump()
    limit = parse_limit(params.pop("limit"))
    after = parse_after(params.pop("after"))
    qs = queries.with_list_data(queries.opinion_filter(request.user, params))
    page = keyset_page(qs, after=after, limit=limit)
    return {"items": [summary(r) for r in page.items], "next_after": page.next_after}


@router.get("/statistics", response={200: dict[str, Any], **ERRORS}, summary="社情民意信息年度统计")
def statistics(request: HttpRequest, year: int | None = None) -> dict[str, Any]:
    """Received, edited (编发), adopted by level and mode, instructions by level, feedback, and rankings
    by author, participating unit, special committee, sector, activity group, invited officer and
    lower committee. Information office and leaders only."""
    if not access.can_view_statistics(request.user):
        raise Forbidden("只有信息工作人员和领导可以查看统计。")
    year = year or timezone.localdate().year
    if not 2000 <= year <= 2100:
        raise Invalid("年度有误。", {"year": ["年度有误。"]})
    return queries.statistics(committee_id=request.user.committee_id, year=year)  # type: ignore[union-attr]


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="社情民意设置")
def get_settings(request: HttpRequest) -> Any:
    """The committee's length limit (default 1,500 characters) and attachment limits."""
    if not access.is_business_user(request.user):
        raise Forbidden("管理员不办理社情民意业务。")
    return services.settings_for(request.user.committee_id)  # type: ignore[union-attr]


@router.patch("/settings", response={200: SettingsOut, **ERRORS}, summary="修改社情民意设置")
def update_settings(request: HttpRequest, payload: SettingsIn) -> Any:
    """The information office changes its committee's limits; each change is in the security log."""
    user: Any = request.user
    return services.opinion_settings_update(
        actor=user, committee_id=user.committee_id, changes=payload.model_dump(exclude_none=True)
    )


@router.get("/{int:report_id}", response={200: OpinionOut, **ERRORS}, summary="社情民意信息详情")
def get_opinion(request: HttpRequest, report_id: int) -> dict[str, Any]:
    """The report with the author's original and the office's edited text, adoptions, instructions and
    feedback from this level and every level above, and the actions the caller may try now."""
    return _detail(request, report_id)


@router.patch("/{int:report_id}", response={200: OpinionOut, **ERRORS}, summary="修改草稿")
def update_opinion(request: HttpRequest, report_id: int, payload: OpinionUpdateIn) -> dict[str, Any]:
    """The author's autosave of a draft or of a report returned for revision."""
    report = access.get_report_for_user(request.user, report_id)
    services.opinion_update_draft(
        report=report, actor=request.user, changes=payload.model_dump(exclude_unset=True)
    )
    return _detail(request, report_id)


@router.get("/{int:report_id}/events", response={200: EventPageOut, **ERRORS}, summary="处理记录")
def list_events(
    request: HttpRequest, report_id: int, after: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The report's timeline: who did what and when, including outcomes flowing back from above."""
    report = access.get_report_for_user(request.user, report_id)
    qs = report.events.select_related("actor")
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    return {
        "items": [
            {
                "id": e.pk,
                "name": e.name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "actor": e.actor.full_name if e.actor else None,
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in page.items
        ],
        "next_after": page.next_after,
    }


@router.post("/{int:report_id}/attachments", response={201: dict[str, Any], **ERRORS}, summary="上传附件")
def upload_attachment(
    request: HttpRequest, report_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """PDF, docx, JPG or PNG, checked by content, within the committee's size and count limits."""
    report = access.get_report_for_user(request.user, report_id)
    attachment = services.attachment_add(report=report, actor=request.user, upload=file)
    return Status(
        201,
        {
            "id": attachment.pk,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
        },
    )


def _action_endpoint(name: str, schema: type[Schema]) -> Callable[..., dict[str, Any]]:
    def endpoint(request: HttpRequest, report_id: int, payload: Any) -> dict[str, Any]:
        report = access.get_report_for_user(request.user, report_id)
        services.opinion_transition(
            report=report, name=name, actor=request.user, payload=payload.model_dump(exclude_none=True)
        )
        return _detail(request, report_id)

    endpoint.__annotations__ = {"request": HttpRequest, "report_id": int, "payload": schema, "return": dict}
    endpoint.__name__ = f"action_{name}"
    return endpoint


for _name, _schema in ACTION_PAYLOADS.items():
    _t = TRANSITIONS[_name]
    router.post(
        f"/{{int:report_id}}/actions/{_name}",
        response={200: OpinionOut, **ERRORS},
        summary=f"{_t.label}（{_name}）",
        description=(
            f"状态：{'、'.join(sorted(_t.sources))} → {_t.target}。权限规则：`access.{_t.permission}`。"
            f"{(_schema.__doc__ or '').strip()}"
        ),
        operation_id=f"opinion_action_{_name}",
    )(_action_endpoint(_name, _schema))


@router.post(
    "/{int:report_id}/actions/{action}", response={404: ErrorOut, 409: ErrorOut}, include_in_schema=False
)
def other_action(request: HttpRequest, report_id: int, action: str) -> Any:
    """`send` is taken per bulletin issue (409); any other name is 404 `unknown_action`."""
    report = access.get_report_for_user(request.user, report_id)
    services.opinion_transition(report=report, name=action, actor=request.user)
    raise NotFound("没有这个操作。", code="unknown_action")


# --- bulletins ------------------------------------------------------------------------------


def issue_out(issue: BulletinIssue) -> dict[str, Any]:
    return {
        "id": issue.pk,
        "label": issue.label,
        "bulletin_type": issue.bulletin_type.name,
        "year": issue.year,
        "number": issue.number,
        "title": issue.title,
        "recipients": issue.recipients,
        "recipient_note": issue.recipient_note,
        "sent_on": issue.sent_on,
        "forwarded_at": issue.forwarded_at,
        "reports": [summary(r) for r in issue.reports.all()],
    }


def _issue(request: HttpRequest, pk: int) -> dict[str, Any]:
    issue = access.get_issue_for_user(request.user, pk)
    return issue_out(
        BulletinIssue.objects.select_related("bulletin_type")
        .prefetch_related("reports__origin__committee", "reports__issue__bulletin_type")
        .get(pk=issue.pk)
    )


@bulletins_router.get("", response={200: IssuePageOut, **ERRORS}, summary="刊物期次列表")
def list_issues(request: HttpRequest, after: int | None = None, limit: int | None = None) -> dict[str, Any]:
    """The committee's bulletin issues with their reports (information office and leaders)."""
    if not access.can_view_bulletins(request.user):
        raise Forbidden("只有信息工作人员和领导可以查看刊物。")
    qs = queries.issues_for(request.user).prefetch_related(
        "reports__origin__committee", "reports__issue__bulletin_type"
    )
    page = keyset_page(qs, after=parse_after(after), limit=parse_limit(limit))
    return {"items": [issue_out(i) for i in page.items], "next_after": page.next_after}


@bulletins_router.post("", response={201: IssueOut, **ERRORS}, summary="新建一期刊物")
def create_issue(request: HttpRequest, payload: IssueCreateIn) -> Status[dict[str, Any]]:
    """Number the next issue (第N期, from 1 each year for each bulletin type)."""
    issue = services.bulletin_issue_create(actor=request.user, **payload.model_dump())
    return Status(201, _issue(request, issue.pk))


@bulletins_router.get("/types", response={200: list[BulletinTypeOut], **ERRORS}, summary="刊物类型")
def list_types(request: HttpRequest) -> list[Any]:
    """The committee's bulletin series (《社情民意》, 《政协信息专报》 by default)."""
    if not access.can_view_bulletins(request.user):
        raise Forbidden("只有信息工作人员和领导可以查看刊物。")
    return services.bulletin_types_for(request.user.committee_id)  # type: ignore[union-attr]


@bulletins_router.post("/types", response={201: BulletinTypeOut, **ERRORS}, summary="新增刊物类型")
def create_type(request: HttpRequest, payload: BulletinTypeIn) -> Status[Any]:
    """Add a bulletin series; the information office only."""
    user: Any = request.user
    return Status(
        201, services.bulletin_type_create(actor=user, committee_id=user.committee_id, name=payload.name)
    )


@bulletins_router.get("/{int:issue_id}", response={200: IssueOut, **ERRORS}, summary="刊物期次详情")
def get_issue(request: HttpRequest, issue_id: int) -> dict[str, Any]:
    """One issue with its reports and recipients."""
    return _issue(request, issue_id)


@bulletins_router.post("/{int:issue_id}/actions/send", response={200: IssueOut, **ERRORS}, summary="报送本期")
def send_issue(request: HttpRequest, issue_id: int, payload: IssueSendIn) -> dict[str, Any]:
    """Send the issue to its recipients; every report in it becomes 已报送 (SENT). 409 when already sent
    (`invalid_transition`) or empty (`blocked`)."""
    issue = access.get_issue_for_user(request.user, issue_id)
    services.bulletin_send(issue=issue, actor=request.user, **payload.model_dump(exclude_none=True))
    return _issue(request, issue_id)


@bulletins_router.post(
    "/{int:issue_id}/actions/forward", response={200: IssueOut, **ERRORS}, summary="整期转报上级政协"
)
def forward_issue(request: HttpRequest, issue_id: int) -> dict[str, Any]:
    """Forward every report of a sent issue to the parent committee's inbox (转报)."""
    issue = access.get_issue_for_user(request.user, issue_id)
    services.bulletin_forward(issue=issue, actor=request.user)
    return _issue(request, issue_id)
