"""Daily run (cron or a scheduler): remove generated files past FILE_RETENTION_DAYS and fail files
whose worker died. Safe to run more than once a day."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tongxin.files.services import files_sweep


class Command(BaseCommand):
    help = "生成文件日常清理：清除超过保存期限的文件，将中断的生成任务标为失败。"

    def handle(self, *args: Any, **options: Any) -> None:
        counts = files_sweep()
        self.stdout.write(f"expired {counts['expired']}, abandoned {counts['abandoned']}")
