"""API schemas for sign-in, accounts and roles."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field


class TokenIn(Schema):
    username: str = Field(min_length=1, max_length=40)
    password: str = Field(min_length=1, max_length=128)


class TokenOut(Schema):
    token: str
    expires_at: datetime


class ErrorOut(Schema):
    code: str
    message: str
