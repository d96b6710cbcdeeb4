"""API: sign-in for a bearer token; accounts (system administrator) and roles (security administrator).

Every refusal (403) is written to the security log by the API's error handler; another committee's account
answers 404.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db.models import Model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from tongxin.core.errors import Invalid, NotFound
from tongxin.core.pagination import keyset_page, parse_limit
from tongxin.members.models import Person
from tongxin.org.models import Committee, HandlingUnit, OfficeDepartment

from . import access, queries, services
from .models import User, UserRole
from .schemas import (
    DeactivateIn,
    ErrorOut,
    PasswordResetOut,
    RoleIn,
    RoleOut,
    TokenIn,
    TokenOut,
    UserCreatedOut,
    UserCreateIn,
    UserListOut,
    UserOut,
    UserPatchIn,
    UserQuery,
)

auth_router = Router()
users_router = Router()

ERRORS: dict[int, type[ErrorOut]] = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="以用户名和密码换取令牌",
)
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Wrong credentials answer 401 without saying whether the account exists; after repeated
    failures the account is locked (403 `locked_out`)."""
    raw, expires_at = services.token_issue(
        request=request, username=payload.username, password=payload.password
    )
    return TokenOut(token=raw, expires_at=expires_at)


def _account(request: HttpRequest, user_id: int) -> User:
    """The account with its list-row relations loaded, if the actor administers it (else 404)."""
    account = access.get_user_for_admin(request.user, user_id)
    return queries.users_filtered(User.objects.filter(pk=account.pk), queries.UserFilter()).get()


# The service names the linked objects; the API's bodies carry their ids.
API_FIELDS = {"person": "person_id", "handling_unit": "handling_unit_id", "department": "department_id"}


@contextmanager
def _api_field_names() -> Iterator[None]:
    """Report a service's field errors under the names the request body used."""
    try:
        yield
    except Invalid as exc:
        fields = {API_FIELDS.get(name, name): messages for name, messages in exc.fields.items()}
        raise Invalid(exc.message, fields, code=exc.code) from None


def _in_committee(model: type[Model], pk: int | None, committee: Committee, field: str) -> Any:
    """An org or members object of `committee` by id; anything else is "not found" for this field."""
    if pk is None:
        return None
    obj = model._default_manager.filter(pk=pk, committee=committee).first()
    if obj is None:
        message = _("不存在或不属于该委员会。")
        raise Invalid(_("账号信息有误。"), {field: [message]})
    return obj


@users_router.get("", response={200: UserListOut, **ERRORS}, summary="账号列表")
def user_list(request: HttpRequest, query: Query[UserQuery]) -> dict[str, Any]:
    """Accounts of the actor's committee and the committees below it, by id (keyset: pass
    `next_after` as `after`). System and security administrators."""
    access.require_view_accounts(request.user)
    found = queries.users_filtered(
        access.users_visible_to(request.user),
        queries.user_filter(
            committee_id=query.committee,
            kind=query.kind,
            role=query.role,
            active=query.active,
            text=query.q,
            roleless=query.roleless,
        ),
    )
    page = keyset_page(found, after=query.after, limit=parse_limit(query.limit))
    return {"items": page.items, "next_after": page.next_after}


@users_router.post("", response={201: UserCreatedOut, **ERRORS}, summary="创建账号")
def user_create(request: HttpRequest, payload: UserCreateIn) -> Status[User]:
    """System administrator. `kind` member needs `person_id`, unit needs `handling_unit_id`; office may
    give `department_id`. Administrators are not created here (`tongxin createadmin`). The answer
    carries `one_time_password` this once."""
    access.require_manage_accounts(request.user)
    committee_id = payload.committee_id or request.user.committee_id  # type: ignore[union-attr]
    committee = queries.committees_administered_by(request.user).filter(pk=committee_id).first()
    if committee is None:
        raise NotFound(_("委员会不存在。"))
    with _api_field_names():
        user, password = services.user_create(
            actor=request.user,  # type: ignore[arg-type]
            committee=committee,
            username=payload.username,
            full_name=payload.full_name,
            kind=payload.kind,
            email=payload.email,
            person=_in_committee(Person, payload.person_id, committee, "person_id"),
            handling_unit=_in_committee(
                HandlingUnit, payload.handling_unit_id, committee, "handling_unit_id"
            ),
            department=_in_committee(OfficeDepartment, payload.department_id, committee, "department_id"),
            request=request,
        )
    created = _account(request, user.pk)
    created.one_time_password = password  # type: ignore[attr-defined]
    return Status(201, created)


@users_router.get("/{int:user_id}", response={200: UserOut, **ERRORS}, summary="查看账号")
def user_detail(request: HttpRequest, user_id: int) -> User:
    """System and security administrators; another committee's account answers 404."""
    access.require_view_accounts(request.user)
    return _account(request, user_id)


@users_router.patch("/{int:user_id}", response={200: UserOut, **ERRORS}, summary="修改账号")
def user_update(request: HttpRequest, user_id: int, payload: UserPatchIn) -> User:
    """System administrator; only the fields sent change. Administrator accounts answer 403."""
    access.require_manage_accounts(request.user)
    account = _account(request, user_id)
    sent = payload.dict(exclude_unset=True)
    changes: dict[str, Any] = {}
    if "full_name" in sent:
        changes["full_name"] = sent["full_name"] or ""
    if "email" in sent:
        changes["email"] = sent["email"] or ""
    if "department_id" in sent:
        changes["department"] = _in_committee(
            OfficeDepartment, sent["department_id"], account.committee, "department_id"
        )
    if "handling_unit_id" in sent:
        changes["handling_unit"] = _in_committee(
            HandlingUnit, sent["handling_unit_id"], account.committee, "handling_unit_id"
        )
    with _api_field_names():
        services.user_update(actor=request.user, user=account, request=request, **changes)  # type: ignore[arg-type]
    return _account(request, user_id)


@users_router.post("/{int:user_id}/deactivate", response={200: UserOut, **ERRORS}, summary="停用账号")
def user_deactivate(request: HttpRequest, user_id: int, payload: DeactivateIn) -> User:
    """System administrator. Sessions and tokens of the account stop working at once; 409 if it is
    already inactive."""
    access.require_manage_accounts(request.user)
    account = _account(request, user_id)
    services.user_set_active(
        actor=request.user,  # type: ignore[arg-type]
        user=account,
        active=False,
        note=payload.note,
        request=request,
    )
    return _account(request, user_id)


@users_router.post("/{int:user_id}/reactivate", response={200: UserOut, **ERRORS}, summary="启用账号")
def user_reactivate(request: HttpRequest, user_id: int) -> User:
    """System administrator; 409 if the account is already active."""
    access.require_manage_accounts(request.user)
    account = _account(request, user_id)
    services.user_set_active(actor=request.user, user=account, active=True, request=request)  # type: ignore[arg-type]
    return _account(request, user_id)


@users_router.post(
    "/{int:user_id}/reset-password", response={200: PasswordResetOut, **ERRORS}, summary="重置密码"
)
def user_password_reset(request: HttpRequest, user_id: int) -> dict[str, str]:
    """System administrator. Returns a one-time password this once; the account's tokens are revoked
    and it must change the password at its next sign-in."""
    access.require_manage_accounts(request.user)
    account = _account(request, user_id)
    password = services.password_reset(actor=request.user, user=account, request=request)  # type: ignore[arg-type]
    return {"one_time_password": password}


@users_router.get("/{int:user_id}/roles", response={200: list[RoleOut], **ERRORS}, summary="账号的角色")
def role_list(request: HttpRequest, user_id: int) -> list[UserRole]:
    """System and security administrators."""
    access.require_view_accounts(request.user)
    account = _account(request, user_id)
    return list(account.roles.all())


@users_router.post("/{int:user_id}/roles", response={201: RoleOut, **ERRORS}, summary="授予角色")
def role_grant(request: HttpRequest, user_id: int, payload: RoleIn) -> Status[UserRole]:
    """Security administrator only. 422 if the role does not suit the account's kind (an
    administrator holds no business role); 409 `admin_roles_separated` for a second administrator
    role, 409 `already_granted` if held; 403 for the actor's own account."""
    access.require_grant_roles(request.user)
    account = _account(request, user_id)
    grant = services.role_grant(actor=request.user, user=account, role=payload.role, request=request)  # type: ignore[arg-type]
    return Status(201, grant)


@users_router.delete("/{int:user_id}/roles/{role}", response={204: None, **ERRORS}, summary="撤销角色")
def role_revoke(request: HttpRequest, user_id: int, role: str) -> Status[None]:
    """Security administrator only; 409 `not_granted` if the account does not hold the role."""
    access.require_grant_roles(request.user)
    account = _account(request, user_id)
    services.role_revoke(actor=request.user, user=account, role=role, request=request)  # type: ignore[arg-type]
    return Status(204, None)
