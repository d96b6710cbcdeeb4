"""Writes to the duty record, the score rules, the checklist and the annual assessment.

Other apps call `duty_event_record` / `duty_event_void` at the source of each duty ("谁组织谁记录",
domain.md rule 49). Recomputation is synchronous and incremental: recording or voiding an event
rebuilds the one affected member's score for that year inside the caller's transaction, so the
record and the score commit together (no queue, nothing to lose). A source that records many
events at once (closing a meeting) wraps them in `recompute_deferred()`: each member is then
rebuilt once when the block ends. `score_recompute_committee` rebuilds a whole committee-year.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, Forbidden, Invalid
from tongxin.members.models import Membership
from tongxin.org.models import Committee, ParticipatingUnit, SpecialCommittee

from . import access, scoring
from .kinds import DutyKind
from .models import (
    AssessmentCycle,
    AssessmentEvent,
    ChecklistItem,
    Consequence,
    DutyClaim,
    DutyClaimEvent,
    DutyEvent,
    DutyReport,
    EntryQuery,
    GradeBand,
    MemberScore,
    ScoreEntry,
    ScoreRule,
    ScoreRuleSet,
)
from .presets import CHECKLIST_PRESETS, DEFAULT_CHECKLIST, DEFAULT_PRESET, PRESETS, decimal_or_none
from .workflow import (
    CLAIM_TRANSITIONS,
    QUERY_STATES,
    REPORT_STATES,
    SCORING_STATES,
    TRANSITIONS,
)

CLAIM_KINDS = (
    DutyKind.CONTACT_MASSES,
    DutyKind.PRACTICAL_DEED,
    DutyKind.COMMENDATION,
    DutyKind.GROUP_REPORT,
    DutyKind.RESEARCH_REPORT,
    DutyKind.OTHER,
)
COMMENDATION_LEVELS = ("national", "provincial", "prefecture", "county")
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_SIGNATURES = (b"%PDF", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
MIN_YEAR, MAX_YEAR = 2000, 2100

# Members whose score waits for the end of a `recompute_deferred()` block: (membership_id, year).
_deferred: contextvars.ContextVar[set[tuple[int, int]] | None] = contextvars.ContextVar(
    "duties_deferred", default=None
)


# --- the record ------------------------------------------------------------------------------


def duty_event_record(
    *,
    committee: Committee,
    kind: str,
    occurred_on: dt.date,
    title: str,
    source: str,
    dedupe_key: str,
    membership: Membership | None = None,
    participating_unit: ParticipatingUnit | None = None,
    special_committee: SpecialCommittee | None = None,
    role: str = "",
    attributes: dict[str, Any] | None = None,
    source_url: str = "",
    actor: Any = None,
) -> DutyEvent:
    """Record one duty once: a second call with the same `dedupe_key` returns the first row.

    Call it inside the source's own transaction, so the duty and its cause commit together.
    """
    if kind not in DutyKind.values:
        raise ValueError(f"unknown duty kind {kind!r}")
    if membership is None and participating_unit is None and special_committee is None:
        raise ValueError("a duty event credits a member or a unit")
    existing = DutyEvent.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            event = DutyEvent.objects.create(
                committee=committee,
                membership=membership,
                participating_unit=participating_unit,
                special_committee=special_committee,
                kind=kind,
                role=role,
                attributes=attributes or {},
                year=occurred_on.year,
                occurred_on=occurred_on,
                title=title[:200],
                source=source[:80],
                source_url=source_url[:200],
                dedupe_key=dedupe_key[:160],
                recorded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        # Two requests recorded the same duty at once; the other one won.
        return DutyEvent.objects.get(dedupe_key=dedupe_key)
    if event.membership_id is not None:
        _member_changed(event.membership_id, event.year)
    return event


def duty_event_void(*, dedupe_key: str, reason: str) -> int:
    """Void a duty undone at its source; returns how many rows were voided (0 or 1)."""
    event = DutyEvent.objects.filter(dedupe_key=dedupe_key, voided_at__isnull=True).first()
    if event is None:
        return 0
    count = DutyEvent.objects.filter(pk=event.pk, voided_at__isnull=True).update(
        voided_at=timezone.now(), void_reason=reason[:200]
    )
    if count and event.membership_id is not None:
        _member_changed(event.membership_id, event.year)
    return count


@contextlib.contextmanager
def recompute_deferred() -> Iterator[None]:
    """Inside the block, scores wait; at its end each touched member is rebuilt once."""
    if _deferred.get() is not None:  # nested: the outer block rebuilds
        yield
        return
    pending: set[tuple[int, int]] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    _rebuild(pending)


# Past this many touched members of one year, one bulk rebuild of their committee-year is cheaper
# than rebuilding each (closing a plenary touches every member).
BULK_REBUILD_THRESHOLD = 100


def _rebuild(pending: set[tuple[int, int]]) -> None:
    by_year: dict[int, list[int]] = defaultdict(list)
    for membership_id, year in pending:
        by_year[year].append(membership_id)
    for year, ids in sorted(by_year.items()):
        if len(ids) <= BULK_REBUILD_THRESHOLD:
            for membership_id in sorted(ids):
                score_recompute_member(membership_id=membership_id, year=year)
            continue
        committees = (
            Membership.objects.filter(pk__in=ids).values_list("term__committee_id", flat=True).distinct()
        )
        for committee_id in sorted(set(committees)):
            cycle = AssessmentCycle.objects.filter(committee_id=committee_id, year=year).first()
            if cycle is None or cycle.state in SCORING_STATES:
                score_recompute_committee(committee_id=committee_id, year=year)


def _member_changed(membership_id: int, year: int) -> None:
    pending = _deferred.get()
    if pending is not None:
        pending.add((membership_id, year))
    else:
        score_recompute_member(membership_id=membership_id, year=year)


# --- rules and checklist ---------------------------------------------------------------------


def _check_year(year: Any) -> int:
    if not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise Invalid(_("年度有误。"), {"year": [_("年度须在 2000 到 2100 之间。")]})
    return year


def _install_preset(committee_id: int, year: int, code: str) -> ScoreRuleSet:
    preset = PRESETS[code]
    rule_set = ScoreRuleSet.objects.create(
        committee_id=committee_id,
        year=year,
        name=str(preset.name),
        preset=code,
        base_score=Decimal(preset.base),
        min_score=decimal_or_none(preset.min_score),
        max_score=decimal_or_none(preset.max_score),
        groups=preset.groups,
    )
    ScoreRule.objects.bulk_create(
        ScoreRule(
            rule_set=rule_set,
            position=i,
            group=r.group,
            label=r.label,
            kind=r.kind,
            roles=list(r.roles),
            conditions=r.conditions,
            member_conditions=r.member_conditions,
            points=Decimal(r.points),
            multiply_by=r.multiply_by,
            split=r.split,
            once=r.once,
            skip_first=r.skip_first,
        )
        for i, r in enumerate(preset.rules)
    )
    GradeBand.objects.bulk_create(
        GradeBand(rule_set=rule_set, min_score=decimal_or_none(m), label=label, consequence=consequence)
        for m, label, consequence in preset.bands
    )
    return rule_set


def rule_set_for(committee_id: int, year: int) -> ScoreRuleSet:
    """The committee's rules for the year, created from the default preset on first use."""
    rule_set = ScoreRuleSet.objects.filter(committee_id=committee_id, year=year).first()
    if rule_set is not None:
        return rule_set
    try:
        with transaction.atomic():
            return _install_preset(committee_id, year, DEFAULT_PRESET)
    except IntegrityError:
        return ScoreRuleSet.objects.get(committee_id=committee_id, year=year)


def _cycle_for(committee_id: int, year: int) -> AssessmentCycle:
    cycle, _created = AssessmentCycle.objects.get_or_create(committee_id=committee_id, year=year)
    return cycle


def score_rules_apply_preset(*, actor: Any, year: int, preset: str) -> ScoreRuleSet:
    """Replace the committee's rules for the year by a preset and rebuild every score."""
    if not access.can_manage_rules(actor):
        raise Forbidden(_("只有委员工作人员可以设置考核规则。"))
    year = _check_year(year)
    if preset not in PRESETS:
        raise Invalid(
            _("没有这个预设。"), {"preset": [_("可选：%(names)s。") % {"names": "、".join(PRESETS)}]}
        )
    committee_id = actor.committee_id
    with transaction.atomic():
        cycle = (
            AssessmentCycle.objects.select_for_update().filter(committee_id=committee_id, year=year).first()
        )
        if cycle is not None and cycle.state not in SCORING_STATES:
            raise Conflict(_("该年度已评定等次，不能再修改规则。"), code="assessment_closed")
        ScoreRuleSet.objects.filter(committee_id=committee_id, year=year).delete()
        rule_set = _install_preset(committee_id, year, preset)
        cycle = cycle or _cycle_for(committee_id, year)
        AssessmentEvent.objects.create(
            cycle=cycle, actor=actor, name="rules_set", to_state=cycle.state, data={"preset": preset}
        )
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"duties.ScoreRuleSet:{rule_set.pk}",
            details={"year": year, "preset": preset},
        )
        score_recompute_committee(committee_id=committee_id, year=year)
    return rule_set


def checklist_for(committee_id: int, year: int) -> list[ChecklistItem]:
    """The year's duty checklist, created from the default "六个一" on first use."""
    items = list(ChecklistItem.objects.filter(committee_id=committee_id, year=year))
    if items:
        return items
    try:
        with transaction.atomic():
            return _install_checklist(committee_id, year, DEFAULT_CHECKLIST)
    except IntegrityError:
        return list(ChecklistItem.objects.filter(committee_id=committee_id, year=year))


def _install_checklist(committee_id: int, year: int, code: str) -> list[ChecklistItem]:
    _name, items = CHECKLIST_PRESETS[code]
    return ChecklistItem.objects.bulk_create(
        ChecklistItem(
            committee_id=committee_id,
            year=year,
            position=i,
            code=c.code,
            label=c.label,
            preset=code,
            kinds=list(c.kinds),
            conditions=c.conditions,
            threshold=c.threshold,
        )
        for i, c in enumerate(items)
    )


def checklist_apply_preset(*, actor: Any, year: int, preset: str) -> list[ChecklistItem]:
    """Replace the year's checklist by a preset (六个一, 三个一, 五个一)."""
    if not access.can_manage_rules(actor):
        raise Forbidden(_("只有委员工作人员可以设置年度履职要求。"))
    year = _check_year(year)
    if preset not in CHECKLIST_PRESETS:
        raise Invalid(
            _("没有这个预设。"),
            {"preset": [_("可选：%(names)s。") % {"names": "、".join(CHECKLIST_PRESETS)}]},
        )
    with transaction.atomic():
        ChecklistItem.objects.filter(committee_id=actor.committee_id, year=year).delete()
        items = _install_checklist(actor.committee_id, year, preset)
        cycle = _cycle_for(actor.committee_id, year)
        AssessmentEvent.objects.create(
            cycle=cycle, actor=actor, name="checklist_set", to_state=cycle.state, data={"preset": preset}
        )
    return items


# --- scores ----------------------------------------------------------------------------------


def _rule_specs(rule_set: ScoreRuleSet) -> list[scoring.RuleSpec]:
    return [
        scoring.RuleSpec(
            id=r.pk,
            group=r.group,
            kind=r.kind,
            points=r.points,
            roles=tuple(r.roles or ()),
            conditions=r.conditions or {},
            member_conditions=r.member_conditions or {},
            multiply_by=r.multiply_by,
            split=r.split,
            once=r.once,
            skip_first=r.skip_first,
        )
        for r in rule_set.rules.all()
    ]


def _bands(rule_set: ScoreRuleSet) -> list[tuple[Decimal | None, str, str]]:
    return [(b.min_score, b.label, b.consequence) for b in rule_set.bands.all()]


def _escalate(consequence: str, previous: str) -> str:
    """济南 (rule 54): under 60 two years running → 约谈 by the committee, not the sector convener."""
    if consequence == Consequence.TALK_SECTOR and previous in (
        Consequence.TALK_SECTOR,
        Consequence.TALK_COMMITTEE,
    ):
        return Consequence.TALK_COMMITTEE
    return consequence


def _member_facts(membership: Membership) -> dict[str, Any]:
    return {"is_standing": membership.is_standing, "leadership": membership.leadership}


def _compute(
    rule_set: ScoreRuleSet,
    specs: list[scoring.RuleSpec],
    events: list[scoring.EventSpec],
    membership: Membership,
) -> scoring.Result:
    return scoring.score(
        rules=specs,
        groups=rule_set.groups or {},
        base=rule_set.base_score,
        min_score=rule_set.min_score,
        max_score=rule_set.max_score,
        events=events,
        member=_member_facts(membership),
    )


def _event_specs(qs: Any) -> list[scoring.EventSpec]:
    return [scoring.EventSpec(id=i, kind=k, role=r, attributes=a or {}) for i, k, r, a in qs]


def score_recompute_member(*, membership_id: int, year: int) -> MemberScore | None:
    """Rebuild one member's score for one year from their events (deterministic; idempotent).

    Returns None once the year is graded: the result is then final (§10.9)."""
    membership = Membership.objects.select_related("term").get(pk=membership_id)
    committee_id = membership.term.committee_id
    cycle = AssessmentCycle.objects.filter(committee_id=committee_id, year=year).first()
    if cycle is not None and cycle.state not in SCORING_STATES:
        return None
    rule_set = rule_set_for(committee_id, year)
    specs = _rule_specs(rule_set)
    events = _event_specs(
        DutyEvent.objects.filter(membership_id=membership_id, year=year, voided_at__isnull=True)
        .order_by("occurred_on", "id")
        .values_list("id", "kind", "role", "attributes")
    )
    result = _compute(rule_set, specs, events, membership)
    previous = (
        MemberScore.objects.filter(membership__person_id=membership.person_id, year=year - 1)
        .values_list("consequence", flat=True)
        .first()
        or ""
    )
    grade, consequence = scoring.band_for(result.total, _bands(rule_set))
    with transaction.atomic():
        score, _created = MemberScore.objects.update_or_create(
            membership_id=membership_id,
            year=year,
            defaults={
                "committee_id": committee_id,
                "rule_set": rule_set,
                "total": result.total,
                "group_totals": {k: str(v) for k, v in result.group_totals.items()},
                "grade": grade,
                "consequence": _escalate(consequence, previous),
                "computed_at": timezone.now(),
            },
        )
        ScoreEntry.objects.filter(score=score).delete()
        ScoreEntry.objects.bulk_create(
            ScoreEntry(
                score=score,
                event_id=line.event_id,
                rule_id=line.rule_id,
                points=line.points,
                counted=line.counted,
            )
            for line in result.lines
        )
    return score


def memberships_in_year(committee_id: int, year: int) -> Any:
    """The committee's memberships whose term covers some of `year`."""
    return Membership.objects.filter(term__committee_id=committee_id, term__starts_on__year__lte=year).filter(
        Q(term__ends_on__isnull=True) | Q(term__ends_on__year__gte=year)
    )


def score_recompute_committee(*, committee_id: int, year: int) -> int:
    """Rebuild every member's score of a committee-year at once; returns the number of members.

    One read of the year's events, the scoring in memory, then two bulk writes (bench/
    duties_recompute.py measures it at national size)."""
    cycle = AssessmentCycle.objects.filter(committee_id=committee_id, year=year).first()
    if cycle is not None and cycle.state not in SCORING_STATES:
        raise Conflict(_("该年度已评定等次，得分不再重算。"), code="assessment_closed")
    rule_set = rule_set_for(committee_id, year)
    specs = _rule_specs(rule_set)
    bands = _bands(rule_set)
    memberships = list(
        memberships_in_year(committee_id, year).only("id", "person_id", "is_standing", "leadership")
    )
    by_member: dict[int, list[scoring.EventSpec]] = defaultdict(list)
    rows = (
        DutyEvent.objects.filter(
            committee_id=committee_id, year=year, voided_at__isnull=True, membership__isnull=False
        )
        .order_by("membership_id", "occurred_on", "id")
        .values_list("membership_id", "id", "kind", "role", "attributes")
    )
    for membership_id, *rest in rows.iterator(chunk_size=5000):
        by_member[membership_id].append(scoring.EventSpec(rest[0], rest[1], rest[2], rest[3] or {}))
    previous = dict(
        MemberScore.objects.filter(committee_id=committee_id, year=year - 1).values_list(
            "membership__person_id", "consequence"
        )
    )
    now = timezone.now()
    results = [(m, _compute(rule_set, specs, by_member.get(m.pk, []), m)) for m in memberships]
    with transaction.atomic():
        ScoreEntry.objects.filter(score__committee_id=committee_id, score__year=year).delete()
        MemberScore.objects.filter(committee_id=committee_id, year=year).delete()
        scores = []
        for m, result in results:
            grade, consequence = scoring.band_for(result.total, bands)
            scores.append(
                MemberScore(
                    membership_id=m.pk,
                    committee_id=committee_id,
                    year=year,
                    rule_set=rule_set,
                    total=result.total,
                    group_totals={k: str(v) for k, v in result.group_totals.items()},
                    grade=grade,
                    consequence=_escalate(consequence, previous.get(m.person_id, "")),
                    computed_at=now,
                )
            )
        MemberScore.objects.bulk_create(scores, batch_size=1000)
        _insert_lines(
            (s.pk, line.event_id, line.rule_id, line.points, line.counted)
            for s, (_m, result) in zip(scores, results, strict=True)
            for line in result.lines
        )
    return len(scores)


def _insert_lines(rows: Iterable[tuple[int | None, int, int, Decimal, Decimal]]) -> None:
    """Insert score lines many rows per statement: a full rebuild writes ~80,000 of them, and a model
    instance (or a round trip) per line costs most of the time (bench/duties_recompute.py)."""
    table = connection.ops.quote_name(ScoreEntry._meta.db_table)
    columns = "(score_id, event_id, rule_id, points, counted)"
    if connection.vendor == "postgresql":
        # COPY is PostgreSQL's bulk path (psycopg 3); other databases take the INSERT below.
        with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} {columns} FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    per_statement = min(1000, (connection.features.max_query_params or 5000) // 5)
    # The table name comes from the model, never from input; the values are parameters.
    head = f"INSERT INTO {table} {columns} VALUES "  # noqa: S608
    batch: list[Any] = []
    with connection.cursor() as cursor:

        def flush() -> None:
            cursor.execute(head + ", ".join(["(%s, %s, %s, %s, %s)"] * (len(batch) // 5)), batch)

        for row in rows:
            batch.extend(row)
            if len(batch) >= per_statement * 5:
                flush()
                batch = []
        if batch:
            flush()


# --- the assessment cycle --------------------------------------------------------------------


def assessment_open(*, actor: Any, year: int) -> AssessmentCycle:
    """Open the year's assessment: rules and checklist are set (defaults if none chosen)."""
    if not access.can_manage_assessment(actor):
        raise Forbidden(_("只有委员工作人员可以开启年度考核。"))
    year = _check_year(year)
    with transaction.atomic():
        cycle, created = AssessmentCycle.objects.get_or_create(committee_id=actor.committee_id, year=year)
        if not created and cycle.events.filter(name="opened").exists():
            raise Conflict(_("该年度考核已开启。"), code="already_open")
        rule_set_for(actor.committee_id, year)
        checklist_for(actor.committee_id, year)
        AssessmentEvent.objects.create(cycle=cycle, actor=actor, name="opened", to_state=cycle.state)
    return cycle


def _guard_grade(cycle: AssessmentCycle) -> str | None:
    members = memberships_in_year(cycle.committee_id, cycle.year)
    if EntryQuery.objects.filter(
        membership__in=members, year=cycle.year, state=EntryQuery.State.OPEN
    ).exists():
        return _("还有委员的档案异议未答复，答复后才能评定等次。")
    return None


def assessment_transition(
    *, actor: Any, cycle: AssessmentCycle, name: str, note: str = ""
) -> AssessmentCycle:
    """Move the cycle one step (§10.9); grading rebuilds every score first, so grades match the record."""
    t = TRANSITIONS.get(name)
    if t is None:
        raise Invalid(_("没有这个操作。"), {"action": [_("没有这个操作。")]})
    if not getattr(access, t.permission)(actor, cycle):
        raise Forbidden(_("您无权进行此操作。"))
    if cycle.state not in t.sources:
        raise Conflict(_("当前状态下不能%(label)s。") % {"label": t.label}, code="invalid_transition")
    if len(note) > 500:
        raise Invalid(_("说明过长。"), {"note": [_("不超过 500 字。")]})
    if name == "grade":
        reason = _guard_grade(cycle)
        if reason:
            raise Conflict(reason, code="blocked")
    with transaction.atomic():
        if name == "grade":
            score_recompute_committee(committee_id=cycle.committee_id, year=cycle.year)
        changed = AssessmentCycle.objects.filter(pk=cycle.pk, state=cycle.state).update(
            state=t.target, updated_at=timezone.now()
        )
        if changed != 1:
            raise Conflict(_("考核状态已被他人更改，请刷新后重试。"))
        data: dict[str, Any] = {}
        if name == "grade":
            data = {
                "graded": MemberScore.objects.filter(committee_id=cycle.committee_id, year=cycle.year).count()
            }
        AssessmentEvent.objects.create(
            cycle=cycle,
            actor=actor,
            name=name,
            from_state=cycle.state,
            to_state=t.target,
            note=note,
            data=data,
        )
    cycle.refresh_from_db()
    return cycle


# --- manual entries --------------------------------------------------------------------------


def _check_evidence(evidence: UploadedFile | None) -> None:
    if evidence is None:
        return
    if evidence.size is None or evidence.size > EVIDENCE_MAX_BYTES:
        raise Invalid(_("佐证材料不能超过 10 MB。"), {"evidence": [_("不能超过 10 MB。")]})
    head = evidence.read(8)
    evidence.seek(0)
    # The bytes, not the name, decide what a file is (ASVS 5.2.2): PDF, JPEG or PNG only.
    if not any(head.startswith(sig) for sig in EVIDENCE_SIGNATURES):
        raise Invalid(
            _("佐证材料须为 PDF、JPG 或 PNG 文件。"), {"evidence": [_("须为 PDF、JPG 或 PNG 文件。")]}
        )


def claim_create(
    *,
    actor: Any,
    membership: Membership,
    kind: str,
    occurred_on: dt.date | None,
    title: str,
    description: str = "",
    level: str = "",
    evidence: UploadedFile | None = None,
) -> DutyClaim:
    """A member enters a duty done off the platform, with evidence, for staff approval."""
    if not access.can_submit_claim(actor, membership):
        raise Forbidden(_("只能为本人补录履职情况。"))
    errors: dict[str, list[str]] = {}
    title = (title or "").strip()
    if kind not in CLAIM_KINDS:
        errors["kind"] = [_("请选择补录类别。")]
    if not title:
        errors["title"] = [_("请填写事项。")]
    elif len(title) > 200:
        errors["title"] = [_("事项不超过 200 字。")]
    if len(description or "") > 2000:
        errors["description"] = [_("情况说明不超过 2000 字。")]
    today = timezone.localdate()
    if occurred_on is None:
        errors["occurred_on"] = [_("请填写日期。")]
    elif occurred_on > today or occurred_on.year < today.year - 1:
        errors["occurred_on"] = [_("日期须在去年以来、今天以前。")]
    if kind == DutyKind.COMMENDATION and level not in COMMENDATION_LEVELS:
        errors["level"] = [_("请选择表彰级别。")]
    if kind != DutyKind.COMMENDATION:
        level = ""
    if errors:
        raise Invalid(_("补录内容有误，请检查。"), errors)
    _check_evidence(evidence)
    assert occurred_on is not None
    with transaction.atomic():
        claim = DutyClaim(
            membership=membership,
            kind=kind,
            occurred_on=occurred_on,
            title=title,
            description=description or "",
            level=level,
        )
        if evidence is not None:
            claim.evidence.save(f"claim-{membership.pk}-{evidence.name}"[-90:], evidence, save=False)
        claim.save()
        DutyClaimEvent.objects.create(claim=claim, actor=actor, name="submitted", to_state=claim.state)
    return claim


def claim_transition(*, actor: Any, claim: DutyClaim, name: str, note: str = "") -> DutyClaim:
    """Approve (records the duty event), reject (a reason is required) or withdraw a manual entry."""
    t = CLAIM_TRANSITIONS.get(name)
    if t is None:
        raise Invalid(_("没有这个操作。"), {"action": [_("没有这个操作。")]})
    if not getattr(access, t.permission)(actor, claim):
        raise Forbidden(_("您无权进行此操作。"))
    if claim.state not in t.sources:
        raise Conflict(_("当前状态下不能%(label)s。") % {"label": t.label}, code="invalid_transition")
    note = (note or "").strip()
    if name == "reject" and not note:
        raise Invalid(_("请填写不予认定的理由。"), {"note": [_("请填写理由。")]})
    if len(note) > 200:
        raise Invalid(_("意见不超过 200 字。"), {"note": [_("不超过 200 字。")]})
    now = timezone.now()
    with transaction.atomic():
        fields: dict[str, Any] = {"state": t.target, "updated_at": now}
        if name != "withdraw":
            fields.update(decided_by=actor, decided_at=now, decision_note=note)
        if DutyClaim.objects.filter(pk=claim.pk, state=claim.state).update(**fields) != 1:
            raise Conflict(_("该补录已被他人处理，请刷新后重试。"))
        DutyClaimEvent.objects.create(
            claim=claim, actor=actor, name=name, from_state=claim.state, to_state=t.target, note=note
        )
        if name == "approve":
            duty_event_record(
                committee=claim.membership.term.committee,
                membership=claim.membership,
                kind=claim.kind,
                occurred_on=claim.occurred_on,
                title=claim.title,
                source=f"duties.claim:{claim.pk}",
                source_url=f"/duties/claims/{claim.pk}/",
                dedupe_key=f"duties.claim:{claim.pk}",
                attributes={"level": claim.level} if claim.level else {},
                role="self",
                actor=actor,
            )
    claim.refresh_from_db()
    return claim


# --- review window: queries and duty reports ---------------------------------------------------


def entry_query_create(
    *, actor: Any, membership: Membership, year: int, message: str, event: DutyEvent | None = None
) -> EntryQuery:
    """A member queries an entry of their own record while the review window is open."""
    if not access.is_own_membership(actor, membership):
        raise Forbidden(_("只能对本人的履职档案提出异议。"))
    cycle = AssessmentCycle.objects.filter(committee_id=membership.term.committee_id, year=year).first()
    if cycle is None or cycle.state not in QUERY_STATES:
        raise Conflict(_("现在不是核对期，不能提出异议。"), code="window_closed")
    message = (message or "").strip()
    if not message or len(message) > 1000:
        raise Invalid(
            _("请填写异议内容（不超过 1000 字）。"), {"message": [_("请填写异议内容（不超过 1000 字）。")]}
        )
    if event is not None and (event.membership_id != membership.pk or event.year != year):
        raise Invalid(_("只能对本人本年度的记录提出异议。"), {"event": [_("记录不属于本人本年度。")]})
    return EntryQuery.objects.create(membership=membership, year=year, event=event, message=message)


def entry_query_answer(*, actor: Any, query: EntryQuery, reply: str, void_event: bool = False) -> EntryQuery:
    """Staff answer a query; accepting it may void the queried event (the score follows)."""
    if not access.can_answer_query(actor, query):
        raise Forbidden(_("只有委员工作人员可以答复异议。"))
    reply = (reply or "").strip()
    if not reply or len(reply) > 1000:
        raise Invalid(_("请填写答复（不超过 1000 字）。"), {"reply": [_("请填写答复（不超过 1000 字）。")]})
    with transaction.atomic():
        if (
            EntryQuery.objects.filter(pk=query.pk, state=EntryQuery.State.OPEN).update(
                state=EntryQuery.State.ANSWERED, reply=reply, answered_by=actor, updated_at=timezone.now()
            )
            != 1
        ):
            raise Conflict(_("该异议已答复。"))
        if void_event and query.event is not None:
            duty_event_void(
                dedupe_key=query.event.dedupe_key, reason=_("核对更正：%(r)s") % {"r": reply[:100]}
            )
    query.refresh_from_db()
    return query


def duty_report_save(
    *, actor: Any, membership: Membership, year: int, body: str, submit: bool = False
) -> DutyReport:
    """A member writes (and may submit) their annual duty report in the review or report window."""
    if not access.is_own_membership(actor, membership):
        raise Forbidden(_("只能填写本人的履职报告。"))
    cycle = AssessmentCycle.objects.filter(committee_id=membership.term.committee_id, year=year).first()
    if cycle is None or cycle.state not in REPORT_STATES:
        raise Conflict(_("现在不是述职期，不能填写履职报告。"), code="window_closed")
    body = (body or "").strip()
    if not body or len(body) > 20000:
        raise Invalid(
            _("请填写报告正文（不超过 20000 字）。"), {"body": [_("请填写报告正文（不超过 20000 字）。")]}
        )
    with transaction.atomic():
        report, _created = DutyReport.objects.select_for_update().get_or_create(
            membership=membership, year=year, defaults={"body": body}
        )
        if report.submitted_at is not None:
            raise Conflict(_("履职报告已提交，不能再修改。"), code="already_submitted")
        report.body = body
        if submit:
            report.submitted_at = timezone.now()
        report.save()
    return report
