"""Reads of event reports and their photos, each behind the award's visibility (its organisation or
staff; anyone else gets NotFound, never 403). Each report carries the school rule's verdict
(`school_rule`, rules.school_basis), judged on what the registry says now."""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.applications.tables import PlannedEvent
from grants.awards import queries as award_queries
from grants.awards.tables import Award
from grants.core.auth import Principal
from grants.core.errors import NotFound
from grants.core.params import MAX_ID
from grants.core.time import riga_today
from grants.registry.queries import codes_merged_into
from grants.registry.tables import School
from grants.reporting.rules import BAND_FIELDS, SchoolFacts, event_day, event_report_due, school_basis
from grants.reporting.tables import EventPhoto, EventReport, ReviewStatus


async def event_row(event_id: int, principal: Principal) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report and its award, if the caller may see them (its organisation or staff); NotFound otherwise."""
    row = await EventReport.select().where(EventReport.id == event_id).first()
    if row is None:
        raise NotFound
    award = await award_queries.reportable_award(row["award"], principal)
    return row, award


def _event_query() -> Any:
    return EventReport.select(
        EventReport.all_columns(exclude=[EventReport.school]),
        EventReport.school.registration_number.as_alias("school"),
        EventReport.school.name.as_alias("school_name"),
        EventReport.school.municipality.code.as_alias("municipality_code"),
        EventReport.school.municipality.name.as_alias("municipality_name"),
        EventReport.school.id.as_alias("school_id"),
        EventReport.school.pumpurs_since.as_alias("pumpurs_since"),
        EventReport.school.pumpurs_until.as_alias("pumpurs_until"),
    )


async def _award_places(award_ids: list[int]) -> dict[int, tuple[frozenset[int], frozenset[str]]]:
    """Per award: the schools its application planned events in, and the call's municipality with
    every one merged into it (the school rule's `planned_school_ids` and `call_codes`)."""
    awards = await Award.select(
        Award.id, Award.application, Award.call.municipality.code.as_alias("code")
    ).where(Award.id.is_in(award_ids))
    planned = await PlannedEvent.select(PlannedEvent.application, PlannedEvent.school).where(
        PlannedEvent.application.is_in([a["application"] for a in awards] or [0])
    )
    merged = {code: frozenset(await codes_merged_into(code)) for code in {a["code"] for a in awards}}
    return {
        a["id"]: (
            frozenset(p["school"] for p in planned if p["application"] == a["application"]),
            merged[a["code"]],
        )
        for a in awards
    }


async def school_facts(registration_number: str, award_id: int) -> SchoolFacts | None:
    """What the school rule needs about a school (by its registration number) for an award's
    report; None when the register has no such school."""
    if not registration_number:
        return None
    school = await (
        School.select(
            School.id, School.municipality.code.as_alias("code"), School.pumpurs_since, School.pumpurs_until
        )
        .where(School.registration_number == registration_number)
        .first()
    )
    if school is None:
        return None
    planned, codes = (await _award_places([award_id]))[award_id]
    return SchoolFacts(
        school["id"], school["code"], school["pumpurs_since"], school["pumpurs_until"], planned, codes
    )


async def _with_photos(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    photos = (
        await EventPhoto.select(
            EventPhoto.id,
            EventPhoto.event,
            EventPhoto.filename,
            EventPhoto.content_type,
            EventPhoto.size,
            EventPhoto.width,
            EventPhoto.height,
            EventPhoto.consent,
        )
        .where(EventPhoto.event.is_in([r["id"] for r in rows]))
        .order_by(EventPhoto.id)
        if rows
        else []
    )
    places = await _award_places(list({r["award"] for r in rows})) if rows else {}
    today = riga_today()
    for row in rows:
        planned, codes = places[row["award"]]
        facts = SchoolFacts(
            row["school_id"],
            row["municipality_code"],
            row["pumpurs_since"],
            row["pumpurs_until"],
            planned,
            codes,
        )
        row["school_rule"] = school_basis(facts, event_day(row, today)).value
        row["photos"] = [p for p in photos if p["event"] == row["id"]]
        row["participants_by_grade"] = {band: row[column] for band, column in BAND_FIELDS.items()}
        row["due_on"] = event_report_due(row["held_on"] or row["planned_on"])
        row["editable"] = row["review"] != ReviewStatus.accepted
    return rows


async def get_event(event_id: int, principal: Principal) -> dict[str, Any]:
    await event_row(event_id, principal)
    rows = await _with_photos(await _event_query().where(EventReport.id == event_id))
    return rows[0]


async def list_events(award_id: int, principal: Principal) -> list[dict[str, Any]]:
    """The award's reports in the order they were (to be) held."""
    await award_queries.reportable_award(award_id, principal)
    rows = await _event_query().where(EventReport.award == award_id).order_by(EventReport.id)
    rows.sort(key=lambda r: (r["held_on"] or r["planned_on"] or date.max, r["id"]))
    return await _with_photos(rows)


async def unreported_planned(award: dict[str, Any]) -> list[dict[str, Any]]:
    """The events planned in the application that no report refers to yet (the award already checked)."""
    reported = await EventReport.select(EventReport.planned_event).where(
        (EventReport.award == award["id"]) & EventReport.planned_event.is_not_null()
    )
    taken = {r["planned_event"] for r in reported}
    rows = await (
        PlannedEvent.select(
            PlannedEvent.all_columns(exclude=[PlannedEvent.school]),
            PlannedEvent.school.registration_number.as_alias("school"),
            PlannedEvent.school.name.as_alias("school_name"),
        )
        .where(PlannedEvent.application == award["application"])
        .order_by(PlannedEvent.position)
    )
    return [r for r in rows if r["id"] not in taken]


async def planned_event(planned_event_id: Any, award: dict[str, Any]) -> dict[str, Any] | None:
    """An event planned in the award's application, by an id a client sent; None if it is not one."""
    if (
        not isinstance(planned_event_id, int)
        or isinstance(planned_event_id, bool)
        or not 0 < planned_event_id <= MAX_ID
    ):
        return None
    return await (
        PlannedEvent.select(
            PlannedEvent.all_columns(exclude=[PlannedEvent.school]),
            PlannedEvent.school.registration_number.as_alias("school"),
        )
        .where((PlannedEvent.id == planned_event_id) & (PlannedEvent.application == award["application"]))
        .first()
    )


async def registration_number(school: int) -> str:
    row = await School.select(School.registration_number).where(School.id == school).first()
    return row["registration_number"] if row else ""


async def find_photo(photo_id: int, principal: Principal) -> dict[str, Any]:
    """The photo if its event is visible to the caller; NotFound otherwise (never 403)."""
    row = await EventPhoto.select().where(EventPhoto.id == photo_id).first()
    if row is None:
        raise NotFound
    await event_row(row["event"], principal)
    return row
