"""Every proposal deadline, from the working-day calendar (core.workdays) and the committee's settings.

Month periods end on the same day of the month (add_months); when that day is not a working day the
period ends on the next working day, as 民法典 第二百零三条 reads for periods ending on a holiday
("期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日"). Day periods are counted in
working days (rules 19 and 22 name them so).
"""

from __future__ import annotations

import datetime as dt

from tongxin.core.workdays import add_months, add_working_days

from .models import ProposalSettings, SessionDeadline


def _roll_to_working_day(day: dt.date) -> dt.date:
    """`day` itself when it is a working day, else the next working day."""
    return add_working_days(day, 0)


def months_after(start: dt.date, months: int) -> dt.date:
    """`months` calendar months after `start`, moved to the next working day if it is a rest day."""
    return _roll_to_working_day(add_months(start, months))


def reply_due(
    *, assigned_on: dt.date, conf: ProposalSettings, session_id: int | None, fixed_allowed: bool
) -> dt.date:
    """The reply deadline: the session's fixed date for its 大会提案 (`fixed_allowed`) if one is set and
    still ahead, else N months after assignment (rule 21)."""
    if fixed_allowed and session_id is not None:
        fixed = (
            SessionDeadline.objects.filter(session_id=session_id)
            .values_list("reply_due_on", flat=True)
            .first()
        )
        if fixed is not None and fixed > assigned_on:
            return fixed
    return months_after(assigned_on, conf.reply_months)


def co_opinion_due(*, assigned_on: dt.date, conf: ProposalSettings) -> dt.date:
    """When a co-unit's opinion is due to the lead unit (rule 18: 1 month by default)."""
    return months_after(assigned_on, conf.co_opinion_months)


def reassign_until(*, assigned_on: dt.date, conf: ProposalSettings) -> dt.date:
    """The last day a unit may ask to be replaced (rule 19: 5 working days by default)."""
    return add_working_days(assigned_on, conf.reassign_window_days)


def extension_limit(*, assigned_on: dt.date, current_due: dt.date, conf: ProposalSettings) -> dt.date:
    """The latest date one extension may reach: one step (1 month) past the current due date, and
    never beyond the hard limit (6 months after assignment, rule 21)."""
    return min(
        months_after(current_due, conf.extension_max_months),
        months_after(assigned_on, conf.hard_limit_months),
    )


def rehandling_due(*, ordered_on: dt.date, conf: ProposalSettings) -> dt.date:
    """The deadline of a re-handling round (rule 29: 1 month by default)."""
    return months_after(ordered_on, conf.rehandling_months)


def rating_due(*, replied_on: dt.date, conf: ProposalSettings) -> dt.date:
    """The last day proposers may rate the reply (rule 22: 15 working days by default)."""
    return add_working_days(replied_on, conf.rating_window_days)


def cosign_due(*, submitted_on: dt.date, conf: ProposalSettings) -> dt.date:
    """The last day invited co-signers may confirm or decline."""
    return add_working_days(submitted_on, conf.cosign_window_days)


def followup_due(*, replied_on: dt.date, conf: ProposalSettings) -> dt.date:
    """When an in-plan (B-class) reply is looked at again (回头看, rule 30)."""
    return months_after(replied_on, conf.followup_months)


def due_soon_from(*, today: dt.date, conf: ProposalSettings) -> dt.date:
    """Deadlines up to this day count as due soon."""
    return add_working_days(today, conf.due_soon_days)
