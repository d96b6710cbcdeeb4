"""Every write to accounts: sign-in, passwords, tokens, accounts and roles.

Each service checks who may act, validates, writes in one transaction with its UserEvent row, and
records the security log entry the 等保 tester looks for (ecosystem.md C9).
"""

from __future__ import annotations

import hashlib
import re
import secrets
import string
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, DomainError, Forbidden, Invalid
from tongxin.core.roles import ADMIN_ROLES, OFFICE_ROLES, Role
from tongxin.members.models import Person
from tongxin.org.models import Committee, HandlingUnit, OfficeDepartment
from tongxin.org.queries import committee_scope_ids

from . import access
from .models import ApiToken, PasswordHistory, User, UserEvent, UserRole

USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{3,40}$")
FULL_NAME_MAX = 30  # User.full_name
NOTE_MAX = 500
EMAIL_MAX = 254  # User.email

# Which account kinds may hold which roles. Administrators hold exactly one administrator role and
# nothing else (三员分立: "none does business work").
ROLES_FOR_KIND: dict[str, frozenset[str]] = {
    User.Kind.MEMBER: frozenset({Role.MEMBER, Role.LEADER}),
    User.Kind.UNIT: frozenset({Role.UNIT_STAFF}),
    User.Kind.OFFICE: frozenset(OFFICE_ROLES | {Role.LEADER, Role.INVITED_INFORMANT}),
    User.Kind.ADMIN: ADMIN_ROLES,
}
# The role an account of each kind starts with.
DEFAULT_ROLE_FOR_KIND: dict[str, str] = {User.Kind.MEMBER: Role.MEMBER, User.Kind.UNIT: Role.UNIT_STAFF}

LOGIN_FAILED_MESSAGE = "用户名或密码错误。"
LOCKED_OUT_MESSAGE = "登录失败次数过多，账号已暂时锁定，请 %(minutes)d 分钟后再试或联系系统管理员。"


class LockedOut(DomainError):
    status = 403

    def __init__(self) -> None:
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        super().__init__("locked_out", _(LOCKED_OUT_MESSAGE) % {"minutes": minutes})


class LoginFailed(DomainError):
    status = 401

    def __init__(self) -> None:
        super().__init__("login_failed", _(LOGIN_FAILED_MESSAGE))


def one_time_password() -> str:
    """A random password that satisfies the policy, for a new account or a reset."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(12))
        candidate = f"{body}#{secrets.randbelow(90) + 10}"
        if re.search(r"[a-z]", candidate) and re.search(r"[A-Z]", candidate):
            return candidate


# --- Signing in ---------------------------------------------------------------------------------


def login_attempt(*, request: HttpRequest, username: str, password: str) -> User:
    """Check a username and password; the same message for an unknown name and a wrong password.

    django-axes counts failures per username and marks the request when the account is locked
    (settings: LOCKOUT_FAILURES, LOCKOUT_MINUTES; 等保 L3 8.1.4.1b).
    """
    user = authenticate(request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        security_event_record(
            kind=SecurityEvent.Kind.LOCKOUT,
            request=request,
            username=username,
            outcome=SecurityEvent.Outcome.FAILURE,
            committee_id=_committee_of_username(username),
        )
        raise LockedOut()
    if user is None or not isinstance(user, User):
        security_event_record(
            kind=SecurityEvent.Kind.LOGIN_FAILED,
            request=request,
            username=username,
            outcome=SecurityEvent.Outcome.FAILURE,
            committee_id=_committee_of_username(username),
        )
        raise LoginFailed()
    return user


def _committee_of_username(username: str) -> int | None:
    # A failure against an existing account belongs to that account's committee, so that committee's
    # audit administrator sees the guessing; an unknown name stays installation-wide (audit.access).
    committee_id: int | None = (
        User.objects.filter(username=username).values_list("committee_id", flat=True).first()
    )
    return committee_id


def login_succeeded(*, request: HttpRequest, user: User, channel: str = "web") -> None:
    """Record a successful sign-in and stamp the session's absolute start."""
    security_event_record(
        kind=SecurityEvent.Kind.LOGIN, request=request, actor=user, details={"channel": channel}
    )


def logout_recorded(*, request: HttpRequest, user: User, reason: str = "logout") -> None:
    """Record a sign-out, or the end of a session that reached its absolute lifetime."""
    kind = SecurityEvent.Kind.SESSION_EXPIRED if reason == "expired" else SecurityEvent.Kind.LOGOUT
    details = {"reason": "absolute"} if reason == "expired" else {}
    security_event_record(kind=kind, request=request, actor=user, details=details)


def session_idle_expired(*, request: HttpRequest, user_id: int, expired_at: datetime) -> None:
    """Record a session that ended after SESSION_IDLE_MINUTES without a request (等保 L3 8.1.4.1b)."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return
    security_event_record(
        kind=SecurityEvent.Kind.SESSION_EXPIRED,
        request=request,
        actor=user,
        details={"reason": "idle", "expired_at": expired_at.isoformat()},
    )


# --- Passwords ------------------------------------------------------------------------------------


def _set_password(user: User, new_password: str, *, must_change: bool) -> None:
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    user.set_password(new_password)
    user.password_changed_at = timezone.now()
    user.must_change_password = must_change
    user.save(update_fields=["password", "password_changed_at", "must_change_password"])


def password_change(
    *, user: User, old_password: str, new_password: str, request: HttpRequest | None = None
) -> None:
    """The user changes their own password; the policy validators run first."""
    if not user.check_password(old_password):
        raise Invalid(_("原密码不正确。"), {"old_password": [_("原密码不正确。")]})
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise Invalid(_("新密码不符合密码策略。"), {"new_password": list(exc.messages)}) from None
    with transaction.atomic():
        _set_password(user, new_password, must_change=False)
        UserEvent.objects.create(user=user, actor=user, name="password_changed")
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        security_event_record(kind=SecurityEvent.Kind.PASSWORD_CHANGED, request=request, actor=user)


def password_reset(*, actor: User | None, user: User, request: HttpRequest | None = None) -> str:
    """A system administrator (or, for an administrator account, `tongxin resetadmin` on the server,
    actor None) resets a password; returns a one-time password to hand over."""
    _require_manage(actor, user.committee_id, target=user)
    password = one_time_password()
    with transaction.atomic():
        _set_password(user, password, must_change=True)
        UserEvent.objects.create(user=user, actor=actor, name="password_reset")
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_RESET,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            committee_id=user.committee_id,
        )
    return password


def password_expired(user: User) -> bool:
    """True when the password must be changed: a one-time password, or older than the maximum age."""
    if user.must_change_password:
        return True
    max_age = settings.PASSWORD_MAX_AGE_DAYS
    if not max_age or user.password_changed_at is None:
        return False
    return timezone.now() - user.password_changed_at > timedelta(days=max_age)


# --- API tokens ------------------------------------------------------------------------------------


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_issue(*, request: HttpRequest, username: str, password: str) -> tuple[str, datetime]:
    """Sign in for the API: a bearer token valid for API_TOKEN_HOURS, shown only this once."""
    user = login_attempt(request=request, username=username, password=password)
    if password_expired(user):
        security_event_record(
            kind=SecurityEvent.Kind.TOKEN_ISSUED,
            request=request,
            actor=user,
            outcome=SecurityEvent.Outcome.FAILURE,
            details={"reason": "password_expired"},
        )
        raise Forbidden(_("密码已过期或为初始密码，请先登录网页修改密码。"), code="password_expired")
    raw = secrets.token_urlsafe(32)
    expires_at = timezone.now() + timedelta(hours=settings.API_TOKEN_HOURS)
    with transaction.atomic():
        ApiToken.objects.create(user=user, key_hash=_token_hash(raw), expires_at=expires_at)
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        security_event_record(kind=SecurityEvent.Kind.TOKEN_ISSUED, request=request, actor=user)
    return raw, expires_at


def token_user(raw: str) -> User | None:
    """The active user a live token belongs to, or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_token_hash(raw), revoked_at__isnull=True, expires_at__gt=timezone.now())
        .first()
    )
    if token is None or not token.user.is_active:
        return None
    return token.user


# --- Preferences -------------------------------------------------------------------------------------


def elder_mode_set(*, user: User, enabled: bool) -> None:
    """Switch the 长辈版 on or off for this user (kept across sessions and devices)."""
    User.objects.filter(pk=user.pk).update(elder_mode=enabled)
    user.elder_mode = enabled


# --- Accounts (system administrator) ------------------------------------------------------------------


def _require_manage(actor: User | None, committee_id: int, *, target: User | None = None) -> None:
    if actor is None:  # the `createadmin` command and the demo builder run as the system itself
        return
    if not access.can_manage_accounts(actor):
        raise Forbidden(_("只有系统管理员可以管理账号。"))
    if committee_id not in committee_scope_ids(actor.committee_id):
        raise Forbidden(_("不能管理其他委员会的账号。"))
    if target is not None and not access.can_manage_account(actor, target):
        raise Forbidden(
            _(
                "管理员账号不能在此管理，"
                "请由部署人员在服务器上使用 tongxin createadmin 或 tongxin resetadmin 命令维护。"
            )
        )


def _check_email(email: str) -> str:
    email = email.strip()
    if len(email) > EMAIL_MAX:
        raise Invalid(_("账号信息有误。"), {"email": [_("电子邮箱过长。")]})
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise Invalid(_("账号信息有误。"), {"email": [_("电子邮箱格式不正确。")]}) from None
    return email


def _has_other_account(person: Person, user: User | None) -> bool:
    others = User.objects.filter(person=person)
    if user is not None:
        others = others.exclude(pk=user.pk)
    return others.exists()


def _check_kind_links(
    *,
    committee: Committee,
    kind: str,
    person: Person | None,
    handling_unit: HandlingUnit | None,
    department: OfficeDepartment | None,
    user: User | None = None,
) -> None:
    errors: dict[str, list[str]] = {}
    if kind not in User.Kind.values:
        errors["kind"] = [_("账号类型无效。")]
    if kind == User.Kind.MEMBER:
        if person is None:
            errors["person"] = [_("委员账号必须关联委员。")]
        elif person.committee_id != committee.pk:
            errors["person"] = [_("该委员不属于本委员会。")]
        elif _has_other_account(person, user):
            errors["person"] = [_("该委员已有账号。")]
    elif person is not None:
        errors["person"] = [_("只有委员账号可以关联委员。")]
    if kind == User.Kind.UNIT:
        if handling_unit is None:
            errors["handling_unit"] = [_("承办单位账号必须关联承办单位。")]
        elif handling_unit.committee_id != committee.pk:
            errors["handling_unit"] = [_("该承办单位不属于本委员会。")]
    elif handling_unit is not None:
        errors["handling_unit"] = [_("只有承办单位账号可以关联承办单位。")]
    if department is not None and department.committee_id != committee.pk:
        errors["department"] = [_("该处室不属于本委员会。")]
    if errors:
        raise Invalid(_("账号信息有误。"), errors)


def user_create(
    *,
    actor: User | None,
    committee: Committee,
    username: str,
    full_name: str,
    kind: str,
    person: Person | None = None,
    handling_unit: HandlingUnit | None = None,
    department: OfficeDepartment | None = None,
    email: str = "",
    password: str | None = None,
    request: HttpRequest | None = None,
) -> tuple[User, str | None]:
    """Create an account. Returns the user and, when no password was given, its one-time password.

    Members start with the member role and unit staff with the unit-staff role; every other role is
    granted by the security administrator (role_grant).
    """
    _require_manage(actor, committee.pk)
    username = username.strip()
    full_name = full_name.strip()
    errors: dict[str, list[str]] = {}
    if actor is not None and kind == User.Kind.ADMIN:
        errors["kind"] = [_("管理员账号只能由部署人员使用 tongxin createadmin 命令创建。")]
    if not USERNAME_PATTERN.match(username):
        errors["username"] = [_("用户名须为 3–40 位字母、数字或 _ . @ -。")]
    elif User.objects.filter(username__iexact=username).exists():
        errors["username"] = [_("用户名已被使用。")]
    if not full_name:
        errors["full_name"] = [_("请填写姓名。")]
    elif len(full_name) > FULL_NAME_MAX:
        errors["full_name"] = [_("姓名不能超过 %(n)d 个字。") % {"n": FULL_NAME_MAX}]
    if errors:
        raise Invalid(_("账号信息有误。"), errors)
    email = _check_email(email)
    _check_kind_links(
        committee=committee, kind=kind, person=person, handling_unit=handling_unit, department=department
    )
    one_time = None
    if password is None:
        password = one_time = one_time_password()
    with transaction.atomic():
        user = User(
            username=username,
            full_name=full_name,
            email=email,
            committee=committee,
            kind=kind,
            person=person,
            handling_unit=handling_unit,
            department=department,
            must_change_password=one_time is not None,
        )
        user.set_password(password)
        user.password_changed_at = timezone.now()
        try:
            user.save()
        except IntegrityError:
            raise Conflict(_("账号已存在。")) from None
        default_role = DEFAULT_ROLE_FOR_KIND.get(kind)
        if default_role:
            UserRole.objects.create(user=user, role=default_role, granted_by=actor)
        UserEvent.objects.create(
            user=user,
            actor=actor,
            name="created",
            data={"kind": kind, "roles": [default_role] if default_role else []},
        )
        security_event_record(
            kind=SecurityEvent.Kind.ACCOUNT_CREATED,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            details={"username": username, "kind": kind},
            committee_id=committee.pk,
        )
    return user, one_time


def user_update(
    *,
    actor: User,
    user: User,
    full_name: str | None = None,
    email: str | None = None,
    department: OfficeDepartment | Any | None = ...,
    handling_unit: HandlingUnit | Any | None = ...,
    request: HttpRequest | None = None,
) -> User:
    """Edit an account's name, e-mail, department or handling unit; an unchanged form writes nothing."""
    _require_manage(actor, user.committee_id, target=user)
    changes: dict[str, Any] = {}
    if full_name is not None:
        if not full_name.strip():
            raise Invalid(_("账号信息有误。"), {"full_name": [_("请填写姓名。")]})
        if len(full_name.strip()) > FULL_NAME_MAX:
            raise Invalid(
                _("账号信息有误。"), {"full_name": [_("姓名不能超过 %(n)d 个字。") % {"n": FULL_NAME_MAX}]}
            )
        changes["full_name"] = full_name.strip()
    if email is not None:
        changes["email"] = _check_email(email)
    new_department = user.department if department is ... else department
    new_unit = user.handling_unit if handling_unit is ... else handling_unit
    _check_kind_links(
        committee=user.committee,
        kind=user.kind,
        person=user.person,
        handling_unit=new_unit,
        department=new_department,
        user=user,
    )
    if department is not ...:
        changes["department"] = department
    if handling_unit is not ...:
        changes["handling_unit"] = handling_unit
    changes = {field: value for field, value in changes.items() if getattr(user, field) != value}
    if not changes:
        return user
    with transaction.atomic():
        for field, value in changes.items():
            setattr(user, field, value)
        user.save()
        logged = {k: (v.pk if hasattr(v, "pk") else v) for k, v in changes.items()}
        UserEvent.objects.create(user=user, actor=actor, name="updated", data=logged)
        security_event_record(
            kind=SecurityEvent.Kind.ACCOUNT_CHANGED,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            details=logged,
            committee_id=user.committee_id,
        )
    return user


def user_set_active(
    *, actor: User, user: User, active: bool, note: str = "", request: HttpRequest | None = None
) -> User:
    """Deactivate or reactivate an account. A deactivated account's sessions and tokens stop working
    at once (ASVS 7.4.2): sessions because inactive users no longer authenticate, tokens by revocation."""
    _require_manage(actor, user.committee_id, target=user)
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise Invalid(_("说明过长。"), {"note": [_("说明不能超过 %(n)d 个字。") % {"n": NOTE_MAX}]})
    if user.pk == actor.pk and not active:
        raise Forbidden(_("不能停用自己的账号。"))
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, is_active=not active).update(is_active=active)
        if not changed:
            raise Conflict(_("账号已经是该状态。"))
        user.is_active = active
        if not active:
            ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
        UserEvent.objects.create(
            user=user,
            actor=actor,
            name="reactivated" if active else "deactivated",
            from_state="inactive" if active else "active",
            to_state="active" if active else "inactive",
            note=note,
        )
        security_event_record(
            kind=SecurityEvent.Kind.ACCOUNT_REACTIVATED if active else SecurityEvent.Kind.ACCOUNT_DEACTIVATED,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            details={"note": note} if note else {},
            committee_id=user.committee_id,
        )
    return user


# --- Roles (security administrator) --------------------------------------------------------------------


def role_grant(*, actor: User | None, user: User, role: str, request: HttpRequest | None = None) -> UserRole:
    """Grant `role` to `user`. Administrators hold one administrator role and nothing else."""
    if actor is not None:
        if not access.can_grant_roles(actor):
            raise Forbidden(_("只有安全管理员可以授予角色。"))
        if user.committee_id not in committee_scope_ids(actor.committee_id):
            raise Forbidden(_("不能管理其他委员会的账号。"))
        if user.pk == actor.pk:
            raise Forbidden(_("不能为自己授予角色。"))
    if role not in Role.values:
        raise Invalid(_("角色无效。"), {"role": [_("角色无效。")]})
    if role not in ROLES_FOR_KIND[user.kind]:
        raise Invalid(
            _("%(kind)s账号不能授予“%(role)s”角色。")
            % {"kind": user.get_kind_display(), "role": Role(role).label},
            {"role": [_("该类型账号不能授予此角色。")]},
        )
    current = set(user.roles.values_list("role", flat=True))
    if role in current:
        raise Conflict(_("该账号已有此角色。"), code="already_granted")
    if role in ADMIN_ROLES and current & ADMIN_ROLES:
        raise Conflict(_("三员分立：一个账号只能担任一种管理员角色。"), code="admin_roles_separated")
    with transaction.atomic():
        try:
            with transaction.atomic():
                grant = UserRole.objects.create(user=user, role=role, granted_by=actor)
        except IntegrityError:
            raise Conflict(
                _("三员分立：一个账号只能担任一种管理员角色。"), code="admin_roles_separated"
            ) from None
        UserEvent.objects.create(user=user, actor=actor, name="role_granted", data={"role": role})
        security_event_record(
            kind=SecurityEvent.Kind.ROLE_GRANTED,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            details={"role": role},
            committee_id=user.committee_id,
        )
    user.__dict__.pop("role_set", None)
    return grant


def role_revoke(*, actor: User, user: User, role: str, request: HttpRequest | None = None) -> None:
    """Take `role` away from `user`."""
    if not access.can_grant_roles(actor):
        raise Forbidden(_("只有安全管理员可以撤销角色。"))
    if user.committee_id not in committee_scope_ids(actor.committee_id):
        raise Forbidden(_("不能管理其他委员会的账号。"))
    if user.pk == actor.pk:
        raise Forbidden(_("不能撤销自己的角色。"))
    if role not in Role.values:
        raise Invalid(_("角色无效。"), {"role": [_("角色无效。")]})
    with transaction.atomic():
        deleted, _rows = UserRole.objects.filter(user=user, role=role).delete()
        if not deleted:
            raise Conflict(_("该账号没有此角色。"), code="not_granted")
        UserEvent.objects.create(user=user, actor=actor, name="role_revoked", data={"role": role})
        security_event_record(
            kind=SecurityEvent.Kind.ROLE_REVOKED,
            request=request,
            actor=actor,
            target=f"user:{user.pk}",
            details={"role": role},
            committee_id=user.committee_id,
        )
    user.__dict__.pop("role_set", None)
