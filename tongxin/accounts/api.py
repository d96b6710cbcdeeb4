"""API: sign-in for a bearer token; accounts and roles for the administrators."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from . import services
from .schemas import ErrorOut, TokenIn, TokenOut

auth_router = Router()
users_router = Router()


@auth_router.post(
    "/token",
    auth=None,
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="以用户名和密码换取令牌",
)
def token(request: HttpRequest, payload: TokenIn) -> TokenOut:
    """Wrong credentials answer 401 without saying whether the account exists; after repeated
    failures the account is locked (403 `locked_out`)."""
    raw, expires_at = services.token_issue(request=request, username=payload.username, password=payload.password)
    return TokenOut(token=raw, expires_at=expires_at)
