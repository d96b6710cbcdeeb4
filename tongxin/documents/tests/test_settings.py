"""Document settings: presets until a committee overrides them, validation, the security log, the
settings page and API, and numbers that a draft never takes."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from tongxin.audit.models import SecurityEvent
from tongxin.core.errors import Forbidden, Invalid
from tongxin.documents import services
from tongxin.documents.models import IssuedDocument


def test_presets_are_filled_with_the_committee_names(world):
    texts = services.resolved(world.committee)
    assert texts.issuers["office_mark"] == "政协兰州市城关区委员会办公室文件"
    assert texts.agency_code("reply_letter", unit_short="区交通局") == "区交通局函"
    assert texts.cc["reply_letter"] == ["政协兰州市城关区委员会提案委员会", "兰州市城关区人民政府督查室"]
    assert "{deadline}" in texts.wording["notice_requirements"]  # builders fill these later


def test_override_and_back_to_the_preset(world):
    services.document_settings_update(
        actor=world.zhang_min,
        committee_id=world.committee.pk,
        changes={
            "agency_codes": {"assignment_notice": "城政办发"},
            "cc": {"reply_letter": ["{committee}提案委员会"]},
        },
    )
    texts = services.resolved(world.committee)
    assert texts.agency_codes["assignment_notice"] == "城政办发"
    assert texts.cc["reply_letter"] == ["政协兰州市城关区委员会提案委员会"]
    log = SecurityEvent.objects.get(kind="config_changed", target__startswith="documents.DocumentSettings")
    assert log.details["after"]["agency_codes"] == {"assignment_notice": "城政办发"}
    services.document_settings_update(
        actor=world.zhang_min,
        committee_id=world.committee.pk,
        changes={"agency_codes": {"assignment_notice": None}},
    )
    assert services.resolved(world.committee).agency_codes["assignment_notice"] == "政协办发"
    # Another committee keeps its presets.
    assert services.resolved(world.sibling).cc["reply_letter"][0] == "政协兰州市七里河区委员会提案委员会"


@pytest.mark.parametrize(
    ("changes", "where"),
    [
        ({"wording": {"reply_opening": "您的《{title}》{oops}"}}, "wording.reply_opening"),
        ({"wording": {"reply_opening": "未闭合{"}}, "wording.reply_opening"),
        ({"wording": {"reply_thanks": "   "}}, "wording.reply_thanks"),
        ({"agency_codes": {"nothing": "x"}}, "agency_codes.nothing"),
        ({"cc": {"reply_letter": "不是列表"}}, "cc.reply_letter"),
        ({"secret": {}}, "secret"),
        ({"issuers": "x"}, "issuers"),
    ],
)
def test_bad_settings_are_refused_with_fields(world, changes, where):
    with pytest.raises(Invalid) as caught:
        services.document_settings_update(
            actor=world.zhang_min, committee_id=world.committee.pk, changes=changes
        )
    assert where in caught.value.fields


def test_only_office_staff_change_settings(world):
    for name in ("wang_wei", "sun_li", "zhou_qiang", "sysadmin"):
        with pytest.raises(Forbidden):
            services.document_settings_update(
                actor=world.people[name], committee_id=world.committee.pk, changes={}
            )
    with pytest.raises(Forbidden):  # staff of one committee never change another's
        services.document_settings_update(actor=world.zhang_min, committee_id=world.sibling.pk, changes={})


def test_numbers_are_consecutive_per_family_and_year(world):
    numbers = [
        services.document_number_issue(
            actor=world.zhang_min,
            committee=world.committee,
            family="assignment_notice",
            title="通知",
            params={},
        ).doc_number
        for _ in range(3)
    ]
    year = IssuedDocument.objects.first().year
    assert numbers == [f"政协办发〔{year}〕1号", f"政协办发〔{year}〕2号", f"政协办发〔{year}〕3号"]
    with pytest.raises(Invalid):  # units number their replies themselves
        services.document_number_issue(
            actor=world.zhou_qiang, committee=world.committee, family="reply_letter", title="答复", params={}
        )


@pytest.mark.django_db(transaction=True)
def test_two_issuers_at_once_get_two_numbers(world):
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises writers anyway")
    results: list[str] = []
    errors: list[BaseException] = []

    def issue() -> None:
        try:
            results.append(
                services.document_number_issue(
                    actor=world.zhang_min,
                    committee=world.committee,
                    family="duty_circular",
                    title="通报",
                    params={},
                ).doc_number
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(set(results)) == 4


def test_settings_page_saves_an_override(world, client_for):
    client = client_for(world.zhang_min)
    page = client.get("/documents/settings/")
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    data["agency_codes__assignment_notice"] = "城政办发"
    response = client.post("/documents/settings/", data)
    assert response.status_code == 302
    assert services.settings_for(world.committee.pk).agency_codes == {"assignment_notice": "城政办发"}
    data["wording__reply_opening"] = "{nope}"
    response = client.post("/documents/settings/", data)
    assert response.status_code == 422
    assert "不认识的占位符" in response.content.decode()
    # A leader reads the page but may not save.
    assert client_for(world.sun_li).post("/documents/settings/", data).status_code == 403


def test_settings_api(world, api_for):
    api = api_for(world.liu_yang)
    body = api.get("/api/v1/documents/settings").json()
    assert body["agency_codes"]["reply_letter"] == "{unit_short}函"
    assert body["overridden"]["wording"] == []
    changed = api.patch("/api/v1/documents/settings", {"wording": {"reply_thanks": "感谢您的关心。"}})
    assert changed.status_code == 200
    assert changed.json()["wording"]["reply_thanks"] == "感谢您的关心。"
    assert changed.json()["overridden"]["wording"] == ["reply_thanks"]
    bad = api.patch("/api/v1/documents/settings", {"wording": {"reply_thanks": "{x}"}})
    assert bad.status_code == 422
    assert "wording.reply_thanks" in bad.json()["fields"]


def test_figures_api_and_page_say_the_same(world, api_for, client_for):
    from .scenario import session_with_proposals

    session_with_proposals(world)
    body = api_for(world.sun_li).get("/api/v1/documents/work-report-figures", year=2026).json()
    assert body["sections"][0]["sentences"] == [
        "十届五次会议共收到提案5件，审查立案3件，答复率50%，办结率50%。"
    ]
    page = client_for(world.sun_li).get("/documents/figures/?year=2026").content.decode()
    assert "十届五次会议共收到提案5件，审查立案3件，答复率50%，办结率50%。" in page
    assert api_for(world.sun_li).get("/api/v1/documents/work-report-figures", year=1900).status_code == 422
