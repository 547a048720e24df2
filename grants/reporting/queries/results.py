"""Public results: the calls that have them, each call's funded projects, every funded project
(filtered by municipality and year, a page at a time), one project, one school.

Only projects appear (awards not declined, and where the call requires national approval, approved:
reach.public_awards); nothing of an application that was not awarded is
read here at all. Sums and counts are made by the database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Max, Min, Sum

from grants.awards.tables import Award
from grants.calls.tables import Call, CallStatus
from grants.core.time import riga_local, to_riga
from grants.reporting.queries.reach import (
    PROJECT_COLUMNS,
    awaiting_approval,
    band_sums,
    bands_of,
    counted_events,
    municipalities_of,
    places,
    public_awards,
    reaching,
    reaching_school,
    school_by_number,
    schools_reached,
)
from grants.reporting.tables import EventReport

# Calls whose results are public even before (or without) a single award.
DECIDED = (CallStatus.decided.value, CallStatus.archived.value)
PER_PAGE = 20
EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a year filter outside these is no filter at all

CALL_COLUMNS = (
    Call.id,
    Call.title,
    Call.status,
    Call.closes_at,
    Call.municipality.code.as_alias("municipality_code"),
    Call.municipality.name.as_alias("municipality_name"),
)
EVENT_COLUMNS = (
    EventReport.id,
    EventReport.kind,
    EventReport.title,
    EventReport.held_on,
    EventReport.participants,
    EventReport.participants_1_4,
    EventReport.participants_5_9,
    EventReport.participants_10_12,
    EventReport.participants_vocational,
    EventReport.school.registration_number.as_alias("school"),
    EventReport.school.name.as_alias("school_name"),
    EventReport.award.as_alias("award_id"),
    EventReport.award.application.reference.as_alias("reference"),
)


def _with_call_results() -> Any:
    """Decided or archived calls whose decision is final (no award waiting for national approval),
    and any call with a public project."""
    waiting = Award.select(Award.call).where(awaiting_approval())
    return (Call.status.is_in(list(DECIDED)) & Call.id.not_in(waiting)) | Call.id.is_in(
        Award.select(Award.call).where(public_awards())
    )


async def _with_reach(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    where = await places()
    reach = await schools_reached(projects, where)
    for project in projects:
        project["schools"] = reach[project["id"]]
        project["municipalities"] = municipalities_of(project["schools"])
    return projects


async def calls_with_results() -> list[dict[str, Any]]:
    """Decided or archived calls and any other call with a project, newest deadline first."""
    calls = (
        await Call.select(*CALL_COLUMNS).where(_with_call_results()).order_by(Call.closes_at, ascending=False)
    )
    if not calls:
        return []
    totals = {
        row["call"]: row
        for row in await Award.select(
            Award.call, Count(alias="projects"), Sum(Award.amount_cents, alias="awarded")
        )
        .where(public_awards() & Award.call.is_in([c["id"] for c in calls]))
        .group_by(Award.call)
    }
    for call in calls:
        row = totals.get(call["id"], {})
        call["projects"], call["awarded_cents"] = row.get("projects", 0), row.get("awarded") or 0
    return calls


async def call_results(call_id: int) -> dict[str, Any] | None:
    """The call and its projects with their schools, or None while it has no public results."""
    call = await Call.select(*CALL_COLUMNS).where((Call.id == call_id) & _with_call_results()).first()
    if call is None:
        return None
    projects = await (
        Award.select(*PROJECT_COLUMNS)
        .where(public_awards() & (Award.call == call_id))
        .order_by(Award.application.reference)
    )
    call["projects"] = await _with_reach(projects)
    call["awarded_cents"] = sum(p["amount_cents"] for p in projects)
    return call


@dataclass
class ProjectPage:
    projects: list[dict[str, Any]]
    total: int
    page: int
    pages: int
    years: list[int]


def _year(value: int | None) -> int | None:
    return value if value is not None and EARLIEST_YEAR <= value <= LATEST_YEAR else None


async def funded_projects(municipality: str | None, year: int | None, page: int) -> ProjectPage:
    """One page of every funded project, newest decision first. The municipality filter takes the
    projects of its calls or reaching its schools (mergers resolved); the year is the decision's, in Riga."""
    condition = public_awards()
    if municipality:
        condition &= reaching((await places()).merged_into(municipality))
    if (year := _year(year)) is not None:
        condition &= (Award.decided_at >= riga_local(date(year, 1, 1))) & (
            Award.decided_at < riga_local(date(year + 1, 1, 1))
        )
    total = await Award.count().where(condition)
    pages = max(1, math.ceil(total / PER_PAGE))
    page = min(max(page, 1), pages)
    projects = await (
        Award.select(*PROJECT_COLUMNS)
        .where(condition)
        .order_by(Award.decided_at, Award.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    return ProjectPage(await _with_reach(projects), total, page, pages, await award_years())


async def award_years() -> list[int]:
    """The years (in Riga) from the first decision to the last, newest first."""
    row = (
        await Award.select(Min(Award.decided_at, alias="first"), Max(Award.decided_at, alias="last"))
        .where(public_awards())
        .first()
    )
    if not row or row["first"] is None:
        return []
    first, last = _moment(row["first"]), _moment(row["last"])
    return list(range(to_riga(last).year, to_riga(first).year - 1, -1))


def _moment(value: Any) -> Any:
    """MIN()/MAX() of a timestamp come back as text from SQLite."""
    return datetime.fromisoformat(value) if isinstance(value, str) else value


async def project(award_id: int) -> dict[str, Any] | None:
    """One funded project with the schools it reaches and the events it held."""
    row = await (
        Award.select(
            *PROJECT_COLUMNS,
            Award.final_report_approved_at,
            Award.application.summary.as_alias("summary"),
            Award.application.start_date.as_alias("start_date"),
            Award.application.end_date.as_alias("end_date"),
            Award.call.municipality.name.as_alias("call_municipality_name"),
        )
        .where(public_awards() & (Award.id == award_id))
        .first()
    )
    if row is None:
        return None
    (row,) = await _with_reach([row])
    row["events"] = await (
        EventReport.select(*EVENT_COLUMNS)
        .where(counted_events() & (EventReport.award == award_id))
        .order_by(EventReport.held_on, EventReport.id)
    )
    row["totals"] = await event_totals(counted_events() & (EventReport.award == award_id))
    return row


async def event_totals(condition: Any) -> dict[str, Any]:
    """Events, participants and participants per band of the counted events matching `condition`."""
    row = (
        await EventReport.select(
            Count(alias="events"), Sum(EventReport.participants, alias="participants"), *band_sums()
        )
        .where(condition)
        .first()
    )
    row = row or {}
    return {
        "events": row.get("events") or 0,
        "participants": row.get("participants") or 0,
        "participants_by_grade": bands_of(row),
    }


async def school_activity(registration_number: str) -> dict[str, Any] | None:
    """A school, today's municipality, the projects that reached it and the events held there."""
    school = await school_by_number(registration_number)
    if school is None:
        return None
    where = await places()
    school["municipality_code"] = where.today(school["registered_code"])
    school["municipality_name"] = where.name(school["municipality_code"])
    school["registered_name"] = where.name(school["registered_code"])
    projects = await (
        Award.select(*PROJECT_COLUMNS)
        .where(public_awards() & reaching_school(school["id"]))
        .order_by(Award.decided_at, Award.id, ascending=False)
    )
    reach = await schools_reached(projects, where, school_id=school["id"])
    for p in projects:
        here = reach[p["id"]]  # this school only: one entry, or none if it just changed
        p["planned"] = here[0]["planned"] if here else 0
        p["held"] = here[0]["held"] if here else 0
    here_only = counted_events() & (EventReport.school == school["id"])
    school["projects"] = projects
    school["events"] = await (
        EventReport.select(*EVENT_COLUMNS).where(here_only).order_by(EventReport.held_on, EventReport.id)
    )
    school["totals"] = await event_totals(here_only)
    return school
