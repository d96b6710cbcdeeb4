"""Import the 2019 provincial proposals of ../shared/data/jszx2019 (proposals.csv) as history.

The file is read at run time and never copied into the repository. Its columns are personnel_name
(the proposer: a member's name or a body such as 民进江苏省委), proposal_number (0001…), reason (案由),
type (the finer category), publish_time and content (the body, usually in the three sections
调研情况：… 问题分析：… 具体建议：…). It has no units or replies; those columns stay empty.

    tongxin import_jszx2019 ../shared/data/jszx2019 --username <proposal office user> [--session 2019]
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tongxin.accounts.models import User
from tongxin.core.errors import DomainError
from tongxin.core.sheets import SheetRejected
from tongxin.proposals.services.history import proposals_import_history

SECTIONS = ("调研情况", "问题分析", "具体建议")
SECTION_START = re.compile(r"(调研情况|问题分析|具体建议)[：:]")


def split_sections(content: str) -> dict[str, str]:
    """The body cut at its section labels; a body without them is kept whole as 正文."""
    parts = SECTION_START.split(content)
    if len(parts) < 3:
        return {"正文": content.strip()}
    sections: dict[str, str] = {}
    preface = parts[0].strip()
    for label, text in zip(parts[1::2], parts[2::2], strict=True):
        sections[label] = (sections.get(label, "") + "\n" + text).strip()
    if preface:
        sections[SECTIONS[0]] = (preface + "\n" + sections.get(SECTIONS[0], "")).strip()
    return sections


def jszx2019_rows(path: Path, session: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The CSV's rows in the history import's columns, numbered by their line in the file."""
    csv_path = path / "proposals.csv" if path.is_dir() else path
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for index, record in enumerate(csv.DictReader(handle), start=2):
            published = (record.get("publish_time") or "").strip()
            yield (
                index,
                {
                    "会议": session or (record.get("year") or "").strip(),
                    "编号": (record.get("proposal_number") or "").strip().lstrip("0") or "0",
                    "案由": (record.get("reason") or "").strip(),
                    "提案者": (record.get("personnel_name") or "").strip(),
                    "类别": (record.get("type") or "").strip(),
                    "提交日期": dt.date.fromisoformat(published[:10]) if published else None,
                    **split_sections(record.get("content") or ""),
                },
            )


class Command(BaseCommand):
    help = "导入江苏省政协2019年提案（../shared/data/jszx2019）为历史提案（已办结，供检索和相似比对）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="jszx2019 目录或其中的 proposals.csv")
        parser.add_argument("--username", required=True, help="执行导入的提案工作人员用户名")
        parser.add_argument("--session", default="", help="会议全称、简称或年份；默认取文件中的年份")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"找不到 {path}")
        actor = User.objects.select_related("committee").filter(username=options["username"]).first()
        if actor is None:
            raise CommandError(f"没有用户 {options['username']}")
        rows = list(jszx2019_rows(path, options["session"]))
        try:
            result = proposals_import_history(
                actor=actor, committee=actor.committee, rows=rows, source=f"jszx2019:{path.name}"
            )
        except SheetRejected as exc:
            for error in exc.errors[:50]:
                self.stderr.write(str(error))
            raise CommandError(exc.message) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"已导入 {result.created} 件历史提案，答复 {result.replies} 件，"
            f"关联委员 {result.matched_proposers} 人次。"
        )
        # The similarity index is rebuilt from every proposal of the committee (similarity/indexes.py);
        # proposals cannot call similarity (the arrow points the other way), so say what to run.
        self.stdout.write(
            f"相似索引：运行 tongxin similarity_rebuild --committee {actor.committee_id}"
            "，使历史提案参与相似比对。"
        )
