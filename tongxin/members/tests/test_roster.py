"""Roster import and export: all-or-nothing imports with a row report, audited, re-importable exports."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Forbidden, Invalid
from tongxin.members import roster
from tongxin.members.models import Membership, MembershipEvent, Person
from tongxin.members.queries import RosterFilters
from tongxin.org.models import ActivityGroup, Sector, Term

from .conftest import HEADERS, read_xlsx, row, upload, xlsx_bytes


def _import(world, rows, actor=None, term=None, **kwargs):
    return roster.roster_import(
        actor=actor or world.zhao_lei, term=term or world.term, upload=upload(xlsx_bytes(rows, **kwargs))
    )


def _snapshot():
    return (Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count())


def _rejected(world, rows, **kwargs) -> list[str]:
    before = _snapshot()
    with pytest.raises(roster.RosterRejected) as caught:
        _import(world, rows, **kwargs)
    assert _snapshot() == before  # nothing imported
    return [str(e) for e in caught.value.errors]


VALID_ROWS = [
    row(
        姓名="张三",
        性别="男",
        民族="回",
        出生日期=dt.datetime(1970, 1, 2),  # noqa: DTZ001 (a spreadsheet's dates have no time zone)
        手机号码=13900001111,
        工作单位="兰州大学",
        职务职称="教授",
        界别="教育界",
        党派团体="民盟",
        专委会="提案委员会、经济委员会",
        活动组="第一活动组",
        常委="是",
        领导职务="副主席",
        任职日期="2022年1月12日",
    ),
    row(
        姓名="李四",
        性别="女",
        手机号码="139-0000-2222",
        界别="经济界",
        党派团体="九三学社",
        出生日期="1980/3/4",
    ),
    row(姓名="王五", 性别="男", 界别="经济界", 常委="否", 专委会="经济委员会,提案委员会", 任职日期=20220112),
]


def test_a_valid_file_imports_every_row(world, org):
    result = _import(world, VALID_ROWS)
    assert (result.rows, result.created, result.reused_people) == (3, 3, 0)
    zhang = Membership.objects.get(person__name="张三", term=world.term)
    person = zhang.person
    assert (person.gender, person.ethnicity, person.birth_date, person.phone) == (
        "male",
        "回族",
        dt.date(1970, 1, 2),
        "13900001111",
    )
    assert (zhang.sector, zhang.participating_unit, zhang.activity_group) == (
        org.education,
        org.minmeng,
        org.group,
    )
    assert set(zhang.special_committees.all()) == {org.proposals, org.economy}
    assert (zhang.is_standing, zhang.leadership, zhang.joined_on) == (
        True,
        "vice_chair",
        dt.date(2022, 1, 12),
    )
    li = Membership.objects.get(person__name="李四")
    assert (li.person.phone, li.person.birth_date, li.participating_unit) == (
        "13900002222",
        dt.date(1980, 3, 4),
        world.party,
    )
    assert Membership.objects.get(person__name="王五").joined_on == dt.date(2022, 1, 12)
    assert MembershipEvent.objects.filter(name="created", data__source="import").count() == 3
    audit = SecurityEvent.objects.get(kind="import")
    assert audit.outcome == "success"
    assert audit.details == {"file": "名册.xlsx", "rows": 3, "created": 3, "reused_people": 0}


def test_a_title_line_above_the_header_is_allowed(world, org):
    result = _import(world, VALID_ROWS[1:], title="政协第十届兰州市城关区委员会委员名册")
    assert result.created == 2


def test_a_malformed_row_names_row_and_column(world, org):
    report = _rejected(
        world,
        [
            VALID_ROWS[0],
            row(
                姓名="", 性别="未知", 出生日期="1970年13月1日", 手机号码="1234", 常委="可能", 领导职务="组长"
            ),
        ],
    )
    assert report == [
        "第 3 行「姓名」：请填写姓名",
        "第 3 行「性别」：只能填写“男”或“女”，而不是“未知”",
        "第 3 行「出生日期」：“1970年13月1日”不是有效日期，应写作 1970-01-02 或 1970年1月2日",
        "第 3 行「手机号码」：手机号码应为 11 位大陆手机号码，如 13800138000",
        "第 3 行「常委」：只能填写“是”或“否”，而不是“可能”",
        "第 3 行「领导职务」：只能填写主席、副主席、秘书长或留空，而不是“组长”",
    ]
    audit = SecurityEvent.objects.get(kind="import")
    assert (audit.outcome, audit.details["errors"]) == ("failure", 6)


def test_a_duplicate_inside_the_file(world, org):
    report = _rejected(
        world, [row(姓名="甲", 手机号码="13911112222"), row(姓名="乙", 手机号码="139 1111 2222")]
    )
    assert report == ["第 3 行「手机号码」：与第 2 行的手机号码相同"]


def test_a_duplicate_against_the_term(world, org):
    Person.objects.filter(name="李娜").update(phone="13800138001")
    Person.objects.filter(name="孙立").update(phone="13800138002")
    rows = [
        row(姓名="王伟", 手机号码="13800138000"),  # the same person again
        row(姓名="李娜娜", 手机号码="13800138001"),  # someone else with 李娜's number
        row(姓名="新人", 手机号码="13911112222"),
    ]
    assert _rejected(world, rows) == [
        "第 2 行「姓名」：王伟已是本届委员，不能重复导入",
        "第 3 行「手机号码」：本届委员“李娜”已登记该手机号码",
    ]


def test_an_unknown_sector_and_other_unknown_names(world, org):
    report = _rejected(
        world, [row(界别="教育届", 党派团体="民进", 专委会="提案委员会，文史委", 活动组="第九组")]
    )
    assert report == [
        "第 2 行「界别」：本届没有名为“教育届”的界别",
        "第 2 行「党派团体」：本委员会没有名为“民进”的党派团体",
        "第 2 行「专委会」：本委员会没有名为“文史委”的专委会",
        "第 2 行「活动组」：本届没有名为“第九组”的活动组",
    ]


def test_names_of_another_committee_or_a_disabled_sector(world, org):
    # 七里河区 has a 第一活动组 too, but it is not this term's; 特邀界 exists but is disabled.
    ActivityGroup.objects.filter(pk=org.group.pk).delete()
    report = _rejected(world, [row(界别="特邀界", 活动组="第一活动组")])
    assert report == [
        "第 2 行「界别」：界别“特邀界”已停用",
        "第 2 行「活动组」：本届没有名为“第一活动组”的活动组",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"%PDF-1.7 not a spreadsheet", "只能导入 Excel 工作簿（.xlsx）文件。"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old .xls", "只能导入 Excel 工作簿（.xlsx）文件。"),
        (b"PK\x03\x04 truncated zip", "文件已损坏，无法读取。"),
        (b"", "请选择要导入的文件。"),
    ],
)
def test_files_that_are_not_xlsx_are_refused(world, content, message):
    with pytest.raises(Invalid) as caught:
        roster.roster_import(actor=world.zhao_lei, term=world.term, upload=upload(content))
    assert caught.value.code == "invalid_file"
    assert caught.value.fields == {"file": [message]}
    assert SecurityEvent.objects.get(kind="import").outcome == "failure"


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ({"word/document.xml": b"<w:document/>"}, "只能导入 Excel 工作簿（.xlsx）文件。"),
        ({"xl/workbook.xml": b"<not really"}, "无法读取该文件，请用 Excel 或 WPS 另存为 .xlsx 后重试。"),
        ({"xl/workbook.xml": b"0" * (120 * 1024 * 1024)}, "文件内容过大或结构异常，无法导入。"),
    ],
)
def test_zips_that_are_not_workbooks_are_refused(world, entries, message):
    with pytest.raises(Invalid) as caught:
        roster.roster_import(actor=world.zhao_lei, term=world.term, upload=upload(_zip(entries)))
    assert caught.value.fields == {"file": [message]}


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.ROSTER_MAX_BYTES = 1024
    with pytest.raises(Invalid) as caught:
        _import(world, [row(工作单位="很长" * 2000)])
    assert caught.value.fields["file"] == ["文件不能超过 1 KB。"]


def test_missing_headers_are_named(world, org):
    headers = [h for h in HEADERS if h not in ("活动组", "常委")]
    with pytest.raises(Invalid) as caught:
        _import(world, [["张三"] * len(headers)], headers=headers)
    assert caught.value.fields["file"] == ["缺少必需的列：活动组、常委。请使用导入模板。"]
    assert not Person.objects.filter(name="张三").exists()


def test_common_header_aliases_are_understood(world, org):
    headers = [{"手机号码": "手机号", "党派团体": "党派", "专委会": "专门委员会"}.get(h, h) for h in HEADERS]
    _import(world, [row(手机号码="13911110000", 党派团体="民盟")], headers=headers)
    assert Person.objects.get(name="张三").phone == "13911110000"


def test_a_file_without_header_is_refused(world):
    with pytest.raises(Invalid) as caught:
        _import(world, [], headers=["编号", "名字"])
    assert "找不到表头" in caught.value.message


def test_an_empty_roster_is_refused(world):
    with pytest.raises(Invalid) as caught:
        _import(world, [[None] * len(HEADERS)])
    assert caught.value.fields["file"] == ["文件中没有委员数据。"]


def test_only_roster_keepers_import(world, org):
    with pytest.raises(Forbidden):
        _import(world, VALID_ROWS, actor=world.chen_jing)
    assert not Person.objects.filter(name="张三").exists()


# --- Export ---------------------------------------------------------------------------------------------


def _export(world, actor=None, **kwargs):
    filters = kwargs.pop("filters", RosterFilters(term_id=world.term.pk))
    return roster.roster_export(actor=actor or world.zhao_lei, filters=filters, **kwargs)


def test_export_has_chinese_headers_frozen_row_and_real_dates(world, org):
    _import(world, VALID_ROWS)
    export = _export(world)
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == HEADERS
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["E"].width == 15
    zhang = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "张三")
    assert zhang[3].value == dt.datetime(1970, 1, 2)  # noqa: DTZ001 (as openpyxl reads a date cell)
    assert zhang[3].number_format == 'yyyy"年"m"月"d"日"'
    assert export.rows == 6
    assert export.filename.startswith("委员名册-区政协十届-")


def test_export_masks_phones_unless_an_allowed_role_asks(world, org):
    _import(world, VALID_ROWS[:1])
    masked = {r[0]: r[4] for r in read_xlsx(_export(world).content)[1:]}
    assert masked["张三"] == "139****1111"
    full = {r[0]: r[4] for r in read_xlsx(_export(world, include_full_phone=True).content)[1:]}
    assert full["张三"] == "13900001111"
    flags = list(SecurityEvent.objects.filter(kind="export").order_by("id").values_list("details", flat=True))
    assert [f["full_phone"] for f in flags] == [False, True]
    assert flags[0]["filters"] == {"term_id": world.term.pk}


@pytest.mark.parametrize("persona", ["sysadmin", "liu_yang"])
def test_full_numbers_are_refused_to_exporters_outside_the_phone_roles(world, persona):
    with pytest.raises(Forbidden):
        _export(world, actor=getattr(world, persona), include_full_phone=True)
    assert not SecurityEvent.objects.filter(kind="export").exists()
    assert _export(world, actor=getattr(world, persona)).rows == 3


def test_export_follows_the_filters(world, org):
    _import(world, VALID_ROWS)
    rows = read_xlsx(
        _export(world, filters=RosterFilters(term_id=world.term.pk, sector_id=org.education.pk)).content
    )
    assert [r[0] for r in rows[1:]] == ["张三"]


def test_formula_cells_are_defused_and_come_back_intact(world, org):
    Person.objects.filter(name="李娜").update(phone="13800138001")
    Person.objects.filter(name="孙立").update(phone="13800138002")
    from tongxin.members.services import member_create

    member_create(
        actor=world.zhao_lei,
        term=world.term,
        name="张三",
        gender="male",
        sector=world.sector,
        workplace='=HYPERLINK("http://evil")',
        title="+1",
        phone="13911110000",
    )
    rows = read_xlsx(_export(world, include_full_phone=True).content)
    line = next(r for r in rows if r[0] == "张三")
    assert line[5] == '\'=HYPERLINK("http://evil")'
    assert line[6] == "'+1"
    new_term, _ = _next_term(world)
    roster.roster_import(
        actor=world.zhao_lei, term=new_term, upload=upload(_export(world, include_full_phone=True).content)
    )
    person = Membership.objects.get(term=new_term, person__name="张三").person
    assert (person.workplace, person.title) == ('=HYPERLINK("http://evil")', "+1")


def _next_term(world):
    term = Term.objects.create(committee=world.committee, number=11, starts_on=dt.date(2027, 1, 10))
    for sector in Sector.objects.filter(term=world.term):
        Sector.objects.create(
            term=term, name=sector.name, position=sector.position, is_active=sector.is_active
        )
    for group in ActivityGroup.objects.filter(term=world.term):
        ActivityGroup.objects.create(term=term, name=group.name, position=group.position)
    return term, None


def test_export_then_import_round_trip(world, org):
    """The office exports this term's roster (full numbers) and imports it as the next term's."""
    Person.objects.filter(name="李娜").update(phone="13800138001")
    Person.objects.filter(name="孙立").update(phone="13800138002", birth_date=dt.date(1965, 7, 1))
    # 任职日期 stays empty: term 10's dates would lie before term 11 and be refused, rightly.
    _import(
        world, [list({**dict(zip(HEADERS, r, strict=True)), "任职日期": None}.values()) for r in VALID_ROWS]
    )
    first = _export(world, include_full_phone=True)
    new_term, _ = _next_term(world)
    result = roster.roster_import(actor=world.zhao_lei, term=new_term, upload=upload(first.content))
    # Same name and phone: the same person carries over. 王五 has no number, so he cannot be matched
    # and is entered afresh (a name alone is no identity: two 王五 are common).
    assert (result.rows, result.created, result.reused_people) == (6, 6, 5)
    second = _export(world, filters=RosterFilters(term_id=new_term.pk), include_full_phone=True)
    before, after = read_xlsx(first.content), read_xlsx(second.content)
    assert after[0] == before[0] == tuple(HEADERS)
    # The fixture's people were entered without pinyin, so only the order may differ.
    assert sorted(after[1:], key=str) == sorted(before[1:], key=str)
    assert len(before) == 7
    assert Person.objects.count() == 8  # six of 城关区, the new 王五 and the outsider


def test_masked_export_cannot_be_imported_by_mistake(world, org):
    _import(world, VALID_ROWS[:1])
    new_term, _ = _next_term(world)
    with pytest.raises(roster.RosterRejected) as caught:
        roster.roster_import(actor=world.zhao_lei, term=new_term, upload=upload(_export(world).content))
    assert "第 2 行「手机号码」：手机号码已打码，请填写完整号码" in [str(e) for e in caught.value.errors]


def test_template_has_the_import_headers_and_is_audited(world, org):
    template = roster.roster_template(actor=world.zhao_lei, term=world.term)
    workbook = load_workbook(io.BytesIO(template.content))
    assert [c.value for c in workbook.worksheets[0][1]] == HEADERS
    notes = [r for r in workbook.worksheets[1].iter_rows(values_only=True) if r and r[0] == "本届界别"]
    assert notes == [("本届界别", "经济界、教育界")]
    assert SecurityEvent.objects.filter(kind="download", target="members.roster_template").exists()
    # The template itself imports (as nothing) once a row is filled in.
    sheet = workbook.worksheets[0]
    sheet.append(row(姓名="模板用户", 手机号码="13912341234"))
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert (
        roster.roster_import(actor=world.zhao_lei, term=world.term, upload=upload(buffer.getvalue())).created
        == 1
    )
