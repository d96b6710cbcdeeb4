"""Pages: the member's phone flow, the secretariat's sheet, the QR page, query-count bounds."""

from __future__ import annotations

import pytest

from tongxin.meetings import qr, services, signin
from tongxin.meetings.models import SignIn

from .conftest import at, attendance_of

pytestmark = pytest.mark.django_db


def test_member_asks_for_leave_on_the_page(world, make_meeting, client_for):
    meeting = make_meeting("thematic")
    a = attendance_of(meeting, world.wang_wei)
    client = client_for(world.wang_wei)
    page = client.get(f"/meetings/{meeting.pk}/")
    assert "请假" in page.content.decode()
    r = client.post(
        f"/meetings/{meeting.pk}/attendance/{a.pk}/request_leave/", {"reason": "住院"}, follow=True
    )
    assert "已提交请假" in r.content.decode()
    a.refresh_from_db()
    assert a.state == "leave_pending"
    r = client.post(
        f"/meetings/{meeting.pk}/attendance/{a.pk}/request_leave/", {"reason": "again"}, follow=True
    )
    assert "当前状态下不能请假" in r.content.decode()


def test_secretariat_approves_on_the_leave_page(world, make_meeting, client_for):
    meeting = make_meeting("plenary")
    a = attendance_of(meeting, world.wang_wei)
    services.attendance_transition(actor=world.wang_wei, attendance=a, name="request_leave", note="出差")
    staff = client_for(world.chen_jing)
    assert "出差" in staff.get("/meetings/leave/").content.decode()
    staff.post(f"/meetings/{meeting.pk}/attendance/{a.pk}/approve_leave/", {"note": "同意"})
    a.refresh_from_db()
    assert a.state == "leave_approved"


def test_qr_page_and_sign_in_by_scanned_url(world, make_meeting, client_for):
    meeting = make_meeting("standing")
    sitting = meeting.sittings.get()
    page = client_for(world.chen_jing).get(f"/meetings/{meeting.pk}/sittings/{sitting.pk}/qr/")
    body = page.content.decode()
    assert "<svg" in body
    assert "签到码" in body
    token = signin.make_token(sitting.pk)
    member = client_for(world.wang_wei)
    assert "确认签到" in member.get(f"/meetings/sign-in/{token}/").content.decode()
    r = member.post(f"/meetings/sign-in/{token}/")
    assert r.status_code == 302
    assert SignIn.objects.filter(sitting=sitting, method="qr").count() == 1
    r = member.post(f"/meetings/sign-in/{token}/")
    assert r.status_code == 400
    assert "无需重复签到" in r.content.decode()
    assert member.get("/meetings/sign-in/garbage/").status_code == 400


def test_code_sign_in_on_the_page(world, make_meeting, client_for):
    meeting = make_meeting("standing")
    sitting = meeting.sittings.get()
    code = signin.current_code(sitting.pk, window_seconds=300)
    r = client_for(world.li_na).post(
        f"/meetings/{meeting.pk}/sign-in/", {"sitting": sitting.pk, "code": code}, follow=True
    )
    assert "签到成功" in r.content.decode()


def test_create_page_shows_errors(world, client_for):
    r = client_for(world.chen_jing).post(
        "/meetings/new/",
        {
            "kind_code": "plenary",
            "starts_at": "2026-11-25T12:00",
            "ends_at": "2026-11-25T09:00",
            "sittings": 1,
        },
    )
    assert r.status_code == 422
    assert "结束时间须晚于开始时间" in r.content.decode()
    r = client_for(world.chen_jing).post(
        "/meetings/new/",
        {
            "kind_code": "plenary",
            "starts_at": "2026-11-25T09:00",
            "ends_at": "2026-11-25T12:00",
            "sittings": 1,
        },
    )
    assert r.status_code == 302


def test_list_htmx_partial(world, make_meeting, client_for):
    make_meeting("plenary")
    r = client_for(world.chen_jing).get("/meetings/?kind=plenary", HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert "<html" not in r.content.decode()
    assert 'id="results"' in r.content.decode()


def test_list_and_detail_query_bounds(world, make_meeting, client_for, django_assert_max_num_queries):
    meetings = [make_meeting("plenary", sittings=2) for _ in range(4)]
    for m in meetings:
        a = attendance_of(m, world.wang_wei)
        services.attendance_mark(actor=world.chen_jing, attendance=a, present=True)
    staff = client_for(world.chen_jing)
    with django_assert_max_num_queries(20):
        assert staff.get("/meetings/").status_code == 200
    with django_assert_max_num_queries(30):
        assert staff.get(f"/meetings/{meetings[0].pk}/").status_code == 200
    member = client_for(world.wang_wei)
    with django_assert_max_num_queries(20):
        assert member.get("/meetings/").status_code == 200


def test_detail_queries_do_not_grow_with_attendees(
    world, make_meeting, client_for, django_assert_max_num_queries
):
    from tongxin.members.models import Membership, Person

    meeting = services.meeting_create(
        actor=world.chen_jing, kind_code="plenary", starts_at=at(20), ends_at=at(20, 12)
    )
    for i in range(15):
        p = Person.objects.create(committee=world.committee, name=f"委员{i}", gender="male")
        Membership.objects.create(person=p, term=world.term, sector=world.sector)
    services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone")
    staff = client_for(world.chen_jing)
    with django_assert_max_num_queries(20):
        assert staff.get(f"/meetings/{meeting.pk}/").status_code == 200


# --- the QR encoder ---------------------------------------------------------------------------


def _decode(matrix: list[list[bool]]) -> bytes:
    """Read a level-M byte-mode symbol back: format bits, unmask, zigzag, de-interleave, RS check."""
    n = len(matrix)
    version = (n - 17) // 4
    bits = 0
    for i in range(8):
        bits |= int(matrix[8][n - 1 - i]) << i
    for i in range(8, 15):
        bits |= int(matrix[n - 15 + i][8]) << i
    mask = next(m for m in range(8) if qr.format_bits(m) == bits)
    grid = qr._Grid(version)
    grid.function_patterns()
    stream: list[int] = []
    right = n - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for vert in range(n):
            r = n - 1 - vert if upward else vert
            for j in range(2):
                c = right - j
                if not grid.fixed[r][c]:
                    stream.append(int(matrix[r][c] ^ qr._MASKS[mask](r, c)))
        right -= 2
    codewords = [int("".join(map(str, stream[i : i + 8])), 2) for i in range(0, len(stream) - 7, 8)]
    ec_len, groups = qr._BLOCKS_M[version]
    sizes = [k for count, k in groups for _ in range(count)]
    blocks: list[list[int]] = [[] for _ in sizes]
    pos = 0
    for i in range(max(sizes)):
        for b, k in enumerate(sizes):
            if i < k:
                blocks[b].append(codewords[pos])
                pos += 1
    for _ in range(ec_len):
        for ec_block in blocks:
            ec_block.append(codewords[pos])
            pos += 1
    for block in blocks:  # every syndrome of a valid Reed–Solomon codeword is zero
        for root in range(ec_len):
            acc = 0
            for cw in block:
                acc = qr.gf_mul(acc, qr._EXP[root]) ^ cw
            assert acc == 0
    data = [x for b, k in zip(blocks, sizes, strict=True) for x in b[:k]]
    bitstr = "".join(f"{x:08b}" for x in data)
    assert bitstr[:4] == "0100"
    count_bits = 8 if version < 10 else 16
    length = int(bitstr[4 : 4 + count_bits], 2)
    start = 4 + count_bits
    return bytes(int(bitstr[start + 8 * i : start + 8 * i + 8], 2) for i in range(length))


@pytest.mark.parametrize(
    "text", ["HELLO", "https://tongxin.example/meetings/sign-in/" + "x" * 60 + "/", "签到" * 20, "a" * 180]
)
def test_qr_round_trip(text):
    assert _decode(qr.matrix(text)) == text.encode()


def test_qr_known_bits():
    assert f"{qr.format_bits(0):015b}" == "101010000010010"  # level M, mask 0 (ISO/IEC 18004 table C.1)
    assert f"{qr.version_bits(7):018b}" == "000111110010010100"  # version 7 (table D.1)
    with pytest.raises(ValueError, match="too long"):
        qr.matrix("x" * 400)


def test_create_page_names_the_organiser_head_who_then_decides_leave(world, client_for):
    staff = client_for(world.chen_jing)
    form = staff.get("/meetings/new/").content.decode()
    assert "赵磊" in form  # office staff and leaders may head an activity
    r = staff.post(
        "/meetings/new/",
        {
            "kind_code": "research",
            "starts_at": "2026-11-25T09:00",
            "ends_at": "2026-11-25T12:00",
            "sittings": 1,
            "organiser_head_id": world.zhao_lei.pk,
        },
    )
    assert r.status_code == 302
    from tongxin.meetings.models import Meeting

    meeting = Meeting.objects.get()
    assert meeting.organiser_head_id == world.zhao_lei.pk
    services.meeting_invite(actor=world.chen_jing, meeting=meeting, by="everyone")
    services.meeting_transition(actor=world.chen_jing, meeting=meeting, name="notify")
    a = attendance_of(meeting, world.wang_wei)
    services.attendance_transition(actor=world.wang_wei, attendance=a, name="request_leave", note="出差")
    head = client_for(world.zhao_lei)
    assert "出差" in head.get("/meetings/leave/").content.decode()
    head.post(f"/meetings/{meeting.pk}/attendance/{a.pk}/approve_leave/")
    a.refresh_from_db()
    assert a.state == "leave_approved"
