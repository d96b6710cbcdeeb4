"""Sign-in tokens for a sitting: a short-lived signed token in the QR code, and a six-digit code
read out in the hall for phones that cannot scan. Both name one sitting and expire."""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

SALT = "tongxin.meetings.sign_in"


@dataclass(frozen=True)
class Checked:
    sitting_id: int | None
    error: str  # "", "invalid", "expired"


def make_token(sitting_id: int) -> str:
    """A URL-safe signed token naming the sitting, stamped with the time it was made."""
    return signing.dumps({"s": sitting_id}, salt=SALT, compress=False)


def read_token(token: str, *, max_age_seconds: int) -> Checked:
    """The sitting a token names, or why it is refused (tampered or expired)."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age_seconds)
    except signing.SignatureExpired:
        return Checked(None, "expired")
    except signing.BadSignature:
        return Checked(None, "invalid")
    sitting_id = data.get("s") if isinstance(data, dict) else None
    if not isinstance(sitting_id, int):
        return Checked(None, "invalid")
    return Checked(sitting_id, "")


def _code_for(sitting_id: int, window: int) -> str:
    mac = hmac.new(settings.SECRET_KEY.encode(), f"{SALT}:{sitting_id}:{window}".encode(), hashlib.sha256)
    return f"{int.from_bytes(mac.digest()[:4], 'big') % 1_000_000:06d}"


def current_code(sitting_id: int, *, window_seconds: int, now: float | None = None) -> str:
    """The six-digit code shown beside the QR code for the current window."""
    return _code_for(sitting_id, int((now or time.time()) // window_seconds))


def code_is_valid(sitting_id: int, code: str, *, window_seconds: int, now: float | None = None) -> bool:
    """The code of this sitting for the current or the previous window (a late reader still fits)."""
    window = int((now or time.time()) // window_seconds)
    return any(hmac.compare_digest(code, _code_for(sitting_id, w)) for w in (window, window - 1))
