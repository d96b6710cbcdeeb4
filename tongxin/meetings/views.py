"""Meeting pages: parse → access → service → render. Members use them on the phone (invitations,
leave, sign-in); the secretariat at the desk (arranging, invitations, attendance, speeches, minutes).
Every page works without JavaScript; htmx only swaps the list results and refreshes the QR code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tongxin.accounts.models import User
from tongxin.audit.models import SecurityEvent
from tongxin.audit.services import security_event_record
from tongxin.core.errors import Conflict, Forbidden, Invalid, NotFound
from tongxin.core.htmx import render_page_or_partial
from tongxin.core.http import signed_in_view
from tongxin.core.pagination import keyset_page, parse_after, parse_limit
from tongxin.files.exports import export_response
from tongxin.members.models import Membership
from tongxin.org.models import ActivityGroup, Sector, SpecialCommittee

from . import access, exports, qr, queries, services, signin
from .forms import (
    CodeForm,
    DecisionForm,
    DocumentForm,
    InviteForm,
    LeaveForm,
    MarkForm,
    MeetingFilterForm,
    MeetingForm,
    MinutesForm,
    SpeechForm,
    add_service_errors,
)
from .models import Attendance, Meeting, MeetingDocument, Sitting
from .workflow import MEETING_TRANSITIONS


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _back(meeting: Meeting) -> HttpResponse:
    return redirect("meetings:detail", meeting.pk)


def _run(request: HttpRequest, meeting: Meeting, done: str, action: Callable[[], Any]) -> HttpResponse:
    """Run a service for a small action form: success or the service's message, then back to the meeting."""
    try:
        action()
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, done)
    return _back(meeting)


@signed_in_view
@never_cache
@require_GET
def meeting_list(request: HttpRequest) -> HttpResponse:
    """会议活动: every meeting for the office; a member's invitations on their phone."""
    user = _user(request)
    if not (access.can_read_all_meetings(user) or user.person_id is not None):
        raise Forbidden(_("您无权查看会议活动。"))
    form = MeetingFilterForm(request.GET, kinds=services.kinds_for(user.committee_id))
    qs = queries.with_list_data(queries.meeting_filter(queries.meetings_visible_to(user), form.filters()))
    try:
        after, limit = parse_after(request.GET.get("after")), parse_limit(request.GET.get("limit"))
    except Invalid:
        after, limit = None, parse_limit(None)
    page = keyset_page(qs, after=after, limit=limit, query=request.GET.dict())
    mine = {}
    if user.person_id is not None:
        rows = Attendance.objects.filter(
            meeting__in=[m.pk for m in page.items], membership__person_id=user.person_id
        )
        mine = {a.meeting_id: a for a in rows}
    context = {
        "form": form,
        "page": page,
        "rows": [(m, mine.get(m.pk)) for m in page.items],
        "can_manage": access.can_manage_meeting(user),
        "staff": access.can_read_all_meetings(user),
    }
    return render_page_or_partial(request, "meetings/list.html", context, partial="results")


@signed_in_view
@never_cache
@require_GET
def meeting_list_export(request: HttpRequest) -> FileResponse:
    """The list as .xlsx with the page's filters, every page of it (audited)."""
    user = _user(request)
    form = MeetingFilterForm(request.GET, kinds=services.kinds_for(user.committee_id))
    return exports.meeting_list_export(actor=user, filters=form.filters(), request=request).response()


@signed_in_view
@never_cache
@require_GET
def attendance_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """One meeting's attendance sheet as .xlsx (audited); a large one is made in the background."""
    return export_response(request, exports.ATTENDANCE, {"meeting": pk})


@signed_in_view
@require_http_methods(["GET", "POST"])
def meeting_create(request: HttpRequest) -> HttpResponse:
    """安排会议: the secretariat creates a meeting with its sittings."""
    user = _user(request)
    if not access.can_manage_meeting(user):
        raise Forbidden(_("只有秘书科工作人员可以安排会议。"))
    kinds = services.kinds_for(user.committee_id)
    specials = list(
        SpecialCommittee.objects.filter(committee_id=user.committee_id, is_active=True).values_list(
            "pk", "name"
        )
    )
    heads = list(
        User.objects.filter(
            committee_id=user.committee_id, is_active=True, roles__role__in=access.MEETING_READERS
        )
        .distinct()
        .order_by("full_name")
        .values_list("pk", "full_name")
    )
    form = MeetingForm(request.POST or None, kinds=kinds, specials=specials, heads=heads)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(actor=user, **form.cleaned_data)
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已安排会议，请邀请参加人员。"))
            return _back(meeting)
    return render(request, "meetings/form.html", {"form": form}, status=422 if form.errors else 200)


def _invite_scopes(meeting: Meeting) -> list[tuple[str, list[tuple[int, str]]]]:
    return [
        (
            _("活动组"),
            [(g.pk, g.name) for g in ActivityGroup.objects.filter(term_id=meeting.term_id, is_active=True)],
        ),
        (_("界别"), [(s.pk, s.name) for s in Sector.objects.filter(term_id=meeting.term_id, is_active=True)]),
        (
            _("专委会"),
            [
                (c.pk, c.name)
                for c in SpecialCommittee.objects.filter(committee_id=meeting.committee_id, is_active=True)
            ],
        ),
    ]


@signed_in_view
@never_cache
@require_GET
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The meeting: notice, documents, the member's own panel (confirm, leave, sign in) and, for the
    office, the attendance sheet with leave decisions, hand marking, speeches and minutes."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    sittings = list(meeting.sittings.all())
    own = queries.own_attendance(user, meeting)
    staff = access.can_read_all_meetings(user) or meeting.organiser_head_id == user.pk
    manage = access.can_manage_meeting(user, meeting)
    rows = list(queries.attendance_rows(meeting)) if staff else []
    for a in rows:
        a.meeting = meeting  # the access rules read it; one meeting, not one query per row
    context = {
        "meeting": meeting,
        "sittings": sittings,
        "documents": list(meeting.documents.all()),
        "own": own,
        "own_actions": [t.name for t in queries.attendance_actions_for(user, own)] if own else [],
        "own_signed": {s.sitting_id for s in own.sign_ins.all()} if own else set(),
        "leave_form": LeaveForm(),
        "code_form": CodeForm(sittings=sittings),
        "staff": staff,
        "manage": manage,
        "rows": [(a, [t.name for t in queries.attendance_actions_for(user, a)]) for a in rows],
        "counts": {
            s: sum(1 for a in rows if a.state == s)
            for s in ("invited", "confirmed", "leave_pending", "leave_approved", "present", "absent")
        },
        "meeting_actions": queries.meeting_actions_for(user, meeting),
        "speeches": list(meeting.speeches.select_related("membership__person")),
        "invite_form": InviteForm(scopes=_invite_scopes(meeting)) if manage else None,
        "mark_form": MarkForm(sittings=sittings),
        "speech_form": SpeechForm(members=[(a.membership_id, a.membership.person.name) for a in rows])
        if manage
        else None,
        "minutes_form": MinutesForm(initial={"minutes": meeting.minutes, "outcomes": meeting.outcomes})
        if manage
        else None,
        "document_form": DocumentForm() if manage else None,
        "events": queries.meeting_timeline(meeting) if staff else [],
    }
    return render(request, "meetings/detail.html", context)


@signed_in_view
@require_POST
def meeting_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Notify, close or cancel the meeting."""
    meeting = access.get_meeting_for_user(_user(request), pk)
    if action not in MEETING_TRANSITIONS:
        raise Http404
    done = _("已%(label)s。") % {"label": MEETING_TRANSITIONS[action].label}
    return _run(
        request,
        meeting,
        done,
        lambda: services.meeting_transition(
            actor=_user(request), meeting=meeting, name=action, note=request.POST.get("note", "")
        ),
    )


@signed_in_view
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite members by scope."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    form = InviteForm(request.POST, scopes=_invite_scopes(meeting))
    if not form.is_valid():
        messages.error(request, _("邀请范围有误。"))
        return _back(meeting)
    data = form.cleaned_data
    try:
        added = services.meeting_invite(
            actor=user, meeting=meeting, by=data["by"], ids=data["ids"], role=data["role"]
        )
    except (Invalid, Conflict) as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已邀请 %(n)d 人。") % {"n": added})
    return _back(meeting)


def _attendance(meeting: Meeting, attendance_pk: int) -> Attendance:
    a = (
        Attendance.objects.select_related("meeting__kind", "membership")
        .filter(pk=attendance_pk, meeting=meeting)
        .first()
    )
    if a is None:
        raise NotFound(_("出席记录不存在。"))
    return a


@signed_in_view
@require_POST
def attendance_action(request: HttpRequest, pk: int, attendance_pk: int, action: str) -> HttpResponse:
    """confirm / request_leave (the member), approve_leave / reject_leave (the approver), mark (office)."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    a = _attendance(meeting, attendance_pk)
    if action == "request_leave":
        form = LeaveForm(request.POST)
        reason = form.cleaned_data["reason"] if form.is_valid() else ""
        return _run(
            request,
            meeting,
            _("已提交请假，等待审批。"),
            lambda: services.attendance_transition(actor=user, attendance=a, name=action, note=reason),
        )
    if action == "confirm":
        return _run(
            request,
            meeting,
            _("已确认参加。"),
            lambda: services.attendance_transition(actor=user, attendance=a, name=action),
        )
    if action in ("approve_leave", "reject_leave"):
        decision = DecisionForm(request.POST)
        note = decision.cleaned_data["note"] if decision.is_valid() else ""
        done = _("已批准请假。") if action == "approve_leave" else _("已不批准请假。")
        return _run(
            request,
            meeting,
            done,
            lambda: services.leave_decide(
                actor=user, attendance=a, approve=action == "approve_leave", note=note
            ),
        )
    if action == "mark":
        mark = MarkForm(request.POST, sittings=list(meeting.sittings.all()))
        if not mark.is_valid():
            messages.error(request, _("考勤登记有误。"))
            return _back(meeting)
        return _run(
            request,
            meeting,
            _("已登记考勤。"),
            lambda: services.attendance_mark(actor=user, attendance=a, **mark.cleaned_data),
        )
    raise Http404


@signed_in_view
@require_POST
def code_sign_in(request: HttpRequest, pk: int) -> HttpResponse:
    """A member types the six-digit code shown in the hall."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    form = CodeForm(request.POST, sittings=list(meeting.sittings.all()))
    if not form.is_valid():
        messages.error(request, _("请选择场次并输入六位签到码。"))
        return _back(meeting)
    data = form.cleaned_data
    return _run(
        request,
        meeting,
        _("签到成功。"),
        lambda: services.attendance_sign_in(
            actor=user, meeting=meeting, sitting_id=data["sitting"], code=data["code"]
        ),
    )


@signed_in_view
@require_http_methods(["GET", "POST"])
def qr_sign_in(request: HttpRequest, token: str) -> HttpResponse:
    """The page a scanned QR code opens: shows the meeting, signs in on the member's tap (POST)."""
    user = _user(request)
    conf_window = 60 * 60  # read the sitting first; the service applies the committee's real lifetime
    checked = signin.read_token(token, max_age_seconds=conf_window)
    sitting = (
        Sitting.objects.select_related("meeting").filter(pk=checked.sitting_id).first()
        if checked.sitting_id
        else None
    )
    if sitting is None or sitting.meeting.committee_id != user.committee_id:
        return render(
            request,
            "meetings/sign_in.html",
            {"error": _("二维码无效或已过期，请扫描现场最新的二维码。")},
            status=400,
        )
    meeting = sitting.meeting
    if request.method == "POST":
        try:
            services.attendance_sign_in(actor=user, meeting=meeting, sitting_id=sitting.pk, token=token)
        except (Invalid, Conflict, Forbidden) as exc:
            return render(
                request,
                "meetings/sign_in.html",
                {"error": exc.message, "meeting": meeting, "sitting": sitting},
                status=400,
            )
        messages.success(request, _("签到成功：%(m)s %(s)s") % {"m": meeting.title, "s": sitting.title})
        return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/sign_in.html", {"meeting": meeting, "sitting": sitting, "token": token})


@signed_in_view
@never_cache
@require_GET
def sitting_qr(request: HttpRequest, pk: int, sitting_pk: int) -> HttpResponse:
    """The QR code and the six-digit code of a sitting, for the hall's screen (refreshes itself)."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    if not access.can_manage_meeting(user, meeting):
        raise Forbidden(_("只有秘书科工作人员可以出示签到码。"))
    sitting = meeting.sittings.filter(pk=sitting_pk).first()
    if sitting is None:
        raise Http404
    window = services.settings_for(meeting.committee_id).sign_in_minutes * 60
    url = request.build_absolute_uri(reverse("meetings:sign_in", args=[signin.make_token(sitting.pk)]))
    context = {
        "meeting": meeting,
        "sitting": sitting,
        "url": url,
        # The SVG is built here from our own encoder: no user input reaches it but the URL's bytes.
        "svg": mark_safe(qr.svg(url)),  # noqa: S308
        "code": signin.current_code(sitting.pk, window_seconds=window),
        "minutes": window // 60,
        "refresh_seconds": max(30, window // 2),
    }
    return render_page_or_partial(request, "meetings/qr.html", context, partial="code")


@signed_in_view
@require_POST
def speech_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a speech."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    members = list(Membership.objects.filter(attendances__meeting=meeting).values_list("pk", "person__name"))
    form = SpeechForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, _("发言信息有误。"))
        return _back(meeting)
    d = form.cleaned_data
    return _run(
        request,
        meeting,
        _("已登记发言。"),
        lambda: services.speech_record(
            actor=user,
            meeting=meeting,
            membership_id=d["membership"],
            mode=d["mode"],
            title=d["title"],
            summary=d["summary"],
        ),
    )


@signed_in_view
@require_POST
def minutes_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Record minutes and outcomes."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    form = MinutesForm(request.POST)
    d = form.cleaned_data if form.is_valid() else {"minutes": "", "outcomes": ""}
    return _run(
        request,
        meeting,
        _("已保存纪要和成果。"),
        lambda: services.meeting_update_record(actor=user, meeting=meeting, **d),
    )


@signed_in_view
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a document to the meeting."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("请填写标题并选择文件。"))
        return _back(meeting)
    return _run(
        request,
        meeting,
        _("已上传会议材料。"),
        lambda: services.meeting_document_add(actor=user, meeting=meeting, **form.cleaned_data),
    )


@signed_in_view
@require_GET
def document_download(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    """Download a meeting document (whoever sees the meeting; audited)."""
    user = _user(request)
    meeting = access.get_meeting_for_user(user, pk)
    doc = MeetingDocument.objects.filter(pk=document_pk, meeting=meeting).first()
    if doc is None or not doc.file:
        raise Http404
    security_event_record(
        kind=SecurityEvent.Kind.DOWNLOAD,
        request=request,
        actor=user,
        target=f"meetings.MeetingDocument:{doc.pk}",
        details={"meeting": meeting.pk},
    )
    return FileResponse(doc.file.open("rb"), as_attachment=True, filename=doc.file.name.rsplit("/", 1)[-1])


@signed_in_view
@never_cache
@require_GET
def leave_requests(request: HttpRequest) -> HttpResponse:
    """请假审批: pending leave requests the user may decide."""
    user = _user(request)
    rows = [a for a in queries.leave_requests_for(user)[:200] if access.can_decide_leave(user, a)]
    if not rows and not (access.is_secretariat(user) or user.person_id is not None):
        raise Forbidden(_("您没有请假审批权限。"))
    return render(request, "meetings/leave_requests.html", {"rows": rows, "form": DecisionForm()})


@signed_in_view
@never_cache
@require_GET
def absences(request: HttpRequest) -> HttpResponse:
    """缺席统计: unexcused absences in the current term with the review flags (rule 51)."""
    user = _user(request)
    if not access.can_view_absence_flags(user):
        raise Forbidden(_("您无权查看缺席统计。"))
    from tongxin.members.queries import current_term

    term = current_term(user.committee_id)
    rows = queries.absence_counters(user.committee_id, term.pk) if term else []
    return render(
        request,
        "meetings/absences.html",
        {"rows": rows, "term": term, "conf": services.settings_for(user.committee_id)},
    )
