"""The municipality activities API: funded projects and held events in a municipality's schools.

Events count once staff accept them (reach.counted_events); the operation's published description
("held and not returned for correction") is frozen by tests/test_openapi_unchanged.py.

Coordinators of the municipality (or of the one a former municipality merged into) and staff
only: the guard lets in those two roles, `dashboard.visible_places` then checks the municipality.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get
from litestar.params import FromPath

from grants.core.auth import Me, Role, roles
from grants.core.money import format_cents
from grants.core.openapi import errors
from grants.reporting.queries import dashboard
from grants.reporting.queries.reach import BAND_COLUMNS, Places
from grants.reporting.schemas.public import (
    ActivitiesOut,
    EventOut,
    MunicipalityRef,
    ProjectOut,
    SchoolReachOut,
    TotalsOut,
)


def _bands(row: dict[str, Any]) -> dict[str, int]:
    return {band: row[column._meta.name] for band, column in BAND_COLUMNS.items()}


def activities_out(data: dict[str, Any], where: Places) -> ActivitiesOut:
    totals = data["totals"]
    return ActivitiesOut(
        municipality=MunicipalityRef(code=data["code"], name=where.name(data["code"])),
        includes=data["codes"],
        projects=[
            ProjectOut(
                award_id=p["id"],
                reference=p["reference"],
                title=p["title"],
                organisation=p["organisation"],
                call_id=p["call_id"],
                status=p["status"],
                amount=format_cents(p["amount_cents"]),
                paid=format_cents(p["paid_cents"]),
                schools=[
                    SchoolReachOut(
                        registration_number=s["registration_number"],
                        name=s["name"],
                        municipality_code=s["municipality_code"],
                        registered_code=s["registered_code"],
                        planned=s["planned"],
                        held=s["held"],
                        participants=s["participants"],
                    )
                    for s in p["schools"]
                ],
            )
            for p in data["projects"]
        ],
        events=[
            EventOut(
                id=e["id"],
                award_id=e["award_id"],
                reference=e["reference"],
                school=e["school"],
                school_name=e["school_name"],
                kind=e["kind"],
                held_on=e["held_on"],
                participants=e["participants"],
                participants_by_grade=_bands(e),
            )
            for e in data["events"]
        ],
        totals=TotalsOut(
            projects=totals["projects"],
            events=totals["events"],
            participants=totals["participants"],
            participants_by_grade=totals["participants_by_grade"],
            awarded=format_cents(totals["awarded_cents"]),
            paid=format_cents(totals["paid_cents"]),
        ),
    )


class MunicipalityApi(Controller):
    path = "/api/municipalities"
    tags = ["reporting"]
    guards = [roles(Role.staff, Role.coordinator)]

    @get(
        "/{code:str}/activities",
        summary="Funded projects and held events in the municipality's schools, with totals",
        description=(
            "Coordinators of the municipality and staff. Former municipalities merged into it count "
            "under it (`includes`). Projects: those of its calls and those reaching its schools; "
            "events: held and not returned for correction."
        ),
        responses=errors(401, 403, 404),
    )
    async def activities(self, me: Me, code: FromPath[str]) -> ActivitiesOut:
        where = await dashboard.visible_places(code, me)
        return activities_out(await dashboard.activities(code), where)
