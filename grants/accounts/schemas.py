"""Request and response Structs of the accounts API."""

from __future__ import annotations

from datetime import datetime

import msgspec


class OrganisationIn(msgspec.Struct):
    name: str
    registration_number: str
    legal_form: str
    municipality_code: str
    address: str = ""
    email: str = ""
    phone: str = ""


class RegisterIn(msgspec.Struct):
    email: str
    password: str
    name: str
    organisation: OrganisationIn


class RegisterOut(msgspec.Struct):
    user_id: int
    organisation_id: int


class TokenIn(msgspec.Struct):
    email: str
    password: str


class TokenOut(msgspec.Struct):
    token: str
    expires_at: datetime


class MeOut(msgspec.Struct):
    id: int
    email: str
    name: str
    roles: list[str]
    organisation_id: int | None
    municipalities: list[str]
