"""Benchmark: laying out official documents and turning them into PDF.

    .venv/bin/python bench/gongwen_bench.py [--pages 40] [--runs 3] [--parallel 2]
    .venv/bin/python bench/gongwen_bench.py --large [--rows 5000] [--sections 5000] [--profile]

Times `render_docx` for the test suite's long 交办通知 stretched to about ``--pages`` pages, and
`docx_to_pdf` (LibreOffice, a fresh profile every time) for it, one after another and ``--parallel``
at once (each conversion has its own profile, so they must not clash). Prints the numbers; asserts
nothing.

``--large`` times `render_docx` alone on two synthetic national-scale documents: a 交办通知 whose
attachment is a ``--rows``-row 交办清单 table (6 columns, some cells of two lines), and an 汇编-like
body of ``--sections`` headed sections of about 800 characters each (a heading, a sub-heading and
two paragraphs; a page break before every third). ``--profile`` prints the top of a cProfile of each.

Measured 2026-11-21 on this shared 2-core machine (load average about 4), the old renderer and the
new one on the same documents; the output is byte-identical:

    5,000-row table           59.1 s → 2.2 s   (python-docx's table.rows[r] / row.cells: O(n²))
    5,000 sections × 800 字    35.8 s → 2.0 s   (add_paragraph() looking for w:sectPr: O(n²))

(1.5 s and 1.4 s on a quieter machine), and at national scale (bench/documents_bench.py, one session
of 6,000 proposals; "before" is the run recorded in that file):

    交办通知, 4,457-row 交办清单    131 s → 2.4 s   (516 KiB)
    提案汇编, 56,379 blocks         609 s → 7.0 s   (7.5 MiB)
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
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
from tongxin.gongwen.spec import Heading, OfficialDocument, PageBreak, Paragraph, Signature, Table
from tongxin.gongwen.tests.samples import filler, long_notice


def document(pages: int):
    base = long_notice()
    body = list(base.body)
    # one page is 22 × 28 = 616 characters; the sample has about 8 pages
    for n in range(max(0, pages - 8)):
        body += [Heading(2, f"补充事项{n + 1}"), Paragraph(filler(560, n))]
    return replace(base, body=body)


def notice_with_list(rows: int) -> OfficialDocument:
    """The long notice with a ``rows``-row 交办清单 (序号, 提案号, 案由, 提案者, 主办单位, 会办单位)."""
    base = long_notice()
    table = Table(
        header=[["序号", "提案号", "案由", "提案者", "主办单位", "会办单位"]],
        rows=[
            [
                str(i),
                f"{i:04d}",
                f"关于{filler(18, i % 97)}的提案",
                f"委员{i}",
                f"区第{i % 40}局",
                "区财政局\n区发展改革委" if i % 3 else "",
            ]
            for i in range(1, rows + 1)
        ],
        caption="提案交办清单",
        column_widths_mm=[12, 16, 60, 22, 24, 22],
        font_size_pt=10.5,
    )
    return replace(base, body=[*base.body, table])


def compilation_like(sections: int, chars: int = 800) -> OfficialDocument:
    """An 汇编-like body: ``sections`` headed sections of about ``chars`` characters each."""
    body: list[Heading | Paragraph | PageBreak] = [Paragraph("本汇编收录立案提案及其答复。")]
    for n in range(sections):
        if n % 3 == 0:
            body.append(PageBreak())
        body += [
            Heading(1, f"第{n + 1}号　关于{filler(14, n % 50)}的提案", numbered=False),
            Heading(2, "具体建议", numbered=False),
            Paragraph(filler(chars // 2, n % 60)),
            Paragraph(f"2026年第{n}项：" + filler(chars // 2, (n * 7) % 60)),
        ]
    return OfficialDocument(
        title="提案汇编",
        body=list(body),
        signature=Signature("提案委员会", dt.date(2026, 3, 1), sealed=False),
        subject="提案汇编",
        author="提案委员会",
    )


def large(rows: int, sections: int, runs: int, profile: bool) -> None:
    for label, doc in (
        (f"render_docx, {rows}-row table", notice_with_list(rows)),
        (f"render_docx, {sections} sections", compilation_like(sections)),
    ):
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            content = render_docx(doc)
            times.append(time.perf_counter() - start)
        print(f"{label:<36} median {statistics.median(times):6.2f} s   .docx {len(content) / 1024:.0f} KiB")
        if profile:
            profiler = cProfile.Profile()
            profiler.runcall(render_docx, doc)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)


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
    parser.add_argument(
        "--large", action="store_true", help="only render_docx on two national-scale documents"
    )
    parser.add_argument("--rows", type=int, default=5000)
    parser.add_argument("--sections", type=int, default=5000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    if args.large:
        large(args.rows, args.sections, args.runs, args.profile)
        return
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
