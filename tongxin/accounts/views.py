"""Sign-in, sign-out, password change, the personal page and the 长辈版 switch; the system
administrator's account pages and the security administrator's role page."""

from __future__ import annotations

import time
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tongxin.audit.denials import renders_denials
from tongxin.core.errors import Conflict, DomainError, Forbidden, Invalid
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.pagination import Page, keyset_page, parse_after, parse_limit
from tongxin.core.roles import Role
from tongxin.members.models import Person
from tongxin.org.models import Committee

from . import access, queries, services
from .context_processors import ELDER_COOKIE
from .forms import (
    CREATABLE_KINDS,
    DeactivateForm,
    LoginForm,
    PasswordChangeForm,
    RoleFilterForm,
    UserCreateForm,
    UserEditForm,
    UserFilterForm,
)
from .middleware import SESSION_STARTED_KEY
from .models import User


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = LoginForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            user = services.login_attempt(
                request=request,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            request.session[SESSION_STARTED_KEY] = int(time.time())
            services.login_succeeded(request=request, user=user)
            return redirect(_safe_next(request, settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login.html", {"form": form}, status=status)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any
) -> HttpResponse:
    """django-axes' hook: our login view and token endpoint already answered with the lockout message."""
    if original_response is not None:
        return original_response
    return render(request, "accounts/login.html", {"form": LoginForm(), "locked": True}, status=403)


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        services.logout_recorded(request=request, user=request.user)
    logout(request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@never_cache
@login_required
def password_change_view(request: HttpRequest) -> HttpResponse:
    form = PasswordChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.password_change(
                user=request.user,  # type: ignore[arg-type]
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
                request=request,
            )
        except Invalid as exc:
            for field, errors in exc.fields.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
            messages.success(request, _("密码已修改。"))
            return redirect(settings.LOGIN_REDIRECT_URL)
    return render(
        request,
        "accounts/password_change.html",
        {
            "form": form,
            "forced": services.password_expired(request.user),  # type: ignore[arg-type]
            "policy": password_validators_help_texts(),
        },
    )


@login_required
def profile_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/profile.html", {"account": request.user})


@require_POST
def elder_mode_view(request: HttpRequest) -> HttpResponse:
    """Switch the 长辈版; kept on the account, or in a cookie before sign-in."""
    enabled = request.POST.get("enabled") == "1"
    response: HttpResponse = HttpResponseRedirect(_safe_next(request, "/"))
    if request.user.is_authenticated:
        services.elder_mode_set(user=request.user, enabled=enabled)
    else:
        response.set_cookie(ELDER_COOKIE, "1" if enabled else "0", max_age=365 * 86400, samesite="Lax")
    return response


# --- Account administration (system administrator) ------------------------------------------------


def _form_errors(form: forms.Form, exc: Invalid) -> None:
    """Show a service's field messages on the form (fields the form lacks go on top)."""
    for field, errors in exc.fields.items():
        for error in errors:
            form.add_error(field if field in form.fields else None, error)
    if not exc.fields:
        form.add_error(None, exc.message)


def _query(request: HttpRequest) -> dict[str, str]:
    """The list's GET parameters, kept by the pager (which sets its own `after`)."""
    return {
        key: str(request.GET.get(key, "")) for key in request.GET if key != "after" and request.GET.get(key)
    }


def _active(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


@never_cache
@login_required
@renders_denials
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Accounts of the committee and those below it, filtered; or serving members without one."""
    access.require_manage_accounts(request.user)
    committees = queries.committees_administered_by(request.user)
    form = UserFilterForm(request.GET, committees=committees)
    page: Page[Any] | None = None
    members_mode = False
    if form.is_valid():
        data = form.cleaned_data
        committee = data.get("committee")
        members_mode = bool(data["without_account"])
        try:
            after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
            if members_mode:
                scope = [committee.pk] if committee else [c.pk for c in committees]
                found: QuerySet[Any] = queries.serving_members_without_account(scope)
            else:
                found = queries.users_filtered(
                    access.users_visible_to(request.user),
                    queries.user_filter(
                        committee_id=committee.pk if committee else None,
                        kind=data["kind"],
                        role=data["role"],
                        active=_active(data["active"]),
                        text=data["q"],
                    ),
                )
            page = keyset_page(found, after=after, limit=limit, query=_query(request))
        except Invalid as exc:
            _form_errors(form, exc)
    context = {"form": form, "page": page, "members_mode": members_mode, "committees": committees}
    return render_page_or_partial(request, "accounts/user_list.html", context, partial="results")


def _committee_for_create(request: HttpRequest, committees: QuerySet[Committee]) -> Committee:
    raw = request.GET.get("committee") or ""
    if not raw:
        return request.user.committee  # type: ignore[union-attr]
    committee = committees.filter(pk=int(raw)).first() if raw.isdigit() else None
    if committee is None:
        raise Http404(_("委员会不存在。"))
    return committee


@never_cache
@login_required
@renders_denials
def user_create(request: HttpRequest) -> HttpResponse:
    """Step 1 picks the kind (and committee); step 2 is the kind's form. Administrators are not
    created here (`tongxin createadmin`)."""
    access.require_manage_accounts(request.user)
    committees = queries.committees_administered_by(request.user)
    committee = _committee_for_create(request, committees)
    kind = request.GET.get("kind", "")
    context: dict[str, Any] = {"committee": committee, "committees": committees, "kinds": CREATABLE_KINDS}
    if kind not in CREATABLE_KINDS:
        return render(request, "accounts/user_create.html", context)
    people = queries.people_who_may_get_an_account(committee)
    form = UserCreateForm(
        request.POST or None,
        initial=_create_initial(request, kind, people),
        kind=kind,
        committee=committee,
        people=people,
    )
    if request.method == "POST" and form.is_valid():
        try:
            user, password = services.user_create(
                actor=request.user,  # type: ignore[arg-type]
                committee=committee,
                kind=kind,
                request=request,
                **form.cleaned_data,
            )
        except Invalid as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "accounts/one_time_password.html",
                {"account": user, "password": password, "created": True},
            )
    context.update(form=form, kind=kind, kind_label=User.Kind(kind).label)
    return render(request, "accounts/user_create.html", context)


def _create_initial(request: HttpRequest, kind: str, people: QuerySet[Person]) -> dict[str, Any]:
    """From the "开通账号" link: the member chosen, their name, and a user name from its pinyin."""
    raw = request.GET.get("person", "")
    if kind != User.Kind.MEMBER or not raw.isdigit():
        return {}
    person = people.filter(pk=int(raw)).first()
    if person is None:
        return {}
    return {
        "person": person.pk,
        "full_name": person.name,
        "username": queries.username_suggestion(person.name),
    }


@never_cache
@login_required
@renders_denials
@require_GET
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One account: facts, roles, actions and its change history."""
    access.require_manage_accounts(request.user)
    account = access.get_user_for_admin(request.user, pk)
    context = {
        "account": account,
        "grants": account.roles.select_related("granted_by").order_by("role"),
        "events": queries.user_timeline(account),
        "can_manage": access.can_manage_account(request.user, account),
    }
    return render(request, "accounts/user_detail.html", context)


def _managed_account(request: HttpRequest, pk: int) -> User:
    access.require_manage_accounts(request.user)
    account = access.get_user_for_admin(request.user, pk)
    if not access.can_manage_account(request.user, account):
        raise Forbidden(
            _("管理员账号不能在此管理，请由部署人员在服务器上使用 tongxin createadmin 命令维护。")
        )
    return account


@never_cache
@login_required
@renders_denials
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Name, e-mail, and the unit or department the account's kind links to."""
    account = _managed_account(request, pk)
    initial = {
        "full_name": account.full_name,
        "email": account.email,
        "handling_unit": account.handling_unit_id,
        "department": account.department_id,
    }
    form = UserEditForm(request.POST or None, initial=initial, user=account)
    if request.method == "POST" and form.is_valid():
        links = {k: form.cleaned_data[k] for k in ("handling_unit", "department") if k in form.cleaned_data}
        try:
            services.user_update(
                actor=request.user,  # type: ignore[arg-type]
                user=account,
                full_name=form.cleaned_data["full_name"],
                email=form.cleaned_data["email"],
                request=request,
                **links,
            )
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("账号信息已保存。"))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_edit.html", {"account": account, "form": form})


@never_cache
@login_required
@renders_denials
def user_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then deactivate (POST): sessions and tokens stop working at once."""
    account = _managed_account(request, pk)
    form = DeactivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.user_set_active(
                actor=request.user,  # type: ignore[arg-type]
                user=account,
                active=False,
                note=form.cleaned_data["note"],
                request=request,
            )
        except Invalid as exc:
            _form_errors(form, exc)
        except Conflict as exc:
            messages.error(request, exc.message)
            return redirect("accounts:user_detail", pk=account.pk)
        else:
            messages.success(request, _("账号已停用，其登录会话和接口令牌已失效。"))
            return redirect("accounts:user_detail", pk=account.pk)
    return render(
        request, "accounts/user_confirm.html", {"account": account, "form": form, "action": "deactivate"}
    )


@login_required
@renders_denials
@require_POST
def user_reactivate(request: HttpRequest, pk: int) -> HttpResponse:
    """Reactivate a deactivated account (POST from the detail page)."""
    account = _managed_account(request, pk)
    try:
        services.user_set_active(actor=request.user, user=account, active=True, request=request)  # type: ignore[arg-type]
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("账号已启用。"))
    return redirect("accounts:user_detail", pk=account.pk)


@never_cache
@login_required
@renders_denials
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm (GET), then reset (POST): the one-time password is shown on this response only."""
    account = _managed_account(request, pk)
    if request.method != "POST":
        return render(request, "accounts/user_confirm.html", {"account": account, "action": "reset"})
    password = services.password_reset(actor=request.user, user=account, request=request)  # type: ignore[arg-type]
    return render(request, "accounts/one_time_password.html", {"account": account, "password": password})


# --- Role grants (security administrator) ----------------------------------------------------------


@never_cache
@login_required
@renders_denials
@require_GET
def role_list(request: HttpRequest) -> HttpResponse:
    """The committee's accounts with their roles, and a grant or revoke button for each."""
    access.require_grant_roles(request.user)
    committees = queries.committees_administered_by(request.user)
    form = RoleFilterForm(request.GET, committees=committees)
    page: Page[User] | None = None
    if form.is_valid():
        data = form.cleaned_data
        committee = data.get("committee")
        try:
            after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
            found = queries.users_filtered(
                access.users_visible_to(request.user),
                queries.user_filter(
                    committee_id=committee.pk if committee else None,
                    kind=data["kind"],
                    role=data["role"],
                    text=data["q"],
                    roleless=data["roleless"],
                ),
            )
            page = keyset_page(found, after=after, limit=limit, query=_query(request))
        except Invalid as exc:
            _form_errors(form, exc)
        else:
            for account in page.items:
                account.grantable = queries.grantable_roles(account)  # type: ignore[attr-defined]
    context = {"form": form, "page": page, "committees": committees, "return_to": request.get_full_path()}
    return render_page_or_partial(request, "accounts/role_list.html", context, partial="results")


def _role_row(request: HttpRequest, account: User, *, error: str = "", notice: str = "") -> HttpResponse:
    """After a grant or revoke: the row again for htmx, or back to the list for a plain form."""
    if getattr(request, "htmx", False):
        account = queries.users_filtered(User.objects.filter(pk=account.pk), queries.UserFilter()).get()
        account.grantable = queries.grantable_roles(account)  # type: ignore[attr-defined]
        return_to = request.htmx.current_url_abs_path or reverse("accounts:role_list")  # type: ignore[attr-defined]
        context = {"account": account, "row_error": error, "row_notice": notice, "return_to": return_to}
        return render(request, "accounts/role_list.html#row", context)
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice)
    return redirect(_safe_next(request, reverse("accounts:role_list")))


@login_required
@renders_denials
@require_POST
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Grant the posted role; 三员分立 and the kind's roles are checked by the service."""
    access.require_grant_roles(request.user)
    account = access.get_user_for_admin(request.user, pk)
    role = request.POST.get("role", "")
    try:
        services.role_grant(actor=request.user, user=account, role=role, request=request)  # type: ignore[arg-type]
    except (Invalid, Conflict) as exc:
        return _role_row(request, account, error=exc.message)
    notice = _("已为 %(name)s 授予“%(role)s”。") % {"name": account, "role": Role(role).label}
    return _role_row(request, account, notice=notice)


@login_required
@renders_denials
@require_POST
def role_revoke(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """Revoke one role from the account."""
    access.require_grant_roles(request.user)
    account = access.get_user_for_admin(request.user, pk)
    try:
        services.role_revoke(actor=request.user, user=account, role=role, request=request)  # type: ignore[arg-type]
    except (Invalid, Conflict) as exc:
        return _role_row(request, account, error=exc.message)
    notice = _("已撤销 %(name)s 的“%(role)s”。") % {"name": account, "role": Role(role).label}
    return _role_row(request, account, notice=notice)
