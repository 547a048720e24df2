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


# --- the bank account (IBAN, ISO 13616) --------------------------------------------------------

# The IBAN's length in each country of the SWIFT IBAN registry (ISO 13616), letters and digits counted.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BI": 27,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DJ": 27, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FK": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27,
    "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25,
    "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MN": 20, "MR": 27, "MT": 31, "MU": 30, "NI": 28, "NL": 18,
    "NO": 15, "OM": 23, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "RU": 33,
    "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "SO": 23, "ST": 25, "SV": 28,
    "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20, "YE": 30,
}  # fmt: skip
IBAN_TYPED_MAX = 60  # what a form takes before it is even read: 34 characters and their spaces
IBAN_CHARACTERS = re.compile(r"^[A-Z0-9]*$")


def normalise_iban(text: str) -> str:
    """The IBAN as it is stored: without spaces (the grouping people type), in capital letters."""
    return "".join(text.split()).upper()


def iban_error(text: str) -> str | None:
    """Why the typed IBAN is not a valid one (ISO 13616: country, its length, the mod-97 check), or
    None when it is valid or empty (no bank account given yet)."""
    if len(text) > IBAN_TYPED_MAX:
        return _("An IBAN has at most 34 characters.")
    iban = normalise_iban(text)
    if not iban:
        return None
    if not iban.isascii() or not IBAN_CHARACTERS.match(iban):
        return _("An IBAN has only letters and digits, e.g. LV80 BANK 0000 4351 9500 1.")
    length = IBAN_LENGTHS.get(iban[:2])
    if length is None or not iban[2:4].isdigit():
        return _("An IBAN starts with a country code and two check digits, e.g. LV80.")
    if len(iban) != length:
        return _("An IBAN of {country} has {length} characters; this one has {found}.").format(
            country=iban[:2], length=length, found=len(iban)
        )
    # Move the first four characters to the end, read each letter as a number (A = 10 … Z = 35):
    # the whole number leaves 1 when divided by 97.
    if int("".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])) % 97 != 1:
        return _("This IBAN's check digits do not match: check it for a typing error.")
    return None


def group_iban(iban: str) -> str:
    """The stored IBAN in groups of four, as people read it (LV80 BANK 0000 4351 9500 1)."""
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def panel_iban_error(value: str) -> str | None:
    """The check of an IBAN written as it is stored (the admin panel saves what is typed): valid, and
    without spaces in capital letters."""
    if error := iban_error(value):
        return error
    if value != normalise_iban(value):
        return _("Write the IBAN without spaces, in capital letters, e.g. LV80BANK0000435195001.")
    return None
