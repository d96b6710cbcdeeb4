"""Demo and synthetic public-opinion reports for `tongxin demo` / `tongxin seed`.

Through the real services: members' reports entered and submitted (the information office enters
most of them for members, as offices do with reports sent in on paper), about two thirds edited into
numbered issues of 《社情民意》 and sent, some declined or returned, adoptions by higher bodies,
leader instructions and department feedback recorded, a few forwarded to the parent committee; and
(demo only) the demo member's own draft, urgent report and adopted report with an instruction.
"""

from __future__ import annotations

import random
from typing import Any

from django.utils import timezone

from tongxin.accounts.models import User
from tongxin.accounts.services import role_grant, user_create
from tongxin.core.roles import Role

from . import services
from .models import BulletinIssue, OpinionReport

TOPICS = (
    ("老旧小区加装电梯", "社会"),
    ("农村人居环境整治长效管护", "生态文明"),
    ("中小微企业融资难", "经济"),
    ("社区养老服务设施", "社会"),
    ("义务教育阶段课后服务", "文化"),
    ("黄河流域生态保护", "生态文明"),
    ("新就业形态劳动者权益保障", "社会"),
    ("基层医疗卫生人才队伍", "社会"),
    ("夜间经济与消费环境", "经济"),
    ("非物质文化遗产传承", "文化"),
    ("城市停车难", "社会"),
    ("高标准农田建设后续管护", "经济"),
    ("基层减负", "政治"),
    ("历史文化街区保护利用", "文化"),
    ("校园周边交通安全", "社会"),
    ("营商环境优化", "经济"),
)
CATEGORY = {str(label): str(value) for value, label in OpinionReport.Category.choices}
HIGHER = (
    ("city", "《每日要情》"),
    ("province", "《政协信息》"),
    ("party_committee", "《信息专报》"),
    ("government", "《政务信息》"),
)


def _staff(context: Any, username: str, full_name: str, role: str) -> User:
    """The demo account, or (for `seed`) an information-office account of this committee."""
    user: User | None = context.users.get(username)
    if user is not None:
        return user
    user, _password = user_create(
        actor=None,
        committee=context.committee,
        username=f"{username}_{context.committee.pk}",
        full_name=full_name,
        kind=User.Kind.OFFICE,
    )
    role_grant(actor=None, user=user, role=role)
    user.__dict__.pop("role_set", None)
    return user


def _text(rng: random.Random, topic: str) -> dict[str, Any]:
    place = rng.choice(("部分街道", "城区", "多个乡镇", "辖区内", "一些社区"))
    return {
        "title": f"关于{rng.choice(('加强', '完善', '推进', '破解'))}{topic}工作的建议",
        "situation": f"据调研，{place}{topic}问题较为突出，群众反映集中，近两年相关诉求逐年增加。",
        "analysis": f"主要原因是职责分散、投入不足、政策落实不到位，{topic}缺少统筹协调机制。",
        "suggestions": f"一是建立{topic}联席会议制度；二是加大财政投入；三是开展专项督查，定期通报进展。",
    }


def _transition(report: OpinionReport, name: str, actor: Any, **payload: Any) -> OpinionReport:
    return services.opinion_transition(report=report, name=name, actor=actor, payload=payload)


def build(context: Any) -> dict[str, int]:
    """Reports through the whole cycle for the committee in `context`; returns the counts."""
    rng: random.Random = context.rng
    office = _staff(context, "xinxi", "刘洋", Role.INFORMATION_OFFICE)
    today = timezone.localdate()
    bulletin = services.bulletin_types_for(context.committee.pk)[0]
    memberships = [m for m in context.memberships if m.status == "active"]
    count = min(300, max(40, len(memberships) // 4))
    open_issue: BulletinIssue | None = None
    in_issue = 0
    counts = {"opinion_reports": 0, "opinion_issues": 0, "opinion_adoptions": 0, "opinion_instructions": 0}
    sent: list[OpinionReport] = []

    def send_issue(issue: BulletinIssue) -> None:
        recipients = ["party_committee", "government"] + (
            ["upper_committee"] if context.committee.parent_id else []
        )
        services.bulletin_send(issue=issue, actor=office, recipients=recipients)
        counts["opinion_issues"] += 1
        sent.extend(issue.reports.all())

    for _i in range(count):
        topic, label = rng.choice(TOPICS)
        membership = rng.choice(memberships)
        report = services.opinion_create(
            actor=office,
            author_person_ids=[membership.person_id],
            category=CATEGORY[label],
            is_urgent=rng.random() < 0.08,
            **_text(rng, topic),
        )
        report = _transition(report, "submit", office)
        counts["opinion_reports"] += 1
        draw = rng.random()
        if draw < 0.12:
            _transition(report, "decline", office, reason="与已编发信息重复", disposition="archive")
            continue
        if draw < 0.18:
            _transition(report, "return_for_revision", office, note="请补充具体数据和案例。")
            continue
        if draw < 0.24:
            continue  # still waiting in the office's queue
        if rng.random() < 0.5:
            report = _transition(
                report, "edit", office, edited_title=report.title.replace("的建议", "的对策建议")
            )
        if open_issue is None:
            open_issue = services.bulletin_issue_create(actor=office, bulletin_type_id=bulletin.pk)
            in_issue = 0
        mode = "combined" if rng.random() < 0.3 else "standalone"
        _transition(report, "adopt", office, issue_id=open_issue.pk, mode=mode)
        in_issue += 1
        if in_issue >= rng.randint(3, 6):
            send_issue(open_issue)
            open_issue = None
    if open_issue is not None:
        send_issue(open_issue)
    for report in sent:
        report.refresh_from_db()
        draw = rng.random()
        if draw < 0.26:
            level, outlet = rng.choice(HIGHER)
            mode = rng.choice(("standalone", "combined", "forwarded"))
            report = _transition(
                report, "record_adoption", office, level=level, mode=mode, outlet=outlet, adopted_on=today
            )
            counts["opinion_adoptions"] += 1
        if draw < 0.11:
            report = _transition(
                report,
                "record_instruction",
                office,
                leader_level=rng.choice(("county", "city", "province")),
                leader_role=rng.choice(("principal", "other")),
                instructed_on=today,
                text="请相关部门认真研究，提出具体措施。",
            )
            counts["opinion_instructions"] += 1
        if draw < 0.05:
            _transition(
                report,
                "record_feedback",
                office,
                department="有关部门",
                received_on=today,
                content="已研究落实。",
            )
        elif draw > 0.9 and context.committee.parent_id:
            _transition(report, "forward", office)
    if context.demo and "weiyuan" in context.users:
        counts["opinion_reports"] += _demo_member(context.users["weiyuan"], office, bulletin.pk, today)
    counts["opinion_issues"] = BulletinIssue.objects.filter(
        committee=context.committee, sent_on__isnull=False
    ).count()
    return counts


def _demo_member(member: User, office: User, bulletin_type_id: int, today: Any) -> int:
    """The demo member's own reports: a draft, an urgent one waiting, and one adopted with outcomes."""
    services.opinion_create(actor=member, category="society", **_text(random.Random(1), "社区养老服务设施"))
    waiting = services.opinion_create(
        actor=member, is_urgent=True, category="society", **_text(random.Random(2), "城市停车难")
    )
    _transition(waiting, "submit", member)
    adopted = services.opinion_create(
        actor=member, category="economy", **_text(random.Random(3), "营商环境优化")
    )
    adopted = _transition(adopted, "submit", member)
    adopted = _transition(adopted, "edit", office, edited_title="关于持续优化营商环境的对策建议")
    adopted = _transition(adopted, "adopt", office, bulletin_type_id=bulletin_type_id, mode="standalone")
    issue = BulletinIssue.objects.get(pk=adopted.issue_id or 0)
    services.bulletin_send(issue=issue, actor=office, recipients=["party_committee", "government"])
    adopted.refresh_from_db()
    adopted = _transition(
        adopted,
        "record_adoption",
        office,
        level="city",
        mode="standalone",
        outlet="市委《每日要情》",
        adopted_on=today,
    )
    _transition(
        adopted,
        "record_instruction",
        office,
        leader_level="city",
        leader_role="principal",
        leader_name="市委主要领导",
        instructed_on=today,
        text="所提建议很有价值，请市营商环境局研究吸纳。",
    )
    return 3
