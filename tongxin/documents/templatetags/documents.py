"""Buttons other apps' pages include to have a document made: `{% load documents %}` then
`{% document_button "documents.proposal_circular" _("生成通报") session=session_id %}` or
`{% reply_letter_button proposal %}`. A button shows only to someone the generator's check accepts."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from tongxin.core.errors import DomainError
from tongxin.files.generators import generator_for
from tongxin.proposals.models import Assignment

from .. import access

register = template.Library()


def _button(
    context: Any, kind: str, label: Any, params: dict[str, Any], primary: bool = False
) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    clean = {k: v for k, v in params.items() if v not in (None, "")}
    visible = False
    if user is not None and access.is_business_user(user):
        try:
            generator_for(kind).check(user, dict(clean))
        except DomainError:
            visible = False
        else:
            visible = True
    return {
        "visible": visible,
        "kind": kind,
        "label": label,
        "params": clean,
        "primary": primary,
        "request": request,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("documents/_button.html", takes_context=True)
def document_button(context: Any, kind: str, label: Any, **params: Any) -> dict[str, Any]:
    """A generate button for `kind` with `params`, shown only when the user may generate it."""
    return _button(context, kind, label, params)


@register.inclusion_tag("documents/_button.html", takes_context=True)
def reply_letter_button(context: Any, proposal: Any) -> dict[str, Any]:
    """下载答复函模板 (or 会办意见模板) for the user's own unit's active assignment of `proposal`."""
    request = context.get("request")
    user = getattr(request, "user", None)
    unit_id = getattr(user, "handling_unit_id", None)
    assignment = None
    if unit_id and proposal is not None:
        assignment = Assignment.objects.filter(
            proposal_id=proposal.pk, unit_id=unit_id, is_active=True
        ).first()
    if assignment is None:
        return {"visible": False}
    label = _("下载会办意见模板") if assignment.role == Assignment.Role.CO else _("下载答复函模板")
    return _button(context, "documents.reply_letter", label, {"assignment": assignment.pk})
