"""Fixtures for the members tests: the committee's bodies, and .xlsx files built in memory."""

from __future__ import annotations

import io
from types import SimpleNamespace
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from tongxin.members.models import Membership
from tongxin.members.roster import COLUMNS

HEADERS = [c.header for c in COLUMNS]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def org(world):
    """Sectors, parties, special committees and activity groups of 城关区 (and one of 七里河区)."""
    from tongxin.org.models import ActivityGroup, ParticipatingUnit, Sector, SpecialCommittee

    education = Sector.objects.create(term=world.term, name="教育界", position=2)
    retired = Sector.objects.create(term=world.term, name="特邀界", position=3, is_active=False)
    minmeng = ParticipatingUnit.objects.create(
        committee=world.committee, name="中国民主同盟", short_name="民盟", kind="democratic_party"
    )
    proposals = SpecialCommittee.objects.create(committee=world.committee, name="提案委员会", position=1)
    economy = SpecialCommittee.objects.create(committee=world.committee, name="经济委员会", position=2)
    group = ActivityGroup.objects.create(term=world.term, name="第一活动组", position=1)
    closed_group = ActivityGroup.objects.create(term=world.term, name="旧活动组", is_active=False)
    sibling_term = world.sibling.terms.get()
    foreign_sector = Sector.objects.get(term=sibling_term)
    foreign_committee = SpecialCommittee.objects.create(committee=world.sibling, name="提案委员会")
    foreign_group = ActivityGroup.objects.create(term=sibling_term, name="第一活动组")
    return SimpleNamespace(
        economy_sector=world.sector,
        education=education,
        retired=retired,
        jiusan=world.party,
        minmeng=minmeng,
        proposals=proposals,
        economy=economy,
        group=group,
        closed_group=closed_group,
        foreign_sector=foreign_sector,
        foreign_committee=foreign_committee,
        foreign_group=foreign_group,
    )


@pytest.fixture
def wang(world) -> Membership:
    """王伟's membership of the current term (a member with an account)."""
    return Membership.objects.select_related("person", "term").get(
        person=world.wang_wei.person, term=world.term
    )


@pytest.fixture
def foreign(world) -> Membership:
    """钱进's membership in the sibling committee: must be invisible to 城关区."""
    return Membership.objects.get(person=world.outsider.person)


def row(**values: Any) -> list[Any]:
    """One roster row by header name; unspecified cells are empty."""
    defaults = {"姓名": "张三", "性别": "男", "民族": "汉族", "界别": "经济界"}
    defaults.update(values)
    return [defaults.get(h) for h in HEADERS]


def xlsx_bytes(rows: list[list[Any]], headers: list[str] | None = None, title: str | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    if title:
        sheet.append([title])
    sheet.append(headers if headers is not None else HEADERS)
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX)


def read_xlsx(content: bytes) -> list[tuple[Any, ...]]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return list(sheet.iter_rows(values_only=True))
