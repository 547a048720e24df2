"""Response models of the municipality activities API and the public results."""

from datetime import date

import msgspec


class MunicipalityRef(msgspec.Struct):
    code: str
    name: str


class SchoolReachOut(msgspec.Struct):
    """A school a project reaches: its events planned in the application and held (counted)."""

    registration_number: str
    name: str
    municipality_code: str  # today's municipality, after mergers
    registered_code: str  # the municipality the school is registered under
    planned: int
    held: int
    participants: int


class ProjectOut(msgspec.Struct):
    """A funded project (an award not declined) and the municipality's schools it reaches."""

    award_id: int
    reference: str
    title: str
    organisation: str
    call_id: int
    status: str
    amount: str  # EUR, "4600.00"
    paid: str  # EUR paid so far
    schools: list[SchoolReachOut]


class EventOut(msgspec.Struct):
    """A held event in one of the municipality's schools, accepted by staff."""

    id: int
    award_id: int
    reference: str
    school: str  # registration number
    school_name: str
    kind: str
    held_on: date | None
    participants: int
    participants_by_grade: dict[str, int]  # "1-4", "5-9", "10-12", "vocational"


class TotalsOut(msgspec.Struct):
    projects: int
    events: int
    participants: int
    participants_by_grade: dict[str, int]
    awarded: str  # EUR, the sum of the projects' amounts
    paid: str  # EUR, the sum paid on them


class ActivitiesOut(msgspec.Struct):
    """Funded projects and held events of a municipality, former municipalities merged into it included."""

    municipality: MunicipalityRef
    includes: list[str]  # the codes counted: this one and those merged into it
    projects: list[ProjectOut]
    events: list[EventOut]
    totals: TotalsOut


# OpenAPI names clashing components by their module paths (public_schemas_EventOut,
# reporting_public_schemas_MunicipalityRef): these two keep the path they were published under.
# No string annotations here, so none is resolved there.
EventOut.__module__ = MunicipalityRef.__module__ = "grants.reporting.public_schemas"
