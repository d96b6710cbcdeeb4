"""Benchmark: the shared .xlsx writer (tongxin.core.sheets) at list-export sizes.

    .venv/bin/python bench/sheets_bench.py [--sizes 1000,10000,100000]

Writes proposal-list-shaped rows (number, title, state, key mark, proposers, units, category, date)
through `write_sheet` from a generator, the way every list export feeds it a queryset iterator, and
prints the time, the file size and the peak of Python allocations (tracemalloc, a second run) for each
size; the spooled result stays in memory up to SPOOL_BYTES (4 MB), then moves to disk. The
writer streams rows to openpyxl's write-only temporary files and the result into a spooled file, so
the peak should stay flat as the row count grows. Prints numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rows(count: int) -> Iterator[dict[str, Any]]:
    day = dt.date(2026, 1, 12)
    for i in range(count):
        yield {
            "number": f"第{i + 1:04d}号",
            "title": f"关于进一步完善城市环卫公厕指引系统建设的建议（{i}）",
            "state": "已办结",
            "key": i % 17 == 0,
            "proposers": ["王伟", "李娜", "孙立"][: 1 + i % 3],
            "units": "城关区交通运输局（主办）；城关区住房和城乡建设局（会办）",
            "category": "城乡建设",
            "date": day + dt.timedelta(days=i % 300),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000,100000")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from tongxin.core.sheets import SheetColumn, write_sheet

    columns: list[SheetColumn[dict[str, Any]]] = [
        SheetColumn("编号", 12, lambda r: r["number"]),
        SheetColumn("案由", 48, lambda r: r["title"]),
        SheetColumn("状态", 10, lambda r: r["state"]),
        SheetColumn("重点提案", 8, lambda r: r["key"]),
        SheetColumn("提案者", 24, lambda r: r["proposers"]),
        SheetColumn("承办单位", 36, lambda r: r["units"]),
        SheetColumn("类别", 12, lambda r: r["category"]),
        SheetColumn("提交日期", 16, lambda r: r["date"], "date"),
    ]
    print(f"{'rows':>8} {'seconds':>8} {'rows/s':>8} {'file MB':>8} {'peak MB':>8}")
    for size in (int(s) for s in args.sizes.split(",")):
        tracemalloc.start()
        started = time.perf_counter()
        sheet = write_sheet(columns, rows(size), title="提案", filename="bench.xlsx")
        elapsed = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        sheet.file.seek(0, os.SEEK_END)
        megabytes = sheet.file.tell() / 1024 / 1024
        sheet.file.close()
        print(
            f"{size:>8} {elapsed:>8.2f} {size / elapsed:>8.0f} {megabytes:>8.2f} {peak / 1024 / 1024:>8.2f}"
        )


if __name__ == "__main__":
    main()
