"""Background jobs of generated files: thin, given ids, enqueued only after the request committed."""

from __future__ import annotations

from django_tasks import task


@task()
def file_generate_task(file_id: int) -> str:
    """Make one requested file; a second run of the same id changes nothing."""
    from .services import file_generate

    return str(file_generate(file_id=file_id).status)


@task()
def file_preview_task(file_id: int) -> bool:
    """Render a finished .docx as PDF for the preview (kept with its own hash)."""
    from .services import file_preview_render

    return file_preview_render(file_id=file_id)


@task()
def files_sweep_task() -> dict[str, int]:
    """Expire old files and fail abandoned ones (the daily `files_sweep` command does the same)."""
    from .services import files_sweep

    return files_sweep()
