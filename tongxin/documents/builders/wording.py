"""How the office writes figures in its documents, as the seeds write them: Arabic counts with 件/篇/名,
percentages without trailing zeros ("办结率100%", "答复率99.5%"), session names in Chinese numerals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any


def percent(value: float | Decimal | None) -> str:
    """100.0 → "100%", 99.5 → "99.5%", None → "—"."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.1"))
    text = format(number.normalize(), "f")
    return f"{text}%"


def share(part: int, whole: int) -> str:
    """part as a percentage of whole, one decimal, as `percent` writes it."""
    return percent(round(part * 100 / whole, 1) if whole else None)


def score(value: Decimal | float | int | None) -> str:
    """A score with at most two decimals and no trailing zeros: 92.50 → "92.5"."""
    if value is None:
        return "—"
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return format(number, "f")


def joined(items: list[Any], sep: str = "、") -> str:
    return sep.join(str(i) for i in items if str(i))


def sentence(*parts: str) -> str:
    """Clauses joined by Chinese commas and closed with a full stop; empty clauses are left out."""
    text = "，".join(p for p in parts if p)
    return f"{text}。" if text else ""
