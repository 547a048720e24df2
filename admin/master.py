"""Master data in the panel: municipalities, schools, organisations and memberships, edited there.

Every write (POST, PUT, PATCH, DELETE) goes through admin.writes: the columns' limits, references and
unique values, then the rules below on the row as it would be stored (its stored values with the changes), and one audit row.
"""

from __future__ import annotations

import re
from typing import Any

from piccolo_admin.endpoints import TableConfig

from admin.writes import Writes
from grants.accounts.rules import EMAIL, ORG_REG_NO, panel_iban_error
from grants.accounts.service import organisations
from grants.accounts.tables import Membership, Organisation
from grants.core.i18n import _
from grants.registry.tables import Municipality, School

MUNICIPALITY_CODE = re.compile(r"^LV-[0-9A-Z]{3}$")  # ISO 3166-2:LV: LV-016, LV-RIX
SHORT_NAME = re.compile(r"^[A-Z]{3}$")  # the prefix of application references
SCHOOL_REG_NO = re.compile(r"^[0-9]{10}$")  # the IKVD register, as grants.registry.rules reads it
MEMBER_ROLES = ("owner", "member")


def _required(row: dict[str, Any], names: tuple[str, ...], errors: dict[str, str]) -> None:
    for name in names:
        if not str(row.get(name) or "").strip():
            errors.setdefault(name, _("This field is required."))


def _pattern(
    row: dict[str, Any], name: str, pattern: re.Pattern[str], message: str, errors: dict[str, str]
) -> None:
    value = row.get(name) or ""
    if value and name not in errors and not pattern.match(value):
        errors[name] = message


def _in_order(row: dict[str, Any], first: str, last: str, errors: dict[str, str]) -> None:
    if row.get(first) and row.get(last) and row[last] < row[first]:
        errors[last] = _("This date is before {field}.").format(field=first)


async def check_municipality(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, str]:
    row = stored | changes
    errors: dict[str, str] = {}
    _required(row, ("code", "name", "short_name", "kind"), errors)
    _pattern(row, "code", MUNICIPALITY_CODE, _("An ISO 3166-2:LV code, e.g. LV-016 or LV-RIX."), errors)
    _pattern(row, "short_name", SHORT_NAME, _("Three capital letters, e.g. BAU."), errors)
    _in_order(row, "valid_from", "valid_to", errors)
    if row.get("successor") is not None and row.get("successor") == row.get("id"):
        errors["successor"] = _("A municipality cannot succeed itself.")
    return errors


async def check_school(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, str]:
    row = stored | changes
    errors: dict[str, str] = {}
    _required(row, ("registration_number", "name", "municipality", "kind"), errors)
    _pattern(row, "registration_number", SCHOOL_REG_NO, _("The register number has 10 digits."), errors)
    _in_order(row, "pumpurs_since", "pumpurs_until", errors)
    return errors


async def check_organisation(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, str]:
    row = stored | changes
    errors: dict[str, str] = {}
    _required(row, ("name", "registration_number", "legal_form", "municipality"), errors)
    _pattern(
        row, "registration_number", ORG_REG_NO, _("A Latvian registration number has 11 digits."), errors
    )
    _pattern(row, "email", EMAIL, _("Enter an e-mail address."), errors)
    if error := panel_iban_error(row.get("iban") or ""):
        errors["iban"] = error
    return errors


async def check_membership(changes: dict[str, Any], stored: dict[str, Any]) -> dict[str, str]:
    row = stored | changes
    errors: dict[str, str] = {}
    _required(row, ("user", "organisation"), errors)
    if row.get("role") not in MEMBER_ROLES:
        errors["role"] = _("Choose one of: {values}.").format(values=", ".join(MEMBER_ROLES))
    # A user acts for one organisation: the accounts service keeps the rule, for the panel too.
    if row.get("user") is not None and "user" not in errors:
        if await organisations.member_elsewhere(row["user"], except_membership=stored.get("id")):
            errors["user"] = _("This user already belongs to an organisation.")
    return errors


MASTER_TABLES = [
    TableConfig(
        Municipality,
        validators=Writes(check=check_municipality).validators(Municipality),
        visible_columns=[
            Municipality.code,
            Municipality.name,
            Municipality.kind,
            Municipality.valid_from,
            Municipality.valid_to,
            Municipality.successor,
        ],
        visible_filters=[Municipality.code, Municipality.name, Municipality.kind, Municipality.valid_to],
        menu_group="Registry",
        link_column=Municipality.name,
    ),
    TableConfig(
        School,
        validators=Writes(check=check_school).validators(School),
        visible_columns=[
            School.registration_number,
            School.name,
            School.municipality,
            School.kind,
            School.pumpurs_since,
            School.pumpurs_until,
        ],
        visible_filters=[School.registration_number, School.name, School.municipality, School.kind],
        menu_group="Registry",
        link_column=School.name,
    ),
    TableConfig(
        Organisation,
        validators=Writes(check=check_organisation).validators(Organisation),
        visible_columns=[
            Organisation.name,
            Organisation.registration_number,
            Organisation.legal_form,
            Organisation.municipality,
            Organisation.email,
            Organisation.contact_person,
        ],
        visible_filters=[
            Organisation.name,
            Organisation.registration_number,
            Organisation.legal_form,
            Organisation.municipality,
        ],
        menu_group="Accounts",
        link_column=Organisation.name,
    ),
    TableConfig(
        Membership,
        validators=Writes(check=check_membership).validators(Membership),
        visible_columns=[Membership.user, Membership.organisation, Membership.role],
        visible_filters=[Membership.user, Membership.organisation],
        menu_group="Accounts",
    ),
]
