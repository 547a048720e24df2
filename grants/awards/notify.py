"""E-mails to the grantee organisation: the decision (awarded, reserve or rejected), the recorded
agreement with the advance that falls due, a termination with its reason, and a declined award (to
the organisation, and to the staff member who awarded it when the grantee declines).

A decision carries the application's score and the reviewers' overall comments, never who wrote
them. Each mail is queued in the transaction of the change it reports, once per change and address
(a dedupe key), so a retried request never sends it twice.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from grants.accounts.queries import member_recipients, staff_readers, user_recipients
from grants.applications.tables import Application
from grants.calls.tables import Call
from grants.core import mail
from grants.core.time import format_day
from grants.scoring.queries.ranking import Ranked
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
        "amount": amount_cents,  # the template writes it in the reader's money format
        "application_id": application_id,
    }
    queued = 0
    for recipient in await member_recipients(app["organisation"]):
        if await mail.enqueue(
            recipient.email,
            SUBJECTS[decision],
            f"awards/mail/decision_{decision}",
            context,
            language=recipient.language,  # each member reads it in the language they chose
            dedupe_key=f"decision:{application_id}:{decision}:{recipient.email}",
        ):
            queued += 1
    return queued


AGREEMENT_SUBJECT = mail.N_("Agreement %(number)s for %(reference)s is recorded")
TERMINATED_SUBJECT = mail.N_("The grant for %(reference)s is terminated")


async def _to_members(
    organisation_id: int,
    subject: str,
    template: str,
    context: dict[str, Any] | Callable[[str], dict[str, Any]],
    key: str,
) -> int:
    """Each active member, in the language they chose; a context that depends on the language
    (dates) is a function of it."""
    queued = 0
    for recipient in await member_recipients(organisation_id):
        if await mail.enqueue(
            recipient.email,
            subject,
            template,
            context(recipient.language) if callable(context) else context,
            language=recipient.language,
            dedupe_key=f"{key}:{recipient.email}",
        ):
            queued += 1
    return queued


async def agreement_signed(
    award: dict[str, Any], agreement: dict[str, Any], advance: dict[str, Any] | None
) -> int:
    """The agreement is recorded: its number and date, and the advance that falls due."""

    def context(language: str) -> dict[str, Any]:  # the dates as the reader's language writes them
        return {
            "reference": award["reference"],
            "title": award["title"],
            "call_title": award["call_title"],
            "number": agreement["number"],
            "signed_on": format_day(agreement["signed_on"], language),
            "amount": award["amount_cents"],
            "advance": advance["amount_cents"] if advance else None,
            "advance_due": format_day(advance["due_on"], language) if advance else "",
        }

    return await _to_members(
        award["organisation"],
        AGREEMENT_SUBJECT,
        "awards/mail/agreement_signed",
        context,
        f"agreement:{award['id']}",
    )


async def terminated(award: dict[str, Any], reason: str) -> int:
    context = {
        "reference": award["reference"],
        "title": award["title"],
        "call_title": award["call_title"],
        "reason": reason,
    }
    return await _to_members(
        award["organisation"],
        TERMINATED_SUBJECT,
        "awards/mail/award_terminated",
        context,
        f"terminated:{award['id']}",
    )


DECLINED_SUBJECT = mail.N_("The grant for %(reference)s is declined")
DECLINED_STAFF_SUBJECT = mail.N_("%(organisation)s declined the grant for %(reference)s")


async def declined(award: dict[str, Any], reason: str, by_staff: bool) -> int:
    """The award is declined before the agreement: the organisation is told (with the reason staff
    gave); when the grantee declined, the staff member who made the award too (or, when that one is
    gone, the staff who run the call's municipality: accounts.queries.staff_readers), so the freed place can go to the reserve list."""
    context = {
        "reference": award["reference"],
        "title": award["title"],
        "call_title": award["call_title"],
        "call_id": award["call"],
        "organisation": award.get("organisation_name", ""),
        "amount": award["amount_cents"],
        "reason": reason,
        "by_staff": by_staff,
    }
    queued = await _to_members(
        award["organisation"],
        DECLINED_SUBJECT,
        "awards/mail/award_declined",
        context,
        f"declined:{award['id']}",
    )
    if by_staff:
        return queued
    call = await Call.select(Call.municipality).where(Call.id == award["call"]).first()
    chosen = await staff_readers(award.get("decided_by"), call["municipality"] if call else None)
    for recipient in (await user_recipients(chosen)).values():
        if await mail.enqueue(
            recipient.email,
            DECLINED_STAFF_SUBJECT,
            "awards/mail/award_declined_staff",
            context,
            language=recipient.language,
            dedupe_key=f"declined-staff:{award['id']}:{recipient.email}",
        ):
            queued += 1
    return queued


APPROVED_STAFF_SUBJECT = mail.N_("The award decision of %(call_title)s is approved")
APPROVED_SUBJECT = mail.N_("The grant for %(reference)s is approved; the agreement comes next")
RETURNED_SUBJECT = mail.N_("The award decision of %(call_title)s is returned")


async def _to_users(
    user_ids: list[int], subject: str, template: str, context: dict[str, Any], key: str
) -> int:
    queued = 0
    for recipient in (await user_recipients(user_ids)).values():
        if await mail.enqueue(
            recipient.email,
            subject,
            template,
            context,
            language=recipient.language,
            dedupe_key=f"{key}:{recipient.email}",
        ):
            queued += 1
    return queued


async def decision_approved(
    call: dict[str, Any], awards: list[dict[str, Any]], review: dict[str, Any], staff_ids: list[int]
) -> int:
    """National staff approved the call's award decision: the municipality's staff (`staff_ids`) get
    the list, each approved grantee's members that the agreement comes next."""
    common = {"call_title": call["title"], "call_id": call["id"], "comment": review["comment"]}
    listed = [
        {
            "reference": a["reference"],
            "organisation": a["organisation_name"],
            "amount": a["amount_cents"],
        }
        for a in awards
    ]
    queued = await _to_users(
        staff_ids,
        APPROVED_STAFF_SUBJECT,
        "awards/mail/decision_approved_staff",
        common | {"awards": listed},
        f"approval:{review['id']}",
    )
    for award in awards:
        queued += await _to_members(
            award["organisation"],
            APPROVED_SUBJECT,
            "awards/mail/decision_approved",
            common
            | {
                "reference": award["reference"],
                "title": award["title"],
                "amount": award["amount_cents"],
            },
            f"approval:{review['id']}:{award['id']}",
        )
    return queued


async def decision_returned(call: dict[str, Any], review: dict[str, Any], staff_ids: list[int]) -> int:
    """National staff returned the call's award decision: its staff get the comment."""
    context = {
        "call_title": call["title"],
        "call_id": call["id"],
        "comment": review["comment"],
        "awards": review["awards"],
    }
    return await _to_users(
        staff_ids,
        RETURNED_SUBJECT,
        "awards/mail/decision_returned_staff",
        context,
        f"returned:{review['id']}",
    )
