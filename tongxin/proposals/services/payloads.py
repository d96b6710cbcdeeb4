"""Validation of action payloads for every caller (API, pages, tasks), with messages in Chinese."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ValidationError

from tongxin.core.errors import Invalid

from ..schemas import ACTION_PAYLOADS


def _message(error: Mapping[str, Any]) -> str:
    kind = str(error.get("type", ""))
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return _("此项必填。")
    if kind == "string_too_short":
        return _("内容过短（至少 %(n)s 字）。") % {"n": ctx.get("min_length", 1)}
    if kind == "string_too_long":
        return _("内容过长（最多 %(n)s 字）。") % {"n": ctx.get("max_length", "")}
    if kind in {"too_long", "too_short"}:
        return _("条目数量不符合要求。")
    if kind == "literal_error":
        return _("取值无效，可选：%(choices)s。") % {"choices": ctx.get("expected", "")}
    if kind.startswith(("int", "float")):
        return _("须为整数。")
    if kind.startswith("date"):
        return _("日期格式有误，应为 YYYY-MM-DD。")
    if kind.startswith("bool"):
        return _("须为是或否（true/false）。")
    if kind.startswith(("greater_than", "less_than")):
        return _("数值超出范围。")
    if kind.startswith(("string", "list")):
        return _("格式有误。")
    return _("内容有误。")


def validate_payload(name: str, payload: Mapping[str, Any] | Schema | None) -> Any:
    """The action's payload parsed by its schema; Invalid (422) with each field's message otherwise."""
    schema = ACTION_PAYLOADS[name]
    if isinstance(payload, schema):
        return payload
    if isinstance(payload, Schema):
        payload = payload.model_dump()
    if payload is not None and not isinstance(payload, Mapping):
        raise Invalid(_("请求内容须为 JSON 对象。"), {"body": [_("须为 JSON 对象。")]})
    try:
        return schema.model_validate(dict(payload or {}))
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors():
            loc = ".".join(str(part) for part in error.get("loc", ())) or "body"
            fields.setdefault(loc, []).append(_message(error))
        raise Invalid(_("请求内容有误，请检查各项。"), fields) from None
