"""The documents as `tongxin.files` generators: each `check` (in the request) validates the params
and the actor's right to the document; each `run` (in the task worker) queries, builds and renders.

Params are JSON: {"session": id} / {"year": 2026} / {"assignment": id} / {"issue": id} /
{"membership": id, "year": 2026}; "number": true issues the document with the next 发文字号 of its
family (a draft, the default, leaves the serial blank and takes no number).
"""

from __future__ import annotations

import functools
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tongxin.core.errors import Forbidden
from tongxin.files.generators import DOCX, Generator, Produced, Progress
from tongxin.gongwen.spec import OfficialDocument

from . import access, queries, services
from .builders import duties as duty_builders
from .builders import opinions as opinion_builders
from .builders import proposals as proposal_builders
from .builders.work_report import work_report_figures_document
from .presets import Family

# Where the files bar stands once the renderer has laid out every block: writing the package is left.
LAID_OUT = 95


def render(doc: OfficialDocument, progress: Progress | None = None, *, start: int = 60) -> Produced:
    """The document as .docx, named by its title. With `progress`, the files bar moves from `start`
    to LAID_OUT while the renderer lays out the blocks (a national 交办清单 or 汇编 takes seconds)."""
    from tongxin.gongwen.docx import render_docx

    laid_out = None
    if progress is not None:
        progress(start, _("正在排版"))
        laid_out = functools.partial(_laying_out, progress, start)
    safe = "".join(c for c in doc.title if c not in '\\/:*?"<>|')[:80]
    return Produced(content=render_docx(doc, progress=laid_out), filename=f"{safe}.docx", content_type=DOCX)


def _laying_out(progress: Progress, start: int, percent: int) -> None:
    """The renderer's percentage of blocks laid out, shown as start → LAID_OUT on the files bar."""
    progress(start + (LAID_OUT - start) * percent // 100, _("正在排版"))


def _flag(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    return value is True or str(value).lower() in ("1", "true", "on", "yes")


def _number(actor: Any, family: str, title: str, params: dict[str, Any]) -> str:
    """The 发文字号: taken from the register when issuing, left blank in a draft."""
    committee = queries.committee(actor.committee_id)
    if _flag(params, "number"):
        issued = services.document_number_issue(
            actor=actor, committee=committee, family=family, title=title, params=params
        )
        return issued.doc_number
    code = services.resolved(committee).agency_code(family)
    return services.draft_number(code, timezone.localdate().year)


def _texts(actor: Any) -> services.Resolved:
    return services.resolved(queries.committee(actor.committee_id))


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise Forbidden(message)


# --- 提案交办通知 ---------------------------------------------------------------------------------------


def _check_notice(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_make_proposal_documents(actor), _("只有提案工作人员可以生成交办通知。"))
    session = queries.session_of(actor.committee_id, params.get("session"))
    return {"session": session.pk, "number": _flag(params, "number")}


def _run_notice(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    session = queries.session_of(actor.committee_id, params["session"])
    progress(10, _("正在统计立案和交办情况"))
    title = f"关于交办{session.full_name}提案的通知"
    number = _number(actor, Family.ASSIGNMENT_NOTICE, title, params)
    data = queries.notice_input(actor, session, doc_number=number, date=timezone.localdate())
    return render(proposal_builders.assignment_notice(_texts(actor), data), progress, start=60)


assignment_notice = Generator(
    kind="documents.assignment_notice",
    label=gettext_lazy("提案交办通知"),
    check=_check_notice,
    run=_run_notice,
)


# --- 答复函 -----------------------------------------------------------------------------------------


def _check_reply(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.is_business_user(actor), _("管理员不办理提案业务。"))
    assignment = queries.assignment_for(actor, params.get("assignment"))
    _require(access.can_make_reply_letter(actor, assignment), _("只能下载本单位承办提案的答复函模板。"))
    return {"assignment": assignment.pk}


def _run_reply(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    assignment = queries.assignment_for(actor, params["assignment"])
    texts = _texts(actor)
    unit_short = assignment.unit.short_name or assignment.unit.name
    code = texts.agency_code(Family.REPLY_LETTER, unit_short=unit_short)
    data = queries.reply_input(assignment, agency_code=code, date=timezone.localdate())
    return render(proposal_builders.reply_letter(texts, data), progress, start=50)


reply_letter = Generator(
    kind="documents.reply_letter",
    label=gettext_lazy("提案答复函模板"),
    check=_check_reply,
    run=_run_reply,
    preview_pdf=True,
)


# --- 提案办理情况通报 --------------------------------------------------------------------------------


def _check_scope(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    """{"session": id} or {"year": y}, and the number flag."""
    if params.get("session") not in (None, ""):
        return {
            "session": queries.session_of(actor.committee_id, params["session"]).pk,
            "number": _flag(params, "number"),
        }
    return {"year": queries.check_year(params.get("year")), "number": _flag(params, "number")}


def _check_proposal_circular(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_make_proposal_documents(actor), _("只有提案工作人员可以生成提案办理情况通报。"))
    return _check_scope(actor, params)


def _run_proposal_circular(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    scope, _session, _year = queries.proposal_scope(actor.committee_id, params)
    progress(10, _("正在统计办理情况"))
    number = _number(actor, Family.PROPOSAL_CIRCULAR, f"关于{scope}提案办理情况的通报", params)
    data = queries.circular_input(actor.committee_id, params, doc_number=number, date=timezone.localdate())
    return render(proposal_builders.proposal_circular(_texts(actor), data), progress, start=60)


proposal_circular = Generator(
    kind="documents.proposal_circular",
    label=gettext_lazy("提案办理情况通报"),
    check=_check_proposal_circular,
    run=_run_proposal_circular,
    preview_pdf=True,
)


# --- 提案汇编 ---------------------------------------------------------------------------------------


def _check_compilation(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_make_proposal_documents(actor), _("只有提案工作人员可以生成提案汇编。"))
    return {"session": queries.session_of(actor.committee_id, params.get("session")).pk}


def _run_compilation(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    session = queries.session_of(actor.committee_id, params["session"])
    progress(2, _("正在读取立案提案"))
    items = queries.compilation_items(actor.committee_id, session.pk)

    # Building the document is quick; laying out its tens of thousands of blocks is most of the work
    # (measured at national scale: 0.2 s against 7 s), so the bar gives it 40 % → 95 %.
    def step(done: int, total: int) -> None:
        progress(
            5 + done * 35 // max(total, 1), _("已编入%(done)d/%(total)d件") % {"done": done, "total": total}
        )

    doc = proposal_builders.compilation(
        session_full=session.full_name,
        editor=_texts(actor).issuers["proposal_committee_signature"],
        items=items,
        date=timezone.localdate(),
        progress=step,
    )
    return render(doc, progress, start=40)


proposal_compilation = Generator(
    kind="documents.proposal_compilation",
    label=gettext_lazy("提案汇编"),
    check=_check_compilation,
    run=_run_compilation,
)


# --- 社情民意 ---------------------------------------------------------------------------------------


def _check_bulletin(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_make_opinion_documents(actor), _("只有信息工作人员可以生成社情民意刊物。"))
    return {"issue": queries.issue_of(actor.committee_id, params.get("issue")).pk}


def _run_bulletin(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    issue = queries.issue_of(actor.committee_id, params["issue"])
    data = queries.bulletin_input(
        issue, editor=_texts(actor).issuers["office_signature"], date=timezone.localdate()
    )
    return render(opinion_builders.bulletin_issue(data), progress, start=50)


bulletin_issue = Generator(
    kind="documents.bulletin_issue",
    label=gettext_lazy("社情民意刊物（本期）"),
    check=_check_bulletin,
    run=_run_bulletin,
    preview_pdf=True,
)


def _check_year_number(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    return {"year": queries.check_year(params.get("year")), "number": _flag(params, "number")}


def _check_opinion_circular(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(
        access.can_make_opinion_documents(actor), _("只有信息工作人员可以生成社情民意信息采纳情况通报。")
    )
    return _check_year_number(actor, params)


def _run_opinion_circular(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    year = queries.check_year(params["year"])
    progress(10, _("正在统计采纳情况"))
    number = _number(actor, Family.OPINION_CIRCULAR, f"关于{year}年度社情民意信息采纳情况的通报", params)
    data = queries.opinion_circular_input(
        actor.committee_id, year, doc_number=number, date=timezone.localdate()
    )
    return render(opinion_builders.opinion_circular(_texts(actor), data), progress, start=60)


opinion_circular = Generator(
    kind="documents.opinion_circular",
    label=gettext_lazy("社情民意信息采纳情况通报"),
    check=_check_opinion_circular,
    run=_run_opinion_circular,
)


# --- 履职 ------------------------------------------------------------------------------------------


def _check_duty_circular(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_make_duty_circular(actor), _("只有委员工作人员可以生成履职考核得分通报。"))
    return _check_year_number(actor, params)


def _run_duty_circular(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    year = queries.check_year(params["year"])
    progress(10, _("正在读取考核得分"))
    number = _number(actor, Family.DUTY_CIRCULAR, f"关于{year}年度委员履职考核得分情况的通报", params)
    data = queries.duty_circular_input(actor.committee_id, year, doc_number=number, date=timezone.localdate())
    return render(duty_builders.duty_circular(_texts(actor), data), progress, start=60)


duty_circular = Generator(
    kind="documents.duty_circular",
    label=gettext_lazy("委员履职考核得分通报"),
    check=_check_duty_circular,
    run=_run_duty_circular,
)


def _check_duty_report(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.is_business_user(actor), _("管理员不办理履职业务。"))
    membership = queries.membership_of(actor.committee_id, params.get("membership"))
    _require(access.can_make_duty_report(actor, membership), _("只能下载本人的履职报告。"))
    return {"membership": membership.pk, "year": queries.check_year(params.get("year"))}


def _run_duty_report(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    membership = queries.membership_of(actor.committee_id, params["membership"])
    data = queries.duty_report_input(
        membership, queries.check_year(params["year"]), date=timezone.localdate()
    )
    return render(duty_builders.duty_report(data), progress, start=50)


duty_report = Generator(
    kind="documents.duty_report",
    label=gettext_lazy("委员年度履职报告"),
    check=_check_duty_report,
    run=_run_duty_report,
    preview_pdf=True,
)


# --- 工作报告数据 ------------------------------------------------------------------------------------


def _check_work_report(actor: Any, params: dict[str, Any]) -> dict[str, Any]:
    _require(access.can_read_work_report_figures(actor), _("只有机关工作人员和领导可以查看工作报告数据。"))
    return {"year": queries.check_year(params.get("year"))}


def _run_work_report(actor: Any, params: dict[str, Any], progress: Progress) -> Produced:
    year = queries.check_year(params["year"])
    sections = queries.work_report_figures(actor.committee_id, year)
    committee = queries.committee(actor.committee_id)
    name = services.names_for(committee)["committee"]
    return render(
        work_report_figures_document(
            committee_name=name, year=year, sections=sections, date=timezone.localdate()
        ),
        progress,
        start=60,
    )


work_report_figures = Generator(
    kind="documents.work_report_figures",
    label=gettext_lazy("工作报告有关数据"),
    check=_check_work_report,
    run=_run_work_report,
)

ALL: list[Generator] = [
    assignment_notice,
    reply_letter,
    proposal_circular,
    proposal_compilation,
    bulletin_issue,
    opinion_circular,
    duty_circular,
    duty_report,
    work_report_figures,
]
