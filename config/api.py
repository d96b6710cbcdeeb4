"""The JSON API: one NinjaAPI at /api/v1/ with a router per app, bearer-token auth, and one error shape.

Every error is `{"code", "message"}` (422 adds `fields`); views and endpoints call the same services.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from tongxin.accounts.api import auth_router, users_router
from tongxin.accounts.services import token_user
from tongxin.audit.api import router as audit_router
from tongxin.audit.services import access_denied_record
from tongxin.core.api import router as core_router
from tongxin.core.errors import DomainError
from tongxin.dashboards.api import router as dashboards_router
from tongxin.documents.api import router as documents_router
from tongxin.duties.api import assessments_router, checklists_router, score_rules_router
from tongxin.duties.api import members_router as duties_members_router
from tongxin.duties.api import router as duties_router
from tongxin.files.api import router as files_router
from tongxin.meetings.api import router as meetings_router
from tongxin.members.api import router as members_router
from tongxin.opinions.api import bulletins_router as opinion_bulletins_router
from tongxin.opinions.api import router as opinions_router
from tongxin.org.api import router as org_router
from tongxin.proposals.api import router as proposals_router
from tongxin.similarity.api import proposals_router as similarity_proposals_router
from tongxin.similarity.api import router as similarity_router


class BearerAuth(HttpBearer):
    """`Authorization: Bearer <token>` from POST /api/v1/auth/token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_user(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="同心 tongxin API",
    version="1",
    description=(
        "政协履职平台的 JSON 接口。先以 `POST /api/v1/auth/token` 换取令牌，再在请求头中携带 "
        '`Authorization: Bearer <token>`。错误统一为 `{"code", "message"}`：400 请求有误，401 未登录，'
        "403 无权操作，404 对象不存在（或无权知道其存在），409 状态冲突，422 字段校验失败（含 `fields`）。"
    ),
    auth=BearerAuth(),
    urls_namespace="api",
    docs_url="/docs",
)


def _error(request: HttpRequest, status: int, code: str, message: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"code": code, "message": message, **extra}, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    if exc.status == 403:
        # Every refused request is a security event (等保 L3 8.1.4.3a), whichever router refused it.
        access_denied_record(request=request, reason=exc.code)
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        fields.setdefault(".".join(loc) or "body", []).append(str(error.get("msg", "")))
    return _error(request, 422, "invalid", "请求内容有误，请检查字段。", fields=fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "未登录或令牌已失效。")


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "对象不存在。")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "http_error", str(exc))


api.add_router("/auth", auth_router, tags=["认证"])
api.add_router("/users", users_router, tags=["账号与角色"])
api.add_router("/", org_router, tags=["组织机构"])
api.add_router("/members", members_router, tags=["委员"])
api.add_router("/calendar", core_router, tags=["工作日历"])
api.add_router("/audit", audit_router, tags=["安全审计"])
api.add_router("/proposals", proposals_router, tags=["提案"])
api.add_router("/meetings", meetings_router, tags=["会议活动"])
# A second router on /members: its only path is /{id}/duties, so it never overlaps the members app's.
api.add_router("/members", duties_members_router, tags=["履职档案"])
api.add_router("/score-rules", score_rules_router, tags=["履职考核"])
api.add_router("/checklists", checklists_router, tags=["履职考核"])
api.add_router("/assessments", assessments_router, tags=["履职考核"])
api.add_router("/duties", duties_router, tags=["履职档案"])
api.add_router("/opinions", opinions_router, tags=["社情民意信息"])
api.add_router("/bulletins", opinion_bulletins_router, tags=["社情民意刊物"])
# Similarity: /proposals/{id}/similar and /{id}/unit-suggestions overlap none of the proposals router's
# paths; the root router adds /similar, /sessions/{id}/merge-suggestions and /search.
api.add_router("/proposals", similarity_proposals_router, tags=["相似与检索"])
api.add_router("/", similarity_router, tags=["相似与检索"])
api.add_router("/files", files_router, tags=["生成文件"])
api.add_router("/dashboards", dashboards_router, tags=["数据看板"])
api.add_router("/documents", documents_router, tags=["公文"])
