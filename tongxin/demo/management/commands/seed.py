"""`tongxin seed --scale county|city|province|national [--seed N]`: deterministic synthetic data."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongxin.demo.builder import SCALES, AlreadyBuilt, build, describe


class Command(BaseCommand):
    help = "按真实规模生成确定性的合成数据（县/市/省/全国）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", choices=sorted(SCALES), required=True)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        try:
            result = build(scale_name=options["scale"], seed=options["seed"])
        except AlreadyBuilt as exc:
            raise CommandError(f"“{exc}”已存在：请使用新的数据库。") from None
        summary = describe(result)
        self.stdout.write(
            self.style.SUCCESS(
                f"{summary['committee']}：委员 {summary['members']} 人，"
                f"承办单位 {summary['handling_units']} 个，"
                f"界别 {summary['sectors']} 个，活动组 {summary['activity_groups']} 个"
                f"（{time.monotonic() - started:.1f} 秒）"
            )
        )
        for username, role, _note in result.logins:
            self.stdout.write(f"  {username:<24} {role}")
