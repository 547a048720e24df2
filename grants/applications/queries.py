"""Reads of applications, for the portal, the API, the service's checks and the later stages.

Whoever is not staff sees only their organisation's applications; anything else is NotFound (never 403).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from piccolo.engine.sqlite import SQLiteEngine

from grants.applications import rules
from grants.applications.tables import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    Clarification,
    PlannedEvent,
)
from grants.calls.tables import Call, CallStatus
from grants.core.auth import Principal, Role, within
from grants.core.db import engine, for_update, municipality_resolver
from grants.core.errors import NotFound
from grants.core.params import text_id
from grants.core.time import from_db, now
from grants.registry.tables import School


async def call_for(call_id: int, lock: bool = False) -> dict[str, Any]:
    """The application's call (with its municipality's short name); NotFound for a draft call."""
    query = Call.select(Call.all_columns(), Call.municipality.short_name.as_alias("short_name")).where(
        Call.id == call_id
    )
    call = await (for_update(query) if lock else query).first()
    if call is None or call["status"] == CallStatus.draft:
        raise NotFound
    return call


def _visibility(principal: Principal) -> Any:
    """Staff see the applications of their municipalities' calls (national staff: all), an applicant
    their organisation's (and a municipal staff member who also applies, both)."""
    if principal.has(Role.staff):
        mine = within(Application.call.municipality, principal.staff_scope)
        if mine is None:
            return Application.id.is_not_null()
        if principal.organisation_id is not None:
            return mine | (Application.organisation == principal.organisation_id)
        return mine
    if principal.organisation_id is not None:
        return Application.organisation == principal.organisation_id
    return Application.id.is_null()  # nothing


async def list_applications(principal: Principal) -> list[dict[str, Any]]:
    return await (
        Application.select(
            Application.id,
            Application.reference,
            Application.call,
            Application.call.title.as_alias("call_title"),
            Application.call.status.as_alias("call_status"),
            Application.call.opens_at.as_alias("call_opens_at"),
            Application.call.closes_at.as_alias("call_closes_at"),
            Application.call.closed_early.as_alias("call_closed_early"),
            Application.status,
            Application.title,
            Application.requested_cents,
            Application.submitted_at,
        )
        .where(_visibility(principal))
        .order_by(Application.id, ascending=False)
    )


async def applications_taken(call_id: int, organisation_id: int) -> int:
    """How many of the call's places the organisation uses: its applications there, withdrawn ones not
    counted (see calls.states.apply_refusal)."""
    return await Application.count().where(
        (Application.call == call_id)
        & (Application.organisation == organisation_id)
        & (Application.status != ApplicationStatus.withdrawn)
    )


async def find_application(application_id: int, principal: Principal, lock: bool = False) -> dict[str, Any]:
    """The application row if the caller may see it (locked for the transaction with `lock`)."""
    query = Application.select().where((Application.id == application_id) & _visibility(principal))
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound
    return row


async def get_application(application_id: int, principal: Principal) -> dict[str, Any]:
    """The application with its lines, events, files and questions, if the caller may see it."""
    row = await find_application(application_id, principal)
    row["budget_lines"] = (
        await BudgetLine.select()
        .where(BudgetLine.application == application_id)
        .order_by(BudgetLine.position)
    )
    row["planned_events"] = await (
        PlannedEvent.select(
            PlannedEvent.all_columns(exclude=[PlannedEvent.school]),
            PlannedEvent.school.registration_number.as_alias("school"),
            PlannedEvent.school.name.as_alias("school_name"),
        )
        .where(PlannedEvent.application == application_id)
        .order_by(PlannedEvent.position)
    )
    row["attachments"] = await Attachment.select(
        Attachment.id, Attachment.filename, Attachment.content_type, Attachment.size, Attachment.sha256
    ).where(Attachment.application == application_id)
    row["clarifications"] = (
        await Clarification.select()
        .where(Clarification.application == application_id)
        .order_by(Clarification.id)
    )
    row["call_row"] = await call_for(row["call"])
    row["problems"] = rules.problems(row, row["call_row"], len(row["budget_lines"]), row["planned_events"])
    return row


async def event_dates(application_id: int) -> list[dict[str, Any]]:
    """The planned events' titles and dates in their order: what submission checks against the period."""
    return await (
        PlannedEvent.select(PlannedEvent.title, PlannedEvent.planned_date)
        .where(PlannedEvent.application == application_id)
        .order_by(PlannedEvent.position)
    )


async def school_ids(numbers: set[str]) -> dict[str, int]:
    """The ids of the schools with these registration numbers."""
    if not numbers:
        return {}
    rows = await School.select(School.id, School.registration_number).where(
        School.registration_number.is_in(sorted(numbers))
    )
    return {r["registration_number"]: r["id"] for r in rows}


async def find_attachment(attachment_id: int, principal: Principal) -> dict[str, Any]:
    """The attachment if its application is visible to the caller; NotFound otherwise (never 403)."""
    row = await Attachment.select().where(Attachment.id == attachment_id).first()
    if row is None:
        raise NotFound
    await find_application(row["application"], principal)  # raises NotFound for anyone else
    return row


# --- the staff's list of a call's applications (/admin/calls/{id}/applications and its CSV) -----------
# Drafts are not listed: until it is submitted an application is its organisation's work in progress,
# not yet the staff's business (the screening page and the ranking leave them out the same way); the
# list only counts them. A draft withdrawn before submission was never submitted either.

STAFF_PAGE_SIZE = 50
MAX_SEARCH = 200
# The orders the list offers: key -> (columns, ascending); the id breaks ties.
SORTS: dict[str, tuple[tuple[Any, ...], bool]] = {
    "submitted": ((Application.submitted_at,), True),
    "-submitted": ((Application.submitted_at,), False),
    "reference": ((Application.reference,), True),
    "-reference": ((Application.reference,), False),
    "organisation": ((Application.organisation.name,), True),
    "-organisation": ((Application.organisation.name,), False),
    "amount": ((Application.requested_cents,), True),
    "-amount": ((Application.requested_cents,), False),
}


@dataclass(frozen=True)
class StaffFilter:
    """What the staff asked the list for; every part already checked (see parse_staff_filter)."""

    status: str = ""
    organisation: int | None = None
    school: int | None = None
    municipality: str = ""
    q: str = ""
    sort: str = "submitted"

    def params(self) -> dict[str, str]:
        """The filter as query parameters (the defaults left out), for links that keep it."""
        values = {
            "status": self.status,
            "organisation": str(self.organisation or ""),
            "school": str(self.school or ""),
            "municipality": self.municipality,
            "q": self.q,
            "sort": "" if self.sort == "submitted" else self.sort,
        }
        return {key: value for key, value in values.items() if value}


def parse_staff_filter(
    status: str | None = None,
    organisation: str | None = None,
    school: str | None = None,
    municipality: str | None = None,
    q: str | None = None,
    sort: str | None = None,
) -> StaffFilter:
    """The filter from the query string: an unknown status, sort or id means "any" (a stale or
    hand-made link shows the whole list rather than an error); the search is cut to MAX_SEARCH."""
    listed = {s.value for s in ApplicationStatus} - {ApplicationStatus.draft.value}
    code = (municipality or "").strip()
    return StaffFilter(
        status=status if status in listed else "",
        organisation=text_id(organisation),
        school=text_id(school),
        municipality=code if len(code) <= 10 else "",
        q=" ".join((q or "").split())[:MAX_SEARCH],
        sort=sort if sort in SORTS else "submitted",
    )


def _submitted_to(call_id: int) -> Any:
    return (
        (Application.call == call_id)
        & (Application.status != ApplicationStatus.draft)
        & Application.submitted_at.is_not_null()
    )


def _contains(column: Any, text: str) -> Any:
    # ILIKE on PostgreSQL; SQLite's LIKE ignores (ASCII) case already and has no ILIKE.
    like = column.like if isinstance(engine(), SQLiteEngine) else column.ilike
    return like(f"%{text}%")


async def _staff_where(call_id: int, selected: StaffFilter) -> Any:
    where = _submitted_to(call_id)
    if selected.status:
        where &= Application.status == selected.status
    if selected.organisation:
        where &= Application.organisation == selected.organisation
    if selected.municipality:
        where &= Application.organisation.municipality.code == selected.municipality
    if selected.school:
        planned = await PlannedEvent.select(PlannedEvent.application).where(
            (PlannedEvent.school == selected.school) & (PlannedEvent.application.call == call_id)
        )
        where &= Application.id.is_in(sorted({r["application"] for r in planned}) or [0])
    if selected.q:
        where &= (
            _contains(Application.reference, selected.q)
            | _contains(Application.title, selected.q)
            | _contains(Application.organisation.name, selected.q)
        )
    return where


def _staff_query(where: Any, sort: str) -> Any:
    columns, ascending = SORTS[sort]
    return (
        Application.select(
            Application.id,
            Application.reference,
            Application.title,
            Application.status,
            Application.requested_cents,
            Application.submitted_at,
            Application.organisation,
            Application.organisation.name.as_alias("organisation_name"),
            Application.organisation.registration_number.as_alias("registration_number"),
            Application.organisation.municipality.name.as_alias("municipality_name"),
        )
        .where(where)
        .order_by(*columns, ascending=ascending)
        .order_by(Application.id, ascending=ascending)
    )


async def open_clarifications(application_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Of these applications, each one's unanswered clarification request (the latest), with
    `overdue` when its due time has passed."""
    if not application_ids:
        return {}
    rows = (
        await Clarification.select(
            Clarification.id, Clarification.application, Clarification.due_at, Clarification.question
        )
        .where(Clarification.application.is_in(application_ids) & Clarification.answered_at.is_null())
        .order_by(Clarification.id)
    )
    moment = now()
    return {r["application"]: r | {"overdue": from_db(r["due_at"]) < moment} for r in rows}


async def _with_clarifications(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    waiting = await open_clarifications([r["id"] for r in rows])
    return [r | {"clarification": waiting.get(r["id"])} for r in rows]


async def staff_page(call_id: int, selected: StaffFilter, page: int) -> dict[str, Any]:
    """One page of the call's submitted applications that match the filter, with the total, the
    number of pages, and how many drafts are being written (not listed)."""
    where = await _staff_where(call_id, selected)
    total = await Application.count().where(where)
    pages = max(1, -(-total // STAFF_PAGE_SIZE))
    page = min(max(page, 1), pages)
    rows = (
        await _staff_query(where, selected.sort).limit(STAFF_PAGE_SIZE).offset((page - 1) * STAFF_PAGE_SIZE)
    )
    drafts = await Application.count().where(
        (Application.call == call_id) & (Application.status == ApplicationStatus.draft)
    )
    return {
        "applications": await _with_clarifications(rows),
        "total": total,
        "page": page,
        "pages": pages,
        "drafts": drafts,
    }


async def staff_rows(call_id: int, selected: StaffFilter) -> list[dict[str, Any]]:
    """Every submitted application of the call that matches the filter, in its order (the CSV)."""
    rows = await _staff_query(await _staff_where(call_id, selected), selected.sort)
    return await _with_clarifications(rows)


async def staff_choices(call_id: int) -> dict[str, list[dict[str, Any]]]:
    """What the filters offer: the organisations that submitted to the call, their municipalities,
    and the schools their applications plan events in, each by name."""
    submitted = _submitted_to(call_id)
    organisations = await Application.select(
        Application.organisation.as_alias("id"),
        Application.organisation.name.as_alias("name"),
        Application.organisation.municipality.code.as_alias("code"),
        Application.organisation.municipality.name.as_alias("municipality"),
    ).where(submitted)
    schools = await PlannedEvent.select(
        PlannedEvent.school.as_alias("id"), PlannedEvent.school.name.as_alias("name")
    ).where(
        (PlannedEvent.application.call == call_id)
        & (PlannedEvent.application.status != ApplicationStatus.draft)
        & PlannedEvent.application.submitted_at.is_not_null()
    )

    def by_name(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        unique = {r[key]: r for r in rows}
        return sorted(unique.values(), key=lambda r: (r["name"].casefold(), str(r[key])))

    places = [{"code": r["code"], "name": r["municipality"]} for r in organisations]
    return {
        "organisations": by_name(organisations, "id"),
        "schools": by_name(schools, "id"),
        "municipalities": by_name(places, "code"),
    }


# The municipal scope's resolvers (core.auth.MunicipalScope): whose call a record belongs to.
municipality_of_application = municipality_resolver(Application, Application.call.municipality)
municipality_of_attachment = municipality_resolver(Attachment, Attachment.application.call.municipality)
