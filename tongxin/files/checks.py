"""System check: every entry of settings.FILE_GENERATORS imports and is a Generator, kinds are unique
(a typo shows at start-up, not when someone first asks for that file)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, register
from django.utils.module_loading import import_string


@register()
def check_file_generators(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    from .generators import Generator

    errors: list[CheckMessage] = []
    kinds: set[str] = set()
    for path in getattr(settings, "FILE_GENERATORS", ()):
        try:
            generator = import_string(path)
        except ImportError as exc:
            errors.append(Error(f"FILE_GENERATORS: cannot import {path}: {exc}", id="files.E001"))
            continue
        if not isinstance(generator, Generator):
            errors.append(Error(f"FILE_GENERATORS: {path} is not a Generator", id="files.E002"))
            continue
        if generator.kind in kinds or len(generator.kind) > 64:
            errors.append(
                Error(f"FILE_GENERATORS: kind {generator.kind!r} is repeated or too long", id="files.E003")
            )
        kinds.add(generator.kind)
    return errors
