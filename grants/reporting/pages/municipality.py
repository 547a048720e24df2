"""The municipality dashboard: the page, its CSV export and the activities API.

Coordinators of the municipality (or of the one a former municipality merged into) and staff
only: the guard lets in those two roles, `_allowed` then checks the municipality. Anyone else
signed in gets 403; an anonymous visitor is sent to log in (the API answers 401).
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Stream, Template

from grants.core.auth import Role, current, roles
from grants.core.errors import NotFound
from grants.core.i18n import _, get_language
from grants.core.money import display_cents, format_cents
from grants.core.openapi import errors
from grants.reporting.exports.events import csv_stream, event_csv
from grants.reporting.pages.municipality_charts import Series, bar_chart
from grants.reporting.public_schemas import (
    ActivitiesOut,
    EventOut,
    MunicipalityRef,
    ProjectOut,
    SchoolReachOut,
    TotalsOut,
)
from grants.reporting.queries import dashboard
from grants.reporting.queries.reach import BAND_COLUMNS, Places, places
from grants.reporting.states import award_statuses, band_labels, month_label
from grants.reporting.tables import GRADE_BANDS

staff_or_coordinator = roles(Role.staff, Role.coordinator)


async def _allowed(request: Request[Any, Any, Any], code: str) -> Places:
    """The registry, once the caller may see this municipality's dashboard; else 404 or 403."""
    where = await places()
    if code not in where.names:
        raise NotFound
    principal = current(request)
    assert principal is not None  # the guard ran first
    if not (principal.has(Role.staff) or {code, where.today(code)} & principal.municipalities):
        raise PermissionDeniedException(_("You do not have access to this page."))
    return where


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


def charts(data: dict[str, Any]) -> dict[str, Any]:
    """The page's charts; each has a table saying the same on the page."""

    def money(cents: int) -> str:
        return display_cents(cents, get_language())

    bands = band_labels()
    by_band = data["totals"]["participants_by_grade"]
    return {
        "months": bar_chart(
            "chart-months",
            _("Events held per month"),
            [month_label(m["year"], m["month"]) for m in data["months"]],
            [Series(_("Events"), [m["events"] for m in data["months"]])],
        ),
        "bands": bar_chart(
            "chart-bands",
            _("Participants reached per grade band"),
            [bands[b] for b in GRADE_BANDS] if data["totals"]["events"] else [],
            [Series(_("Participants"), [by_band[b] for b in GRADE_BANDS])],
        ),
        "schools": bar_chart(
            "chart-schools",
            _("Participants reached per school"),
            [s["name"] for s in data["schools"]],
            [Series(_("Participants"), [s["participants"] for s in data["schools"]])],
        ),
        "money": bar_chart(
            "chart-money",
            _("Money awarded and paid per call"),
            [c["title"] for c in data["calls"]],
            [
                Series(_("Awarded"), [c["awarded_cents"] for c in data["calls"]]),
                Series(_("Paid"), [c["paid_cents"] for c in data["calls"]]),
            ],
            value_text=money,
        ),
    }


class MunicipalityPages(Controller):
    path = "/municipality"
    guards = [staff_or_coordinator]
    include_in_schema = False

    @get("/{code:str}", name="municipality_dashboard")
    async def page(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Template:
        where = await _allowed(request, code)
        data = await dashboard.dashboard(code)
        successor = where.today(code)
        return Template(
            "municipality/dashboard.html",
            context={
                "municipality": {"code": code, "name": where.name(code)},
                "successor": {"code": successor, "name": where.name(successor)}
                if successor != code
                else None,
                "former": [{"code": c, "name": where.name(c)} for c in data["codes"] if c != code],
                "data": data,
                "charts": charts(data),
                "statuses": award_statuses(),
                "bands": band_labels(),
                "month_label": month_label,
            },
            headers={"Cache-Control": "private, no-store"},
        )

    @get("/{code:str}/export.csv", name="municipality_export")
    async def export(self, request: Request[Any, Any, Any], code: FromPath[str]) -> Stream:
        """The events the dashboard counts, one row each."""
        where = await _allowed(request, code)
        return csv_stream(event_csv(where.merged_into(code), counted_only=True), f"events-{code}.csv")


class MunicipalityApi(Controller):
    path = "/api/municipalities"
    tags = ["reporting"]
    guards = [staff_or_coordinator]

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
    async def activities(self, request: Request[Any, Any, Any], code: FromPath[str]) -> ActivitiesOut:
        where = await _allowed(request, code)
        return activities_out(await dashboard.activities(code), where)
