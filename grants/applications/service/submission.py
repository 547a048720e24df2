"""Submission and withdrawal by the applicant.

Deadlines are checked against the clock inside the write transaction, so a request that
started before closes_at but writes after it is refused.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.queries import email_confirmed
from grants.applications import notify, rules
from grants.applications.queries import call_for, event_dates, find_application
from grants.applications.states import WITHDRAWABLE
from grants.applications.tables import Application, ApplicationStatus, BudgetLine
from grants.calls.states import phase
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, ValidationFailed
from grants.core.i18n import _
from grants.core.time import now


async def submit(application_id: int, principal: Principal) -> dict[str, Any]:
    async with write_transaction():
        row = await find_application(application_id, principal, lock=True)
        if row["status"] != ApplicationStatus.draft or not principal.has(Role.applicant):
            raise Conflict(_("Only a draft can be submitted."))
        if not await email_confirmed(principal.user_id):
            raise Conflict(
                _(
                    "Confirm your e-mail address before you submit: open the link in the message we "
                    "sent you, or ask for a new one on your account page."
                )
            )
        call = await call_for(row["call"])
        moment = now()
        if phase(call, moment) != "open":
            raise Conflict(_("The call is closed: nothing can be submitted after its deadline."))
        lines = await BudgetLine.count().where(BudgetLine.application == application_id)
        events = await event_dates(application_id)
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
        row = await find_application(application_id, principal, lock=True)
        if row["status"] not in WITHDRAWABLE or not principal.has(Role.applicant):
            raise Conflict(_("Only a draft or a submitted application can be withdrawn."))
        call = await call_for(row["call"])
        if now() >= call["closes_at"]:
            raise Conflict(_("The deadline has passed: the application can no longer be withdrawn."))
        await Application.update({Application.status: ApplicationStatus.withdrawn}).where(
            (Application.id == application_id) & Application.status.is_in(list(WITHDRAWABLE))
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
