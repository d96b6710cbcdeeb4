"""Every write of generated files: asking for one, making it (what the task runs), downloading it,
its PDF preview, and the retention sweep.

The file is made outside any transaction (it can take minutes, and its progress must be seen by the
page that polls); it becomes visible only by the final compare-and-swap to `done`, after its content
is stored under its own SHA-256. A failure leaves status `failed` with a Chinese message and no file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import logging
import re
import time
from functools import partial
from pathlib import PurePosixPath
from types import ModuleType
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import F, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound

from . import access, tasks
from .generators import DOCX, PDF, Generator, Produced, generator_for
from .models import GeneratedFile, GeneratedFileEvent
from .workflow import ACTIVE_STATES, TRANSITIONS, State

logger = logging.getLogger(__name__)

# A progress callback writes at most this often; the status page polls once a second.
PROGRESS_INTERVAL_SECONDS = 0.5
CHUNK = 1024 * 1024


def max_active_per_user() -> int:
    """How many files one person may have queued or running at once (a cheap brake on floods)."""
    return int(getattr(settings, "FILE_MAX_ACTIVE_PER_USER", 5))


def retention_days() -> int:
    return int(getattr(settings, "FILE_RETENTION_DAYS", 30))


# --- the one state-change service ------------------------------------------------------------------


def generated_file_transition(
    *,
    file: GeneratedFile,
    name: str,
    actor: Any = None,
    fields: dict[str, Any] | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> GeneratedFile:
    """Move `file` by transition `name` (workflow.TRANSITIONS): compare-and-swap on the status, event
    row in the same transaction. Conflict when the file is no longer in a source state."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise NotFound(_("没有这个操作。"), code="unknown_action")
    if not getattr(access, t.permission)(actor, file):
        raise Forbidden(_("该操作只能由系统执行。"))
    old = file.status
    if old not in t.sources:
        raise Conflict(
            _("文件当前为“%(state)s”，不能“%(action)s”。") % {"state": State(old).label, "action": t.label},
            code="invalid_transition",
        )
    values = {"status": t.target, **(fields or {})}
    with transaction.atomic():
        if GeneratedFile.objects.filter(pk=file.pk, status=old).update(**values) != 1:
            raise Conflict(_("文件状态刚刚已变化，请刷新后重试。"))
        GeneratedFileEvent.objects.create(
            file=file, actor=actor, name=name, from_state=old, to_state=t.target, note=note, data=data or {}
        )
    for key, value in values.items():
        setattr(file, key, value)
    return file


# --- asking for a file -----------------------------------------------------------------------------


def params_digest(kind: str, params: dict[str, Any]) -> str:
    """SHA-256 of the kind and the params in canonical JSON: equal requests have equal digests."""
    canonical = json.dumps([kind, params], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _stored_params(cleaned: Any) -> dict[str, Any]:
    if not isinstance(cleaned, dict):
        raise TypeError("a generator's check must return a dict of cleaned params")
    # Dates, decimals and the like come back from JSON as strings (generators.py says so).
    stored: dict[str, Any] = json.loads(json.dumps(cleaned, cls=DjangoJSONEncoder))
    return stored


def file_generation_start(
    *, actor: Any, kind: str, params: dict[str, Any] | Any, request: HttpRequest | None = None
) -> GeneratedFile:
    """Ask for a file: the generator's check runs now (Forbidden/Invalid come back at once), the file
    is made by a task after commit. Asking again for the same file while it is still queued or being
    made returns that file instead of a second one."""
    access.require_generate(actor)
    generator = generator_for(kind)
    if not isinstance(params, dict):
        raise Invalid(_("参数格式有误。"), {"params": [_("须为对象（键值对）。")]})
    stored = _stored_params(generator.check(actor, dict(params)))
    digest = params_digest(kind, stored)
    # A file whose worker died would otherwise be joined for ever: fail it, and make a new one.
    for stale in abandoned_files().filter(created_by_id=actor.pk).select_related("created_by"):
        _fail(stale, _abandoned_message(), stale.status)
    active = GeneratedFile.objects.filter(created_by_id=actor.pk, status__in=sorted(ACTIVE_STATES))
    existing = active.filter(params_digest=digest).first()
    if existing is not None:
        return existing
    if active.count() >= max_active_per_user():
        raise Conflict(
            _("您已有 %(count)d 个文件正在生成，请等其完成后再试。") % {"count": max_active_per_user()},
            code="too_many_files",
        )
    try:
        with transaction.atomic():
            file = GeneratedFile.objects.create(
                committee_id=actor.committee_id,
                kind=kind,
                label=str(generator.label)[:200],
                params=stored,
                params_digest=digest,
                created_by=actor,
            )
            GeneratedFileEvent.objects.create(
                file=file, actor=actor, name="request", to_state=State.PENDING, data={"kind": kind}
            )
            security_event_record(
                kind=SecurityEvent.Kind.EXPORT,
                request=request,
                actor=actor,
                target=f"files.GeneratedFile:{file.pk}",
                details={"event": "file.requested", "kind": kind, "params": stored},
            )
            # robust: a queue that refuses the task leaves the file pending (logged, swept after a
            # day) instead of failing a request whose rows are already committed.
            transaction.on_commit(partial(tasks.file_generate_task.enqueue, file_id=file.pk), robust=True)
    except IntegrityError:
        # The same person asked twice at the same moment: the other request's row won.
        existing = active.filter(params_digest=digest).first()
        if existing is None:
            raise
        return existing
    return file


# --- making it (the task) ---------------------------------------------------------------------------


class ProgressWriter:
    """The `progress(percent, message)` a generator calls: throttled writes of a running file's row."""

    def __init__(self, file_id: int) -> None:
        self.file_id = file_id
        self.last_written_at: float | None = None
        self.last: tuple[int, str] = (-1, "")

    def __call__(self, percent: int, message: str = "") -> None:
        # 100 is for the finished file only; a generator's last tick shows 99 until it is stored.
        value = (max(0, min(99, int(percent))), str(message)[:300])
        now = time.monotonic()
        if value == self.last:
            return
        if self.last_written_at is not None and now - self.last_written_at < PROGRESS_INTERVAL_SECONDS:
            return
        GeneratedFile.objects.filter(pk=self.file_id, status=State.RUNNING).update(
            progress=value[0], message=value[1]
        )
        self.last, self.last_written_at = value, now


def file_generate(*, file_id: int) -> GeneratedFile:
    """What the task runs. A file that is not pending (already taken by another worker, or retried
    after it finished) is returned as it is: the task is idempotent."""
    file = GeneratedFile.objects.select_related("created_by").filter(pk=file_id).first()
    if file is None:
        raise NotFound(_("文件不存在。"))
    if file.status != State.PENDING:
        return file
    try:
        generator = generator_for(file.kind)
    except NotFound:
        return _fail(file, _("这种文件已不再提供。"), State.PENDING)
    try:
        generated_file_transition(
            file=file, name="start", fields={"started_at": timezone.now(), "message": _("正在生成……")}
        )
    except Conflict:
        file.refresh_from_db()
        return file
    try:
        produced = generator.run(file.created_by, dict(file.params), ProgressWriter(file.pk))
        if not isinstance(produced, Produced) or not isinstance(produced.content, bytes):
            raise TypeError(f"generator {file.kind} returned {type(produced).__name__}, not Produced")
    except DomainError as exc:
        logger.warning("file %s (%s) refused: %s", file.pk, file.kind, exc.message)
        return _fail(file, str(exc.message), State.RUNNING)
    except Exception:
        logger.exception("file %s (%s) failed", file.pk, file.kind)
        return _fail(file, _("生成文件时出错，请稍后重试；如仍失败，请联系系统管理员。"), State.RUNNING)
    return _finish(file, generator, produced)


def _finish(file: GeneratedFile, generator: Generator, produced: Produced) -> GeneratedFile:
    digest = hashlib.sha256(produced.content).hexdigest()
    filename = safe_filename(produced.filename, fallback=str(generator.label))
    try:
        name = _store(produced.content, digest, filename)
    except Exception:
        logger.exception("file %s (%s): storing the content failed", file.pk, file.kind)
        return _fail(file, _("保存文件时出错，请稍后重试；如仍失败，请联系系统管理员。"), State.RUNNING)
    fields = {
        "file": name,
        "filename": filename,
        "content_type": produced.content_type[:120],
        "size": len(produced.content),
        "sha256": digest,
        "progress": 100,
        "message": _("已完成"),
        "finished_at": timezone.now(),
    }
    try:
        with transaction.atomic():
            generated_file_transition(file=file, name="finish", fields=fields, data={"sha256": digest})
            security_event_record(
                kind=SecurityEvent.Kind.EXPORT,
                actor=file.created_by,
                committee_id=file.committee_id,
                target=f"files.GeneratedFile:{file.pk}",
                details={
                    "event": "file.generated",
                    "kind": file.kind,
                    "filename": filename,
                    "size": len(produced.content),
                    "sha256": digest,
                },
            )
    except Exception:
        # Never half-written: no row points at the stored content, so it goes (unless shared).
        _delete_unreferenced(name)
        file.refresh_from_db()
        if file.status == State.RUNNING:
            return _fail(file, _("保存文件时出错，请稍后重试；如仍失败，请联系系统管理员。"), State.RUNNING)
        return file
    if preview_available(file):
        # Render the PDF now, in the background, so that opening the preview on a phone is instant
        # (a large .docx can take LibreOffice longer than a web request may last).
        transaction.on_commit(partial(tasks.file_preview_task.enqueue, file_id=file.pk), robust=True)
    return file


def file_preview_render(*, file_id: int) -> bool:
    """What the preview task runs: make and keep the PDF of a finished .docx, once. Best effort: a
    failure is logged, and the preview is tried again when someone opens it."""
    file = GeneratedFile.objects.filter(pk=file_id).first()
    if file is None or file.preview or not preview_available(file):
        return False
    try:
        _render_preview(file)
    except DomainError:
        return False
    return True


def _fail(file: GeneratedFile, message: str, expected: str) -> GeneratedFile:
    file.status = expected
    try:
        with transaction.atomic():
            generated_file_transition(
                file=file,
                name="fail",
                fields={"message": message[:300], "finished_at": timezone.now()},
                note=message,
            )
            security_event_record(
                kind=SecurityEvent.Kind.EXPORT,
                actor=file.created_by,
                committee_id=file.committee_id,
                outcome=SecurityEvent.Outcome.FAILURE,
                target=f"files.GeneratedFile:{file.pk}",
                details={"event": "file.failed", "kind": file.kind},
            )
    except Conflict:
        file.refresh_from_db()
    return file


_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def safe_filename(name: str, *, fallback: str) -> str:
    """A download name without path separators or control characters, at most 200 characters."""
    cleaned = _UNSAFE.sub("_", str(name or "")).strip(" ._") or _UNSAFE.sub("_", fallback) or "file"
    if len(cleaned) > 200:
        suffix = PurePosixPath(cleaned).suffix[:16]
        cleaned = cleaned[: 200 - len(suffix)] + suffix
    return cleaned


def _extension(filename: str) -> str:
    suffix = PurePosixPath(filename).suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,10}", suffix) else ".bin"


def _store(content: bytes, digest: str, filename: str) -> str:
    """Store content under generated/<yyyy>/<sha256>.<ext>; identical content is stored once."""
    name = f"generated/{timezone.localdate():%Y}/{digest}{_extension(filename)}"
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as existing:
            if _sha256_of(existing) == digest:
                return name
        default_storage.delete(name)
    saved = default_storage.save(name, ContentFile(content))
    return str(saved)


def _delete_unreferenced(name: str) -> None:
    if not name:
        return
    if GeneratedFile.objects.filter(Q(file=name) | Q(preview=name)).exists():
        return
    try:
        default_storage.delete(name)
    except OSError:
        logger.exception("could not delete stored file %s", name)


def _sha256_of(handle: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in iter(partial(handle.read, CHUNK), b""):
        digest.update(chunk)
    return digest.hexdigest()


# --- downloading it ---------------------------------------------------------------------------------


def _open_verified(name: str, expected: str) -> IO[bytes]:
    """The stored content, after checking it still hashes to what was recorded (等保 C18)."""
    try:
        handle: IO[bytes] = default_storage.open(name, "rb")
    except (FileNotFoundError, OSError):
        logger.error("stored file %s is missing", name)
        raise Conflict(_("文件已不在存储中，请重新生成。"), code="file_missing") from None
    if _sha256_of(handle) != expected:
        handle.close()
        logger.error("stored file %s does not match its recorded SHA-256", name)
        raise Conflict(_("文件校验未通过，可能已被改动，请重新生成。"), code="file_integrity")
    handle.seek(0)
    return handle


def _require_open(actor: Any, file: GeneratedFile) -> None:
    if not access.can_open_file(actor, file):
        raise NotFound(_("文件不存在。"))
    if file.status == State.EXPIRED:
        raise Conflict(_("文件已过保存期限并已清除，请重新生成。"), code="file_expired")
    if file.status != State.DONE:
        raise Conflict(_("文件尚未生成完成。"), code="file_not_ready")


def file_download(
    *, actor: Any, file: GeneratedFile, request: HttpRequest | None = None
) -> tuple[IO[bytes], str, str]:
    """The file's content (an open file, hash verified), its name and media type; the download is
    written to the security log with the file's SHA-256."""
    _require_open(actor, file)
    handle = _open_verified(file.file.name, file.sha256)
    with transaction.atomic():
        GeneratedFile.objects.filter(pk=file.pk).update(downloads=F("downloads") + 1)
        security_event_record(
            kind=SecurityEvent.Kind.DOWNLOAD,
            request=request,
            actor=actor,
            target=f"files.GeneratedFile:{file.pk}",
            details={
                "kind": file.kind,
                "filename": file.filename,
                "size": file.size,
                "sha256": file.sha256,
                "requested_by": file.created_by_id,
            },
        )
    return handle, file.filename, file.content_type


def _pdf_module() -> ModuleType | None:
    """tongxin.gongwen.pdf (LibreOffice rendering) if installed in this build, else None."""
    try:
        return importlib.import_module("tongxin.gongwen.pdf")
    except ImportError:
        return None


def preview_available(file: GeneratedFile) -> bool:
    """A PDF preview is offered for a finished .docx whose generator asks for one, when it is already
    made or LibreOffice is there to make it."""
    if file.status != State.DONE or file.content_type != DOCX:
        return False
    try:
        generator = generator_for(file.kind)
    except NotFound:
        return False
    if not generator.preview_pdf:
        return False
    if file.preview:
        return True
    pdf = _pdf_module()
    return bool(pdf is not None and pdf.pdf_available())


def file_preview_pdf(
    *, actor: Any, file: GeneratedFile, request: HttpRequest | None = None
) -> tuple[IO[bytes], str, str]:
    """The .docx rendered as PDF (made once, then kept with its own hash); logged like a download."""
    _require_open(actor, file)
    if not preview_available(file):
        raise NotFound(_("此文件不提供在线预览。"), code="no_preview")
    if not file.preview:
        _render_preview(file)
    handle = _open_verified(file.preview.name, file.preview_sha256)
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=actor,
        target=f"files.GeneratedFile:{file.pk}",
        details={
            "kind": file.kind,
            "variant": "pdf_preview",
            "sha256": file.preview_sha256,
            "source_sha256": file.sha256,
            "requested_by": file.created_by_id,
        },
    )
    return handle, f"{PurePosixPath(file.filename).stem}.pdf", PDF


def _render_preview(file: GeneratedFile) -> None:
    pdf = _pdf_module()
    if pdf is None:
        raise NotFound(_("此文件不提供在线预览。"), code="no_preview")
    source = _open_verified(file.file.name, file.sha256)
    try:
        content = source.read()
    finally:
        source.close()
    try:
        rendered = pdf.docx_to_pdf(content)
    except Exception as exc:
        # RenderUnavailable (no LibreOffice) or RenderFailed; the .docx itself is still there.
        logger.warning("PDF preview of file %s failed: %s", file.pk, exc)
        raise Conflict(_("暂时无法生成预览，请下载原文件查看。"), code="preview_failed") from None
    digest = hashlib.sha256(rendered).hexdigest()
    name = _store(rendered, digest, f"{file.filename}.pdf")
    # First one wins when two people open the preview at the same moment; both serve the same bytes.
    GeneratedFile.objects.filter(pk=file.pk, preview="").update(preview=name, preview_sha256=digest)
    file.refresh_from_db(fields=["preview", "preview_sha256"])


# --- the retention sweep ----------------------------------------------------------------------------

# A worker that died leaves its file running; a queue that nobody serves leaves it pending.
ABANDONED_RUNNING = dt.timedelta(hours=2)
ABANDONED_PENDING = dt.timedelta(days=1)


def _abandoned_message() -> str:
    return _("生成任务已中断，请重新生成。")


def abandoned_files(now: dt.datetime | None = None) -> QuerySet[GeneratedFile]:
    now = now or timezone.now()
    return GeneratedFile.objects.filter(
        Q(status=State.RUNNING, started_at__lt=now - ABANDONED_RUNNING)
        | Q(status=State.PENDING, created_at__lt=now - ABANDONED_PENDING)
    )


def files_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Daily: remove the content of files older than FILE_RETENTION_DAYS (等保 C21, 剩余信息保护),
    and fail files whose worker died (running for more than 2 hours, queued for more than a day)."""
    now = now or timezone.now()
    counts = {"expired": 0, "abandoned": 0}
    for file in abandoned_files(now).select_related("created_by"):
        before = file.status
        _fail(file, _abandoned_message(), file.status)
        counts["abandoned"] += int(before != file.status)
    old = GeneratedFile.objects.filter(
        status__in=[State.DONE, State.FAILED], finished_at__lt=now - dt.timedelta(days=retention_days())
    )
    for file in old:
        names = [file.file.name, file.preview.name]
        try:
            generated_file_transition(
                file=file,
                name="expire",
                fields={"file": "", "preview": "", "preview_sha256": "", "message": _("已过保存期限")},
            )
        except Conflict:
            continue
        for name in names:
            _delete_unreferenced(name)
        counts["expired"] += 1
    return counts
