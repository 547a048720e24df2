"""E-mails about applications: the receipt, the draft reminder, and a clarification's three mails
(the question to the members, a reminder before its due date, the answer to the staff).

Each is queued in the transaction of the change it reports, with a dedupe key,
so a retried request or a second `grants remind` never sends it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from grants.accounts.queries import Recipient, member_recipients, staff_readers, user_recipients
from grants.applications.tables import Application, ApplicationStatus, Clarification, PlannedEvent
from grants.calls.tables import Call, CallStatus
from grants.core import mail
from grants.core.db import write_transaction
from grants.core.money import display_cents
from grants.core.time import format_riga, now

RECEIPT_SUBJECT = mail.N_("Application %(reference)s received")
CLARIFICATION_SUBJECT = mail.N_("Please clarify application %(reference)s")
REMINDER_SUBJECT = mail.N_("Your draft %(reference)s is not submitted yet")
CLARIFICATION_REMINDER_SUBJECT = mail.N_("Reminder: please answer the question about %(reference)s")
ANSWERED_SUBJECT = mail.N_("%(reference)s: the applicant answered the question")
REMIND_DAYS_BEFORE = 3
# A member is reminded of an unanswered question once, when its due date is this many days away (or
# less: a question asked with a shorter time gets its reminder on the next daily run).
CLARIFICATION_REMIND_DAYS_BEFORE = 2

Context = dict[str, Any] | Callable[[str], dict[str, Any]]  # fixed, or made for a reader's language


async def _send_to_members(
    organisation_id: int,
    subject: str,
    template: str,
    context: Context,
    key: str,
) -> int:
    """Each active member, in the language they chose."""
    return await _send_to(await member_recipients(organisation_id), subject, template, context, key)


async def _send_to(
    recipients: list[Recipient], subject: str, template: str, context: Context, key: str
) -> int:
    """One mail to each recipient in their language (a context made per language names times in
    it); once per address and key."""
    sent = 0
    for recipient in recipients:
        address = recipient.email
        values = context(recipient.language) if callable(context) else context
        if await mail.enqueue(
            address, subject, template, values, language=recipient.language, dedupe_key=f"{key}:{address}"
        ):
            sent += 1
    return sent


async def receipt(application: dict[str, Any], call: dict[str, Any]) -> None:
    schools = await PlannedEvent.select(PlannedEvent.school.name.as_alias("name")).where(
        PlannedEvent.application == application["id"]
    )
    moment = now()

    def context(language: str) -> dict[str, Any]:  # the amount and the time in the reader's words
        return {
            "reference": application["reference"],
            "title": application["title"],
            "call_title": call["title"],
            "requested": display_cents(application["requested_cents"], language),
            "submitted_at": format_riga(moment, language),
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
    application: dict[str, Any], clarification_id: int, question: str, due_at: datetime
) -> None:
    def context(language: str) -> dict[str, Any]:
        return {
            "reference": application["reference"],
            "title": application["title"],
            "question": question,
            "due_at": format_riga(due_at, language),
            "application_id": application["id"],
        }

    await _send_to_members(
        application["organisation"],
        CLARIFICATION_SUBJECT,
        "applications/mail/clarification_request",
        context,
        f"clarification:{clarification_id}",
    )


async def _staff_readers(asked_by: int | None, call_id: int) -> list[Recipient]:
    """Who hears of an answer: the staff member who asked, while they are active staff of the call's
    municipality; otherwise (gone, deactivated, no longer staff) the staff who run the call's
    municipality (national staff when it has none: accounts.queries.staff_covering), so the
    answer is not missed."""
    call = await Call.select(Call.municipality).where(Call.id == call_id).first()
    ids = await staff_readers(asked_by, call["municipality"] if call else None)
    readers = await user_recipients(ids)
    return [readers[user_id] for user_id in ids if user_id in readers]


async def clarification_answered(
    application: dict[str, Any], clarification_id: int, asked_by: int | None, answer: str
) -> int:
    """Tell the staff that the applicant answered (the application is submitted again)."""
    context = {
        "reference": application["reference"],
        "title": application["title"],
        "answer": answer,
        "application_id": application["id"],
    }
    return await _send_to(
        await _staff_readers(asked_by, application["call"]),
        ANSWERED_SUBJECT,
        "applications/mail/clarification_answered",
        context,
        f"clarification-answered:{clarification_id}",
    )


async def remind_clarifications(days: int = CLARIFICATION_REMIND_DAYS_BEFORE) -> int:
    """Remind the members of every unanswered question due within `days` (and not yet past), once
    per question and address; returns how many mails were new."""
    moment = now()
    questions = await Clarification.select(
        Clarification.id,
        Clarification.question,
        Clarification.due_at,
        Clarification.application.as_alias("application_id"),
        Clarification.application.reference.as_alias("reference"),
        Clarification.application.title.as_alias("title"),
        Clarification.application.organisation.as_alias("organisation"),
    ).where(
        Clarification.answered_at.is_null()
        & (Clarification.application.status == ApplicationStatus.clarification)
        & (Clarification.due_at > moment)
        & (Clarification.due_at <= moment + timedelta(days=days))
    )
    queued = 0
    for row in questions:

        def context(language: str, row: dict[str, Any] = row) -> dict[str, Any]:
            return {
                "reference": row["reference"],
                "title": row["title"],
                "question": row["question"],
                "due_at": format_riga(row["due_at"], language),
                "application_id": row["application_id"],
            }

        async with write_transaction():
            queued += await _send_to_members(
                row["organisation"],
                CLARIFICATION_REMINDER_SUBJECT,
                "applications/mail/clarification_reminder",
                context,
                f"clarification-reminder:{row['id']}",
            )
    return queued


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

        def context(language: str, draft: dict[str, Any] = draft) -> dict[str, Any]:  # the reader's words
            return {
                "reference": draft["reference"],
                "title": draft["title"],
                "call_title": draft["call_title"],
                "closes_at": format_riga(draft["closes_at"], language),
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
