"""Domain errors that services raise and controllers turn into responses."""

from __future__ import annotations

import sqlite3


class ValidationFailed(ValueError):
    """Bad input: `errors` maps each field (dotted for nested ones) to a message."""

    def __init__(self, errors: dict[str, str], message: str | None = None) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
        self.message = message


class Conflict(ValueError):
    """The request clashes with what exists or with the state (HTTP 409)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class TooManyAttempts(Exception):
    """Rate limit reached (HTTP 429); `retry_after` seconds, when known, go in the Retry-After header."""

    def __init__(self, retry_after: int | None = None) -> None:
        super().__init__()
        self.retry_after = retry_after


class InvalidCredentials(Exception):
    """Wrong e-mail or password (HTTP 401)."""


class Forbidden(PermissionError):
    """The caller may not do this (HTTP 403); `message` says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(LookupError):
    """Not there, or not visible to the caller (HTTP 404): the two are told apart to nobody."""


# SQLSTATE 23503 foreign_key_violation (ON DELETE RESTRICT / NO ACTION), 23001 restrict_violation.
_FOREIGN_KEY_STATES = {"23503", "23001"}


def is_foreign_key_violation(exc: BaseException) -> bool:
    """The database refused a write because other rows refer to the row (either engine's error)."""
    if isinstance(exc, sqlite3.IntegrityError):
        return str(exc).startswith("FOREIGN KEY constraint failed")
    return getattr(exc, "sqlstate", None) in _FOREIGN_KEY_STATES
