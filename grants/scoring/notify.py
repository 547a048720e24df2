"""The review's e-mails: to the applicant when the application is not eligible, to reviewers when
they are given applications and before their review deadline. Enqueued in the caller's transaction
(the daily reminders each in their own), each reminder with a dedupe key, so a second run of the
day's job or a second click sends nothing new.

The reminder before the review deadline goes REVIEW_REMIND_DAYS_BEFORE days ahead (a constant, as the
draft reminder's REMIND_DAYS_BEFORE in grants.applications.notify): every day from then until the
deadline, once a day per reviewer and call, while something is left to declare or to score."""

from __future__ import annotations

from typing import Any

from grants.accounts.queries import member_recipients, user_recipients
from grants.applications.tables import Application
from grants.core import mail
from grants.core.db import write_transaction
from grants.core.time import format_riga, now, riga_today
from grants.scoring.queries.deadlines import Pending, pending_before_deadline

INELIGIBLE_SUBJECT = mail.N_("Application %(reference)s is not eligible")
ASSIGNED_SUBJECT = mail.N_("New applications to review")
DEADLINE_SUBJECT = mail.N_("Reviews due by %(deadline)s: %(call)s")
REMINDER_SUBJECT = mail.N_("A reminder of your reviews: %(call)s")
REVIEW_REMIND_DAYS_BEFORE = 3


async def tell_ineligible(app: dict[str, Any], failed: list[str], note: str) -> None:
    """Every member of the applying organisation: which criteria (code and title) it failed, and why."""
    for recipient in await member_recipients(app["organisation"]):
        await mail.enqueue(
            recipient.email,
            INELIGIBLE_SUBJECT,
            "scoring/mail/ineligible",
            {"reference": app["reference"], "title": app["title"], "note": note, "failed": failed},
            language=recipient.language,
            dedupe_key=f"ineligible:{app['id']}:{now().date()}:{recipient.email}",
        )


async def tell_reviewers(pairs: list[tuple[int, int]]) -> None:
    """One mail per reviewer listing the applications of these (application, reviewer) pairs."""
    by_reviewer: dict[int, list[int]] = {}
    for application_id, reviewer_id in pairs:
        by_reviewer.setdefault(reviewer_id, []).append(application_id)
    if not by_reviewer:
        return
    recipients = await user_recipients(list(by_reviewer))
    refs = {
        r["id"]: (r["reference"], r["title"])
        for r in await Application.select(Application.id, Application.reference, Application.title).where(
            Application.id.is_in([a for a, _ in pairs])
        )
    }
    for reviewer_id, application_ids in by_reviewer.items():
        if recipient := recipients.get(reviewer_id):
            await mail.enqueue(
                recipient.email,
                ASSIGNED_SUBJECT,
                "scoring/mail/reviews_assigned",
                {"applications": [refs[a] for a in application_ids]},
                language=recipient.language,
            )


async def remind_reviewer(pending: Pending, key: str, *, deadline_mail: bool) -> bool:
    """One mail to the reviewer (in their language) of what is left in the call, with the link to
    their reviews; False when this key was sent already (or the reviewer has no address)."""
    recipient = (await user_recipients([pending.reviewer])).get(pending.reviewer)
    if recipient is None:
        return False
    context = {
        "call": pending.call_title,
        "deadline": format_riga(pending.deadline, recipient.language) if pending.deadline else "",
        "declare": pending.declare,
        "score": pending.score,
    }
    queued = await mail.enqueue(
        recipient.email,
        DEADLINE_SUBJECT if deadline_mail else REMINDER_SUBJECT,
        "scoring/mail/review_reminder",
        context,
        language=recipient.language,
        dedupe_key=f"{key}:{recipient.email}",
    )
    return queued is not None


async def remind_review_deadlines(days: int = REVIEW_REMIND_DAYS_BEFORE) -> int:
    """The daily job: each reviewer with open assignments in a call whose review deadline is within
    `days`, once per reviewer, call and (Riga) day; returns how many mails were newly queued."""
    today = riga_today().isoformat()
    queued = 0
    for pending in await pending_before_deadline(days):
        async with write_transaction():
            key = f"review-deadline:{pending.call_id}:{pending.reviewer}:{today}"
            queued += await remind_reviewer(pending, key, deadline_mail=True)
    return queued
