"""Access to the real Jiangsu 2019 proposals, read at run time from ``<repo>/../shared`` (never copied here).

The file is a public government publication without a stated licence (performance.md F7): tests,
benchmarks and demos read it where it lies and skip cleanly when it is absent.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

__all__ = ["JIANGSU_CSV", "Proposal", "load_jiangsu"]

# tongxin/textsim/corpus.py → parents[2] is the repository root; shared/ sits beside it.
JIANGSU_CSV = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "jszx2019" / "proposals.csv"


@dataclass(frozen=True)
class Proposal:
    """One row of the Jiangsu file (only the fields the similarity code uses)."""

    number: str  # 大会提案号, e.g. "0544"
    title: str  # the `reason` column
    body: str  # the `content` column
    category: str  # the `type` column
    proposer: str  # the `personnel_name` column


def load_jiangsu(path: Path | None = None) -> list[Proposal] | None:
    """The proposals, or None when the file is not there."""
    p = path or JIANGSU_CSV
    if not p.is_file():
        return None
    with p.open(encoding="utf-8", newline="") as f:
        return [
            Proposal(
                number=row["proposal_number"],
                title=row["reason"],
                body=row["content"],
                category=row["type"],
                proposer=row["personnel_name"],
            )
            for row in csv.DictReader(f)
        ]
