"""E-mails about applications: the receipt, a clarification request, the draft reminder.

Each is queued in the transaction of the change it reports, with a dedupe key,
so a retried request or a second `grants remind` never sends it twice.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from grants.accounts.queries import member_recipients
from grants.applications.tables import Application, ApplicationStatus, PlannedEvent
from grants.calls.tables import CallStatus
from grants.core import mail
from grants.core.db import write_transaction
from grants.core.money import format_cents
from grants.core.time import format_riga, now

RECEIPT_SUBJECT = mail.N_("Application %(reference)s received")
CLARIFICATION_SUBJECT = mail.N_("Please clarify application %(reference)s")
REMINDER_SUBJECT = mail.N_("Your draft %(reference)s is not submitted yet")
REMIND_DAYS_BEFORE = 3


async def _send_to_members(
    organisation_id: int,
    subject: str,
    template: str,
    context: dict[str, Any],
    key: str,
) -> int:
    """Each active member, in the language they chose."""
    sent = 0
    for recipient in await member_recipients(organisation_id):
        address = recipient.email
        if await mail.enqueue(
            address, subject, template, context, language=recipient.language, dedupe_key=f"{key}:{address}"
        ):
            sent += 1
    return sent


async def receipt(application: dict[str, Any], call: dict[str, Any]) -> None:
    schools = await PlannedEvent.select(PlannedEvent.school.name.as_alias("name")).where(
        PlannedEvent.application == application["id"]
    )
    context = {
        "reference": application["reference"],
        "title": application["title"],
        "call_title": call["title"],
        "requested": format_cents(application["requested_cents"]),
        "submitted_at": format_riga(now()),
        "schools": sorted({row["name"] for row in schools}),
        "application_id": application["id"],
    }
    await _send_to_members(
        application["organisation"],
        RECEIPT_SUBJECT,
        "applications/mail/submission_receipt",
        context,
        f"receipt:{application['id']}",
    )


async def clarification(
    application: dict[str, Any], clarification_id: int, question: str, due_at: Any
) -> None:
    context = {
        "reference": application["reference"],
        "title": application["title"],
        "question": question,
        "due_at": format_riga(due_at),
        "application_id": application["id"],
    }
    await _send_to_members(
        application["organisation"],
        CLARIFICATION_SUBJECT,
        "applications/mail/clarification_request",
        context,
        f"clarification:{clarification_id}",
    )


async def remind_unsubmitted_drafts(days: int = REMIND_DAYS_BEFORE) -> int:
    """Queue a reminder for every draft in a call closing within `days`; returns how many were new."""
    moment = now()
    drafts = await Application.select(
        Application.id,
        Application.reference,
        Application.title,
        Application.organisation,
        Application.call.title.as_alias("call_title"),
        Application.call.closes_at.as_alias("closes_at"),
    ).where(
        (Application.status == ApplicationStatus.draft)
        & (Application.call.status == CallStatus.published)
        & (Application.call.closes_at > moment)
        & (Application.call.closes_at <= moment + timedelta(days=days))
    )
    queued = 0
    for draft in drafts:
        context = {
            "reference": draft["reference"],
            "title": draft["title"],
            "call_title": draft["call_title"],
            "closes_at": format_riga(draft["closes_at"]),
            "application_id": draft["id"],
        }
        async with write_transaction():
            queued += await _send_to_members(
                draft["organisation"],
                REMINDER_SUBJECT,
                "applications/mail/draft_reminder",
                context,
                f"reminder:{draft['id']}",
            )
    return queued
