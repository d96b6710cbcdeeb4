"""Exit 0 once the database in DATABASE_URL answers (up to 20 s), 1 otherwise."""

from __future__ import annotations

import os
import sys
import time

import dj_database_url
import psycopg


def main() -> int:
    cfg = dj_database_url.parse(os.environ["DATABASE_URL"])
    deadline = time.monotonic() + 20
    while True:
        try:
            psycopg.connect(
                host=cfg["HOST"] or None,
                port=cfg["PORT"] or None,
                user=cfg["USER"] or None,
                password=cfg["PASSWORD"] or None,
                dbname="postgres",
                connect_timeout=3,
            ).close()
            return 0
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                print(f"PostgreSQL at {cfg['HOST']}:{cfg['PORT']} does not answer: {exc}", file=sys.stderr)
                return 1
            time.sleep(1)


if __name__ == "__main__":
    sys.exit(main())
