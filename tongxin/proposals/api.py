"""API: proposals from draft to 办结, mounted at /api/v1/proposals.

Every action of the lifecycle is `POST /api/v1/proposals/{id}/actions/{action}` with its own JSON
payload schema. Errors: 403 not yours to do, 404 unknown or invisible, 409 `invalid_transition` (not
allowed in the current state), `blocked` (a rule refused it) or `conflict` (someone acted first),
422 with `fields`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tongxin.core.errors import Forbidden, Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.core.schemas import SheetErrorOut
from tongxin.core.sheets import XLSX

from . import access, exports, queries, services
from .schemas import (
    ACTION_PAYLOADS,
    CategoryOut,
    ErrorOut,
    EventPageOut,
    HistoryImportOut,
    KeyCloseIn,
    NotificationOut,
    ProposalCreateIn,
    ProposalOut,
    ProposalPageOut,
    ProposalUpdateIn,
    RejectionReasonOut,
    SettingsIn,
    SettingsOut,
    SupervisionIn,
)
from .services import history
from .workflow import TRANSITIONS

router = Router()

ERRORS: dict[int, type[Schema]] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class ListQuery(Schema):
    session: int | None = Field(None, description="会议编号")
    state: str | None = Field(None, description="状态，多个用逗号分隔")
    unit: int | None = Field(None, description="承办单位编号")
    category: int | None = Field(None, description="类别编号（领域包含其下细类）")
    proposer: int | None = Field(None, description="提案者的人员编号")
    kind: str | None = Field(None, description="individual / joint / collective")
    text: str | None = Field(None, max_length=50, description="案由或正文包含的文字")
    after: int | None = Field(None, description="上一页最后一条的 id")
    limit: int | None = Field(None, description="每页条数，1–100，默认 50")


def _user(request: HttpRequest) -> Any:
    """The caller (the bearer-token auth has set it)."""
    return request.user


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    proposal = queries.proposal_for_detail(request.user, pk)
    return queries.detail(request.user, proposal)


@router.post("", response={201: ProposalOut, **ERRORS}, summary="新建提案草稿")
def create_proposal(request: HttpRequest, payload: ProposalCreateIn) -> Status[dict[str, Any]]:
    """A member drafts a proposal; proposal office staff may enter one for a member (give
    `first_proposer_person_id`). Send an `idempotency_key`: a retry returns the first draft."""
    proposal = services.proposal_create(actor=request.user, **payload.model_dump())
    return Status(201, _detail(request, proposal.pk))


@router.get("", response={200: ProposalPageOut, **ERRORS}, summary="提案列表")
def list_proposals(request: HttpRequest, filters: Query[ListQuery]) -> dict[str, Any]:
    """The proposals visible to the caller, in id order, by keyset pages (`next_after`)."""
    params = filters.model_dump()
    limit = parse_limit(params.pop("limit"))
    after = parse_after(params.pop("after"))
    qs = queries.with_list_data(queries.proposal_filter(request.user, params))
    page = keyset_page(qs, after=after, limit=limit)
    conf = services.settings_for(_user(request).committee_id)
    return {"items": [queries.summary(p, conf) for p in page.items], "next_after": page.next_after}


@router.get(
    "/export",
    response={200: None, **ERRORS},
    summary="导出提案列表（xlsx）",
    description="筛选条件同提案列表（after、limit 除外），导出全部符合条件的提案；每次导出记入安全审计日志。",
    openapi_extra={"responses": {200: {"description": "xlsx", "content": {XLSX: {}}}}},
)
def export_proposals(request: HttpRequest, filters: Query[ListQuery]) -> FileResponse:
    params = {k: v for k, v in filters.model_dump().items() if k not in ("after", "limit") and v is not None}
    return exports.proposal_list_export(actor=_user(request), params=params, request=request).response()


@router.post(
    "/history/import",
    response={200: HistoryImportOut, 403: ErrorOut, 404: ErrorOut, 422: SheetErrorOut},
    summary="导入历史提案（xlsx）",
    description="multipart：`file`（.xlsx，表头同导入模板：会议、编号、案由、提案者、类别、主办单位、会办单位、"
    "办理结果、答复内容、答复日期、满意度……）。导入后为已办结的历史提案。"
    "全部行无误才导入，否则 422 并逐行报告（`errors`），不导入任何一行；"
    "同一会议的同一编号不能重复导入。限提案工作人员。",
)
def import_history(request: HttpRequest, file: File[UploadedFile]) -> HistoryImportOut:
    user = _user(request)
    result = history.proposals_history_sheet_import(
        actor=user, committee=user.committee, upload=file, request=request
    )
    return HistoryImportOut(
        rows=result.rows,
        created=result.created,
        replies=result.replies,
        matched_proposers=result.matched_proposers,
    )


@router.get("/categories", response={200: list[CategoryOut], **ERRORS}, summary="提案类别")
def list_categories(request: HttpRequest) -> list[Any]:
    """The committee's category tree (areas have no parent)."""
    if not access.is_business_user(request.user):
        raise Forbidden(_("管理员不办理提案业务。"))
    services.settings_for(_user(request).committee_id)
    from .models import ProposalCategory

    return list(ProposalCategory.objects.filter(committee_id=_user(request).committee_id, is_active=True))


@router.get("/rejection-reasons", response={200: list[RejectionReasonOut], **ERRORS}, summary="不予立案情形")
def list_rejection_reasons(request: HttpRequest) -> list[Any]:
    """The committee's code list of reasons not to file (rule 13)."""
    if not access.is_business_user(request.user):
        raise Forbidden(_("管理员不办理提案业务。"))
    services.settings_for(_user(request).committee_id)
    from .models import RejectionReason

    return list(RejectionReason.objects.filter(committee_id=_user(request).committee_id, is_active=True))


@router.get("/statistics", response={200: dict[str, Any], **ERRORS}, summary="提案统计")
def statistics(request: HttpRequest, session: int | None = None, year: int | None = None) -> dict[str, Any]:
    """A session's (or a year's) figures: received, filed, merged, converted, replied, rates, classes,
    satisfaction and overdue, in total and by unit, category, sector, participating unit and special
    committee."""
    if not access.can_see_statistics(request.user):
        raise Forbidden(_("只有机关工作人员和领导可以查看提案统计。"))
    if year is not None and not 2000 <= year <= 2100:
        raise Invalid(_("年度有误。"), {"year": [_("年度有误。")]})
    return queries.statistics(committee_id=_user(request).committee_id, session_id=session, year=year)


@router.get("/due", response={200: dict[str, Any], **ERRORS}, summary="逾期与临期答复")
def due(request: HttpRequest) -> dict[str, Any]:
    """Replies overdue and due soon: a unit sees its own, the office its committee's."""
    lists = queries.due_lists(request.user, today=timezone.localdate())

    def rows(items: list[Any]) -> list[dict[str, Any]]:
        return [
            {
                "proposal_id": a.proposal_id,
                "title": a.proposal.title,
                "unit_id": a.unit_id,
                "unit_name": a.unit.name,
                "role": a.role,
                "reply_due_on": a.reply_due_on,
            }
            for a in items
        ]

    return {"overdue": rows(lists["overdue"]), "due_soon": rows(lists["due_soon"])}


@router.get("/review-desk", response={200: dict[str, Any], **ERRORS}, summary="审查台")
def review_desk(request: HttpRequest, session: int | None = None, after: int | None = None) -> dict[str, Any]:
    """Proposals waiting for review, each with similar proposals of the same session beside it."""
    if not access.is_proposal_office(request.user):
        raise Forbidden(_("只有提案工作人员可以使用审查台。"))
    rows = queries.review_desk(request.user, session_id=session, after=after)
    return {"items": rows, "next_after": rows[-1]["id"] if len(rows) == 50 else None}


def _settings_out(request: HttpRequest) -> dict[str, Any]:
    conf = services.settings_for(_user(request).committee_id)
    data = {name: getattr(conf, name) for name in SettingsOut.model_fields if hasattr(conf, name)}
    data["result_classes"] = services.class_labels(conf)
    return data


@router.get("/settings", response={200: SettingsOut, **ERRORS}, summary="提案工作设置")
def get_settings(request: HttpRequest) -> dict[str, Any]:
    """The committee's proposal rules: deadlines, classes, shares, limits."""
    if not access.is_business_user(_user(request)):
        raise Forbidden(_("管理员不办理提案业务。"))
    return _settings_out(request)


@router.patch("/settings", response={200: SettingsOut, **ERRORS}, summary="修改提案工作设置")
def update_settings(request: HttpRequest, payload: SettingsIn) -> dict[str, Any]:
    """The proposal office changes its committee's rules; each change is in the security log."""
    services.proposal_settings_update(
        actor=_user(request),
        committee_id=_user(request).committee_id,
        changes=payload.model_dump(exclude_unset=True, exclude_none=True),
    )
    return _settings_out(request)


@router.get("/key-proposals", response={200: dict[str, Any], **ERRORS}, summary="重点提案名单")
def key_proposal_list(request: HttpRequest, session: int | None = None) -> dict[str, Any]:
    """Candidates and decided key proposals, with the share guide (about 6% of filed)."""
    if not access.sees_whole_committee(_user(request)):
        raise Forbidden(_("只有机关工作人员和领导可以查看重点提案名单。"))
    return queries.key_proposals(_user(request), session_id=session)


@router.get("/excellent", response={200: dict[str, Any], **ERRORS}, summary="优秀提案名单")
def excellent_list(request: HttpRequest, year: int) -> dict[str, Any]:
    """The year's nominations and selections for the commendation, with the share guide (about 5%)."""
    if not access.sees_whole_committee(_user(request)):
        raise Forbidden(_("只有机关工作人员和领导可以查看优秀提案名单。"))
    if not 2000 <= year <= 2100:
        raise Invalid(_("年度有误。"), {"year": [_("年度有误。")]})
    return queries.excellent_list(_user(request), year=year)


@router.get("/notifications", response={200: list[NotificationOut], **ERRORS}, summary="我的提案通知")
def my_notifications(
    request: HttpRequest, unread: bool = False, after: int | None = None, limit: int | None = None
) -> list[Any]:
    """The caller's notices about proposals, newest first (`after`: the last id seen)."""
    return queries.notifications_for(
        _user(request), unread_only=unread, after=parse_after(after), limit=parse_limit(limit)
    )


@router.post("/notifications/{int:notification_id}/read", response={204: None, **ERRORS}, summary="标记已读")
def read_notification(request: HttpRequest, notification_id: int) -> Status[None]:
    """Mark one of the caller's notices as read."""
    services.notification_mark_read(notification_id=notification_id, actor=_user(request))
    return Status(204, None)


@router.post(
    "/{int:proposal_id}/key/supervision", response={201: dict[str, Any], **ERRORS}, summary="记录督办活动"
)
def add_supervision(request: HttpRequest, proposal_id: int, payload: SupervisionIn) -> Status[dict[str, Any]]:
    """A supervision activity on a designated key proposal (座谈、调研、视察、督办会、走访承办单位)."""
    proposal = access.get_proposal_for_user(_user(request), proposal_id)
    row = services.key_supervision_add(
        proposal=proposal, actor=_user(request), kind=payload.kind, held_on=payload.held_on, note=payload.note
    )
    return Status(201, {"id": row.pk, "kind": row.kind, "held_on": row.held_on})


@router.post(
    "/{int:proposal_id}/key/close", response={200: dict[str, Any], **ERRORS}, summary="完成重点提案督办"
)
def close_key(request: HttpRequest, proposal_id: int, payload: KeyCloseIn) -> dict[str, Any]:
    """Close a key proposal's supervision with its summary."""
    proposal = access.get_proposal_for_user(_user(request), proposal_id)
    key = services.key_proposal_close(proposal=proposal, actor=_user(request), summary=payload.summary)
    return {"status": key.status, "summary": key.summary}


@router.get("/{int:proposal_id}", response={200: ProposalOut, **ERRORS}, summary="提案详情")
def get_proposal(request: HttpRequest, proposal_id: int) -> dict[str, Any]:
    """The proposal with proposers, assignments, released replies, ratings, the proposer's original
    text and the actions the caller may try now."""
    return _detail(request, proposal_id)


@router.patch("/{int:proposal_id}", response={200: ProposalOut, **ERRORS}, summary="修改提案")
def update_proposal(request: HttpRequest, proposal_id: int, payload: ProposalUpdateIn) -> dict[str, Any]:
    """The author's autosave of a draft (or a returned proposal); reviewers' edits of wording while it
    waits for review. Every text change is kept as a version."""
    proposal = access.get_proposal_for_user(request.user, proposal_id)
    services.proposal_edit(
        proposal=proposal, actor=request.user, changes=payload.model_dump(exclude_unset=True)
    )
    return _detail(request, proposal_id)


@router.get("/{int:proposal_id}/events", response={200: EventPageOut, **ERRORS}, summary="办理记录")
def list_events(
    request: HttpRequest, proposal_id: int, after: int | None = None, limit: int | None = None
) -> dict[str, Any]:
    """The proposal's timeline: who did what, when, from which state to which."""
    proposal = access.get_proposal_for_user(request.user, proposal_id)
    page = keyset_page(queries.proposal_events(proposal), after=parse_after(after), limit=parse_limit(limit))
    return {
        "items": [
            {
                "id": e.pk,
                "name": e.name,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "note": e.note,
                "actor": e.actor.full_name if e.actor else None,
                "round": e.round,
                "data": e.data,
                "created_at": e.created_at,
            }
            for e in page.items
        ],
        "next_after": page.next_after,
    }


@router.post("/{int:proposal_id}/attachments", response={201: dict[str, Any], **ERRORS}, summary="上传附件")
def upload_attachment(
    request: HttpRequest, proposal_id: int, file: File[UploadedFile]
) -> Status[dict[str, Any]]:
    """PDF, docx, xlsx, JPG or PNG, checked by content; stored under a server-generated name."""
    proposal = access.get_proposal_for_user(request.user, proposal_id)
    attachment = services.attachment_add(proposal=proposal, actor=request.user, upload=file)
    return Status(
        201,
        {
            "id": attachment.pk,
            "name": attachment.original_name,
            "content_type": attachment.content_type,
            "size": attachment.size,
        },
    )


@router.get(
    "/{int:proposal_id}/attachments", response={200: list[dict[str, Any]], **ERRORS}, summary="附件列表"
)
def list_attachments(request: HttpRequest, proposal_id: int) -> list[dict[str, Any]]:
    """The proposal's attachments (names as uploaded; stored under server-generated names)."""
    proposal = access.get_proposal_for_user(_user(request), proposal_id)
    return [
        {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
        for a in proposal.attachments.all()
    ]


@router.get(
    "/{int:proposal_id}/attachments/{int:attachment_id}", response={200: None, **ERRORS}, summary="下载附件"
)
def download_attachment(request: HttpRequest, proposal_id: int, attachment_id: int) -> FileResponse:
    """The file itself, sent as a download; each download is recorded in the security log."""
    proposal = access.get_proposal_for_user(_user(request), proposal_id)
    attachment = services.attachment_download(
        proposal=proposal, actor=_user(request), attachment_id=attachment_id, request=request
    )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@router.post("/{int:proposal_id}/reply-letter", response={200: ProposalOut, **ERRORS}, summary="上传答复函")
def upload_reply_letter(request: HttpRequest, proposal_id: int, file: File[UploadedFile]) -> dict[str, Any]:
    """The lead (or separate) unit attaches its signed, stamped reply letter (PDF, JPG or PNG) to this
    round's reply before the office approves it."""
    proposal = access.get_proposal_for_user(_user(request), proposal_id)
    services.reply_letter_attach(proposal=proposal, actor=_user(request), upload=file)
    return _detail(request, proposal_id)


def _action_endpoint(name: str, schema: type[Schema]) -> Callable[..., dict[str, Any]]:
    def endpoint(request: HttpRequest, proposal_id: int, payload: Any) -> dict[str, Any]:
        proposal = access.get_proposal_for_user(request.user, proposal_id)
        services.proposal_transition(proposal=proposal, name=name, actor=request.user, payload=payload)
        return _detail(request, proposal_id)

    endpoint.__annotations__ = {"request": HttpRequest, "proposal_id": int, "payload": schema, "return": dict}
    endpoint.__name__ = f"action_{name}"
    return endpoint


for _name, _t in TRANSITIONS.items():
    _schema = ACTION_PAYLOADS[_name]
    router.post(
        f"/{{int:proposal_id}}/actions/{_name}",
        response={200: ProposalOut, **ERRORS},
        summary=f"{_t.label}（{_name}）",
        description=(
            f"状态：{'、'.join(sorted(_t.sources))} → {_t.target}。权限规则：`access.{_t.permission}`。"
            f"{(_schema.__doc__ or '').strip()}"
        ),
        operation_id=f"proposal_action_{_name}",
    )(_action_endpoint(_name, _schema))


@router.post(
    "/{int:proposal_id}/actions/{action}",
    response={404: ErrorOut},
    summary="未知操作",
    include_in_schema=False,
)
def unknown_action(request: HttpRequest, proposal_id: int, action: str) -> Any:
    """Any other action name: 404 `unknown_action`."""
    access.get_proposal_for_user(request.user, proposal_id)
    raise NotFound(_("没有这个操作。"), code="unknown_action")
