"""API schemas of generated files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from ninja import Schema
from pydantic import Field

from tongxin.core.schemas import ErrorOut

__all__ = ["ErrorOut", "FileDetailOut", "FileIn", "FileKindOut", "FileListOut", "FileListQuery", "FileOut"]


class FileIn(Schema):
    kind: str = Field(max_length=64, description="文件类型，取值见 GET /api/v1/files/kinds")
    params: dict[str, Any] = Field(default_factory=dict, description="该类型文件的参数（由生成器校验）")


class FileOut(Schema):
    id: int
    kind: str
    label: str
    status: str = Field(
        description="pending 排队中 / running 生成中 / done 已完成 / failed 失败 / expired 已过期"
    )
    status_label: str
    progress: int = Field(description="0–100")
    message: str = Field(description="进度说明，或失败原因")
    params: dict[str, Any]
    filename: str
    content_type: str
    size: int
    sha256: str = Field(description="文件内容的 SHA-256（完成后）")
    downloads: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    url: str = Field(description="本文件状态的接口地址（轮询）")
    page_url: str = Field(description="本文件的页面地址")
    download_url: str | None = Field(description="下载地址（完成后）")

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_url(obj: Any) -> str:
        return reverse("api:file_detail", args=[obj.pk])

    @staticmethod
    def resolve_page_url(obj: Any) -> str:
        return reverse("files:detail", args=[obj.pk])

    @staticmethod
    def resolve_download_url(obj: Any) -> str | None:
        return reverse("api:file_download", args=[obj.pk]) if obj.status == "done" else None


class FileDetailOut(FileOut):
    preview_url: str | None = Field(description="PDF 预览地址（.docx 且服务器可生成 PDF 时）")

    @staticmethod
    def resolve_preview_url(obj: Any) -> str | None:
        return reverse("api:file_preview", args=[obj.pk]) if getattr(obj, "preview_offered", False) else None


class FileListQuery(Schema):
    after: int | None = Field(None, description="上一页最后一条的编号（结果由新到旧）")
    limit: int | None = Field(None, ge=1, le=100, description="每页条数，1–100，默认 50")


class FileListOut(Schema):
    items: list[FileOut]
    next_after: int | None


class FileKindOut(Schema):
    kind: str
    label: str
    preview_pdf: bool
