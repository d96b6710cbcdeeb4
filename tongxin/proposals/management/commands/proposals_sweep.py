"""The proposals' daily run, for cron or a systemd timer (django-tasks has no scheduler): record
silence when rating windows close, remind units and the office of due and overdue replies.

    tongxin proposals_sweep                  # run today's sweep here and print "YYYY-MM-DD: n"
    tongxin proposals_sweep --date 2026-05-13
    tongxin proposals_sweep --enqueue        # hand today's sweep to the task workers (db_worker)

Idempotent: every notice has a unique (recipient, proposal, key) and lapsed ratings are recorded
once, so running it twice a day, or re-running a missed day, writes nothing twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tongxin.proposals.services import proposals_sweep
from tongxin.proposals.tasks import proposals_daily_sweep


class Command(BaseCommand):
    help = "提案日常任务：评价期满记录未反馈，提醒承办单位临期和逾期答复（可重复运行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算（YYYY-MM-DD），默认今天")
        parser.add_argument(
            "--enqueue", action="store_true", help="交给后台任务执行（db_worker），而不是在本进程运行"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        raw = options.get("date")
        try:
            day = dt.date.fromisoformat(raw) if raw else timezone.localdate()
        except ValueError:
            raise CommandError(f"日期格式有误（应为 YYYY-MM-DD）：{raw}") from None
        if options.get("enqueue"):
            result = proposals_daily_sweep.enqueue(day=day.isoformat())
            self.stdout.write(f"{day.isoformat()}: enqueued {result.id}")
            return
        count = proposals_sweep(today=day)
        self.stdout.write(f"{day.isoformat()}: {count}")
