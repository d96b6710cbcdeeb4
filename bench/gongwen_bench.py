"""Benchmark: laying out official documents and turning them into PDF.

    .venv/bin/python bench/gongwen_bench.py [--pages 40] [--runs 3] [--parallel 2]

Times `render_docx` for the test suite's long 交办通知 stretched to about ``--pages`` pages, and
`docx_to_pdf` (LibreOffice, a fresh profile every time) for it, one after another and ``--parallel``
at once (each conversion has its own profile, so they must not clash). Prints the numbers; asserts
nothing.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tongxin.gongwen.docx import render_docx
from tongxin.gongwen.pdf import docx_to_pdf, pdf_available
from tongxin.gongwen.spec import Heading, Paragraph
from tongxin.gongwen.tests.samples import filler, long_notice


def document(pages: int):
    base = long_notice()
    body = list(base.body)
    # one page is 22 × 28 = 616 characters; the sample has about 8 pages
    for n in range(max(0, pages - 8)):
        body += [Heading(2, f"补充事项{n + 1}"), Paragraph(filler(560, n))]
    return replace(base, body=body)


def pdf_pages(pdf: bytes) -> str:
    """The page count from poppler's pdfinfo ("?" without it)."""
    if not shutil.which("pdfinfo"):
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        info = subprocess.run(["pdfinfo", file.name], capture_output=True, text=True, check=True).stdout  # noqa: S603, S607
    return next((line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")), "?")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=40)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=2)
    args = parser.parse_args()
    doc = document(args.pages)

    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        content = render_docx(doc)
        times.append(time.perf_counter() - start)
    print(f"render_docx: {len(content) / 1024:.0f} KiB, median {statistics.median(times) * 1000:.0f} ms")

    if not pdf_available():
        print("docx_to_pdf: LibreOffice not installed, skipped")
        return
    times = []
    for _ in range(args.runs):
        start = time.perf_counter()
        pdf = docx_to_pdf(content)
        times.append(time.perf_counter() - start)
    pages = pdf_pages(pdf)
    print(f"docx_to_pdf: {pages} pages, {len(pdf) / 1024:.0f} KiB, median {statistics.median(times):.1f} s")

    start = time.perf_counter()
    with ThreadPoolExecutor(args.parallel) as pool:
        results = list(pool.map(docx_to_pdf, [content] * args.parallel))
    elapsed = time.perf_counter() - start
    print(f"docx_to_pdf × {args.parallel} at once: {elapsed:.1f} s, all made: {all(results)}")


if __name__ == "__main__":
    main()
