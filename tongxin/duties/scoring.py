"""The score engine: pure and deterministic, so a member's score is the same however often and in
whatever order it is rebuilt (the issue: "recomputation is deterministic and incremental").

Input: a year's rule set and one member's events in (occurred_on, id) order. Output: one line per
(event, rule) that matched, the points it earned and how much of them its group's cap kept, the
group totals and the total. Every point therefore traces to one event (domain.md §4.2 design line:
ScoreEntry{member, year, rule, source_object, points}).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True)
class RuleSpec:
    id: int
    group: str
    kind: str
    points: Decimal
    roles: tuple[str, ...] = ()
    conditions: Mapping[str, Any] = field(default_factory=dict)
    member_conditions: Mapping[str, Any] = field(default_factory=dict)
    multiply_by: str = ""
    split: str = ""
    once: bool = False
    skip_first: int = 0


@dataclass(frozen=True)
class EventSpec:
    id: int
    kind: str
    role: str
    attributes: Mapping[str, Any]


@dataclass(frozen=True)
class Line:
    event_id: int
    rule_id: int
    group: str
    points: Decimal
    counted: Decimal


@dataclass
class Result:
    lines: list[Line]
    group_totals: dict[str, Decimal]
    total: Decimal


def _matches_value(actual: Any, expected: Any) -> bool:
    if isinstance(expected, list):
        return actual in expected
    return bool(actual == expected)


def _condition_holds(attributes: Mapping[str, Any], key: str, expected: Any) -> bool:
    """`key` must equal (or be one of) `expected`; `key__gte` compares numbers (合肥: joint = 2+ signers)."""
    if key.endswith("__gte"):
        actual = attributes.get(key[:-5])
        try:
            return actual is not None and Decimal(str(actual)) >= Decimal(str(expected))
        except ArithmeticError:
            return False
    return _matches_value(attributes.get(key), expected)


def rule_matches(rule: RuleSpec, event: EventSpec, member: Mapping[str, Any]) -> bool:
    """The event is of the rule's kind, role and attributes, and the member meets its conditions."""
    if rule.kind != event.kind:
        return False
    if rule.roles and event.role not in rule.roles:
        return False
    if any(not _condition_holds(event.attributes, k, v) for k, v in rule.conditions.items()):
        return False
    return all(_matches_value(member.get(k), v) for k, v in rule.member_conditions.items())


def _share(rule: RuleSpec, event: EventSpec) -> Decimal:
    """桐城 (Table A): "joint → first proposer gets half, the rest is split among co-signers"."""
    if rule.split != "first_half":
        return Decimal(1)
    signers = int(event.attributes.get("signers") or 1)
    if signers <= 1:
        return Decimal(1)
    if event.role == "first_proposer":
        return Decimal("0.5")
    if event.role == "co_signer":
        return Decimal("0.5") / (signers - 1)
    return Decimal(1)


def _multiplier(rule: RuleSpec, event: EventSpec) -> Decimal:
    if not rule.multiply_by:
        return Decimal(1)
    try:
        return Decimal(str(event.attributes.get(rule.multiply_by) or 0))
    except ArithmeticError:
        return Decimal(0)


def score(
    *,
    rules: Sequence[RuleSpec],
    groups: Mapping[str, Mapping[str, Any]],
    base: Decimal,
    min_score: Decimal | None,
    max_score: Decimal | None,
    events: Iterable[EventSpec],
    member: Mapping[str, Any],
) -> Result:
    """Score one member's year. Every matching rule applies to an event (a filed proposal can earn
    both "filed" and "first filed"); `once` and `skip_first` count matches per rule in event order;
    a group's cap (and floor) trims later lines first."""
    matched: dict[int, int] = {}
    running: dict[str, Decimal] = {}
    lines: list[Line] = []
    # Only rules of the event's kind can match; their order (the rule set's) is kept.
    by_kind: dict[str, list[RuleSpec]] = {}
    for rule in rules:
        by_kind.setdefault(rule.kind, []).append(rule)
    for event in events:
        for rule in by_kind.get(event.kind, ()):
            if not rule_matches(rule, event, member):
                continue
            n = matched.get(rule.id, 0) + 1
            matched[rule.id] = n
            if (rule.once and n > 1) or n <= rule.skip_first:
                continue
            points = (rule.points * _share(rule, event) * _multiplier(rule, event)).quantize(
                CENT, rounding=ROUND_HALF_UP
            )
            group = groups.get(rule.group, {})
            before = running.get(rule.group, Decimal(0))
            after = before + points
            cap, floor = group.get("cap"), group.get("floor")
            if cap is not None and points > 0:
                after = min(after, max(before, Decimal(str(cap))))
            if floor is not None and points < 0:
                after = max(after, min(before, Decimal(str(floor))))
            running[rule.group] = after
            lines.append(Line(event.id, rule.id, rule.group, points, after - before))
    total = base + sum(running.values(), Decimal(0))
    if min_score is not None:
        total = max(total, min_score)
    if max_score is not None:
        total = min(total, max_score)
    return Result(
        lines=lines,
        group_totals={k: v.quantize(CENT) for k, v in running.items()},
        total=total.quantize(CENT),
    )


def band_for(total: Decimal, bands: Sequence[tuple[Decimal | None, str, str]]) -> tuple[str, str]:
    """The (label, consequence) of the highest band whose minimum the total reaches; bands are
    (min_score, label, consequence) with None as the lowest ("below every other band")."""
    floor_band: tuple[str, str] = ("", "")
    best: tuple[Decimal, str, str] | None = None
    for minimum, label, consequence in bands:
        if minimum is None:
            floor_band = (label, consequence)
        elif total >= minimum and (best is None or minimum > best[0]):
            best = (minimum, label, consequence)
    return (best[1], best[2]) if best else floor_band
