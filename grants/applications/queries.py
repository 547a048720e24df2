"""Reads of applications, for the portal, the API, the service's checks and the later stages.

Whoever is not staff sees only their organisation's applications; anything else is NotFound (never 403).
"""

from __future__ import annotations

from typing import Any

from grants.applications import rules
from grants.applications.tables import Application, Attachment, BudgetLine, Clarification, PlannedEvent
from grants.calls.tables import Call, CallStatus
from grants.core.auth import Principal, Role
from grants.core.db import for_update
from grants.core.errors import NotFound
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
    if principal.has(Role.staff):
        return Application.id.is_not_null()
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
            Application.status,
            Application.title,
            Application.requested_cents,
            Application.submitted_at,
        )
        .where(_visibility(principal))
        .order_by(Application.id, ascending=False)
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
    row["problems"] = rules.problems(
        row, row["call_row"], len(row["budget_lines"]), len(row["planned_events"])
    )
    return row


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
