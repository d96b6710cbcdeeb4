"""`{{ person.phone|masked_phone }}`: templates never print a stored number as is (ecosystem.md C23)."""

from __future__ import annotations

from django import template

from tongxin.members.masking import mask_phone

register = template.Library()


@register.filter
def masked_phone(value: str | None) -> str:
    """138****8000."""
    return mask_phone(value)
