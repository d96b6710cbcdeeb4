"""Who may see a generated file: the person who asked for it, and colleagues of the same committee
whom the file's generator would let ask for the same file (its `check` passes for them). Anyone
else gets NotFound (404): another committee's file, or one a colleague may not have, is never hinted at.
Only the system (the task worker, the retention sweep) moves a file between states.
"""

from __future__ import annotations

import logging
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from tongxin.core.errors import DomainError, Forbidden, NotFound

from .generators import generator_for
from .models import GeneratedFile

logger = logging.getLogger(__name__)


def is_system(actor: Any, file: GeneratedFile | None = None) -> bool:
    """The task worker and the retention sweep act as the system (actor None)."""
    return actor is None


def files_visible_to(user: Any) -> QuerySet[GeneratedFile]:
    """The files `user` asked for ("我的文件")."""
    if user is None or not user.is_authenticated:
        return GeneratedFile.objects.none()
    return GeneratedFile.objects.filter(created_by_id=user.pk)


def can_open_file(user: Any, file: GeneratedFile) -> bool:
    """The requester, or a colleague of the same committee whom the generator's check lets through."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if file.created_by_id == user.pk:
        return True
    if file.committee_id != user.committee_id:
        return False
    try:
        generator_for(file.kind).check(user, dict(file.params))
    except DomainError:
        return False
    except Exception:
        # A generator that cannot read params it once cleaned is a bug; the colleague just sees 404.
        logger.exception("check of %s failed on the stored params of file %s", file.kind, file.pk)
        return False
    return True


def get_file_for_user(user: Any, file_id: int) -> GeneratedFile:
    """The file, or NotFound when it does not exist or `user` may not open it."""
    file = GeneratedFile.objects.filter(pk=file_id).select_related("created_by").first()
    if file is None or not can_open_file(user, file):
        raise NotFound(_("文件不存在。"))
    return file


def require_generate(user: Any) -> None:
    """Anyone signed in may ask; what they may ask for is the generator's check."""
    if user is None or not user.is_authenticated:
        raise Forbidden(_("请先登录。"))
