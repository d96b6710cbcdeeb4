"""Domain errors: one exception family that both front doors (htmx views and the JSON API) translate.

A service raises `DomainError(code, message)`; the API answers `{"code", "message"}` with the
error's HTTP status, and a view shows the message on the page.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A business rule said no. `code` is stable for API clients; `message` is for people."""

    status: ClassVar[int] = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def as_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": str(self.message)}


class Invalid(DomainError):
    """Input failed validation; `fields` maps each field name to its messages (API: 422)."""

    status = 422

    def __init__(
        self, message: str, fields: dict[str, list[str]] | None = None, code: str = "invalid"
    ) -> None:
        super().__init__(code, message)
        self.fields = fields or {}

    def as_dict(self) -> dict[str, object]:
        data = super().as_dict()
        if self.fields:
            data["fields"] = {name: [str(m) for m in msgs] for name, msgs in self.fields.items()}
        return data


class Forbidden(DomainError):
    """The actor may see the object but may not do this to it (API: 403)."""

    status = 403

    def __init__(self, message: str, code: str = "forbidden") -> None:
        super().__init__(code, message)


class NotFound(DomainError):
    """The object does not exist, or the actor may not know that it does (API: 404)."""

    status = 404

    def __init__(self, message: str, code: str = "not_found") -> None:
        super().__init__(code, message)


class Conflict(DomainError):
    """The object changed under the actor, or the move is not allowed in its state (API: 409)."""

    status = 409

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(code, message)
