"""Writes: create, edit, photo, the reveal, and opening a member's account."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Forbidden, Invalid, NotFound
from tongxin.members import services
from tongxin.members.models import Membership, MembershipEvent, Person
from tongxin.members.names import name_pinyin
from tongxin.members.services import MemberFields
from tongxin.org.models import Term

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _create(world, org, **overrides):
    values = {
        "actor": world.zhao_lei,
        "term": world.term,
        "name": "单田芳",
        "gender": "male",
        "sector": org.education,
        "phone": "139 0931 2345",
        "birth_date": dt.date(1968, 5, 4),
        "workplace": "城关区第一中学",
        "participating_unit": org.minmeng,
        "special_committees": [org.proposals, org.economy],
        "activity_group": org.group,
        "is_standing": True,
        "leadership": "vice_chair",
        "joined_on": dt.date(2022, 1, 12),
    }
    values.update(overrides)
    return services.member_create(**values)


def test_create_enters_person_membership_and_event(world, org):
    membership = _create(world, org)
    person = membership.person
    assert person.committee == world.committee
    assert person.phone == "13909312345"  # spaces dropped
    assert person.name_pinyin == "shan tian fang"  # 单 as a surname reads shan
    assert membership.term == world.term
    assert set(membership.special_committees.all()) == {org.proposals, org.economy}
    assert (membership.is_standing, membership.leadership, membership.status) == (
        True,
        "vice_chair",
        "active",
    )
    event = MembershipEvent.objects.get(membership=membership)
    assert (event.name, event.to_state, event.actor) == ("created", "active", world.zhao_lei)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"name": "  "}, "name", "请填写姓名。"),
        ({"name": "名" * 31}, "name", "姓名不能超过 30 个字。"),
        ({"gender": "other"}, "gender", "请选择性别（男或女）。"),
        ({"ethnicity": "火星族"}, "ethnicity", "“火星族”不是规范的民族名称，如“汉族”“回族”。"),
        ({"phone": "12345678901"}, "phone", "手机号码应为 11 位大陆手机号码，如 13800138000。"),
        ({"phone": "138****8000"}, "phone", "手机号码已打码，请填写完整号码。"),
        ({"birth_date": dt.date(2026, 11, 21)}, "birth_date", "出生日期必须早于今天。"),
        ({"sector": None}, "sector", "请选择界别。"),
        ("retired", "sector", "界别“特邀界”已停用。"),
        ("foreign_sector", "sector", "界别“经济界”不属于区政协十届。"),
        ("foreign_committee", "special_committees", "专委会“提案委员会”不属于本委员会。"),
        ("foreign_group", "activity_group", "活动组“第一活动组”不属于区政协十届。"),
        ("closed_group", "activity_group", "活动组“旧活动组”已停用。"),
        ({"leadership": "emperor"}, "leadership", "领导职务只能是主席、副主席、秘书长或空。"),
        (
            {"joined_on": dt.date(2021, 12, 31)},
            "joined_on",
            "任职日期不能早于本届开始日期（2022年1月10日）。",
        ),
    ],
)
def test_create_validates_every_field(world, org, overrides, field, message):
    if isinstance(overrides, str):
        obj = getattr(org, overrides)
        key = {
            "retired": "sector",
            "foreign_sector": "sector",
            "foreign_committee": "special_committees",
        }.get(overrides, "activity_group")
        overrides = {key: [obj] if key == "special_committees" else obj}
    before = (Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count())
    with pytest.raises(Invalid) as caught:
        _create(world, org, **overrides)
    assert caught.value.fields[field] == [message]
    assert (Person.objects.count(), Membership.objects.count(), MembershipEvent.objects.count()) == before


def test_a_foreign_party_is_refused(world, org):
    from tongxin.org.models import ParticipatingUnit

    foreign_party = ParticipatingUnit.objects.create(
        committee=world.sibling, name="中国民主建国会", short_name="民建", kind="democratic_party"
    )
    with pytest.raises(Invalid) as caught:
        _create(world, org, participating_unit=foreign_party)
    assert caught.value.fields["participating_unit"] == ["党派团体“中国民主建国会”不属于本委员会。"]


def test_one_phone_one_member_per_term(world, org):
    with pytest.raises(Invalid) as caught:
        _create(world, org, phone="13800138000")  # 王伟's number (and 李娜's, 孙立's in the fixture)
    assert "已登记该手机号码" in caught.value.fields["phone"][0]


def test_an_earlier_member_joins_a_new_term_as_the_same_person(world, org):
    new_term = Term.objects.create(committee=world.committee, number=11, starts_on=dt.date(2027, 1, 10))
    from tongxin.org.models import Sector

    sector = Sector.objects.create(term=new_term, name="经济界")
    person = world.wang_wei.person
    membership = _create(
        world,
        org,
        term=new_term,
        person=person,
        name="王伟",
        sector=sector,
        special_committees=[],
        activity_group=None,
        joined_on=None,
        phone="13800138000",
    )
    assert membership.person_id == person.pk
    assert Person.objects.filter(name="王伟").count() == 1
    assert MembershipEvent.objects.get(membership=membership).data == {
        "source": "form",
        "person_reused": True,
    }
    with pytest.raises(Invalid) as caught:
        _create(
            world,
            org,
            term=new_term,
            person=person,
            name="王伟",
            sector=sector,
            special_committees=[],
            activity_group=None,
            joined_on=None,
            phone="13800138000",
        )
    assert caught.value.fields["name"] == ["王伟已是区政协十一届委员，不能重复登记。"]


@pytest.mark.parametrize(
    "persona", ["zhang_min", "chen_jing", "sun_li", "wang_wei", "zhou_qiang", "secadmin"]
)
def test_only_roster_keepers_create(world, org, persona):
    with pytest.raises(Forbidden):
        _create(world, org, actor=getattr(world, persona))


def test_nobody_writes_another_committees_roster(world, org):
    with pytest.raises(Forbidden):
        _create(world, org, actor=world.zhao_lei, term=world.sibling.terms.get(), sector=org.foreign_sector)


def test_update_changes_fields_and_names_them_in_the_event(world, org, wang):
    services.member_update(
        actor=world.zhao_lei,
        membership=wang,
        name="王威",
        phone="13912345678",
        sector=org.education,
        participating_unit=None,
        special_committees=[org.economy],
    )
    wang.refresh_from_db()
    wang.person.refresh_from_db()
    assert (wang.person.name, wang.person.name_pinyin, wang.person.phone) == (
        "王威",
        "wang wei",
        "13912345678",
    )
    assert wang.sector == org.education
    assert wang.participating_unit is None
    assert list(wang.special_committees.all()) == [org.economy]
    event = MembershipEvent.objects.get(membership=wang)
    assert event.name == "updated"
    assert event.data == {"fields": ["name", "phone", "sector", "participating_unit", "special_committees"]}
    # The event keeps which fields changed, never the personal values themselves.
    assert "13912345678" not in str(event.data)
    assert "王威" not in str(event.data)


def test_update_without_changes_writes_nothing(world, wang):
    services.member_update(actor=world.zhao_lei, membership=wang, workplace="某单位", name="王伟")
    assert not MembershipEvent.objects.exists()


def test_update_keeps_shared_legacy_phone_but_refuses_taking_anothers(world, org, wang):
    # The fixture's members share one number; editing something else must still work.
    services.member_update(actor=world.zhao_lei, membership=wang, title="高级工程师")
    other = _create(world, org, phone="13700001111", name="刘备")
    with pytest.raises(Invalid) as caught:
        services.member_update(actor=world.zhao_lei, membership=other, phone="13800138000")
    assert "已登记该手机号码" in caught.value.fields["phone"][0]


def test_update_keeps_an_unchanged_reference_to_a_disabled_group(world, org, wang):
    services.member_update(actor=world.zhao_lei, membership=wang, activity_group=org.group)
    org.group.is_active = False
    org.group.save()
    services.member_update(actor=world.zhao_lei, membership=wang, title="教授")
    with pytest.raises(Invalid):
        services.member_update(actor=world.zhao_lei, membership=wang, activity_group=org.closed_group)


def test_update_is_refused_to_readers(world, wang):
    with pytest.raises(Forbidden):
        services.member_update(actor=world.zhang_min, membership=wang, title="x")


# --- Accounts -----------------------------------------------------------------------------------------


def _fields(world, **overrides):
    values = {"name": "赵六", "gender": "female", "sector": world.sector, "phone": "13609310001"}
    values.update(overrides)
    return MemberFields(**values)


def test_sysadmin_enters_a_member_with_an_account(world):
    membership, user, password = services.member_create_with_account(
        actor=world.sysadmin, term=world.term, fields=_fields(world), account_username="zhaoliu"
    )
    assert user.person == membership.person
    assert user.kind == User.Kind.MEMBER
    assert user.must_change_password
    assert user.check_password(password)
    assert SecurityEvent.objects.filter(kind="account_created", username="sysadmin").exists()
    assert MembershipEvent.objects.filter(membership=membership, name="account_created").exists()


def test_member_affairs_cannot_open_accounts_and_nothing_is_written(world):
    with pytest.raises(Forbidden):
        services.member_create_with_account(
            actor=world.zhao_lei, term=world.term, fields=_fields(world), account_username="zhaoliu"
        )
    assert not Person.objects.filter(name="赵六").exists()


def test_a_taken_username_rolls_back_the_member(world):
    with pytest.raises(Invalid) as caught:
        services.member_create_with_account(
            actor=world.sysadmin, term=world.term, fields=_fields(world), account_username="wangwei"
        )
    assert "account.username" in caught.value.fields
    assert not Person.objects.filter(name="赵六").exists()


# --- Photo --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "ext"), [(JPEG, "jpg"), (PNG, "png")])
def test_photo_is_stored_under_a_generated_name(world, wang, content, ext, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("../../etc/passwd.exe", content, content_type="text/html")
    person = services.member_photo_set(actor=world.zhao_lei, membership=wang, upload=upload)
    person.refresh_from_db()
    assert person.photo.name.startswith("members/photos/")
    assert person.photo.name.endswith(f".{ext}")
    assert "passwd" not in person.photo.name
    assert (tmp_path / person.photo.name).read_bytes() == content
    assert MembershipEvent.objects.filter(membership=wang, name="photo_set").exists()


def test_replacing_a_photo_deletes_the_old_file(
    world, wang, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):
        first = services.member_photo_set(
            actor=world.zhao_lei, membership=wang, upload=SimpleUploadedFile("a.jpg", JPEG)
        ).photo.name
    wang.person.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        services.member_photo_set(
            actor=world.zhao_lei, membership=wang, upload=SimpleUploadedFile("b.png", PNG)
        )
    assert not (tmp_path / first).exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a" + b"\x00" * 20, "照片只能是 JPEG 或 PNG 图片。"),
        (b"<html><script>alert(1)</script>", "照片只能是 JPEG 或 PNG 图片。"),
        (JPEG + b"\x00" * (2 * 1024 * 1024), "照片不能超过 2 MB。"),
        (b"", "请选择照片文件。"),
    ],
)
def test_photo_refuses_other_files(world, wang, content, message, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(Invalid) as caught:
        services.member_photo_set(
            actor=world.zhao_lei, membership=wang, upload=SimpleUploadedFile("x.jpg", content)
        )
    assert caught.value.fields["photo"] == [message]
    assert not list(tmp_path.rglob("*.*"))


def test_photo_is_refused_to_readers(world, wang):
    with pytest.raises(Forbidden):
        services.member_photo_set(
            actor=world.chen_jing, membership=wang, upload=SimpleUploadedFile("a.jpg", JPEG)
        )


# --- Reveal -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["zhang_min", "chen_jing", "zhao_lei"])
def test_reveal_returns_the_number_and_is_audited(world, wang, persona):
    actor = getattr(world, persona)
    assert services.phone_reveal(actor=actor, membership=wang) == "13800138000"
    event = SecurityEvent.objects.get(kind="reveal")
    assert (event.username, event.target) == (actor.username, f"members.Person:{wang.person_id}")
    assert event.details == {"field": "phone", "membership": wang.pk}


@pytest.mark.parametrize("persona", ["sun_li", "liu_yang", "sysadmin", "wang_wei"])
def test_reveal_is_refused_and_logged_for_other_readers(world, wang, persona):
    with pytest.raises(Forbidden):
        services.phone_reveal(actor=getattr(world, persona), membership=wang)
    assert not SecurityEvent.objects.filter(kind="reveal").exists()
    assert SecurityEvent.objects.filter(kind="access_denied", outcome="failure").count() == 1


@pytest.mark.parametrize("persona", ["li_na", "zhou_qiang", "secadmin", "auditadmin", "outsider"])
def test_reveal_of_an_invisible_member_is_not_found(world, wang, persona):
    with pytest.raises(NotFound):
        services.phone_reveal(actor=getattr(world, persona), membership=wang)
    assert not SecurityEvent.objects.filter(kind__in=["reveal", "access_denied"]).exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("王伟", "wang wei"),
        ("曾国藩", "zeng guo fan"),
        ("尉迟恭", "yu chi gong"),
        ("阿依古丽·买买提", "a yi gu li mai mai ti"),
    ],
)
def test_name_pinyin(name, expected):
    assert name_pinyin(name) == expected
