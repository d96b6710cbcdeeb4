"""Write the API's OpenAPI document to docs/openapi.json, or with --check fail if it is stale."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

TARGET = Path(settings.BASE_DIR) / "docs" / "openapi.json"


class Command(BaseCommand):
    help = "导出 OpenAPI 文档到 docs/openapi.json（--check：仅检查是否过期）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail when docs/openapi.json is stale")

    def handle(self, *args: Any, **options: Any) -> None:
        from config.api import api

        schema = api.get_openapi_schema(path_prefix="/api/v1/")
        text = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        if options["check"]:
            current = TARGET.read_text(encoding="utf-8") if TARGET.exists() else ""
            if current != text:
                raise CommandError(
                    "docs/openapi.json is stale: run `tongxin openapi_export` and commit the result."
                )
            self.stdout.write("docs/openapi.json is current.")
            return
        TARGET.write_text(text, encoding="utf-8")
        self.stdout.write(f"wrote {TARGET.relative_to(settings.BASE_DIR)}")
