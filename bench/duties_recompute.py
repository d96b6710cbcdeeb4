"""Benchmark: a full recompute of a national-size committee's duty scores, and one member's.

    .venv/bin/python bench/duties_recompute.py [--members 2200] [--events 40] [--preset default] [--runs 3]

Builds, in a fresh SQLite file (or the database in DATABASE_URL), a committee of ~2,200 members
(performance.md P1, the national size) with a year of duty events per member drawn from a realistic
mix (meetings and their sittings, research and inspections, proposals as first proposer or
co-signer, opinion reports and their adoption, speeches, manual entries, commendations), then times
`duties.services.score_recompute_committee` (target ≤ 10 s on two cores, the issue) and the
incremental path `score_recompute_member` for one member. Prints the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_FULL_S = 10.0
YEAR = 2026


def setup_django() -> None:
    if not os.environ.get("DATABASE_URL"):
        path = Path(tempfile.mkdtemp(prefix="tongxin-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, skip_checks=True)


def build(members: int, events_per_member: int, rng: random.Random) -> tuple[int, list[int]]:
    """A committee with `members` memberships and about `events_per_member` duty events each."""
    from tongxin.duties.kinds import DutyKind as K
    from tongxin.duties.models import DutyEvent
    from tongxin.members.models import Membership, Person
    from tongxin.org.models import ActivityGroup, Committee, ParticipatingUnit, Sector, SpecialCommittee, Term

    committee = Committee.objects.create(
        name=f"基准{rng.randrange(10**9)}", level="national", short_name="全国政协"
    )
    term = Term.objects.create(committee=committee, number=14, starts_on=dt.date(2023, 3, 4), is_current=True)
    sectors = Sector.objects.bulk_create(Sector(term=term, name=f"界别{i}", position=i) for i in range(34))
    units = ParticipatingUnit.objects.bulk_create(
        ParticipatingUnit(
            committee=committee, name=f"单位{i}", short_name=f"单位{i}", kind="democratic_party"
        )
        for i in range(11)
    )
    groups = ActivityGroup.objects.bulk_create(
        ActivityGroup(term=term, name=f"活动组{i}", position=i) for i in range(40)
    )
    specials = SpecialCommittee.objects.bulk_create(
        SpecialCommittee(committee=committee, name=f"专委会{i}") for i in range(10)
    )
    people = Person.objects.bulk_create(
        Person(committee=committee, name=f"委员{i}", gender="male") for i in range(members)
    )
    memberships = Membership.objects.bulk_create(
        Membership(
            person=p,
            term=term,
            sector=rng.choice(sectors),
            participating_unit=rng.choice(units) if rng.random() < 0.6 else None,
            activity_group=rng.choice(groups),
            is_standing=rng.random() < 0.15,
        )
        for p in people
    )
    through = Membership.special_committees.through
    through.objects.bulk_create(
        through(membership_id=m.pk, specialcommittee_id=rng.choice(specials).pk) for m in memberships
    )
    kinds = [
        (
            K.MEETING_ATTENDED,
            0.34,
            lambda: (
                "",
                {
                    "meeting_kind": rng.choice(
                        ["plenary", "standing", "thematic", "special_committee", "training", "group"]
                    ),
                    "sittings": rng.randint(1, 4),
                    "full": rng.random() < 0.9,
                    "offsite": rng.random() < 0.1,
                },
            ),
        ),
        (
            K.MEETING_LEAVE,
            0.04,
            lambda: ("", {"meeting_kind": rng.choice(["plenary", "standing", "thematic"])}),
        ),
        (
            K.MEETING_ABSENT,
            0.02,
            lambda: ("", {"meeting_kind": rng.choice(["plenary", "standing", "thematic"])}),
        ),
        (K.MEETING_LATE, 0.02, lambda: ("", {"meeting_kind": "plenary", "late": True})),
        (K.RESEARCH, 0.10, lambda: ("", {})),
        (
            K.PROPOSAL_SUBMITTED,
            0.10,
            lambda: (rng.choice(["first_proposer", "co_signer"]), {"signers": rng.randint(1, 6)}),
        ),
        (
            K.PROPOSAL_FILED,
            0.08,
            lambda: (rng.choice(["first_proposer", "co_signer"]), {"signers": rng.randint(1, 6)}),
        ),
        (K.PROPOSAL_KEY, 0.01, lambda: ("first_proposer", {})),
        (K.PROPOSAL_EXCELLENT, 0.01, lambda: ("first_proposer", {})),
        (K.OPINION_SUBMITTED, 0.10, lambda: ("author", {})),
        (
            K.OPINION_ADOPTED,
            0.05,
            lambda: ("author", {"level": rng.choice(["committee", "city", "provincial", "national"])}),
        ),
        (
            K.SPEECH,
            0.04,
            lambda: ("speaker", {"mode": rng.choice(["oral", "written"]), "meeting_kind": "plenary"}),
        ),
        (K.CONTACT_MASSES, 0.04, lambda: ("self", {})),
        (K.PRACTICAL_DEED, 0.03, lambda: ("self", {})),
        (K.GROUP_REPORT, 0.01, lambda: ("self", {})),
        (
            K.COMMENDATION,
            0.01,
            lambda: ("self", {"level": rng.choice(["national", "provincial", "prefecture", "county"])}),
        ),
    ]
    weights = [w for _k, w, _a in kinds]
    rows = []
    n = 0
    for m in memberships:
        for _ in range(max(1, int(rng.gauss(events_per_member, events_per_member / 4)))):
            kind, _w, attrs = rng.choices(kinds, weights)[0]
            role, attributes = attrs()
            n += 1
            rows.append(
                DutyEvent(
                    committee=committee,
                    membership=m,
                    kind=kind,
                    role=role,
                    attributes=attributes,
                    year=YEAR,
                    occurred_on=dt.date(YEAR, 1, 1) + dt.timedelta(days=rng.randrange(330)),
                    title=f"履职事项{n}",
                    source=f"bench:{n}",
                    dedupe_key=f"bench:{committee.pk}:{n}",
                )
            )
    DutyEvent.objects.bulk_create(rows, batch_size=5000)
    return committee.pk, [m.pk for m in memberships]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2200)
    parser.add_argument("--events", type=int, default=40, help="mean duty events per member in the year")
    parser.add_argument("--preset", default="default", help="default / tongcheng / jinan / minhang / hefei")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from tongxin.duties import services
    from tongxin.duties.models import DutyEvent, MemberScore, ScoreEntry

    rng = random.Random(args.seed)
    started = time.perf_counter()
    committee_id, membership_ids = build(args.members, args.events, rng)
    events = DutyEvent.objects.filter(committee_id=committee_id).count()
    print(f"database: {connection.vendor}; cpus: {os.cpu_count()}")
    print(
        f"built {len(membership_ids)} members, {events} duty events in {time.perf_counter() - started:.1f} s"
    )
    services._install_preset(committee_id, YEAR, args.preset)

    timings = []
    for _ in range(args.runs):
        t = time.perf_counter()
        count = services.score_recompute_committee(committee_id=committee_id, year=YEAR)
        timings.append(time.perf_counter() - t)
    entries = ScoreEntry.objects.filter(score__committee_id=committee_id).count()
    print(
        f"full recompute ({args.preset}): {count} members, {entries} score lines: "
        f"best {min(timings):.2f} s, median {statistics.median(timings):.2f} s over {args.runs} runs "
        f"(target ≤ {TARGET_FULL_S:.0f} s: {'met' if max(timings) <= TARGET_FULL_S else 'NOT met'})"
    )
    sample = rng.sample(membership_ids, k=min(50, len(membership_ids)))
    t = time.perf_counter()
    for pk in sample:
        services.score_recompute_member(membership_id=pk, year=YEAR)
    per_member = (time.perf_counter() - t) / len(sample) * 1000
    print(f"incremental recompute of one member: {per_member:.1f} ms on average over {len(sample)} members")
    top = MemberScore.objects.filter(committee_id=committee_id, year=YEAR).order_by("-total").first()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"top score {top.total if top else '-'}; peak RSS {rss:.0f} MiB")


if __name__ == "__main__":
    main()
