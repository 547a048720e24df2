"""Clarification: staff ask a question of a submitted application, the applicant answers it.

The due date is a request, not a cut-off: after it the question stays open, the applicant may still
answer, and a late answer is taken like any other (the application is submitted again). The back
office flags the question as overdue (admin.queues, the staff's clarification page) and nothing is
rejected by the clock: whether an application without its clarification is eligible is the
committee's decision on the call's rules, made by a person who can also phone the organisation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from grants.applications import notify, rules
from grants.applications.queries import call_for, event_dates, find_application
from grants.applications.tables import Application, ApplicationStatus, BudgetLine, Clarification
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.time import now


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
        row = await find_application(application_id, principal, lock=True)
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
        row = await find_application(application_id, principal, lock=True)
        if row["status"] != ApplicationStatus.clarification or not principal.has(Role.applicant):
            raise Conflict(_("There is no open question on this application."))
        question = (
            await Clarification.select(Clarification.id, Clarification.answered_at, Clarification.asked_by)
            .where((Clarification.id == clarification_id) & (Clarification.application == application_id))
            .first()
        )
        if question is None:
            raise NotFound
        if question["answered_at"] is not None:
            raise Conflict(_("This question has been answered already."))
        lines = await BudgetLine.count().where(BudgetLine.application == application_id)
        events = await event_dates(application_id)
        found = rules.problems(row, await call_for(row["call"]), lines, events)
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
        await notify.clarification_answered(row, clarification_id, question["asked_by"], answer)
    return {"status": ApplicationStatus.submitted.value}
