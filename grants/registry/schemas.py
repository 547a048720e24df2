"""Response Structs of the registry API."""

from __future__ import annotations

from datetime import date

import msgspec


class MunicipalityOut(msgspec.Struct):
    code: str
    name: str
    kind: str
    valid_from: date | None
    valid_to: date | None
    successor_code: str | None
    current: bool


class SchoolOut(msgspec.Struct):
    registration_number: str
    name: str
    municipality_code: str
    kind: str
    pumpurs: bool
    pumpurs_since: date | None
    pumpurs_until: date | None
