"""Starting a draft and saving its parts: the project, the planned events, the budget lines."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from grants.applications import rules
from grants.applications.queries import (
    applications_taken,
    call_for,
    event_dates,
    find_application,
    school_ids,
)
from grants.applications.states import EDITABLE, actions
from grants.applications.tables import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    PlannedEvent,
    ReferenceCounter,
)
from grants.calls.states import apply_refusal
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.storage import get_storage
from grants.core.time import now, to_riga

FIELDS = ("title", "summary", "objectives", "target_group", "partners")


async def _next_reference(short_name: str, opens_at: datetime) -> str:
    """BAU-2026-001: municipality, year of the call, a number no other application of that pair has.

    One statement both creates and bumps the counter, so concurrent writers queue on its row.
    """
    prefix = f"{short_name}-{to_riga(opens_at).year}"
    rows = await ReferenceCounter.raw(
        "INSERT INTO reference_counter (prefix, last) VALUES ({}, 1) "
        "ON CONFLICT (prefix) DO UPDATE SET last = reference_counter.last + 1 RETURNING last",
        prefix,
    )
    return f"{prefix}-{rows[0]['last']:03d}"


async def create_draft(call_id: int, principal: Principal, title: str) -> dict[str, Any]:
    if principal.organisation_id is None or not principal.has(Role.applicant):
        raise Conflict(_("Only a member of a registered organisation can apply."))
    title = title.strip()
    if not title or len(title) > rules.TEXT_LIMITS["title"]:
        raise ValidationFailed({"title": _("Give the project a title (up to 300 characters).")})
    async with write_transaction():
        call = await call_for(call_id, lock=True)  # one writer at a time counts the limit below
        if refusal := apply_refusal(call, await applications_taken(call_id, principal.organisation_id)):
            raise Conflict(refusal)
        reference = await _next_reference(call["short_name"], call["opens_at"])
        created = await Application.insert(
            Application(
                call=call_id,
                organisation=principal.organisation_id,
                reference=reference,
                title=title,
                created_by=principal.user_id,
            )
        ).returning(Application.id)
        await audit.record(
            "create", "application", created[0]["id"], actor=principal, after={"reference": reference}
        )
    return {"id": created[0]["id"], "reference": reference, "status": ApplicationStatus.draft.value}


async def update_application(
    application_id: int, principal: Principal, data: dict[str, Any]
) -> dict[str, str]:
    """Save any of the fields; the lists, when given, replace the old ones. Every mistake in the input
    is refused at once (the project period's against the call's months too); what only stops the
    submission (an event outside the period, a budget over the cap) is saved, and returned: the
    application's problems after the save, as rules.problems names them."""
    errors: dict[str, str] = {}
    values: dict[Any, Any] = {}
    for field in FIELDS:
        if field in data:
            text = str(data[field] or "").strip()
            if len(text) > rules.TEXT_LIMITS[field]:
                errors[field] = _("At most {n} characters.").format(n=rules.TEXT_LIMITS[field])
            elif field == "title" and not text:
                errors[field] = _("Give the project a title (up to 300 characters).")
            values[getattr(Application, field)] = text
    for field in ("start_date", "end_date"):
        if field in data:
            try:
                values[getattr(Application, field)] = rules.parse_date(data[field])
            except ValueError:
                errors[field] = _("Enter a date as YYYY-MM-DD.")
    lines = rules.parse_lines(data["budget_lines"], errors) if "budget_lines" in data else None
    events = rules.parse_events(data["planned_events"], errors) if "planned_events" in data else None
    schools = await school_ids({e.school for e in events or []})
    for index, event in enumerate(events or []):
        if event.school not in schools:
            errors[f"planned_events.{index}.school"] = _("Choose a school from the register.")
    async with write_transaction():
        row = await find_application(application_id, principal, lock=True)
        call = await call_for(row["call"])
        start = values.get(Application.start_date, row["start_date"])
        end = values.get(Application.end_date, row["end_date"])
        if (Application.start_date in values or Application.end_date in values) and start and end:
            if "end_date" not in errors and (problem := rules.date_problem(start, end, call)):
                errors["end_date"] = problem
        if errors:
            raise ValidationFailed(errors)
        if row["status"] not in EDITABLE or not principal.has(Role.applicant):
            raise Conflict(_("The application can be changed only as a draft or while clarifying it."))
        if not (edit := actions(row["status"], call)["edit"]).allowed:
            raise Conflict(edit.reason)  # a draft past its deadline: checked at the moment of the write
        if lines is not None:
            await BudgetLine.delete().where(BudgetLine.application == application_id)
            if lines:
                await BudgetLine.insert(
                    *[
                        BudgetLine(
                            application=application_id,
                            position=i,
                            category=line.category,
                            description=line.description,
                            quantity=line.quantity,
                            unit_cost_cents=line.unit_cost_cents,
                            amount_cents=line.amount_cents,
                        )
                        for i, line in enumerate(lines)
                    ]
                )
            values[Application.requested_cents] = sum(line.amount_cents for line in lines)
        if events is not None:
            await PlannedEvent.delete().where(PlannedEvent.application == application_id)
            if events:
                await PlannedEvent.insert(
                    *[
                        PlannedEvent(
                            application=application_id,
                            position=i,
                            school=schools[e.school],
                            kind=e.kind,
                            title=e.title,
                            planned_date=e.planned_date,
                            expected_participants=e.expected_participants,
                        )
                        for i, e in enumerate(events)
                    ]
                )
        values[Application.updated_at] = now()
        await Application.update(values).where(Application.id == application_id)
        saved = row | {column._meta.name: value for column, value in values.items()}
        if lines is None:
            line_count = await BudgetLine.count().where(BudgetLine.application == application_id)
        else:
            line_count = len(lines)
        if events is None:
            planned = await event_dates(application_id)
        else:
            planned = [{"title": e.title, "planned_date": e.planned_date} for e in events]
    return rules.problems(saved, call, line_count, planned)


async def discard_drafts_of(organisation_ids: list[int]) -> Callable[[], Awaitable[None]] | None:
    """Before organisations of unconfirmed accounts go (accounts' remove_unconfirmed): their
    applications that were never submitted, with their files' rows; inside that transaction. Their
    stored files are deleted after the commit (the function returned). A submitted application is
    left alone: its organisation's delete is then refused (RESTRICT), and nothing goes."""
    drafts = await Application.select(Application.id).where(
        Application.organisation.is_in(organisation_ids)
        & Application.status.is_in([ApplicationStatus.draft, ApplicationStatus.withdrawn])
        & Application.submitted_at.is_null()
    )
    ids = [row["id"] for row in drafts]
    if not ids:
        return None
    files = await Attachment.select(Attachment.storage_key).where(Attachment.application.is_in(ids))
    await Attachment.delete().where(Attachment.application.is_in(ids))
    await Application.delete().where(Application.id.is_in(ids))  # budget lines and events cascade
    for application_id in ids:
        await audit.record("discard_unconfirmed_draft", "application", application_id)
    keys = [row["storage_key"] for row in files]

    async def delete_files() -> None:
        for key in keys:
            await get_storage().delete(key)

    return delete_files if keys else None
