"""Who may generate which document (every persona × kind), and the pages and endpoints by persona."""

from __future__ import annotations

import pytest

from conftest import PERSONAS
from tongxin.core.errors import DomainError, Forbidden, NotFound
from tongxin.duties.tests.conftest import membership_of
from tongxin.files.generators import generator_for
from tongxin.opinions.models import BulletinIssue
from tongxin.opinions.tests.factories import sent, submitted
from tongxin.proposals.models import Assignment

from .scenario import session_with_proposals


def allowed(user, kind, params) -> bool:
    try:
        generator_for(kind).check(user, dict(params))
    except (Forbidden, NotFound):
        return False
    except DomainError as exc:  # pragma: no cover - a bad test parameter, not a refusal
        raise AssertionError(exc.message) from exc
    return True


def test_generation_matrix(world):
    s = session_with_proposals(world)
    lead = s.assignment(s.handling, world.unit)
    co = Assignment.objects.get(proposal=s.handling, role="co", is_active=True)
    report = sent(submitted(world.wang_wei), world.liu_yang)
    issue = BulletinIssue.objects.get(pk=report.issue_id)
    wang = membership_of(world.wang_wei)
    cases = {
        "documents.assignment_notice": ({"session": world.session.pk}, {"zhang_min"}),
        "documents.proposal_circular": ({"year": 2026}, {"zhang_min"}),
        "documents.proposal_compilation": ({"session": world.session.pk}, {"zhang_min"}),
        "documents.opinion_circular": ({"year": 2026}, {"liu_yang"}),
        "documents.bulletin_issue": ({"issue": issue.pk}, {"liu_yang"}),
        "documents.duty_circular": ({"year": 2026}, {"zhao_lei"}),
        "documents.duty_report": ({"membership": wang.pk, "year": 2026}, {"wang_wei", "zhao_lei"}),
        "documents.work_report_figures": (
            {"year": 2026},
            {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
        ),
    }
    for kind, (params, who) in cases.items():
        got = {name for name in PERSONAS if allowed(world.people[name], kind, params)}
        assert got == who, kind
    # The reply skeleton: the unit for its own assignment, the proposal office; the co-unit's staff
    # for its own (会办意见) but not the lead's.
    lead_who = {
        n for n in PERSONAS if allowed(world.people[n], "documents.reply_letter", {"assignment": lead.pk})
    }
    assert lead_who == {"zhou_qiang", "zhang_min"}
    assert allowed(s.cast.co_staff, "documents.reply_letter", {"assignment": co.pk})
    assert not allowed(s.cast.co_staff, "documents.reply_letter", {"assignment": lead.pk})
    assert not allowed(s.cast.other_staff, "documents.reply_letter", {"assignment": lead.pk})


def test_a_member_only_gets_their_own_duty_report(world):
    li = membership_of(world.li_na)
    with pytest.raises(Forbidden):
        generator_for("documents.duty_report").check(world.wang_wei, {"membership": li.pk, "year": 2026})


def test_another_committees_objects_are_not_found(world):
    outsider_office = world.outsider
    session_with_proposals(world)
    with pytest.raises(NotFound):
        generator_for("documents.duty_report").check(
            outsider_office, {"membership": membership_of(world.wang_wei).pk, "year": 2026}
        )


PAGES = {
    "/documents/": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    "/documents/figures/?year=2026": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    "/documents/settings/": {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
}


def test_pages_by_persona(world, client_for):
    for path, who in PAGES.items():
        for name in PERSONAS:
            response = client_for(world.people[name]).get(path)
            expected = 200 if name in who else 403
            assert response.status_code == expected, (path, name, response.status_code)


ENDPOINTS = {
    ("get", "/api/v1/documents/settings"): {"sun_li", "zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    ("patch", "/api/v1/documents/settings"): {"zhang_min", "liu_yang", "chen_jing", "zhao_lei"},
    ("get", "/api/v1/documents/work-report-figures?year=2026"): {
        "sun_li",
        "zhang_min",
        "liu_yang",
        "chen_jing",
        "zhao_lei",
    },
}


def test_endpoints_by_persona(world, api_for, anon_api):
    for (method, path), who in ENDPOINTS.items():
        for name in PERSONAS:
            api = api_for(world.people[name])
            if method == "get":
                response = api.get(path)
            else:
                response = api.patch(path, {"agency_codes": {"assignment_notice": "城政办发"}})
            expected = 200 if name in who else 403
            assert response.status_code == expected, (method, path, name, response.content)
            if expected == 403:
                assert set(response.json()) >= {"code", "message"}
        assert getattr(anon_api, method)(path).status_code == 401
