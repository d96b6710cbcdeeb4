"""Per-committee proposal configuration: settings, the category tree and the rejection reasons, each
created with the common defaults on first use."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Forbidden, Invalid

from .. import access
from ..models import ProposalCategory, ProposalSettings, RejectionReason

# The five areas (rule 37) with finer categories under them, as real catalogues group them (the
# 2019 proposals of shared/data/jszx2019 use exactly these finer names).
DEFAULT_CATEGORIES: dict[str, list[str]] = {
    "经济": ["经济发展", "工业商贸", "财税金融", "农林水利", "科学技术"],
    "政治": ["政治建设", "法制建设", "统战综合"],
    "文化": ["文化宣传", "教育事业"],
    "社会": ["社会事业", "医卫体育", "城乡建设"],
    "生态文明": ["资源环境"],
}

# The national list of situations not to be filed (rule 13, 2011 wording).
DEFAULT_REJECTION_REASONS: list[tuple[str, str]] = [
    ("R01", "涉及党和国家秘密的"),
    ("R02", "国家明令禁止的"),
    ("R03", "中共党员对党内有关组织、人事安排等方面有意见的"),
    ("R04", "民主党派成员反映本组织内部问题的"),
    ("R05", "进入民事、刑事、行政诉讼以及仲裁程序的"),
    ("R06", "属于学术研讨的"),
    ("R07", "为本人或亲属解决个人问题的"),
    ("R08", "宣传、推介具体作品、产品的"),
    ("R09", "指明举报的"),
    ("R10", "内容空泛、没有具体建议的"),
]

# Result-class labels (rule 26): the current common 3-class scheme (甘肃, S13) and the 4-class one.
DEFAULT_CLASS_LABELS: dict[int, dict[str, str]] = {
    3: {"A": "已解决或采纳的", "B": "计划解决或准备采纳的", "C": "留作参考的"},
    4: {
        "A": "所提问题已经解决或基本解决的",
        "B": "所提问题正在解决或列入规划逐步解决的",
        "C": "所提问题因目前条件限制或其他原因需以后解决的",
        "D": "所提问题留作参考的",
    },
}
DEFAULT_IN_PLAN_CLASSES = ["B"]


def _seed(committee_id: int) -> None:
    for position, (area, finer) in enumerate(DEFAULT_CATEGORIES.items(), start=1):
        parent = ProposalCategory.objects.create(committee_id=committee_id, name=area, position=position)
        for i, name in enumerate(finer, start=1):
            ProposalCategory.objects.create(committee_id=committee_id, parent=parent, name=name, position=i)
    RejectionReason.objects.bulk_create(
        RejectionReason(committee_id=committee_id, code=code, label=label, position=i)
        for i, (code, label) in enumerate(DEFAULT_REJECTION_REASONS, start=1)
    )


def settings_for(committee_id: int) -> ProposalSettings:
    """The committee's settings; the first call creates them with the defaults, the category tree
    and the rejection reasons."""
    conf = ProposalSettings.objects.filter(committee_id=committee_id).first()
    if conf is not None:
        return conf
    try:
        with transaction.atomic():
            conf = ProposalSettings.objects.create(
                committee_id=committee_id, in_plan_classes=list(DEFAULT_IN_PLAN_CLASSES)
            )
            _seed(committee_id)
    except IntegrityError:
        # Another request created them first.
        return ProposalSettings.objects.get(committee_id=committee_id)
    return conf


def class_labels(conf: ProposalSettings) -> dict[str, str]:
    """The committee's result classes and their labels, in order."""
    defaults = DEFAULT_CLASS_LABELS[conf.result_class_scheme]
    custom = conf.result_class_labels if isinstance(conf.result_class_labels, dict) else {}
    return {code: str(custom.get(code) or label) for code, label in defaults.items()}


SETTINGS_BOUNDS: dict[str, tuple[int, int]] = {
    "reply_months": (1, 12),
    "co_opinion_months": (1, 6),
    "reassign_window_days": (1, 30),
    "extension_max_count": (0, 5),
    "extension_max_months": (1, 6),
    "hard_limit_months": (1, 24),
    "rehandling_months": (1, 6),
    "rehandling_rounds": (0, 5),
    "rating_window_days": (1, 60),
    "cosign_window_days": (1, 30),
    "due_soon_days": (1, 30),
    "followup_months": (1, 36),
    "key_share_percent": (0, 100),
    "excellent_share_percent": (0, 100),
    "attachment_max_mb": (1, 50),
    "attachment_max_count": (0, 50),
}


def proposal_settings_update(*, actor: Any, committee_id: int, changes: dict[str, Any]) -> ProposalSettings:
    """Change the committee's proposal settings; recorded in the security log as a configuration change."""
    if not access.can_manage_settings(actor, committee_id):
        raise Forbidden(_("只有提案工作人员可以修改提案工作设置。"))
    conf = settings_for(committee_id)
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}
    for name, value in changes.items():
        if name in SETTINGS_BOUNDS:
            low, high = SETTINGS_BOUNDS[name]
            if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
                errors[name] = [_("须为 %(low)d 到 %(high)d 之间的整数。") % {"low": low, "high": high}]
            else:
                clean[name] = value
        elif name == "result_class_scheme":
            if value not in (3, 4):
                errors[name] = [_("只能是三类或四类。")]
            else:
                clean[name] = value
        elif name == "number_format":
            try:
                str(value).format(number=12)
            except (KeyError, IndexError, ValueError):
                errors[name] = [_("编号格式有误，须包含 {number}，如 第{number:04d}号。")]
            else:
                if "{number" not in str(value) or len(str(value)) > 40:
                    errors[name] = [_("编号格式有误，须包含 {number}，如 第{number:04d}号。")]
                else:
                    clean[name] = str(value)
        else:
            errors[name] = [_("不能修改此项。")]
    if clean.get("hard_limit_months", conf.hard_limit_months) < clean.get("reply_months", conf.reply_months):
        errors.setdefault("hard_limit_months", []).append(_("最迟期限不能短于答复期限。"))
    if errors:
        raise Invalid(_("设置有误，请检查。"), errors)
    with transaction.atomic():
        before = {name: getattr(conf, name) for name in clean}
        for name, value in clean.items():
            setattr(conf, name, value)
        conf.save()
        security_event_record(
            kind=SecurityEvent.Kind.CONFIG_CHANGED,
            actor=actor,
            target=f"proposals.ProposalSettings:{conf.pk}",
            details={"before": before, "after": clean},
        )
    return conf
