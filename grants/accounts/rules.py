"""Pure checks on account input: e-mail, name, password, registration number, token hashing."""

from __future__ import annotations

import gzip
import hashlib
import re
import unicodedata
from functools import cache
from pathlib import Path

from piccolo.apps.user.tables import BaseUser

from grants.core.auth import Principal, Role
from grants.core.i18n import _

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
ORG_REG_NO = re.compile(r"^\d{11}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 128
# The first 10,000 lines of Royce Williams' list of 20,000 common passwords, ordered by frequency
# (https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce), as Django ships it
# (django/contrib/auth/common-passwords.txt.gz, BSD licence). Package data (pyproject.toml).
COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt.gz")
PANEL_ROLES = frozenset({Role.staff, Role.reviewer})  # roles that log in to the admin panel
# The e-mail is the username too: the shorter column bounds it, below the 254 characters mail carries.
MAX_EMAIL = min(254, BaseUser.username.length, BaseUser.email.length)


HOME = "/home"  # where a login without a page to return to goes: each role's own home, below


def home_for(principal: Principal) -> str:
    """Each role's own home: staff the back office, a reviewer the assignments, a coordinator the
    municipality's dashboard, an applicant the applications; anyone else the account page."""
    if principal.has(Role.staff):
        return "/admin/"
    if principal.has(Role.reviewer):
        return "/admin/reviews"
    if principal.has(Role.coordinator) and principal.municipalities:
        return f"/municipality/{sorted(principal.municipalities)[0]}"
    if principal.has(Role.applicant):
        return "/my/"
    return "/account"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def split_name(name: str) -> tuple[str, str]:
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


@cache
def common_passwords() -> frozenset[str]:
    """The shipped list, lower-cased; read once per process."""
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip().lower() for line in lines if line.strip())


def only_invisible(password: str) -> bool:
    """Whether every character is a separator (Z*: spaces) or other (C*: controls, zero-width,
    format, unassigned): a password nobody can see or type again."""
    return all(unicodedata.category(char)[0] in "ZC" for char in password)


def check_password(password: str, field: str = "password") -> dict[str, str]:
    """The password policy of every path that sets a password (the site, the API, the panel, the
    CLI); a login never applies it, so older passwords keep working until they are changed."""
    if password and only_invisible(password):
        return {field: _("The password cannot be only spaces or invisible characters.")}
    if len(password) < MIN_PASSWORD:
        return {field: _("The password must be at least {n} characters long.").format(n=MIN_PASSWORD)}
    if len(password) > MAX_PASSWORD:
        return {field: _("The password must be at most 128 characters long.")}
    if password.strip().lower() in common_passwords():
        return {field: _("This password is too common and easy to guess; choose another.")}
    return {}


def token_hash(token: str) -> str:
    """What is stored of an API token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()
