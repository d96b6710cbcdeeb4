"""Demo and synthetic proposals for `tongxin demo` / `tongxin seed` (a `builder.EXTENSIONS` entry).

Through the real services (`proposal_create`, `proposal_transition`): proposals in every state of
the lifecycle — drafts, submitted and waiting for review, returned, withdrawn, not filed with a
reason, converted (a 社情民意 draft report among them), merged into a lead, filed, assigned to the
committee's handling units, signed for, with co-unit opinions, replies drafted, countersigned,
approved with A/B/C, rated, closed; key proposals decided by the chair council and an excellent one.
Most are entered by the proposal office for members who have no account (recorded as 代为录入, and
their ratings as forms collected on paper); the demo member (weiyuan) and the chair (zhuxi) write,
co-sign and rate their own, and the demo unit (chengban) has proposals at every handling step.

Texts: titles and bodies of the 436 real proposals in ../shared/data/jszx2019/proposals.csv, read at
run time when the file is there (never copied into the repository; the env variable
TONGXIN_JSZX2019 may point elsewhere); otherwise generated text.

`seed` at larger scales: the services path above for a sample, then `proposals_bulk_create` for
the rest of the session's size (county 200, city 500, province 1,000, national 6,000: performance.md
P1). The bulk path writes rows directly with `bulk_create` (proposals, proposers, assignments,
replies, ratings and one `seed` event each), because the services take ~30 queries per step and a
national session walked through them would take hours; it is for synthetic load data only, never
for real work, and the bench in bench/proposals_bench.py uses it too.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from tongxin.accounts.models import User
from tongxin.accounts.services import role_grant, user_create
from tongxin.core.roles import Role
from tongxin.members.models import Membership
from tongxin.org.models import HandlingUnit, PlenarySession

from . import services
from .models import (
    Assignment,
    Proposal,
    ProposalCategory,
    ProposalEvent,
    Proposer,
    Rating,
    Reply,
)
from .workflow import FILED_STATES, State

SECTION = re.compile(r"(调研情况|问题分析|具体建议)[：:]")
FIELD_OF = {"调研情况": "background", "问题分析": "analysis", "具体建议": "suggestions"}
SESSION_SIZE = {"county": 200, "city": 500, "province": 1000, "national": 6000}

FALLBACK_TOPICS = (
    ("城市环卫公厕指引系统", "城乡建设"),
    ("老旧小区加装电梯", "社会事业"),
    ("中小微企业融资", "财税金融"),
    ("义务教育课后服务", "教育事业"),
    ("基层医疗卫生人才", "医卫体育"),
    ("高标准农田建设管护", "农林水利"),
    ("黄河流域生态保护", "资源环境"),
    ("非物质文化遗产传承", "文化宣传"),
    ("营商环境法治保障", "法制建设"),
    ("科技成果转化", "科学技术"),
)


@dataclass(frozen=True)
class Text:
    title: str
    background: str
    analysis: str
    suggestions: str
    category: str  # a finer category name of the default tree (the corpus uses the same names)


def corpus_path() -> Path:
    base = os.environ.get("TONGXIN_JSZX2019") or str(Path(settings.BASE_DIR).parent / "shared/data/jszx2019")
    return Path(base) / "proposals.csv"


def _split(content: str) -> dict[str, str]:
    parts = SECTION.split(content)
    if len(parts) < 3:
        return {"analysis": content.strip()[:6000], "suggestions": content.strip()[-2000:]}
    out: dict[str, str] = {}
    for label, text in zip(parts[1::2], parts[2::2], strict=True):
        name = FIELD_OF[label]
        out[name] = (out.get(name, "") + "\n" + text.strip()).strip()[:6000]
    if parts[0].strip():
        out["background"] = (parts[0].strip() + "\n" + out.get("background", "")).strip()[:6000]
    return out


def texts() -> list[Text]:
    """The real proposals' texts when the corpus is present, else generated ones."""
    path = corpus_path()
    rows: list[Text] = []
    if path.is_file():
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                title = (row.get("reason") or "").strip()[:120]
                body = _split(row.get("content") or "")
                if not title or not body.get("suggestions"):
                    continue
                rows.append(
                    Text(
                        title=title,
                        background=body.get("background", ""),
                        analysis=body.get("analysis", ""),
                        suggestions=body["suggestions"],
                        category=(row.get("type") or "").strip(),
                    )
                )
    if rows:
        return rows
    return [
        Text(
            title=f"关于完善{topic}工作的建议",
            background=f"调研发现，{topic}方面群众反映集中，近两年相关诉求逐年增加。",
            analysis=f"主要原因是职责分散、投入不足，{topic}缺少统筹协调和长效机制。",
            suggestions=f"一是建立{topic}联席会议制度；二是加大财政投入；三是开展专项督查并定期通报。",
            category=category,
        )
        for topic, category in FALLBACK_TOPICS
    ]


# --- Accounts the walk needs ----------------------------------------------------------------------


class Cast:
    """The office, the units' staff and the members with accounts, created once per build."""

    def __init__(self, context: Any) -> None:
        self.context = context
        self.committee = context.committee
        users: dict[str, User] = context.users
        self.office = users.get("tian") or self._office()
        self.weiyuan = users.get("weiyuan")
        self.zhuxi = users.get("zhuxi")
        self.chengban = users.get("chengban")
        self.unit_staff: dict[int, User] = {}
        if self.chengban is not None and self.chengban.handling_unit_id:
            self.unit_staff[self.chengban.handling_unit_id] = self.chengban
        self.by_person = {u.person_id: u for u in (self.weiyuan, self.zhuxi) if u is not None}

    def _office(self) -> User:
        user, _password = user_create(
            actor=None,
            committee=self.committee,
            username=f"tian_{self.committee.pk}",
            full_name="提案委工作人员",
            kind=User.Kind.OFFICE,
        )
        role_grant(actor=None, user=user, role=Role.PROPOSAL_OFFICE)
        user.__dict__.pop("role_set", None)
        return user

    def staff_of(self, unit: HandlingUnit) -> User:
        if unit.pk not in self.unit_staff:
            user, _password = user_create(
                actor=None,
                committee=self.committee,
                username=f"unit{unit.pk}_{self.committee.pk}",
                full_name=f"{unit.short_name or unit.name[:8]}经办人",
                kind=User.Kind.UNIT,
                handling_unit=unit,
            )
            self.unit_staff[unit.pk] = user
        return self.unit_staff[unit.pk]


# --- One proposal walked through the services ----------------------------------------------------

# The order of the lifecycle the walk follows; each stop is a state the walk may end in.
PATH = (
    State.SUBMITTED,
    State.FILED,
    State.ASSIGNED,
    State.IN_HANDLING,
    State.REPLY_DRAFTED,
    State.REPLY_COUNTERSIGNED,
    State.REPLIED,
    State.EVALUATED,
    State.CLOSED,
)
LEVELS = ("satisfied", "satisfied", "satisfied", "basically", "basically", "unsatisfied")


class Walk:
    def __init__(self, cast: Cast, rng: random.Random, units: Sequence[HandlingUnit]) -> None:
        self.cast = cast
        self.rng = rng
        self.units = list(units)
        self.categories = {
            c.name: c.pk
            for c in ProposalCategory.objects.filter(committee=cast.committee, parent__isnull=False)
        }

    def act(self, p: Proposal, name: str, actor: Any, **payload: Any) -> Proposal:
        return services.proposal_transition(proposal=p, name=name, actor=actor, payload=payload)

    def draft(
        self,
        text: Text,
        *,
        author: User | None,
        first_person_id: int | None,
        cosigners: Sequence[int] = (),
        units: Sequence[HandlingUnit] = (),
    ) -> Proposal:
        """A draft by `author` (a member with an account) or entered by the office for a member."""
        values: dict[str, Any] = {
            "title": text.title,
            "background": text.background,
            "analysis": text.analysis,
            "suggestions": text.suggestions,
            "category_id": self.categories.get(text.category),
            "suggested_unit_ids": [u.pk for u in units],
        }
        if cosigners:
            values.update(kind=Proposal.Kind.JOINT, cosigner_person_ids=list(cosigners))
        if author is not None:
            return services.proposal_create(actor=author, **values)
        return services.proposal_create(
            actor=self.cast.office, first_proposer_person_id=first_person_id, **values
        )

    def author_of(self, p: Proposal) -> User:
        return p.created_by if p.entered_on_behalf_by_id is None else self.cast.office

    def until(
        self,
        p: Proposal,
        target: str,
        *,
        lead: HandlingUnit | None = None,
        co: Sequence[HandlingUnit] = (),
        result_class: str = "A",
    ) -> Proposal:
        """Walk `p` along PATH until it is in `target`."""
        office = self.cast.office
        lead = lead or self.rng.choice(self.units)
        co = [u for u in co if u.pk != lead.pk]
        for stop in PATH:
            if p.state == target:
                return p
            if stop == State.SUBMITTED:
                p = self.act(p, "submit", p.created_by)
                for row in p.proposers.filter(role=Proposer.Role.COSIGNER, status=Proposer.Status.INVITED):
                    user = self.cast.by_person.get(row.person_id)
                    if user is not None and target != State.SUBMITTED:
                        p = self.act(p, "cosign", user)
            elif stop == State.FILED:
                p = self.act(p, "file", office)
            elif stop == State.ASSIGNED:
                p = self.act(
                    p, "assign", office, mode="lead", lead_unit_id=lead.pk, co_unit_ids=[u.pk for u in co]
                )
            elif stop == State.IN_HANDLING:
                for unit in [lead, *co]:
                    p = self.act(p, "sign_for", self.cast.staff_of(unit))
                for unit in co:
                    p = self.act(
                        p,
                        "submit_co_opinion",
                        self.cast.staff_of(unit),
                        text="同意主办单位意见，本单位负责配合落实。",
                    )
            elif stop == State.REPLY_DRAFTED:
                p = self.act(
                    p,
                    "add_progress",
                    self.cast.staff_of(lead),
                    kind="pre_contact",
                    text="已与提案人电话沟通办理思路。",
                    happened_on=timezone.localdate().isoformat(),
                )
                p = self.act(
                    p,
                    "draft_reply",
                    self.cast.staff_of(lead),
                    text=f"经研究，对“{p.title}”提出的建议逐条答复如下：已纳入年度重点工作，明确责任处室和时间表。",
                    result_class=result_class,
                    signer="局长",
                    contact_name="办公室",
                    contact_phone="0931-8000000",
                    publicity="public" if self.rng.random() < 0.8 else "not_public",
                )
            elif stop == State.REPLY_COUNTERSIGNED:
                for unit in co:
                    p = self.act(p, "countersign", self.cast.staff_of(unit))
            elif stop == State.REPLIED:
                p = self.act(p, "approve_reply", office)
            elif stop == State.EVALUATED:
                for row in p.proposers.filter(status=Proposer.Status.CONFIRMED):
                    user = self.cast.by_person.get(row.person_id)
                    levels = {"attitude": self.rng.choice(LEVELS[:5]), "result": self.rng.choice(LEVELS)}
                    if user is not None:
                        p = self.act(p, "rate", user, **levels)
                    else:  # a form collected on paper, entered by the office
                        p = self.act(p, "rate", office, proposer_id=row.pk, **levels)
            elif stop == State.CLOSED:
                p = self.act(p, "close", office)
        return p


def _members_without_accounts(context: Any, cast: Cast) -> list[Membership]:
    taken = set(cast.by_person)
    return [m for m in context.memberships if m.status == "active" and m.person_id not in taken]


def build(context: Any) -> dict[str, int]:
    """Proposals in every state for the committee in `context`; returns the counts."""
    rng: random.Random = context.rng
    cast = Cast(context)
    services.settings_for(context.committee.pk)  # categories and rejection reasons
    walk = Walk(cast, rng, context.units)
    pool = texts()
    rng.shuffle(pool)
    stream = _cycle(pool)
    members = _members_without_accounts(context, cast)
    home = next(
        (u for u in context.units if cast.chengban and u.pk == cast.chengban.handling_unit_id),
        context.units[0],
    )
    others = [u for u in context.units if u.pk != home.pk]
    office = cast.office
    made: list[Proposal] = []

    def on_behalf(target: str, **kw: Any) -> Proposal:
        text = next(stream)
        p = walk.draft(text, author=None, first_person_id=rng.choice(members).person_id, units=[home])
        p = walk.until(p, target, **kw)
        made.append(p)
        return p

    # The office's review queue, and the decisions it takes there.
    for _i in range(6):
        on_behalf(State.SUBMITTED)
    walk.act(on_behalf(State.SUBMITTED), "return_for_revision", office, note="请补充调研数据，一事一案。")
    walk.act(on_behalf(State.SUBMITTED), "withdraw", office, note="提案人申请撤案。")
    for code in ("R10", "R07"):
        walk.act(on_behalf(State.SUBMITTED), "reject", office, reason_code=code, note="经审查不予立案。")
    walk.act(
        on_behalf(State.SUBMITTED), "convert", office, target="letter", note="属于个人诉求，转委员来信办理。"
    )
    walk.act(
        on_behalf(State.SUBMITTED),
        "convert",
        office,
        target="opinion_report",
        note="时效性强，转为社情民意信息。",
    )
    lead = on_behalf(State.FILED)
    for _i in range(2):
        walk.act(on_behalf(State.SUBMITTED), "merge", office, into=lead.pk, note="内容相近，并案办理。")
    # Handling: the demo unit (chengban) at every step, as lead and as co-unit.
    for target in (
        State.FILED,
        State.ASSIGNED,
        State.ASSIGNED,
        State.IN_HANDLING,
        State.IN_HANDLING,
        State.REPLY_DRAFTED,
    ):
        on_behalf(target, lead=home, co=rng.sample(others, k=min(1, len(others))))
    walk.act(
        on_behalf(State.ASSIGNED, lead=rng.choice(others), co=[home]),
        "request_reassignment",
        cast.staff_of(home),
        reason="该事项不属于本单位职责，建议改由属地街道办理。",
    )
    on_behalf(State.IN_HANDLING, lead=rng.choice(others), co=[home])
    for target, klass in (
        (State.REPLY_COUNTERSIGNED, "B"),
        (State.REPLIED, "A"),
        (State.REPLIED, "B"),
        (State.EVALUATED, "A"),
        (State.EVALUATED, "C"),
        (State.CLOSED, "A"),
        (State.CLOSED, "B"),
        (State.CLOSED, "A"),
        (State.CLOSED, "C"),
    ):
        on_behalf(
            target,
            lead=rng.choice([home, *others[:5]]),
            co=rng.sample(others, k=min(1, len(others))),
            result_class=klass,
        )
    # Key proposals: nominated by the office, decided by the chair council, with a supervising leader.
    fresh = Proposal.objects.filter(pk__in=[p.pk for p in made]).order_by("pk")
    key_candidates = list(fresh.filter(state__in=[State.FILED, State.ASSIGNED, State.IN_HANDLING])[:3])
    leader = cast.zhuxi.full_name if cast.zhuxi else "主席"
    for i, p in enumerate(key_candidates):
        p = walk.act(p, "designate_key", office, step="nominate", reason="群众关注度高，涉及面广。")
        walk.act(
            p,
            "designate_key",
            office,
            step="decide",
            approve=i < 2,
            decided_on=timezone.localdate().isoformat(),
            supervising_leader=leader if i < 2 else "",
            mode="lead" if i == 0 else ("supervise" if i == 1 else ""),
        )
    # An excellent proposal of the year, from the closed ones.
    year = timezone.localdate().year
    closed = list(fresh.filter(state=State.CLOSED)[:1])
    if closed:
        p = walk.act(
            closed[0],
            "nominate_excellent",
            office,
            step="nominate",
            year=year,
            reason="建议被采纳，成效显著。",
        )
        walk.act(p, "nominate_excellent", office, step="select", year=year, approve=True)
    counts = {"proposals": len(made) + _members_own(walk, cast, stream, home, others)}
    if not context.demo:
        counts["proposals_bulk"] = _seed_bulk(context, cast, pool, len(made))
    return counts


def _members_own(
    walk: Walk, cast: Cast, stream: Iterator[Text], home: HandlingUnit, others: Sequence[HandlingUnit]
) -> int:
    """The demo member's and the chair's own proposals: a draft, an invitation each way, a returned
    one, one replied and waiting for weiyuan's rating, one closed and selected as excellent."""
    weiyuan, zhuxi = cast.weiyuan, cast.zhuxi
    if weiyuan is None or zhuxi is None or weiyuan.person_id is None or zhuxi.person_id is None:
        return 0
    office = cast.office
    co = list(others[:1])
    walk.draft(next(stream), author=weiyuan, first_person_id=None)  # a draft in progress
    walk.until(
        walk.draft(next(stream), author=weiyuan, first_person_id=None, cosigners=[zhuxi.person_id]),
        State.SUBMITTED,
    )
    walk.until(
        walk.draft(next(stream), author=zhuxi, first_person_id=None, cosigners=[weiyuan.person_id]),
        State.SUBMITTED,
    )
    returned = walk.until(walk.draft(next(stream), author=weiyuan, first_person_id=None), State.SUBMITTED)
    walk.act(returned, "return_for_revision", office, note="案由请写作“关于…的建议”，并补充具体建议。")
    replied = walk.until(
        walk.draft(
            next(stream), author=weiyuan, first_person_id=None, cosigners=[zhuxi.person_id], units=[home]
        ),
        State.REPLIED,
        lead=home,
        co=co,
        result_class="B",
    )
    walk.act(replied, "rate", zhuxi, attitude="satisfied", result="basically")
    walk.until(
        walk.draft(next(stream), author=weiyuan, first_person_id=None, units=[home]),
        State.IN_HANDLING,
        lead=home,
    )
    done = walk.until(
        walk.draft(next(stream), author=weiyuan, first_person_id=None),
        State.CLOSED,
        lead=home,
        result_class="A",
    )
    year = timezone.localdate().year
    done = walk.act(
        done, "nominate_excellent", office, step="nominate", year=year, reason="推动问题解决，成效明显。"
    )
    walk.act(done, "nominate_excellent", office, step="select", year=year, approve=True)
    return 7


def _cycle(pool: Sequence[Text]) -> Iterator[Text]:
    while True:
        yield from pool


# --- Bulk rows for seeds and benchmarks ----------------------------------------------------------

# How a session's proposals stand some months after the plenary (national practice, performance.md F1).
CURRENT_MIX: tuple[tuple[str, float], ...] = (
    (State.SUBMITTED, 0.05),
    (State.NOT_FILED, 0.08),
    (State.WITHDRAWN, 0.01),
    (State.CONVERTED, 0.03),
    (State.MERGED, 0.05),
    (State.FILED, 0.04),
    (State.ASSIGNED, 0.06),
    (State.IN_HANDLING, 0.30),
    (State.REPLIED, 0.15),
    (State.EVALUATED, 0.08),
    (State.CLOSED, 0.15),
)
# Earlier sessions: handled to the end.
HISTORY_MIX: tuple[tuple[str, float], ...] = (
    (State.NOT_FILED, 0.12),
    (State.WITHDRAWN, 0.01),
    (State.CONVERTED, 0.03),
    (State.MERGED, 0.05),
    (State.CLOSED, 0.79),
)


def proposals_bulk_create(
    *,
    session: PlenarySession,
    memberships: Sequence[Membership],
    units: Sequence[HandlingUnit],
    office: User,
    count: int,
    rng: random.Random,
    pool: Sequence[Text],
    mix: Sequence[tuple[str, float]] = CURRENT_MIX,
    at: dt.datetime | None = None,
    batch: int = 2000,
) -> int:
    """`count` proposals of `session` written directly (synthetic data only; see the module
    docstring): 1–5 proposers (a fifth are joint), a lead unit and 0–3 co-units once assigned,
    A/B/C replies once replied, ratings once evaluated, and one `seed` event each. Returns the count."""
    committee_id = session.term.committee_id
    categories = list(
        ProposalCategory.objects.filter(committee_id=committee_id, parent__isnull=False).values_list(
            "pk", flat=True
        )
    )
    states = [s for s, _w in mix]
    weights = [w for _s, w in mix]
    at = at or timezone.now()
    # Max, not order_by("-number").first(): PostgreSQL sorts the unnumbered (NULL) rows first when descending.
    number = Proposal.objects.filter(session=session).aggregate(top=Max("number"))["top"] or 0
    done = 0
    while done < count:
        n = min(batch, count - done)
        rows: list[Proposal] = []
        plans: list[tuple[str, list[Membership], HandlingUnit, list[HandlingUnit]]] = []
        for _i in range(n):
            state = rng.choices(states, weights)[0]
            text = rng.choice(pool)
            kind = Proposal.Kind.JOINT if rng.random() < 0.2 else Proposal.Kind.INDIVIDUAL
            size = rng.randint(2, 5) if kind == Proposal.Kind.JOINT else 1
            people = rng.sample(list(memberships), k=min(size, len(memberships)))
            filed = state in FILED_STATES
            if filed:
                number += 1
            assigned = state in FILED_STATES and state != State.FILED
            replied = state in (State.REPLIED, State.EVALUATED, State.CLOSED)
            lead = rng.choice(units)
            co = [u for u in rng.sample(list(units), k=rng.choice((0, 0, 1, 1, 2, 3))) if u.pk != lead.pk]
            klass = rng.choices(("A", "B", "C"), (0.55, 0.35, 0.10))[0] if replied else ""
            rows.append(
                Proposal(
                    committee_id=committee_id,
                    session=session,
                    kind=kind,
                    channel=Proposal.Channel.SESSION,
                    title=text.title,
                    background=text.background,
                    analysis=text.analysis,
                    suggestions=text.suggestions,
                    category_id=rng.choice(categories) if categories else None,
                    number=number if filed else None,
                    state=state,
                    created_by=office,
                    entered_on_behalf_by=office,
                    handling_mode=Proposal.HandlingMode.LEAD if assigned else "",
                    result_class=klass,
                    converted_to=Proposal.ConvertedTo.LETTER if state == State.CONVERTED else "",
                    is_public=replied and rng.random() < 0.8,
                    submitted_at=at,
                    filed_at=at if filed else None,
                    assigned_at=at if assigned else None,
                    replied_at=at if replied else None,
                    closed_at=at if state == State.CLOSED else None,
                )
            )
            plans.append((state, people, lead, co if assigned else []))
        created = Proposal.objects.bulk_create(rows, batch_size=500)
        _bulk_children(created, plans, office, at, rng)
        done += n
    return count


def _bulk_children(
    created: Sequence[Proposal],
    plans: Sequence[tuple[str, list[Membership], HandlingUnit, list[HandlingUnit]]],
    office: User,
    at: dt.datetime,
    rng: random.Random,
) -> None:
    today = timezone.localdate(at)
    proposers: list[Proposer] = []
    assignments: list[Assignment] = []
    events: list[ProposalEvent] = []
    for p, (state, people, lead, co) in zip(created, plans, strict=True):
        for i, m in enumerate(people):
            proposers.append(
                Proposer(
                    proposal=p,
                    person_id=m.person_id,
                    membership=m,
                    role=Proposer.Role.FIRST if i == 0 else Proposer.Role.COSIGNER,
                    position=i,
                    responded_at=at,
                )
            )
        if p.assigned_at is not None:
            for unit, role in [(lead, Assignment.Role.LEAD), *((u, Assignment.Role.CO) for u in co)]:
                assignments.append(
                    Assignment(
                        proposal=p,
                        unit=unit,
                        role=role,
                        assigned_on=today,
                        assigned_by=office,
                        signed_at=at if state != State.ASSIGNED else None,
                        reassign_until=today + dt.timedelta(days=7),
                        reply_due_on=today + dt.timedelta(days=rng.randint(-20, 90))
                        if role == Assignment.Role.LEAD
                        else None,
                        co_opinion_due_on=today + dt.timedelta(days=30)
                        if role == Assignment.Role.CO
                        else None,
                    )
                )
        events.append(
            ProposalEvent(
                proposal=p, actor=office, name="seed", from_state="", to_state=state, data={"synthetic": True}
            )
        )
    Proposer.objects.bulk_create(proposers, batch_size=1000)
    made = Assignment.objects.bulk_create(assignments, batch_size=1000)
    ProposalEvent.objects.bulk_create(events, batch_size=1000)
    by_proposal = {a.proposal_id: a for a in made if a.role == Assignment.Role.LEAD}
    replies = [
        Reply(
            proposal=p,
            assignment=by_proposal[p.pk],
            text="经研究，已将该建议纳入年度工作计划，分阶段推进落实。",
            proposed_class=p.result_class,
            result_class=p.result_class,
            signer="局长",
            contact_name="办公室",
            contact_phone="010-66000000",
            publicity=Reply.Publicity.PUBLIC if p.is_public else Reply.Publicity.NOT_PUBLIC,
            drafted_by=office,
            approved_by=office,
            approved_at=at,
        )
        for p in created
        if p.replied_at is not None and p.pk in by_proposal
    ]
    Reply.objects.bulk_create(replies, batch_size=1000)
    rated = {p.pk for p in created if p.state in (State.EVALUATED, State.CLOSED)}
    ratings = [
        Rating(
            proposal_id=r.proposal_id,
            proposer=r,
            round=1,
            attitude=rng.choice(LEVELS[:5]),
            result=rng.choice(LEVELS),
            entered_by_staff=True,
            entered_by=office,
        )
        for r in proposers
        if r.proposal_id in rated
    ]
    Rating.objects.bulk_create(ratings, batch_size=1000)


def _seed_bulk(context: Any, cast: Cast, pool: Sequence[Text], walked: int) -> int:
    """The rest of a seeded session's size, in bulk (see the module docstring)."""
    session = (
        PlenarySession.objects.filter(term=context.term, proposal_window_starts_at__lte=timezone.now())
        .order_by("-proposal_window_starts_at")
        .first()
    )
    target = SESSION_SIZE.get(context.scale.name, 200) - walked
    if session is None or target <= 0:
        return 0
    members = [m for m in context.memberships if m.status == "active"]
    return proposals_bulk_create(
        session=session,
        memberships=members,
        units=context.units,
        office=cast.office,
        count=target,
        rng=context.rng,
        pool=pool,
    )
