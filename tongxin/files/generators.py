"""The registry of file generators: what other apps plug in to have a file made in the background.

An app describes one kind of file as a `Generator` (its `check` runs in the request, its `run` in the
task worker) and lists the dotted path of that object in `settings.FILE_GENERATORS`. files imports no
app that registers a generator: the registry is read lazily, by dotted path, with `import_string`.

Contract for generator authors:
- `check(actor, params)` runs synchronously when the file is asked for, and again when a colleague
  asks to download it. It raises `Forbidden` or `Invalid` (tongxin.core.errors) and returns the cleaned
  params; the cleaned params must be accepted by `check` again (they are stored as JSON, so dates come
  back as ISO strings) and must contain everything `run` needs.
- `run(actor, params, progress)` gets the requester and the stored cleaned params, calls
  `progress(percent, message)` now and then (cheap: updates are throttled), and returns `Produced`.
  Anything it raises fails the file with a Chinese message (a `DomainError`'s own message is shown).
  It must not hold a transaction open around its work: progress is written as it goes, and the page
  that polls sees it only once committed. It runs as the requester, without a request.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from tongxin.core.errors import NotFound

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"
CSV = "text/csv"
ZIP = "application/zip"

Progress = Callable[[int, str], None]


@dataclass(frozen=True)
class Produced:
    """What a generator returns: the file's bytes, its name (Chinese allowed) and its media type."""

    content: bytes
    filename: str
    content_type: str


@dataclass(frozen=True)
class Generator:
    """One kind of generated file, e.g. kind "proposals.assignment_notice", label "提案交办通知"."""

    kind: str
    label: str | Promise
    check: Callable[[Any, dict[str, Any]], dict[str, Any]]
    run: Callable[[Any, dict[str, Any], Progress], Produced]
    preview_pdf: bool = False


def generator_for(kind: str) -> Generator:
    """The generator registered for `kind`; NotFound for a kind nobody registered."""
    generator = _registry(tuple(getattr(settings, "FILE_GENERATORS", ()))).get(kind)
    if generator is None:
        raise NotFound(_("没有这种文件。"), code="unknown_file_kind")
    return generator


def generators() -> list[Generator]:
    """Every registered generator, in the order of settings.FILE_GENERATORS."""
    return list(_registry(tuple(getattr(settings, "FILE_GENERATORS", ()))).values())


@functools.lru_cache(maxsize=8)
def _registry(paths: tuple[str, ...]) -> dict[str, Generator]:
    # Keyed on the list itself, so a test's settings override needs no cache clearing.
    found: dict[str, Generator] = {}
    for path in paths:
        generator = import_string(path)
        if not isinstance(generator, Generator):
            raise ImproperlyConfigured(f"FILE_GENERATORS: {path} is not a tongxin.files.generators.Generator")
        if generator.kind in found:
            raise ImproperlyConfigured(f"FILE_GENERATORS: kind {generator.kind!r} is registered twice")
        if len(generator.kind) > 64:
            raise ImproperlyConfigured(f"FILE_GENERATORS: kind {generator.kind!r} is longer than 64")
        found[generator.kind] = generator
    return found
