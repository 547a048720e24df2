"""Request and response Structs of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import Organisation
from grants.core.inputs import Password, bounded, text_of
from grants.registry.tables import Municipality

# The e-mail is the user's username too: its shorter column bounds it, at login as well.
Email = text_of(BaseUser.username, BaseUser.email)
# The name is split into the user's first and last name (each at most the whole), and is the
# organisation's contact person.
Name = text_of(BaseUser.first_name, BaseUser.last_name, Organisation.contact_person)
OrgName = text_of(Organisation.name)
RegistrationNumber = text_of(Organisation.registration_number)
LegalForm = text_of(Organisation.legal_form)
MunicipalityCode = text_of(Municipality.code)
Address = text_of(Organisation.address)
OrgEmail = text_of(Organisation.email)
Phone = text_of(Organisation.phone)
ResetToken = bounded(100)  # secrets.token_urlsafe(32) is 43 characters


class OrganisationIn(msgspec.Struct):
    name: OrgName
    registration_number: RegistrationNumber
    legal_form: LegalForm
    municipality_code: MunicipalityCode
    address: Address = ""
    email: OrgEmail = ""
    phone: Phone = ""


class RegisterIn(msgspec.Struct):
    email: Email
    password: Password
    name: Name
    organisation: OrganisationIn


class RegisterOut(msgspec.Struct):
    """The same for everyone (issue 12): the ids stay in the contract but are always null, because
    they would tell whether an account was made; `detail` says to check the e-mail."""

    user_id: int | None
    organisation_id: int | None
    detail: str


# A 6-digit TOTP code or an 11-character recovery code.
TwoFactorCode = Annotated[str, msgspec.Meta(max_length=40)]


class TokenIn(msgspec.Struct):
    email: Email
    password: Password
    # Required for staff and reviewers while two-factor sign-in is required (and for anyone who turned it on).
    code: TwoFactorCode = ""


class TokenOut(msgspec.Struct):
    token: str
    expires_at: datetime


class MeOut(msgspec.Struct):
    id: int
    email: str
    name: str
    roles: list[str]
    organisation_id: int | None
    municipalities: list[str]  # a coordinator's municipalities (codes)
    # Staff only: null for national staff (every municipality), else the codes of the municipalities
    # whose calls this staff member runs, those merged into them included. Absent for anyone else.
    staff_municipalities: list[str] | None | msgspec.UnsetType = msgspec.UNSET


class PasswordResetIn(msgspec.Struct):
    email: Email


class PasswordResetConfirmIn(msgspec.Struct):
    token: ResetToken
    password: Password
