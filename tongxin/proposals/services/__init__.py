"""Every write to proposals (style.md §5.1: one write function per verb).

`grep -n "^def proposal" tongxin/proposals/services/*.py` lists what the system can do to a proposal.
"""

from __future__ import annotations

from .config import class_labels, proposal_settings_update, settings_for
from .drafting import (
    proposal_autosave,
    proposal_create,
    proposal_edit,
    proposal_review_edit,
    proposal_update_draft,
)
from .followups import (
    attachment_add,
    attachment_download,
    followup_complete,
    key_proposal_close,
    key_supervision_add,
    notification_mark_read,
    proposal_ratings_close,
    proposals_sweep,
    reply_letter_attach,
)
from .transition import group_raters, proposal_transition

__all__ = [
    "attachment_add",
    "attachment_download",
    "class_labels",
    "followup_complete",
    "group_raters",
    "key_proposal_close",
    "key_supervision_add",
    "notification_mark_read",
    "proposal_autosave",
    "proposal_create",
    "proposal_edit",
    "proposal_ratings_close",
    "proposal_review_edit",
    "proposal_settings_update",
    "proposal_transition",
    "proposal_update_draft",
    "proposals_sweep",
    "reply_letter_attach",
    "settings_for",
]
