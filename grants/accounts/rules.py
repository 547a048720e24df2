"""Pure checks on account input: e-mail, name, password, registration number, token hashing."""

from __future__ import annotations

import hashlib
import re

from piccolo.apps.user.tables import BaseUser

from grants.core.auth import Role
from grants.core.i18n import _

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORG_REG_NO = re.compile(r"^\d{11}$")
MIN_PASSWORD = 8
PANEL_ROLES = frozenset({Role.staff, Role.reviewer})  # roles that log in to the admin panel
# The e-mail is the username too: the shorter column bounds it, below the 254 characters mail carries.
MAX_EMAIL = min(254, BaseUser.username.length, BaseUser.email.length)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def check_password(password: str, field: str = "password") -> dict[str, str]:
    if len(password) < MIN_PASSWORD:
        return {field: _("The password must be at least {n} characters long.").format(n=MIN_PASSWORD)}
    if len(password) > 128:
        return {field: _("The password must be at most 128 characters long.")}
    return {}


def token_hash(token: str) -> str:
    """What is stored of an API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
