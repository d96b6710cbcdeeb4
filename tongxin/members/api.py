"""API: /api/v1/members — the roster as JSON. The same access rules and services as the pages.

A member's id here is the id of their membership of one term; the person is nested. Phone numbers are
masked in every response; the full number comes only from the audited reveal-phone endpoint.
"""

from __future__ import annotations

import io
from typing import Any, cast

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from tongxin.accounts.models import User
from tongxin.core.errors import Forbidden, Invalid
from tongxin.core.pagination import keyset_page
from tongxin.org.models import ActivityGroup, ParticipatingUnit, Sector, SpecialCommittee, Term

from . import access, queries, roster, services
from .masking import mask_phone
from .models import Membership
from .schemas import (
    AccountOut,
    ErrorOut,
    ImportOut,
    MemberCreatedOut,
    MemberIn,
    MemberPatch,
    MembershipOut,
    MembershipPage,
    PersonOut,
    PhoneOut,
    RefOut,
    RosterErrorOut,
    RosterQuery,
    TransitionIn,
)
from .workflow import MembershipStatus

router = Router()

ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Service field names → the request keys they came from.
API_FIELD = {
    "sector": "sector_id",
    "participating_unit": "participating_unit_id",
    "special_committees": "special_committee_ids",
    "activity_group": "activity_group_id",
    "term": "term_id",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _api_invalid(exc: Invalid) -> Invalid:
    return Invalid(exc.message, {API_FIELD.get(k, k): v for k, v in exc.fields.items()}, code=exc.code)


def _ref(obj: Any) -> RefOut | None:
    return RefOut(id=obj.pk, name=obj.name) if obj is not None else None


def _out(membership: Membership, user: User) -> dict[str, Any]:
    person = membership.person
    return {
        "id": membership.pk,
        "term": RefOut(id=membership.term_id, name=membership.term.short_name),
        "person": PersonOut(
            id=person.pk,
            name=person.name,
            name_pinyin=person.name_pinyin,
            gender=person.gender,
            ethnicity=person.ethnicity,
            birth_date=person.birth_date,
            phone_masked=mask_phone(person.phone),
            workplace=person.workplace,
            title=person.title,
            has_photo=bool(person.photo),
        ),
        "sector": _ref(membership.sector),
        "participating_unit": _ref(membership.participating_unit),
        "special_committees": [_ref(c) for c in membership.special_committees.all()],
        "activity_group": _ref(membership.activity_group),
        "is_standing": membership.is_standing,
        "leadership": membership.leadership,
        "status": membership.status,
        "joined_on": membership.joined_on,
        "left_on": membership.left_on,
        "actions": [t.name for t in queries.transitions_for(user, membership)],
    }


def _filters(user: User, query: RosterQuery) -> queries.RosterFilters:
    errors: dict[str, list[str]] = {}
    group = (query.activity_group or "").strip()
    group_id = None
    if group and group != "none":
        if not group.isdigit():
            errors["activity_group"] = [_("活动组应为编号或 none。")]
        else:
            group_id = int(group)
    if query.status and query.status not in MembershipStatus.values:
        errors["status"] = [_("状态只能是 active、resigned 或 removed。")]
    if errors:
        raise Invalid(_("筛选条件有误。"), errors)
    term_id = query.term
    if term_id is None:
        current = queries.current_term(user.committee_id)
        term_id = current.pk if current else None
    return queries.RosterFilters(
        term_id=term_id,
        sector_id=query.sector,
        participating_unit_id=query.party,
        special_committee_id=query.special_committee,
        activity_group_id=group_id,
        without_activity_group=group == "none",
        status=query.status or "",
        standing=query.standing,
        q=query.q,
    )


def _resolve(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Turn the request's ids into the committee's objects; another committee's id is "not found"."""
    committee_id = user.committee_id
    errors: dict[str, list[str]] = {}
    resolved: dict[str, Any] = {}
    lookups: tuple[tuple[str, str, Any], ...] = (
        ("sector_id", "sector", Sector.objects.filter(term__committee_id=committee_id)),
        (
            "participating_unit_id",
            "participating_unit",
            ParticipatingUnit.objects.filter(committee_id=committee_id),
        ),
        (
            "activity_group_id",
            "activity_group",
            ActivityGroup.objects.filter(term__committee_id=committee_id),
        ),
    )
    for key, name, queryset in lookups:
        if key not in data:
            continue
        if data[key] is None:
            resolved[name] = None
            continue
        obj = queryset.filter(pk=data[key]).first()
        if obj is None:
            errors[key] = [_("编号 %(id)s 不存在。") % {"id": data[key]}]
        resolved[name] = obj
    if "special_committee_ids" in data:
        ids = list(dict.fromkeys(data["special_committee_ids"] or []))
        bodies = list(SpecialCommittee.objects.filter(committee_id=committee_id, pk__in=ids))
        missing = sorted(set(ids) - {b.pk for b in bodies})
        if missing:
            errors["special_committee_ids"] = [_("专委会编号不存在：%(ids)s。") % {"ids": missing}]
        resolved["special_committees"] = bodies
    if errors:
        raise Invalid(_("请求内容有误，请检查字段。"), errors)
    return resolved


@router.get(
    "",
    response={200: MembershipPage, **ERRORS},
    summary="委员名册",
    description="筛选同名册页面；按 id 翻页（`after`、`limit` ≤ 100）。"
    "办公室、领导和系统管理员看到本委员会名册，委员只看到自己的记录；其他角色 403。",
)
def member_list(
    request: HttpRequest, query: Query[RosterQuery], after: int | None = None, limit: int = 50
) -> dict[str, Any]:
    user = _user(request)
    if not access.can_view_roster(user) and user.person_id is None:
        raise Forbidden(_("您无权查看委员名册。"))
    if not 1 <= limit <= 100:
        raise Invalid(_("每页条数须在 1 到 100 之间。"), {"limit": [_("须在 1 到 100 之间。")]})
    filters = _filters(user, query)
    queryset = queries.roster_rows(queries.roster_filter(queries.members_visible_to(user), filters))
    page = keyset_page(queryset, after=after, limit=limit)
    return {"items": [_out(m, user) for m in page.items], "next_after": page.next_after}


@router.post(
    "",
    response={201: MemberCreatedOut, **ERRORS},
    summary="新增委员",
    description="同时登记人员和本届任职（委员工作人员、系统管理员）。带 `account` 时同时开通委员账号，"
    "仅系统管理员可用；初始密码只在本次响应中出现一次。",
)
def member_create(request: HttpRequest, payload: MemberIn) -> Status[dict[str, Any]]:
    user = _user(request)
    if not access.can_manage_memberships(user):
        raise Forbidden(_("只有委员工作人员和系统管理员可以维护委员名册。"))
    if payload.term_id is None:
        term = queries.current_term(user.committee_id)
        if term is None:
            raise Invalid(_("本委员会尚未设置本届。"), {"term_id": [_("请指定届次。")]})
    else:
        term = (
            Term.objects.select_related("committee")
            .filter(pk=payload.term_id, committee_id=user.committee_id)
            .first()
        )
        if term is None:
            raise Invalid(_("届次不存在。"), {"term_id": [_("届次不存在。")]})
    data = payload.dict()
    refs = _resolve(user, data)
    fields = services.MemberFields(
        name=payload.name,
        gender=payload.gender,
        ethnicity=payload.ethnicity,
        birth_date=payload.birth_date,
        phone=payload.phone,
        workplace=payload.workplace,
        title=payload.title,
        is_standing=payload.is_standing,
        leadership=payload.leadership,
        joined_on=payload.joined_on,
        sector=refs.get("sector"),
        participating_unit=refs.get("participating_unit"),
        special_committees=refs.get("special_committees", []),
        activity_group=refs.get("activity_group"),
    )
    account = None
    try:
        if payload.account is not None:
            membership, account_user, password = services.member_create_with_account(
                actor=user,
                term=term,
                fields=fields,
                account_username=payload.account.username,
                request=request,
            )
            account = AccountOut(username=account_user.username, one_time_password=password)
        else:
            membership = services.member_create(
                actor=user, term=term, source="api", **services.member_fields_kwargs(fields)
            )
    except Invalid as exc:
        raise _api_invalid(exc) from None
    membership = access.get_membership_for_user(user, membership.pk)
    return Status(201, {**_out(membership, user), "account": account})


@router.get("/export", response={200: None, **ERRORS}, summary="导出名册（xlsx）")
def member_export(request: HttpRequest, query: Query[RosterQuery], full_phone: bool = False) -> FileResponse:
    """Same filters as the list. Phone numbers are masked unless `full_phone=true` by a role in
    PHONE_VISIBLE_ROLES; every export is in the security log with its filters and that flag."""
    user = _user(request)
    export = roster.roster_export(
        actor=user, filters=_filters(user, query), include_full_phone=full_phone, request=request
    )
    response = FileResponse(
        io.BytesIO(export.content), as_attachment=True, filename=export.filename, content_type=XLSX
    )
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/import",
    response={200: ImportOut, 403: ErrorOut, 404: ErrorOut, 422: RosterErrorOut},
    summary="导入名册（xlsx）",
    description="multipart：`file`（.xlsx，表头同导入模板）和 `term_id`。"
    "全部行无误才导入，否则 422 并逐行报告（`errors`: 行号、列名、说明），不导入任何一行。",
)
def member_import(request: HttpRequest, term_id: Form[int], file: File[UploadedFile]) -> ImportOut:
    user = _user(request)
    if not access.can_manage_memberships(user):
        raise Forbidden(_("只有委员工作人员和系统管理员可以导入委员名册。"))
    term = Term.objects.select_related("committee").filter(pk=term_id, committee_id=user.committee_id).first()
    if term is None:
        raise Invalid(_("届次不存在。"), {"term_id": [_("届次不存在。")]})
    result = roster.roster_import(actor=user, term=term, upload=file, request=request)
    return ImportOut(rows=result.rows, created=result.created, reused_people=result.reused_people)


@router.get("/{int:membership_id}", response={200: MembershipOut, **ERRORS}, summary="委员详情")
def member_detail(request: HttpRequest, membership_id: int) -> dict[str, Any]:
    user = _user(request)
    return _out(access.get_membership_for_user(user, membership_id), user)


@router.patch(
    "/{int:membership_id}",
    response={200: MembershipOut, **ERRORS},
    summary="修改委员信息",
    description="只修改请求中出现的字段；人员信息（姓名、手机号码等）对该人员各届任职共用。",
)
def member_patch(request: HttpRequest, membership_id: int, payload: MemberPatch) -> dict[str, Any]:
    user = _user(request)
    membership = access.get_membership_for_user(user, membership_id)
    if not access.can_manage_memberships(user, membership):
        raise Forbidden(_("只有委员工作人员和系统管理员可以修改委员信息。"))
    data = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = _resolve(user, data)
    for key in ("name", "gender", "ethnicity", "phone", "workplace", "title", "leadership"):
        if key in data:
            changes[key] = data[key] or ""
    for key in ("birth_date", "joined_on"):
        if key in data:
            changes[key] = data[key]
    if "is_standing" in data:
        if data["is_standing"] is None:
            raise Invalid(_("请求内容有误，请检查字段。"), {"is_standing": [_("应为 true 或 false。")]})
        changes["is_standing"] = data["is_standing"]
    try:
        services.member_update(actor=user, membership=membership, **changes)
    except Invalid as exc:
        raise _api_invalid(exc) from None
    return _out(access.get_membership_for_user(user, membership_id), user)


@router.post(
    "/{int:membership_id}/actions/{action}",
    response={200: MembershipOut, **ERRORS},
    summary="任职状态变更",
    description="`action`：resign（辞去委员职务）、remove（撤销委员资格）、reinstate（恢复在任）。"
    "当前状态不允许时 409 `invalid_transition`；状态已被他人改变时 409 `conflict`。",
)
def member_transition(
    request: HttpRequest, membership_id: int, action: str, payload: TransitionIn
) -> dict[str, Any]:
    user = _user(request)
    membership = access.get_membership_for_user(user, membership_id)
    services.membership_transition(
        membership=membership, name=action, actor=user, note=payload.note, on_date=payload.on_date
    )
    return _out(access.get_membership_for_user(user, membership_id), user)


@router.post(
    "/{int:membership_id}/reveal-phone",
    response={200: PhoneOut, **ERRORS},
    summary="查看完整手机号码",
    description="仅 PHONE_VISIBLE_ROLES 中的角色可用；每次查看都记入安全审计日志。",
)
def member_reveal_phone(request: HttpRequest, membership_id: int) -> PhoneOut:
    user = _user(request)
    membership = access.get_membership_for_user(user, membership_id)
    return PhoneOut(phone=services.phone_reveal(actor=user, membership=membership, request=request))
