"""Event reports: what a grantee did in schools with an award, and the staff's review of it.

An event report follows `planned → held | cancelled` (DESIGN.md). A held or
cancelled report waits for the staff (review `pending`); they accept it, which
locks it, or return it with a comment, and the grantee's next edit makes it
wait again. Reports are written only while the award runs (agreement signed or
in progress); the first held event moves the award to in_progress through
awards.lifecycle, which owns the award's row. Counts only: no pupil is named.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.applications.tables import PlannedEvent
from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.awards.states import RUNNING
from grants.awards.tables import Award
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.params import MAX_ID
from grants.core.time import now
from grants.registry.tables import School
from grants.reporting import notify
from grants.reporting.deadlines import event_report_due
from grants.reporting.rules import BAND_FIELDS, FIELDS, clean_event
from grants.reporting.tables import EventPhoto, EventReport, EventStatus, ReviewStatus

REPORTABLE = RUNNING
COMMENT_LIMIT = 2000
# Which way a report may move when it is edited: planned → held | cancelled, never back.
MOVES = {
    EventStatus.planned.value: {s.value for s in EventStatus},
    EventStatus.held.value: {EventStatus.held.value},
    EventStatus.cancelled.value: {EventStatus.cancelled.value},
}


# --- the award, the event and who may see them ------------------------------------------------


def _check_running(award: dict[str, Any]) -> None:
    if award["status"] not in REPORTABLE:
        raise Conflict(
            _("Events are reported only after the agreement is signed and before the final report.")
        )


async def _lock_award(award_id: int) -> dict[str, Any]:
    """Lock the award's row. Every writer of reports locks the award first, then the report: one
    order, so two writers on PostgreSQL queue instead of deadlocking."""
    row = await for_update(Award.select(Award.id, Award.status).where(Award.id == award_id)).first()
    if row is None:
        raise NotFound
    return row


async def _running(award_id: int) -> None:
    """Lock the award's row and check it still takes reports (the status may have moved meanwhile)."""
    _check_running(await _lock_award(award_id))


async def _lock_event(event_id: int) -> dict[str, Any]:
    row = await for_update(EventReport.select().where(EventReport.id == event_id)).first()
    if row is None:
        raise NotFound
    return row


def _check_writer(principal: Principal) -> None:
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound


async def _planned_event(planned_event_id: Any, award: dict[str, Any]) -> dict[str, Any]:
    row = None
    if (
        isinstance(planned_event_id, int)
        and not isinstance(planned_event_id, bool)
        and 0 < planned_event_id <= MAX_ID
    ):
        row = await (
            PlannedEvent.select(
                PlannedEvent.all_columns(exclude=[PlannedEvent.school]),
                PlannedEvent.school.registration_number.as_alias("school"),
            )
            .where((PlannedEvent.id == planned_event_id) & (PlannedEvent.application == award["application"]))
            .first()
        )
    if row is None:
        raise ValidationFailed(
            {"planned_event_id": _("This is not one of the events planned in the application.")}
        )
    return row


async def event_row(event_id: int, principal: Principal) -> tuple[dict[str, Any], dict[str, Any]]:
    """The report and its award, if the caller may see them (its organisation or staff); NotFound otherwise."""
    row = await EventReport.select().where(EventReport.id == event_id).first()
    if row is None:
        raise NotFound
    award = await award_queries.reportable_award(row["award"], principal)
    return row, award


def _values_of(row: dict[str, Any], school: str) -> dict[str, Any]:
    """A stored report as the fields a client sends, so an edit can be merged into it."""
    return {
        "planned_event_id": row["planned_event"],
        "school": school,
        "kind": row["kind"],
        "title": row["title"],
        "status": row["status"],
        "planned_on": row["planned_on"],
        "held_on": row["held_on"],
        "participants": row["participants"],
        "participants_by_grade": {band: row[column] for band, column in BAND_FIELDS.items()},
        "description": row["description"],
        "cancel_reason": row["cancel_reason"],
    }


# --- writing -----------------------------------------------------------------------------------


async def create_event(award_id: int, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Plan, report (held) or cancel an event of the award, one planned in the application or a new one."""
    _check_writer(principal)
    award = await award_queries.reportable_award(award_id, principal)
    _check_running(award)  # a state conflict first: no input makes a closed award take reports
    values = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    planned = None
    if "planned_event_id" in values:
        planned = await _planned_event(values["planned_event_id"], award)
        values = {
            "school": planned["school"],
            "kind": planned["kind"],
            "title": planned["title"],
            "planned_on": planned["planned_date"],
        } | values
    clean = await clean_event(values, award)
    async with write_transaction():
        await _running(award_id)
        if planned is not None and await EventReport.exists().where(
            EventReport.planned_event == planned["id"]
        ):
            raise Conflict(_("This planned event is reported already: change that report instead."))
        reported = clean["status"] != EventStatus.planned
        created = await EventReport.insert(
            EventReport(
                award=award_id,
                planned_event=planned["id"] if planned else None,
                **clean,
                review=ReviewStatus.pending,
                reported_by=principal.user_id if reported else None,
                reported_at=now() if reported else None,
            )
        ).returning(EventReport.id)
        event_id = created[0]["id"]
        await audit.record(
            "report" if reported else "plan",
            "event_report",
            event_id,
            actor=principal,
            after=_audit_view(clean) | {"award": award_id},
        )
        if clean["status"] == EventStatus.held:
            await lifecycle.mark_in_progress(award_id, principal)
    return await get_event(event_id, principal)


async def update_event(event_id: int, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Change a report not yet accepted; a returned one waits for the staff again."""
    _check_writer(principal)
    row, award = await event_row(event_id, principal)
    _check_running(award)
    _check_editable(row)
    school = await School.select(School.registration_number).where(School.id == row["school"]).first()
    given = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    if "planned_event_id" in given and given["planned_event_id"] != row["planned_event"]:
        raise ValidationFailed(
            {"planned_event_id": _("A report stays with the planned event it was made for.")}
        )
    if isinstance(given.get("participants_by_grade"), dict):
        current = {band: row[column] for band, column in BAND_FIELDS.items()}
        given["participants_by_grade"] = current | given["participants_by_grade"]
    clean = await clean_event(_values_of(row, school["registration_number"] if school else "") | given, award)
    async with write_transaction():
        await _running(award["id"])
        locked = await _lock_event(event_id)
        _check_editable(locked)
        if clean["status"] not in MOVES[locked["status"]]:
            raise Conflict(_("A held or cancelled event cannot change its status any more."), field="status")
        reported = clean["status"] != EventStatus.planned
        changes = {getattr(EventReport, key): value for key, value in clean.items()}
        changes[EventReport.review] = ReviewStatus.pending
        if reported:
            changes[EventReport.reported_by] = principal.user_id
            changes[EventReport.reported_at] = now()
        await EventReport.update(changes).where(EventReport.id == event_id)
        await audit.record(
            "report" if reported and locked["status"] == EventStatus.planned else "edit",
            "event_report",
            event_id,
            actor=principal,
            before=_audit_view(locked) | {"review": locked["review"]},
            after=_audit_view(clean) | {"review": ReviewStatus.pending.value},
        )
        if clean["status"] == EventStatus.held:
            await lifecycle.mark_in_progress(award["id"], principal)
    return await get_event(event_id, principal)


def _check_editable(row: dict[str, Any]) -> None:
    if row["review"] == ReviewStatus.accepted:
        raise Conflict(_("The report is accepted and can no longer be changed."))


def _audit_view(values: dict[str, Any]) -> dict[str, Any]:
    keys = ("status", "school", "kind", "title", "participants", "cancel_reason")
    view = {key: values.get(key) for key in keys}
    for key in ("held_on", "planned_on"):
        view[key] = values[key].isoformat() if values.get(key) else None
    return view


async def editable_event(event_id: int, principal: Principal, lock: bool = False) -> dict[str, Any]:
    """A held report the caller may still add photos to (or remove them from)."""
    _check_writer(principal)
    row, award = await event_row(event_id, principal)
    if lock:
        await _running(award["id"])
        row = await _lock_event(event_id)
    else:
        _check_running(award)
    _check_editable(row)
    if row["status"] != EventStatus.held:
        raise Conflict(_("Photos belong to a held event: report the event first."))
    return row


async def review_event(event_id: int, principal: Principal, decision: str, comment: str) -> dict[str, Any]:
    """Staff accept a reported event (locking it) or return it to the grantee with a comment."""
    if not principal.has(Role.staff):
        raise NotFound
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    if decision not in ("accept", "return"):
        errors["decision"] = _("Choose accept or return.")
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
    elif decision == "return" and not comment:
        errors["comment"] = _("Say what the grantee should correct.")
    if errors:
        raise ValidationFailed(errors)
    review = ReviewStatus.accepted if decision == "accept" else ReviewStatus.returned
    async with write_transaction():
        _row, award = await event_row(event_id, principal)
        locked_award = await _lock_award(award["id"])
        row = await _lock_event(event_id)
        if row["status"] == EventStatus.planned or row["review"] != ReviewStatus.pending:
            raise Conflict(_("Only a reported event waiting for review can be accepted or returned."))
        if review == ReviewStatus.returned and locked_award["status"] not in REPORTABLE:
            raise Conflict(_("The award no longer takes event reports, so the report cannot be returned."))
        moment = now()
        await EventReport.update(
            {
                EventReport.review: review,
                EventReport.review_comment: comment,
                EventReport.reviewed_by: principal.user_id,
                EventReport.reviewed_at: moment,
            }
        ).where(EventReport.id == event_id)
        await audit.record(
            "accept" if review == ReviewStatus.accepted else "return",
            "event_report",
            event_id,
            actor=principal,
            before={"review": row["review"]},
            after={"review": review.value},
            comment=comment,
        )
        if review == ReviewStatus.returned:
            await notify.event_returned(row, award, comment, moment)
    return await get_event(event_id, principal)


# --- reading -----------------------------------------------------------------------------------


def _event_query() -> Any:
    return EventReport.select(
        EventReport.all_columns(exclude=[EventReport.school]),
        EventReport.school.registration_number.as_alias("school"),
        EventReport.school.name.as_alias("school_name"),
        EventReport.school.municipality.code.as_alias("municipality_code"),
        EventReport.school.municipality.name.as_alias("municipality_name"),
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
        )
        .where(EventPhoto.event.is_in([r["id"] for r in rows]))
        .order_by(EventPhoto.id)
        if rows
        else []
    )
    for row in rows:
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
