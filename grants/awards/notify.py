"""Decision e-mails to the applicant organisation: awarded, reserve or rejected.

Each carries the application's score and the reviewers' overall comments, never
who wrote them. Queued in the transaction of the decision, once per
application, decision and address.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.service import member_emails
from grants.applications.tables import Application
from grants.core import mail
from grants.core.i18n import DEFAULT_LANGUAGE
from grants.core.money import format_cents
from grants.scoring.ranking import Ranked
from grants.scoring.tables import Assignment, AssignmentStatus

SUBJECTS = {
    "awarded": mail.N_("Application %(reference)s is awarded a grant"),
    "reserve": mail.N_("Application %(reference)s is on the reserve list"),
    "rejected": mail.N_("Application %(reference)s is not funded"),
}


async def reviewer_comments(application_id: int) -> list[str]:
    """The overall comments of the submitted reviews, without their authors."""
    rows = (
        await Assignment.select(Assignment.comment)
        .where((Assignment.application == application_id) & (Assignment.status == AssignmentStatus.submitted))
        .order_by(Assignment.id)
    )
    return [row["comment"].strip() for row in rows if row["comment"].strip()]


async def decision(
    application_id: int,
    decision: str,
    call: dict[str, Any],
    ranked: Ranked | None,
    amount_cents: int | None = None,
) -> int:
    """Queue the decision to every member of the applying organisation; returns how many were new."""
    app = (
        await Application.select(
            Application.id, Application.reference, Application.title, Application.organisation
        )
        .where(Application.id == application_id)
        .first()
    )
    if app is None:
        return 0
    context = {
        "reference": app["reference"],
        "title": app["title"],
        "call_title": call["title"],
        "score": str(ranked.score) if ranked is not None and ranked.score is not None else "",
        "threshold": str(call["score_threshold"]),
        "comments": await reviewer_comments(application_id),
        "amount": format_cents(amount_cents) if amount_cents is not None else "",
        "application_id": application_id,
    }
    queued = 0
    for address in await member_emails(app["organisation"]):
        if await mail.enqueue(
            address,
            SUBJECTS[decision],
            f"decision_{decision}",
            context,
            language=DEFAULT_LANGUAGE,  # staff decide; the applicant reads it in the default language
            dedupe_key=f"decision:{application_id}:{decision}:{address}",
        ):
            queued += 1
    return queued
