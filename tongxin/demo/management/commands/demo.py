"""`tongxin demo`: migrate SQLite, build the demo committee, print the demo logins, serve on :8000."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tongxin.accounts.models import User
from tongxin.demo.builder import DEMO_PASSWORD, AlreadyBuilt, build, describe
from tongxin.org.models import Committee

DEMO_COMMITTEE = "兰州市城关区"
DEMO_USERNAMES = frozenset(
    {"weiyuan", "zhuxi", "tian", "xinxi", "mishu", "weiyuangongzuo", "teyao", "chengban"}
)


class Command(BaseCommand):
    help = "构建演示数据（SQLite）、打印演示账号，并在 127.0.0.1:8000 启动服务"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="build and print, do not serve")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, **options: Any) -> None:
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            self.stdout.write("正在迁移数据库……")
            call_command("migrate", interactive=False, verbosity=0)
        try:
            result = build(scale_name="county", seed=options["seed"], demo_accounts=True)
        except AlreadyBuilt:
            self.stdout.write("演示数据已存在，直接使用。（删除 var/tongxin.sqlite3 可重新生成）")
            logins = self._existing_logins()
        else:
            summary = describe(result)
            self.stdout.write(
                self.style.SUCCESS(
                    f"已构建演示数据：{summary['committee']}（{summary['term']}），"
                    f"委员 {summary['members']} 人，承办单位 {summary['handling_units']} 个，"
                    f"界别 {summary['sectors']} 个，委员活动组 {summary['activity_groups']} 个。"
                )
            )
            logins = result.logins
        self.stdout.write("\n演示账号（仅用于本机演示数据库）：")
        for username, role, note in logins:
            self.stdout.write(f"  {username:<16} {role:<12} {note}")
        self.stdout.write(f"  密码（全部账号）：{DEMO_PASSWORD}\n")
        if options["no_serve"]:
            return
        worker = self._start_task_worker()
        self.stdout.write(f"打开 http://{options['addrport']}/ 登录。按 Ctrl+C 停止。")
        try:
            call_command("runserver", options["addrport"], use_reloader=False, skip_checks=not settings.DEBUG)
        finally:
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)

    def _start_task_worker(self) -> subprocess.Popen[bytes] | None:
        """Generated files, notices and the similarity index are made by background tasks; the demo runs
        one database task worker beside the server so they finish as they would in production."""
        if settings.TASKS["default"]["BACKEND"] != "django_tasks_db.DatabaseBackend":
            return None
        self.stdout.write("后台任务进程已启动（生成文件、通知、检索索引）。")
        command = [sys.executable, "-m", "tongxin.cli", "db_worker", "--no-reload", "--interval", "1"]
        return subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603 (fixed argument list)

    def _existing_logins(self) -> list[tuple[str, str, str]]:
        committee = Committee.objects.get(name=DEMO_COMMITTEE)
        users = User.objects.filter(committee=committee).prefetch_related("roles").order_by("id")
        return [
            (u.username, "、".join(r.get_role_display() for r in u.roles.all()), u.full_name)
            for u in users
            if u.username in DEMO_USERNAMES or u.kind == User.Kind.ADMIN
        ]
