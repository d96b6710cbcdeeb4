"""Benchmark: official documents at national scale on PostgreSQL — query, build and .docx render.

    createdb -h 127.0.0.1 -U postgres tongxin_bench_documents
    pg_dump -h 127.0.0.1 -U postgres tongxin_bench_proposals \\
        | psql -q -h 127.0.0.1 -U postgres tongxin_bench_documents
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tongxin_bench_documents \\
        .venv/bin/python bench/documents_bench.py [--runs 3] [--skip-compilation | --compilation-only]

Any database built by `tongxin seed --scale national` plus the proposals bench (sessions of about
6,000 proposals with assignments, replies and ratings) will do; the script migrates it (the documents
tables) and adds one proposal-office account if none exists. For the largest session it times, each
`--runs` times: the 交办通知 (statistics + 交办清单 rows + builder, then render_docx), the 提案办理
情况通报, the 工作报告 figures of the session's year, and once the 提案汇编 of the whole session
(every filed proposal with its replies; this is the long task the files progress page is for).
Prints seconds per step, pages (paragraph and table-row counts) and .docx size. Asserts nothing;
the machine is shared (2 cores), so the numbers are pessimistic.

Measured 2026-11-21 (6,000 proposals of one session, 4,677 filed after merging; 2 shared cores):
交办通知 query + build 7.5 s, render 131 s (a 4,457-row 交办清单 table, 516 KiB); 通报 0.5 s + 1.9 s;
工作报告 figures 0.4 s; 提案汇编 query 9.5 s, build 0.5 s, render 609 s (56,379 blocks, 7.5 MiB).
Rendering large tables and long bodies dominates: it runs in the files task with progress shown.
After render_docx builds rows, paragraphs and runs from prepared elements (same bytes; see
tongxin/gongwen/README.md), measured 2026-11-21 on a copy of tongxin_bench_exports (national data
with the same largest session: 4,457 交办清单 rows, 56,379 汇编 blocks, the same .docx sizes):
交办通知 render 2.4 s (was 131 s), 提案汇编 render 7.0 s (was 609 s); query + build 3.0 s, and
3.5 s + 0.2 s for the 汇编.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def setup() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL copy of a national-scale database (see the docstring).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(label: str, runs: int, work: Callable[[], Any]) -> Any:
    seconds = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = work()
        seconds.append(time.perf_counter() - start)
    print(
        f"{label:<44} median {statistics.median(seconds):7.2f} s   max {max(seconds):7.2f} s   ({runs} runs)"
    )
    return result


def office_for(committee: Any) -> Any:
    from tongxin.accounts.models import User
    from tongxin.accounts.services import role_grant, user_create
    from tongxin.core.roles import Role

    user = User.objects.filter(committee=committee, roles__role=Role.PROPOSAL_OFFICE, is_active=True).first()
    if user is None:
        user, _ = user_create(
            actor=None,
            committee=committee,
            username="bench_documents",
            full_name="公文测速",
            kind="office",
            password="Bench#2026documents",  # noqa: S106 - a bench account in a throwaway database
        )
        role_grant(actor=None, user=user, role=Role.PROPOSAL_OFFICE)
    return User.objects.get(pk=user.pk)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-compilation", action="store_true")
    parser.add_argument("--compilation-only", action="store_true")
    args = parser.parse_args()
    setup()
    from django.db.models import Count
    from django.utils import timezone

    from tongxin.documents import queries, services
    from tongxin.documents.builders import proposals as builders
    from tongxin.documents.builders.work_report import work_report_figures_document
    from tongxin.gongwen.docx import render_docx
    from tongxin.org.models import PlenarySession
    from tongxin.proposals.models import Proposal

    top = Proposal.objects.values("session_id").annotate(n=Count("pk")).order_by("-n").first()
    if not top:
        sys.exit("No proposals in this database.")
    session = PlenarySession.objects.select_related("term__committee").get(pk=top["session_id"])
    committee = session.term.committee
    office = office_for(committee)
    texts = services.resolved(committee)
    today = timezone.localdate()
    print(f"committee {committee.name}, session {session.short_name}: {top['n']} proposals")

    def notice() -> Any:
        data = queries.notice_input(office, session, doc_number="政协办发〔2026〕1号", date=today)
        return builders.assignment_notice(texts, data)

    if args.compilation_only:
        compile_session(committee, session, today)
        return
    doc = timed("交办通知: query + build", args.runs, notice)
    content = timed("交办通知: render_docx", args.runs, lambda: render_docx(doc))
    rows = len(doc.attachments[0].blocks[0].rows)  # type: ignore[union-attr]
    print(f"{'':<44} 交办清单 {rows} rows, .docx {len(content) / 1024:.0f} KiB")

    def circular() -> Any:
        data = queries.circular_input(committee.pk, {"session": session.pk}, doc_number="", date=today)
        return builders.proposal_circular(texts, data)

    doc = timed("提案办理情况通报: query + build", args.runs, circular)
    timed("提案办理情况通报: render_docx", args.runs, lambda: render_docx(doc))
    year = session.opens_on.year
    sections = timed(
        "工作报告数据: query", args.runs, lambda: queries.work_report_figures(committee.pk, year)
    )
    timed(
        "工作报告数据: build + render_docx",
        args.runs,
        lambda: render_docx(
            work_report_figures_document(
                committee_name=committee.name, year=year, sections=sections, date=today
            )
        ),
    )
    for _heading, lines in sections:
        for line in lines:
            print(f"{'':<44} {line}")
    if not args.skip_compilation:
        compile_session(committee, session, today)


def compile_session(committee: Any, session: Any, today: Any) -> None:
    from tongxin.documents import queries
    from tongxin.documents.builders import proposals as builders
    from tongxin.gongwen.docx import render_docx

    items = timed("提案汇编: query", 1, lambda: queries.compilation_items(committee.pk, session.pk))
    doc = timed(
        "提案汇编: build",
        1,
        lambda: builders.compilation(
            session_full=session.full_name, editor="提案委员会", items=items, date=today
        ),
    )
    content = timed("提案汇编: render_docx", 1, lambda: render_docx(doc))
    print(
        f"{'':<44} {len(items)} proposals, {len(doc.body)} blocks, .docx {len(content) / 1024 / 1024:.1f} MiB"
    )


if __name__ == "__main__":
    main()
