"""National approval (saskaņošana) of a call's award decision, where the call requires it.

National staff (IKVD) approve the municipal committee's decision: every award of the call still
`awarded` becomes `approved` (states.TRANSITIONS["approve"]) and its agreement may be recorded; or
they return the decision with a comment, and the awards stay `awarded`. Either writes one
DecisionReview row, the audit and the mails in one write transaction that first locks the call's row
(as every award of it does, decision.py) and then the awards it approves (as every later change of an
award does, lock.py). A reserve awarded after an approval is `awarded` again and waits for the next.
"""

from __future__ import annotations

from typing import Any

from grants.accounts.queries import staff_covering
from grants.awards import notify, rules
from grants.awards.queries import award_columns
from grants.awards.service import lock
from grants.awards.states import TRANSITIONS
from grants.awards.tables import Award, AwardStatus, DecisionReview, DecisionReviewOutcome
from grants.calls.tables import Call, CallStatus
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.params import text_id
from grants.core.time import now

OUTCOMES = tuple(o.value for o in DecisionReviewOutcome)


def check_comment(outcome: str, text: str | None) -> str:
    """The comment of an approval (optional) or a return (required), before anything is written:
    the page's confirmation step checks it with this too."""
    if outcome not in OUTCOMES:
        raise ValidationFailed({"outcome": _("Choose one of: {values}.").format(values=", ".join(OUTCOMES))})
    return _comment(text, required=outcome == DecisionReviewOutcome.returned)


def _comment(text: str | None, *, required: bool) -> str:
    """The comment, checked as a reason is (awards.rules), its errors under "comment"; a return
    without one says what is missing (not the generic "This field is required.")."""
    if required and not (text or "").strip():
        raise ValidationFailed({"comment": _("Say why the decision is returned.")})
    try:
        return rules.reason(text, required=required)
    except ValidationFailed as refused:
        raise ValidationFailed({"comment": refused.errors["reason"]}) from None


def _national(actor: Principal) -> None:
    if not actor.national:
        raise Forbidden(_("Only national programme staff approve award decisions."))


def read_awards(text: str | None) -> list[int] | None:
    """The waiting awards' ids a page showed ("12,15"), as its form sends them back; None if absent,
    and an id that is no id makes the list match nothing (the decision is read again)."""
    if not text:
        return None
    return [text_id(part) or -1 for part in text.split(",")[:1000]]


async def _locked(
    call_id: int, reviewed: list[int] | None = None
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The call and its awards waiting for approval, locked; Conflict when nothing waits, or when
    `reviewed` (the awards the approver read) is not exactly what waits now: an award made or
    declined since the page was read is never approved unseen."""
    call = await for_update(Call.select().where(Call.id == call_id)).first()
    if call is None or call["status"] == CallStatus.draft:
        raise NotFound
    if not call["requires_approval"]:
        raise Conflict(_("This call does not require national approval of its award decision."))
    awards = await for_update(
        Award.select(*award_columns())
        .where((Award.call == call_id) & (Award.status == AwardStatus.awarded))
        .order_by(Award.id)
    )
    if not awards:
        raise Conflict(_("Nothing waits for approval: the call has no award that is not approved yet."))
    if reviewed is not None and sorted(reviewed) != [a["id"] for a in awards]:
        raise Conflict(
            _("The decision changed after you read it (an award was made or declined). Read it again.")
        )
    return call, awards


async def _review(
    call_id: int, outcome: DecisionReviewOutcome, comment: str, count: int, actor: Principal
) -> dict[str, Any]:
    rows = await DecisionReview.insert(
        DecisionReview(
            call=call_id,
            outcome=outcome,
            comment=comment,
            awards=count,
            decided_by=actor.user_id,
            decided_at=now(),
        )
    ).returning(*DecisionReview.all_columns())
    return rows[0]


def _out(review: dict[str, Any], awards: list[dict[str, Any]], status: str) -> dict[str, Any]:
    return {
        "id": review["id"],
        "call_id": review["call"],
        "outcome": review["outcome"],
        "comment": review["comment"],
        "awards": [
            {
                "id": a["id"],
                "application_id": a["application"],
                "amount": format_cents(a["amount_cents"]),
                "status": status,
            }
            for a in awards
        ],
        "decided_at": review["decided_at"],
    }


async def approve_decision(
    call_id: int, actor: Principal, comment: str | None = "", reviewed: list[int] | None = None
) -> dict[str, Any]:
    """Approve the call's award decision: every `awarded` award becomes `approved`; with `reviewed`,
    only if those are exactly the awards the approver read."""
    _national(actor)
    comment = _comment(comment, required=False)
    async with write_transaction():
        call, awards = await _locked(call_id, reviewed)
        for award in awards:
            await lock.move(award, TRANSITIONS["approve"][1], actor, "approve", call=call_id)
        review = await _review(call_id, DecisionReviewOutcome.approved, comment, len(awards), actor)
        await audit.record(
            "approve_decision",
            "call",
            call_id,
            actor=actor,
            after={"outcome": "approved", "awards": [a["id"] for a in awards]},
            comment=comment,
            total=format_cents(sum(a["amount_cents"] for a in awards)),
        )
        staff = await staff_covering(call["municipality"])
        await notify.decision_approved(call, awards, review, staff)
    return _out(review, awards, AwardStatus.approved.value)


async def return_decision(call_id: int, actor: Principal, comment: str | None) -> dict[str, Any]:
    """Return the call's award decision to the municipality with a comment; the awards stay `awarded`."""
    _national(actor)
    comment = _comment(comment, required=True)
    async with write_transaction():
        call, awards = await _locked(call_id)
        review = await _review(call_id, DecisionReviewOutcome.returned, comment, len(awards), actor)
        await audit.record(
            "return_decision",
            "call",
            call_id,
            actor=actor,
            after={"outcome": "returned", "awards": [a["id"] for a in awards]},
            comment=comment,
        )
        staff = await staff_covering(call["municipality"])
        await notify.decision_returned(call, review, staff)
    return _out(review, awards, AwardStatus.awarded.value)


async def review_decision(
    call_id: int,
    actor: Principal,
    outcome: str | None,
    comment: str | None,
    reviewed: list[int] | None = None,
) -> dict[str, Any]:
    """Approve or return, as the API and the page name it."""
    if outcome == DecisionReviewOutcome.approved:
        return await approve_decision(call_id, actor, comment, reviewed)
    if outcome == DecisionReviewOutcome.returned:
        return await return_decision(call_id, actor, comment)
    _national(actor)
    raise ValidationFailed({"outcome": _("Choose one of: {values}.").format(values=", ".join(OUTCOMES))})
