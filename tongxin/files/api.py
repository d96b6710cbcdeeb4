"""API: generated files, mounted at /api/v1/files.

`POST /api/v1/files {kind, params}` asks for a file and answers 202 at once; poll `GET
/api/v1/files/{id}` (its `url`) until `status` is `done` (then `download_url`) or `failed` (then
`message`). Errors: 403 the generator refuses this user, 404 unknown kind or invisible file, 409 too
many files queued, or the file not ready / expired / failed its integrity check, 422 bad params.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from ninja import Query, Router, Status

from tongxin.core.pagination import parse_limit

from . import access, queries, services
from .generators import PDF, generators
from .models import GeneratedFile
from .schemas import ErrorOut, FileDetailOut, FileIn, FileKindOut, FileListOut, FileListQuery, FileOut

router = Router()

ERRORS: dict[int, type[ErrorOut]] = {401: ErrorOut, 404: ErrorOut}
BINARY = {"description": "文件内容", "content": {"application/octet-stream": {}}}


@router.get("", response={200: FileListOut, 401: ErrorOut, 422: ErrorOut}, summary="我的文件")
def file_list(request: HttpRequest, query: Query[FileListQuery]) -> dict[str, Any]:
    """The files the caller asked for, newest first; pass `next_after` as `after` for the next page."""
    page = queries.files_page(
        queries.files_visible_to(request.user), after=query.after, limit=parse_limit(query.limit)
    )
    return {"items": page.items, "next_after": page.next_after}


@router.post(
    "",
    response={202: FileOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="申请生成文件",
)
def file_create(request: HttpRequest, payload: FileIn) -> Status[GeneratedFile]:
    """Checks the request now and makes the file in the background. The same request again while it
    is still queued or being made answers the same file."""
    file = services.file_generation_start(
        actor=request.user, kind=payload.kind, params=payload.params, request=request
    )
    return Status(202, file)


@router.get("/kinds", response={200: list[FileKindOut], 401: ErrorOut}, summary="可生成的文件类型")
def file_kinds(request: HttpRequest) -> list[dict[str, Any]]:
    """Every registered kind; whether the caller may ask for one depends on its params (403 on POST)."""
    return [{"kind": g.kind, "label": str(g.label), "preview_pdf": g.preview_pdf} for g in generators()]


@router.get(
    "/{int:file_id}", response={200: FileDetailOut, **ERRORS}, summary="查看文件状态", url_name="file_detail"
)
def file_detail(request: HttpRequest, file_id: int) -> GeneratedFile:
    """Status and progress; `download_url` once done. The requester's own, or a colleague's that the
    caller could have asked for; anything else is 404."""
    file = access.get_file_for_user(request.user, file_id)
    file.preview_offered = services.preview_available(file)  # type: ignore[attr-defined]
    return file


@router.get(
    "/{int:file_id}/download",
    response={200: None, 409: ErrorOut, **ERRORS},
    summary="下载文件",
    url_name="file_download",
    openapi_extra={"responses": {200: BINARY}},
)
def file_download(request: HttpRequest, file_id: int) -> FileResponse:
    """The content, checked against its SHA-256; the download is written to the security log."""
    file = access.get_file_for_user(request.user, file_id)
    handle, filename, content_type = services.file_download(actor=request.user, file=file, request=request)
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=content_type)


@router.get(
    "/{int:file_id}/preview.pdf",
    response={200: None, 409: ErrorOut, **ERRORS},
    summary="PDF 预览",
    url_name="file_preview",
    openapi_extra={"responses": {200: {"description": "PDF", "content": {PDF: {}}}}},
)
def file_preview(request: HttpRequest, file_id: int) -> FileResponse:
    """A .docx rendered as PDF by LibreOffice (made once and kept); 404 when not offered."""
    file = access.get_file_for_user(request.user, file_id)
    handle, filename, content_type = services.file_preview_pdf(actor=request.user, file=file, request=request)
    return FileResponse(handle, as_attachment=False, filename=filename, content_type=content_type)
