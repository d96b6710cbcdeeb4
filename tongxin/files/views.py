"""Pages of generated files: 我的文件, one file's status (polled by htmx while it is being made), the
download and the PDF preview, and the one POST that any app's page uses to ask for a file
(templates/files/generate_button.html). Every page works without JavaScript: the status page then
offers a refresh link instead of polling."""

from __future__ import annotations

from typing import cast

from csp.decorators import csp_exempt
from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from tongxin.accounts.models import User
from tongxin.core.errors import Conflict, Invalid
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import parse_after, parse_limit

from . import access, queries, services
from .generators import generator_for
from .models import GeneratedFile

# Form fields of the generate form that are not the generator's params.
RESERVED_FIELDS = frozenset({"csrfmiddlewaretoken", "_back"})


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@signed_in_view
@never_cache
@require_GET
def file_list(request: HttpRequest) -> HttpResponse:
    """我的文件: newest first, paged by id; the list refreshes itself while a file is being made."""
    user = _user(request)
    try:
        after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"), 20)
    except Invalid:
        after, limit = None, 20
    page = queries.files_page(queries.files_visible_to(user), after=after, limit=limit)
    context = {
        "page": page,
        "any_active": any(file.is_active for file in page.items),
    }
    return render_page_or_partial(request, "files/list.html", context, partial="files")


@signed_in_view
@never_cache
@require_GET
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One file: its status and progress (the `status` partial is what htmx polls every second)."""
    file = access.get_file_for_user(_user(request), pk)
    context = {
        "file": file,
        "preview": services.preview_available(file),
        "mine": file.created_by_id == request.user.pk,
    }
    return render_page_or_partial(request, "files/detail.html", context, partial="status")


def _served(request: HttpRequest, file: GeneratedFile, *, preview: bool) -> HttpResponseBase:
    user = _user(request)
    try:
        if preview:
            handle, filename, content_type = services.file_preview_pdf(actor=user, file=file, request=request)
        else:
            handle, filename, content_type = services.file_download(actor=user, file=file, request=request)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("files:detail", file.pk)
    return FileResponse(handle, as_attachment=not preview, filename=filename, content_type=content_type)


@signed_in_view
@never_cache
@require_GET
def file_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file itself (the download is in the security log with the file's SHA-256)."""
    return _served(request, access.get_file_for_user(_user(request), pk), preview=False)


# The browser's PDF viewer must not be bound by the pages' CSP (object-src 'none' blocks it); the
# response is a PDF made by LibreOffice from our own .docx, never HTML.
@csp_exempt()
@signed_in_view
@never_cache
@require_GET
def file_preview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """在线预览（PDF）: the .docx rendered by LibreOffice, shown in the browser (for phones)."""
    return _served(request, access.get_file_for_user(_user(request), pk), preview=True)


@signed_in_view
@require_POST
def file_generate(request: HttpRequest, kind: str) -> HttpResponse:
    """Ask for a file of `kind` with the POSTed fields as params, then show its status page."""
    generator = generator_for(kind)  # NotFound → 404 for a kind nobody registered
    params: dict[str, object] = {}
    for name in request.POST:
        if name in RESERVED_FIELDS:
            continue
        values = request.POST.getlist(name)
        params[name] = values if len(values) > 1 else values[0]
    try:
        file = services.file_generation_start(actor=_user(request), kind=kind, params=params, request=request)
    except (Invalid, Conflict) as exc:
        messages.error(request, f"{generator.label}：{exc.message}")
        back = request.POST.get("_back", "")
        if not url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            back = reverse("files:list")
        return redirect(back)
    return redirect("files:detail", file.pk)
