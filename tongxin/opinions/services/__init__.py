"""Every write to public-opinion reports (style.md §5.1: one write function per verb).

`grep -n "^def " tongxin/opinions/services/*.py` lists what the system can do.
"""

from __future__ import annotations

from .bulletins import bulletin_forward, bulletin_issue_create, bulletin_send
from .config import bulletin_type_create, bulletin_types_for, opinion_settings_update, settings_for
from .drafting import attachment_add, opinion_create, opinion_create_from_proposal, opinion_update_draft
from .transition import apply_transition, opinion_transition

__all__ = [
    "apply_transition",
    "attachment_add",
    "bulletin_forward",
    "bulletin_issue_create",
    "bulletin_send",
    "bulletin_type_create",
    "bulletin_types_for",
    "opinion_create",
    "opinion_create_from_proposal",
    "opinion_settings_update",
    "opinion_transition",
    "opinion_update_draft",
    "settings_for",
]
