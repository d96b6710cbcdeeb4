"""Benchmark: the machinery of generated files, apart from what a generator itself costs.

    createdb -h 127.0.0.1 -U postgres tongxin_bench_files   # the script empties it first
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongxin_bench_files \\
        .venv/bin/python bench/files_bench.py [--mb 20] [--ticks 20000] [--files 1000] [--runs 50]

Measures, for a generator that returns `--mb` MB of bytes after calling progress `--ticks` times
(in a tight loop, as a generator counting rows would):
- the whole task (`file_generate`): state changes, throttled progress writes, SHA-256, storage,
  audit rows — and how many progress writes actually reached the database;
- a verified download (reading the file back and checking its SHA-256 before serving);
- one poll of the status partial (what the page asks every second), and 我的文件 with `--files`
  files of one user, through Django's test client: p50/p95 in ms and SQL queries.
The machine is shared (2 cores, other engineers' tests), so the numbers are pessimistic.
Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

ARGS = argparse.Namespace(mb=20, ticks=20000)


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database named tongxin_bench_… (see the docstring).")
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("tongxin_bench"):
        sys.exit("The database name must start with tongxin_bench (the script drops it).")
    import psycopg

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="tongxin-bench-files-")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)


def check(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"n": int(params.get("n", 0))}


def run(actor: Any, params: dict[str, Any], progress: Callable[[int, str], None]) -> Any:
    from tongxin.files.generators import Produced

    for tick in range(ARGS.ticks):
        progress(tick * 100 // ARGS.ticks, f"第 {tick} 行")
    content = os.urandom(ARGS.mb * 1024 * 1024)
    return Produced(content, f"基准-{params['n']}.bin", "application/octet-stream")


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


def timed(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[max(0, int(len(samples) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=20)
    parser.add_argument("--ticks", type=int, default=20000)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    ARGS.mb, ARGS.ticks = args.mb, args.ticks
    setup_django()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from tongxin.accounts.services import role_grant, user_create
    from tongxin.core.roles import Role
    from tongxin.files import services
    from tongxin.files.generators import Generator
    from tongxin.files.models import GeneratedFile
    from tongxin.org.models import Committee

    committee = Committee.objects.create(name="基准区", level="county", short_name="区政协")
    user, _ = user_create(
        actor=None,
        committee=committee,
        username="bench",
        full_name="基准",
        kind="office",
        password=secrets.token_urlsafe(16) + "Aa1#",
    )
    role_grant(actor=None, user=user, role=Role.PROPOSAL_OFFICE)
    sys.modules["files_bench_generators"] = sys.modules[__name__]
    globals()["BENCH"] = Generator("bench.bytes", "基准文件", check, run)

    with override_settings(
        FILE_GENERATORS=["files_bench_generators.BENCH"],
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}},
        FILE_MAX_ACTIVE_PER_USER=args.files + 10,
    ):
        file = services.file_generation_start(actor=user, kind="bench.bytes", params={"n": 0})
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            services.file_generate(file_id=file.pk)
            whole = (time.perf_counter() - start) * 1000
        writes = sum(1 for q in queries.captured_queries if "UPDATE" in q["sql"] and "progress" in q["sql"])
        file.refresh_from_db()
        print(
            f"file_generate, {args.mb} MB, {args.ticks} progress calls: {whole:.0f} ms "
            f"({len(queries.captured_queries)} SQL, {writes} progress writes), status {file.status}"
        )

        def download() -> None:
            handle, _, _ = services.file_download(actor=user, file=file)
            handle.close()

        p50, p95 = timed(download, 10)
        print(f"verified download ({args.mb} MB, SHA-256 checked): p50 {p50:.0f} ms, p95 {p95:.0f} ms")

        GeneratedFile.objects.bulk_create(
            GeneratedFile(
                committee=committee,
                kind="bench.bytes",
                label="基准文件",
                params={"n": n},
                params_digest=services.params_digest("bench.bytes", {"n": n}),
                status="done",
                progress=100,
                created_by=user,
            )
            for n in range(1, args.files)
        )
        pending = services.file_generation_start(actor=user, kind="bench.bytes", params={"n": -1})
        client = Client()
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        for label, url, headers in (
            ("status poll (htmx partial)", f"/files/{pending.pk}/", {"HTTP_HX_REQUEST": "true"}),
            (f"我的文件 ({args.files} files, first page)", "/files/", {}),
        ):
            for _ in range(3):
                client.get(url, **headers)
            counting = QueryCounter()
            with connection.execute_wrapper(counting):
                status = client.get(url, **headers).status_code
            assert status == 200, (url, status)
            p50, p95 = timed(lambda url=url, headers=headers: client.get(url, **headers), args.runs)
            print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, {counting.count} SQL")


if __name__ == "__main__":
    main()
