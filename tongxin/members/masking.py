"""Masking of personal data before it leaves the server (GB/T 35273 展示限制; ecosystem.md C23).

Every page, list, API response and export shows a member's phone number masked; only the audited
reveal (services.phone_reveal) and an audited full-number export by an allowed role carry it whole.
"""

from __future__ import annotations

import re

MASK = "****"
_DIGITS_ONLY = re.compile(r"\D")


def mask_phone(phone: str | None) -> str:
    """13800138000 → 138****8000; shorter or odd values keep at most their last two digits."""
    if not phone:
        return ""
    digits = _DIGITS_ONLY.sub("", phone)
    if len(digits) >= 11:
        # A mainland mobile number (after any +86): the carrier prefix and the last four, as banks and
        # 12306 show it.
        mobile = digits[-11:]
        return f"{mobile[:3]}{MASK}{mobile[-4:]}"
    if len(digits) >= 7:
        # A landline without area code: hide the middle as well.
        return f"{digits[:2]}{MASK}{digits[-2:]}"
    return MASK


def is_masked(value: str) -> bool:
    """True when `value` is a masked number, e.g. read back from a masked export."""
    return MASK in value or "*" in value
