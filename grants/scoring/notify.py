"""The review's e-mails: to the applicant when the application is not eligible, to reviewers when
they are given applications. Enqueued in the caller's transaction."""

from __future__ import annotations

from typing import Any

from grants.accounts.queries import member_recipients, user_recipients
from grants.applications.tables import Application
from grants.core import mail
from grants.core.time import now

INELIGIBLE_SUBJECT = mail.N_("Application %(reference)s is not eligible")
ASSIGNED_SUBJECT = mail.N_("New applications to review")


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
