"""What a municipality's coordinator follows: the events planned ahead, the accepted events with
their consented photos, the schools no funded event reached this school year, the calendar feed's
events and the weekly digest's.

A municipality's schools are those registered under it or under a municipality merged into it
(`codes`: reach.Places.merged_into, or registry.queries.codes_merged_into). Only events of awards
that funded a project count; an event counts as funded once it was held and staff accepted it.

The events ahead (the schedule, the calendar) are the planned event reports and the events planned
in the applications of running projects that no report refers to yet: each row has a `source`
("report": an EventReport's id, "plan": an applications.PlannedEvent's id); an event planned in the
application and reported is shown once, as its report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from piccolo.columns.combination import Combinable

from grants.accounts.rules import token_hash
from grants.applications.tables import PlannedEvent
from grants.awards.states import RUNNING
from grants.awards.tables import Award, AwardStatus
from grants.core.i18n import sort_key
from grants.registry.tables import School
from grants.reporting.tables import (
    CalendarFeed,
    EventPhoto,
    EventReport,
    EventStatus,
    ReviewStatus,
    WeeklyDigest,
)

PER_PAGE = 20
MAX_TOKEN = 100  # a calendar token is 43 characters; anything much longer is not one
# The calendar: events of running projects and of finished ones (their history stays in the feed).
FEED_AWARDS = (*RUNNING, AwardStatus.final_report_submitted.value, AwardStatus.closed.value)


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def school_year(today: date) -> tuple[date, date]:
    """The school year `today` falls in: 1 September to 31 August (both days included)."""
    first = today.year if today.month >= 9 else today.year - 1
    return date(first, 9, 1), date(first + 1, 8, 31)


def in_schools(codes: list[str]) -> Combinable:
    return EventReport.school.municipality.code.is_in(codes)


def accepted() -> Combinable:
    """A funded event: held, accepted by staff, of a project that was not declined."""
    return (
        (EventReport.status == EventStatus.held)
        & (EventReport.review == ReviewStatus.accepted)
        & (EventReport.award.status != AwardStatus.declined)
    )


def _planned_ahead(codes: list[str], today: date) -> Combinable:
    return (
        in_schools(codes)
        & (EventReport.status == EventStatus.planned)
        & (EventReport.planned_on >= today)
        & EventReport.award.status.is_in(list(RUNNING))
    )


# An event as the coordinator's pages show it: its school and project.
EVENT_COLUMNS = (
    EventReport.id,
    EventReport.kind,
    EventReport.title,
    EventReport.status,
    EventReport.planned_on,
    EventReport.held_on,
    EventReport.school.registration_number.as_alias("school"),
    EventReport.school.name.as_alias("school_name"),
    EventReport.award.as_alias("award_id"),
    EventReport.award.application.reference.as_alias("reference"),
    EventReport.award.application.title.as_alias("project"),
    EventReport.award.application.organisation.name.as_alias("organisation"),
)
COUNT_COLUMNS = (
    EventReport.description,
    EventReport.participants,
    EventReport.participants_1_4,
    EventReport.participants_5_9,
    EventReport.participants_10_12,
    EventReport.participants_vocational,
    EventReport.participants_at_risk,
)


# An event planned in an application, with the keys of EVENT_COLUMNS (its award's id added after).
PLAN_COLUMNS = (
    PlannedEvent.id,
    PlannedEvent.kind,
    PlannedEvent.title,
    PlannedEvent.planned_date.as_alias("planned_on"),
    PlannedEvent.school.registration_number.as_alias("school"),
    PlannedEvent.school.name.as_alias("school_name"),
    PlannedEvent.application.as_alias("application_id"),
    PlannedEvent.application.reference.as_alias("reference"),
    PlannedEvent.application.title.as_alias("project"),
    PlannedEvent.application.organisation.name.as_alias("organisation"),
)


def _reports(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [row | {"source": "report"} for row in rows]


async def unreported_plans(
    codes: list[str], award_statuses: tuple[str, ...], since: date | None = None
) -> list[dict[str, Any]]:
    """The events planned (on a day, from `since` on) in the municipality's schools in the
    applications of awards in `award_statuses` that no event report refers to, as rows of the
    coordinator's pages (status "planned", source "plan")."""
    reported = EventReport.select(EventReport.planned_event).where(EventReport.planned_event.is_not_null())
    awarded = Award.select(Award.application).where(Award.status.is_in(list(award_statuses)))
    condition = (
        PlannedEvent.school.municipality.code.is_in(codes)
        & PlannedEvent.planned_date.is_not_null()
        & PlannedEvent.id.not_in(reported)
        & PlannedEvent.application.is_in(awarded)
    )
    if since is not None:
        condition &= PlannedEvent.planned_date >= since
    rows = await PlannedEvent.select(*PLAN_COLUMNS).where(condition).order_by(PlannedEvent.id)
    awards = await Award.select(Award.id, Award.application).where(
        Award.application.is_in([r["application_id"] for r in rows] or [0])
        & Award.status.is_in(list(award_statuses))
    )
    award_of = {a["application"]: a["id"] for a in awards}
    return [
        row
        | {
            "status": EventStatus.planned.value,
            "held_on": None,
            "award_id": award_of[row["application_id"]],
            "source": "plan",
        }
        for row in rows
    ]


def _by_day(row: dict[str, Any]) -> tuple[date, int, int]:
    """The schedule's order: by day, a report before a plan on the same day, then by id."""
    return (row["planned_on"], 0 if row["source"] == "report" else 1, row["id"])


def _page_of(total: int, page: int) -> tuple[int, int]:
    pages = max(1, math.ceil(total / PER_PAGE))
    return min(max(page, 1), pages), pages


async def schedule(codes: list[str], today: date, page: int = 1) -> Page:
    """The events planned from `today` on in the municipality's schools, by date: a page of them
    (the planned reports and the unreported events planned in the applications of running projects)."""
    reports = await EventReport.select(*EVENT_COLUMNS).where(_planned_ahead(codes, today))
    ahead = sorted(_reports(reports) + await unreported_plans(codes, RUNNING, today), key=_by_day)
    page, pages = _page_of(len(ahead), page)
    return Page(ahead[(page - 1) * PER_PAGE : page * PER_PAGE], len(ahead), page, pages)


async def consented_photos(event_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per event, the photos whose people agreed to their being shown, oldest first."""
    found: dict[int, list[dict[str, Any]]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return found
    rows = await (
        EventPhoto.select(EventPhoto.id, EventPhoto.event, EventPhoto.width, EventPhoto.height)
        .where(EventPhoto.event.is_in(event_ids) & EventPhoto.consent.eq(True))
        .order_by(EventPhoto.id)
    )
    for row in rows:
        found[row["event"]].append(row)
    return found


async def accepted_events(codes: list[str], page: int = 1) -> Page:
    """The accepted events held in the municipality's schools, newest first, with their counts and
    consented photos: a page of them."""
    condition = accepted() & in_schools(codes)
    total = await EventReport.count().where(condition)
    page, pages = _page_of(total, page)
    rows = await (
        EventReport.select(*EVENT_COLUMNS, *COUNT_COLUMNS)
        .where(condition)
        .order_by(EventReport.held_on, EventReport.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    photos = await consented_photos([r["id"] for r in rows])
    for row in rows:
        row["photos"] = photos[row["id"]]
    return Page(rows, total, page, pages)


async def consented_photo(codes: list[str], photo_id: int) -> dict[str, Any] | None:
    """A photo the municipality's coordinators may see: consented, of an accepted event held in one
    of its schools; None for any other."""
    return await (
        EventPhoto.select(
            EventPhoto.id,
            EventPhoto.storage_key,
            EventPhoto.thumbnail_key,
            EventPhoto.filename,
            EventPhoto.content_type,
        )
        .where(
            (EventPhoto.id == photo_id)
            & EventPhoto.consent.eq(True)
            & EventPhoto.event.is_in(EventReport.select(EventReport.id).where(accepted() & in_schools(codes)))
        )
        .first()
    )


async def uncovered_schools(codes: list[str], today: date) -> list[dict[str, Any]]:
    """The municipality's schools taking part in PuMPuRS on `today` where no funded event was held
    in the school year of `today`, in the register's order of names."""
    first, last = school_year(today)
    covered = EventReport.select(EventReport.school).where(
        accepted() & (EventReport.held_on >= first) & (EventReport.held_on <= last)
    )
    rows = await School.select(
        School.id,
        School.registration_number,
        School.name,
        School.pumpurs_since,
        School.municipality.name.as_alias("municipality_name"),
    ).where(
        School.municipality.code.is_in(codes)
        & School.pumpurs_since.is_not_null()
        & (School.pumpurs_since <= today)
        & (School.pumpurs_until.is_null() | (School.pumpurs_until >= today))
        & School.id.not_in(covered)
    )
    return sorted(rows, key=lambda row: sort_key(row["name"]))


async def feed_events(codes: list[str]) -> list[dict[str, Any]]:
    """The calendar's events in the municipality's schools, of running and finished projects:
    planned and cancelled events with their planned day, and held events once staff accepted them
    (as everywhere the coordinator looks), on the day held; and the events planned in the
    applications of running projects that no report refers to yet, on their planned day."""
    dated = (
        (EventReport.status.is_in([EventStatus.planned.value, EventStatus.cancelled.value]))
        & EventReport.planned_on.is_not_null()
    ) | (
        (EventReport.status == EventStatus.held)
        & (EventReport.review == ReviewStatus.accepted)
        & EventReport.held_on.is_not_null()
    )
    reports = await (
        EventReport.select(*EVENT_COLUMNS)
        .where(in_schools(codes) & EventReport.award.status.is_in(list(FEED_AWARDS)) & dated)
        .order_by(EventReport.id)
    )
    return _reports(reports) + await unreported_plans(codes, RUNNING)


async def digest_events(codes: list[str], since: datetime, until: datetime, week: tuple[date, date]) -> dict:
    """The weekly digest's news: events accepted between `since` and `until`, and events planned
    in `week` (first and last day), both in the municipality's schools."""
    accepted_rows = await (
        EventReport.select(*EVENT_COLUMNS, EventReport.participants)
        .where(
            accepted()
            & in_schools(codes)
            & (EventReport.reviewed_at >= since)
            & (EventReport.reviewed_at < until)
        )
        .order_by(EventReport.held_on, EventReport.id)
    )
    planned_rows = await (
        EventReport.select(*EVENT_COLUMNS)
        .where(
            in_schools(codes)
            & (EventReport.status == EventStatus.planned)
            & (EventReport.planned_on >= week[0])
            & (EventReport.planned_on <= week[1])
            & EventReport.award.status.is_in(list(RUNNING))
        )
        .order_by(EventReport.planned_on, EventReport.id)
    )
    # With the events planned in the applications and not reported yet, as the schedule shows them.
    plans = [p for p in await unreported_plans(codes, RUNNING, since=week[0]) if p["planned_on"] <= week[1]]
    planned = sorted([*_reports(planned_rows), *plans], key=_by_day)
    return {"accepted": accepted_rows, "planned": planned}


async def feed_by_token(token: str) -> dict[str, Any] | None:
    """The calendar link a token opens: its user and municipality; None for an unknown or revoked one."""
    if not token or len(token) > MAX_TOKEN:
        return None
    return await (
        CalendarFeed.select(
            CalendarFeed.user,
            CalendarFeed.municipality,
            CalendarFeed.municipality.code.as_alias("code"),
        )
        .where(CalendarFeed.token_hash == token_hash(token))
        .first()
    )


async def feed_made_at(user_id: int, municipality_id: int) -> datetime | None:
    """When the user's calendar link of this municipality was made; None without one."""
    row = await (
        CalendarFeed.select(CalendarFeed.created_at)
        .where((CalendarFeed.user == user_id) & (CalendarFeed.municipality == municipality_id))
        .order_by(CalendarFeed.id, ascending=False)
        .first()
    )
    return row["created_at"] if row else None


async def digest_on(user_id: int) -> bool:
    return await WeeklyDigest.exists().where(WeeklyDigest.user == user_id)
