from enum import StrEnum

from piccolo.columns import Date, ForeignKey, OnDelete, Varchar
from piccolo.columns.readable import Readable
from piccolo.table import Table


class MunicipalityKind(StrEnum):
    state_city = "state_city"
    novads = "novads"


class SchoolKind(StrEnum):
    general = "general"
    vocational = "vocational"
    other = "other"


class Municipality(Table, tablename="municipality"):
    code = Varchar(length=10, unique=True, index=True)  # ISO 3166-2:LV, e.g. "LV-016"
    name = Varchar(length=120)
    short_name = Varchar(length=3)  # prefix of application references, e.g. "BAU"
    # The municipality's own registration number (Latvian register, 11 digits): the funder's
    # identifier in the 360Giving open data. Empty until the registry data carries it.
    registration_number = Varchar(length=11, default="")
    kind = Varchar(length=20, choices=MunicipalityKind)
    valid_from = Date(null=True, default=None)
    # Exclusive: the first day the municipality no longer exists (None: it exists).
    valid_to = Date(null=True, default=None)
    successor = ForeignKey("self", null=True, default=None, on_delete=OnDelete.restrict)

    @classmethod
    def get_readable(cls) -> Readable:
        """How the admin panel names a row in lists and pickers."""
        return Readable(template="%s (%s)", columns=[cls.name, cls.code])


class School(Table, tablename="school"):
    registration_number = Varchar(length=20, unique=True, index=True)  # IKVD register
    name = Varchar(length=200)
    municipality = ForeignKey(Municipality, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, choices=SchoolKind, default=SchoolKind.general)
    pumpurs_since = Date(null=True, default=None)
    pumpurs_until = Date(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s (%s)", columns=[cls.name, cls.registration_number])
