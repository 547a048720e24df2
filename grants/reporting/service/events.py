"""Event reports: what a grantee did in schools with an award.

An event report follows `planned → held | cancelled` (DESIGN.md). A held or
cancelled report waits for the staff (review `pending`, see service/review.py);
the grantee's next edit of a returned one makes it wait again. Reports are
written only while the award runs (agreement signed or in progress); the first
held event moves the award to in_progress through awards.service.lifecycle, which owns
the award's row. Counts only: no pupil is named.

The rules (reporting.rules.clean_event) get the facts of the school looked up here; the
cap on reports per award (rules.MAX_EVENTS_PER_AWARD) is counted under the award's lock,
so two reports sent at the same moment cannot both pass it.
"""

from __future__ import annotations

from typing import Any

from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.awards.service.lock import locked_award
from grants.awards.states import RUNNING
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.time import now
from grants.reporting.queries.events import (
    event_row,
    get_event,
    planned_event,
    registration_number,
    school_facts,
)
from grants.reporting.rules import BAND_FIELDS, FIELDS, check_event_room, clean_event
from grants.reporting.states import EVENT_MOVES
from grants.reporting.tables import EventReport, EventStatus, ReviewStatus


def check_running(award: dict[str, Any]) -> None:
    if award["status"] not in RUNNING:
        raise Conflict(
            _("Events are reported only after the agreement is signed and before the final report.")
        )


async def _running(award_id: int) -> None:
    """Lock the award's row and check it still takes reports (the status may have moved meanwhile).
    Every writer of reports locks the award first, then the report: one order, so two writers on
    PostgreSQL queue instead of deadlocking."""
    check_running(await locked_award(award_id))


async def lock_event(event_id: int) -> dict[str, Any]:
    row = await for_update(EventReport.select().where(EventReport.id == event_id)).first()
    if row is None:
        raise NotFound
    return row


def _check_writer(principal: Principal) -> None:
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound


async def _clean(
    values: dict[str, Any], award: dict[str, Any], confirmed_count: int | None = None
) -> dict[str, Any]:
    school = await school_facts(str(values.get("school") or "").strip(), award["id"])
    return clean_event(values, award, school, confirmed_count)


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
        "participants_at_risk": row["participants_at_risk"],
        "description": row["description"],
        "cancel_reason": row["cancel_reason"],
        "school_reason": row["school_reason"],
    }


async def create_event(award_id: int, principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """Plan, report (held) or cancel an event of the award, one planned in the application or a new one."""
    _check_writer(principal)
    award = await award_queries.reportable_award(award_id, principal)
    check_running(award)  # a state conflict first: no input makes a closed award take reports
    values = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    planned = None
    if "planned_event_id" in values:
        planned = await planned_event(values["planned_event_id"], award)
        if planned is None:
            raise ValidationFailed(
                {"planned_event_id": _("This is not one of the events planned in the application.")}
            )
        values = {
            "school": planned["school"],
            "kind": planned["kind"],
            "title": planned["title"],
            "planned_on": planned["planned_date"],
        } | values
    clean = await _clean(values, award)
    async with write_transaction():
        await _running(award_id)
        check_event_room(await EventReport.count().where(EventReport.award == award_id))
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
    check_running(award)
    _check_editable(row)
    given = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    if "planned_event_id" in given and given["planned_event_id"] != row["planned_event"]:
        raise ValidationFailed(
            {"planned_event_id": _("A report stays with the planned event it was made for.")}
        )
    if isinstance(given.get("participants_by_grade"), dict):
        current = {band: row[column] for band, column in BAND_FIELDS.items()}
        given["participants_by_grade"] = current | given["participants_by_grade"]
    confirmed = row["participants"] if row["status"] == EventStatus.held else None  # confirmed when reported
    clean = await _clean(_values_of(row, await registration_number(row["school"])) | given, award, confirmed)
    async with write_transaction():
        await _running(award["id"])
        locked = await lock_event(event_id)
        _check_editable(locked)
        if clean["status"] not in EVENT_MOVES[locked["status"]]:
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
    keys = (
        "status",
        "school",
        "kind",
        "title",
        "participants",
        "participants_at_risk",
        "cancel_reason",
        "school_reason",
    )
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
        row = await lock_event(event_id)
    else:
        check_running(award)
    _check_editable(row)
    if row["status"] != EventStatus.held:
        raise Conflict(_("Photos belong to a held event: report the event first."))
    return row
