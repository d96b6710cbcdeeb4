"""Daily run (cron or a scheduler): close lapsed rating windows, remind units of due and overdue
replies. Safe to run more than once a day."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tongxin.proposals.services import proposals_sweep


class Command(BaseCommand):
    help = "提案日常任务：评价期满记录未反馈，提醒承办单位临期和逾期答复。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算（YYYY-MM-DD），默认今天")

    def handle(self, *args: Any, **options: Any) -> None:
        day = dt.date.fromisoformat(options["date"]) if options.get("date") else timezone.localdate()
        count = proposals_sweep(today=day)
        self.stdout.write(f"{day.isoformat()}: {count}")
