"""Applications: the only writer of their rows, and the owner of their transitions.

draft → submitted → (clarification ⇄ submitted) → …; withdrawn from draft or
submitted before the deadline. Deadlines are checked against the clock inside
the write transaction, so a request that started before closes_at but writes
after it is refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grants.applications import notify, rules
from grants.applications.tables import (
    Application,
    ApplicationStatus,
    Attachment,
    BudgetLine,
    Clarification,
    PlannedEvent,
    ReferenceCounter,
)
from grants.calls.service import phase
from grants.calls.tables import Call, CallStatus
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.time import now, to_riga
from grants.registry.tables import School

EDITABLE = (ApplicationStatus.draft, ApplicationStatus.clarification)
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


async def _call_for(call_id: int, lock: bool = False) -> dict[str, Any]:
    query = Call.select(Call.all_columns(), Call.municipality.short_name.as_alias("short_name")).where(
        Call.id == call_id
    )
    call = await (for_update(query) if lock else query).first()
    if call is None or call["status"] == CallStatus.draft:
        raise NotFound
    return call


async def create_draft(call_id: int, principal: Principal, title: str) -> dict[str, Any]:
    if principal.organisation_id is None or not principal.has(Role.applicant):
        raise Conflict(_("Only a member of a registered organisation can apply."))
    title = title.strip()
    if not title or len(title) > rules.TEXT_LIMITS["title"]:
        raise ValidationFailed({"title": _("Give the project a title (up to 300 characters).")})
    async with write_transaction():
        call = await _call_for(call_id, lock=True)  # one writer at a time counts the limit below
        if phase(call) != "open":
            raise Conflict(_("This call is not open for applications."))
        taken = await Application.count().where(
            (Application.call == call_id)
            & (Application.organisation == principal.organisation_id)
            & (Application.status != ApplicationStatus.withdrawn)
        )
        if taken >= call["applications_per_organisation"]:
            raise Conflict(
                _("Your organisation may submit at most {n} application(s) to this call.").format(
                    n=call["applications_per_organisation"]
                )
            )
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


async def _application(application_id: int, principal: Principal, lock: bool = False) -> dict[str, Any]:
    query = Application.select().where((Application.id == application_id) & _visibility(principal))
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise NotFound
    return row


async def get_application(application_id: int, principal: Principal) -> dict[str, Any]:
    """The application with its lines, events, files and questions, if the caller may see it."""
    row = await _application(application_id, principal)
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
    row["call_row"] = await _call_for(row["call"])
    row["problems"] = rules.problems(
        row, row["call_row"], len(row["budget_lines"]), len(row["planned_events"])
    )
    return row


async def _school_ids(numbers: set[str]) -> dict[str, int]:
    if not numbers:
        return {}
    rows = await School.select(School.id, School.registration_number).where(
        School.registration_number.is_in(sorted(numbers))
    )
    return {r["registration_number"]: r["id"] for r in rows}


async def update_application(application_id: int, principal: Principal, data: dict[str, Any]) -> None:
    """Save any of the fields; the lists, when given, replace the old ones. Completeness waits for submit."""
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
    schools = await _school_ids({e.school for e in events or []})
    for index, event in enumerate(events or []):
        if event.school not in schools:
            errors[f"planned_events.{index}.school"] = _("Choose a school from the register.")
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        row = await _application(application_id, principal, lock=True)
        if row["status"] not in EDITABLE or not principal.has(Role.applicant):
            raise Conflict(_("The application can be changed only as a draft or while clarifying it."))
        start = values.get(Application.start_date, row["start_date"])
        end = values.get(Application.end_date, row["end_date"])
        if (Application.start_date in values or Application.end_date in values) and start and end:
            if problem := rules.date_problem(start, end, await _call_for(row["call"])):
                raise ValidationFailed({"end_date": problem})
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


async def submit(application_id: int, principal: Principal) -> dict[str, Any]:
    async with write_transaction():
        row = await _application(application_id, principal, lock=True)
        if row["status"] != ApplicationStatus.draft or not principal.has(Role.applicant):
            raise Conflict(_("Only a draft can be submitted."))
        call = await _call_for(row["call"])
        moment = now()
        if phase(call, moment) != "open":
            raise Conflict(_("The call is closed: nothing can be submitted after its deadline."))
        lines = await BudgetLine.count().where(BudgetLine.application == application_id)
        events = await PlannedEvent.count().where(PlannedEvent.application == application_id)
        found = rules.problems(row, call, lines, events)
        if found:
            raise ValidationFailed(found, _("The application is not complete yet."))
        done = (
            await Application.update(
                {Application.status: ApplicationStatus.submitted, Application.submitted_at: moment}
            )
            .where((Application.id == application_id) & (Application.status == ApplicationStatus.draft))
            .returning(Application.id)
        )
        if not done:
            raise Conflict(_("Only a draft can be submitted."))
        await audit.record(
            "submit",
            "application",
            application_id,
            actor=principal,
            before={"status": "draft"},
            after={"status": "submitted", "reference": row["reference"]},
        )
        await notify.receipt(row, call)
    return {"status": ApplicationStatus.submitted.value, "submitted_at": moment}


async def withdraw(application_id: int, principal: Principal) -> dict[str, Any]:
    async with write_transaction():
        row = await _application(application_id, principal, lock=True)
        allowed = (ApplicationStatus.draft, ApplicationStatus.submitted)
        if row["status"] not in allowed or not principal.has(Role.applicant):
            raise Conflict(_("Only a draft or a submitted application can be withdrawn."))
        call = await _call_for(row["call"])
        if now() >= call["closes_at"]:
            raise Conflict(_("The deadline has passed: the application can no longer be withdrawn."))
        await Application.update({Application.status: ApplicationStatus.withdrawn}).where(
            (Application.id == application_id) & Application.status.is_in(list(allowed))
        )
        await audit.record(
            "withdraw",
            "application",
            application_id,
            actor=principal,
            before={"status": row["status"]},
            after={"status": "withdrawn"},
        )
    return {"status": ApplicationStatus.withdrawn.value}


async def ask_clarification(
    application_id: int, principal: Principal, question: str, due_at: datetime
) -> dict[str, Any]:
    question = question.strip()
    errors = {}
    if not question:
        errors["question"] = _("Write the question.")
    if due_at <= now():
        errors["due_at"] = _("The due date must be in the future.")
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        row = await _application(application_id, principal, lock=True)
        if row["status"] != ApplicationStatus.submitted:
            raise Conflict(_("Only a submitted application can be returned for clarification."))
        created = await Clarification.insert(
            Clarification(
                application=application_id, question=question, due_at=due_at, asked_by=principal.user_id
            )
        ).returning(Clarification.id)
        await Application.update({Application.status: ApplicationStatus.clarification}).where(
            Application.id == application_id
        )
        await audit.record(
            "clarification_requested",
            "application",
            application_id,
            actor=principal,
            before={"status": "submitted"},
            after={"status": "clarification", "question": question},
        )
        await notify.clarification(row, created[0]["id"], question, due_at)
    return {"id": created[0]["id"], "status": ApplicationStatus.clarification.value}


async def answer_clarification(
    application_id: int, clarification_id: int, principal: Principal, answer: str
) -> dict[str, Any]:
    answer = answer.strip()
    if not answer:
        raise ValidationFailed({"answer": _("Write the answer.")})
    async with write_transaction():
        row = await _application(application_id, principal, lock=True)
        if row["status"] != ApplicationStatus.clarification or not principal.has(Role.applicant):
            raise Conflict(_("There is no open question on this application."))
        question = (
            await Clarification.select(Clarification.id, Clarification.answered_at)
            .where((Clarification.id == clarification_id) & (Clarification.application == application_id))
            .first()
        )
        if question is None:
            raise NotFound
        if question["answered_at"] is not None:
            raise Conflict(_("This question has been answered already."))
        lines = await BudgetLine.count().where(BudgetLine.application == application_id)
        events = await PlannedEvent.count().where(PlannedEvent.application == application_id)
        found = rules.problems(row, await _call_for(row["call"]), lines, events)
        if found:
            raise ValidationFailed(found, _("The application is not complete yet."))
        await Clarification.update({Clarification.answer: answer, Clarification.answered_at: now()}).where(
            Clarification.id == clarification_id
        )
        await Application.update({Application.status: ApplicationStatus.submitted}).where(
            Application.id == application_id
        )
        await audit.record(
            "clarification_answered",
            "application",
            application_id,
            actor=principal,
            before={"status": "clarification"},
            after={"status": "submitted"},
        )
    return {"status": ApplicationStatus.submitted.value}


async def set_status(
    application_id: int,
    allowed_from: tuple[ApplicationStatus, ...],
    target: ApplicationStatus,
    actor: Principal | None,
    **details: Any,
) -> bool:
    """Move an application on, for the later stages (eligibility, review, decision); audit-logged.

    The conditional update makes a concurrent second move a no-op: returns whether this one moved it.
    """
    row = await Application.select(Application.status).where(Application.id == application_id).first()
    if row is None:
        raise NotFound
    moved = (
        await Application.update({Application.status: target})
        .where((Application.id == application_id) & Application.status.is_in([s.value for s in allowed_from]))
        .returning(Application.id)
    )
    if moved:
        await audit.record(
            target.value,
            "application",
            application_id,
            actor=actor,
            before={"status": row["status"]},
            after={"status": target.value},
            **details,
        )
    return bool(moved)
