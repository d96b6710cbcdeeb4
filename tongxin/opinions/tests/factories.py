"""Reports in every state, built through the real services, and a four-level committee chain."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from conftest import _member, _staff
from tongxin.core.roles import Role
from tongxin.opinions import services
from tongxin.opinions.models import BulletinIssue, OpinionReport
from tongxin.org.models import Committee, Sector, Term

TEXT = {
    "title": "关于优化老旧小区加装电梯审批流程的建议",
    "situation": "城关区老旧小区多，居民加装电梯意愿强烈，但审批环节多、周期长。",
    "analysis": "审批涉及规划、住建、市场监管等多个部门，缺少统一窗口。",
    "suggestions": "建议设立联合审批窗口，压缩审批时限至20个工作日以内。",
}


def today() -> dt.date:
    return timezone.localdate()


def draft(user: Any, **extra: Any) -> OpinionReport:
    return services.opinion_create(actor=user, **{**TEXT, **extra})


def submitted(user: Any, **extra: Any) -> OpinionReport:
    return services.opinion_transition(report=draft(user, **extra), name="submit", actor=user)


def bulletin_type_id(committee_id: int) -> int:
    return services.bulletin_types_for(committee_id)[0].pk


def adopted(report: OpinionReport, office: Any, mode: str = "standalone") -> OpinionReport:
    payload = {"bulletin_type_id": bulletin_type_id(report.committee_id), "mode": mode}
    return services.opinion_transition(report=report, name="adopt", actor=office, payload=payload)


def sent(report: OpinionReport, office: Any) -> OpinionReport:
    report = adopted(report, office)
    issue = BulletinIssue.objects.get(pk=report.issue_id or 0)
    services.bulletin_send(issue=issue, actor=office, recipients=["party_committee", "upper_committee"])
    return OpinionReport.objects.get(pk=report.pk)


ADOPTION = {"level": "city", "mode": "standalone", "outlet": "市委《每日要情》", "issue_no": "第12期"}
INSTRUCTION = {
    "leader_level": "province",
    "leader_role": "principal",
    "leader_name": "某省领导",
    "text": "请省卫健委研究。",
}
FEEDBACK = {"department": "区住建局", "content": "已设立联合审批窗口。"}


def payload_for(action: str, report: OpinionReport) -> dict[str, Any]:
    """Valid input for each action."""
    payloads: dict[str, dict[str, Any]] = {
        "submit": {},
        "withdraw": {"note": "暂不报送"},
        "return_for_revision": {"note": "请补充具体数据。"},
        "edit": {"edited_title": "关于简化老旧小区加装电梯审批的建议"},
        "adopt": {"bulletin_type_id": bulletin_type_id(report.committee_id), "mode": "standalone"},
        "decline": {"reason": "与已编发信息重复", "disposition": "refer", "referred_to": "区住建局"},
        "forward": {},
        "record_adoption": {**ADOPTION, "adopted_on": today()},
        "record_instruction": {**INSTRUCTION, "instructed_on": today()},
        "record_feedback": {**FEEDBACK, "received_on": today()},
        "close": {"note": "办结"},
    }
    return payloads[action]


def in_state(state: str, author: Any, office: Any) -> OpinionReport:
    """A report of `author` brought to `state` through the services."""
    if state == "draft":
        return draft(author)
    report = submitted(author)
    step = {
        "returned": ("return_for_revision", office),
        "withdrawn": ("withdraw", author),
        "editing": ("edit", office),
        "not_adopted": ("decline", office),
    }
    if state in step:
        name, actor = step[state]
        return services.opinion_transition(
            report=report, name=name, actor=actor, payload=payload_for(name, report)
        )
    if state == "received":
        return report
    if state == "adopted":
        return adopted(report, office)
    report = sent(report, office)
    outcome = {
        "adopted_upstream": "record_adoption",
        "instructed": "record_instruction",
        "feedback_received": "record_feedback",
        "closed": "close",
    }
    if state in outcome:
        name = outcome[state]
        return services.opinion_transition(
            report=report, name=name, actor=office, payload=payload_for(name, report)
        )
    return report


def four_levels(world: Any) -> dict[str, Any]:
    """national → 甘肃省 → 兰州市 (world.city) → 城关区 (world.committee), each with an information office."""
    national = Committee.objects.create(name="全国", level="national", short_name="全国政协")
    province = Committee.objects.create(
        name="甘肃省", level="provincial", short_name="省政协", parent=national
    )
    Committee.objects.filter(pk=world.city.pk).update(parent=province)
    offices = {
        "county": world.liu_yang,
        "city": _staff(world.city, "xinxi_city", "市信息科", "office", [Role.INFORMATION_OFFICE]),
        "province": _staff(province, "xinxi_prov", "省信息处", "office", [Role.INFORMATION_OFFICE]),
        "national": _staff(national, "xinxi_nat", "全国信息局", "office", [Role.INFORMATION_OFFICE]),
    }
    return {"national": national, "province": province, "city": world.city, "offices": offices}


def sibling_office(world: Any) -> Any:
    """The information office of 七里河区, a committee unrelated to the report's chain."""
    return _staff(world.sibling, "xinxi_qlh", "七里河信息科", "office", [Role.INFORMATION_OFFICE])


def city_member(world: Any) -> Any:
    term = Term.objects.create(
        committee=world.city, number=16, starts_on=dt.date(2022, 1, 6), is_current=True
    )
    sector = Sector.objects.create(term=term, name="教育界")
    return _member(world.city, term, sector, "赵敏", "zhaomin")
