"""An award after the decision: the agreement, the project's course, the final report, the end.

awarded (→ approved by national staff, where the call requires it: approval.py)
        → agreement_signed (the agreement is recorded; the advance falls due)
        → in_progress (the advance is paid, or the grantee reports)
        → final_report_submitted (→ in_progress when staff return the report)
        → closed (the final report approved and every payment paid);
or terminated by staff, with a reason, from any of these before closed: the
unpaid payments go, the paid ones stay. Declining (before the agreement) is
decision.decline. The allowed moves are states.TRANSITIONS.

Each transition runs in a write transaction that locks the award's row and
writes one audit row; nested in a caller's transaction it becomes part of it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards import notify, rules
from grants.awards.queries import AGREEMENT_COLUMNS, payment_out
from grants.awards.service import lock, payments
from grants.awards.states import STARTED, TRANSITIONS
from grants.awards.tables import Agreement, Award, AwardStatus, PaymentKind
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.storage import StoredFile, kept_if_recorded
from grants.core.time import now, riga_today


def _staff(actor: Principal) -> None:
    if not actor.has(Role.staff):
        raise NotFound


def awaits_approval(award: dict[str, Any]) -> bool:
    """Whether the award waits for national approval: its call requires it, and it is not approved."""
    return bool(award.get("requires_approval")) and award["status"] == AwardStatus.awarded


def _may(move: str, award: dict[str, Any]) -> bool:
    """Whether the award's state allows the move (states.TRANSITIONS)."""
    return award["status"] in TRANSITIONS[move][0]


async def sign_agreement(
    award_id: int, actor: Principal, *, number: str, signed_on: date, document: StoredFile
) -> dict[str, Any]:
    """Record the signed agreement (staff): awarded → agreement_signed, and the advance falls due
    on the signing day. The stored document is deleted again if this fails."""
    async with kept_if_recorded(document):
        _staff(actor)
        number, signed_on = rules.check_agreement(number, signed_on)
        async with write_transaction():
            award = await lock.locked_award(award_id)
            if not _may("sign", award):
                raise Conflict(_("An agreement can be recorded only for an award that is not signed yet."))
            if awaits_approval(award):
                raise Conflict(
                    _(
                        "National approval of the award decision is pending: the agreement can be "
                        "recorded once national programme staff approve the decision."
                    )
                )
            if await Agreement.exists().where(Agreement.number == number):
                raise ValidationFailed({"number": _("Another agreement already has this number.")})
            rows = await Agreement.insert(
                Agreement(
                    award=award_id,
                    number=number,
                    signed_on=signed_on,
                    storage_key=document.key,
                    filename=document.filename,
                    content_type=document.content_type,
                    size=document.size,
                    sha256=document.sha256,
                    recorded_by=actor.user_id,
                )
            ).returning(*AGREEMENT_COLUMNS)
            agreement = rows[0]
            await lock.move(
                award,
                AwardStatus.agreement_signed,
                actor,
                "sign",
                number=number,
                signed_on=str(signed_on),
                file=document.filename,
                sha256=document.sha256,
            )
            cents = rules.advance_cents(award["amount_cents"], award["advance_percent"])
            advance = None
            if cents > 0:  # a call may pay nothing in advance
                advance = await payments.add_payment(award, PaymentKind.advance, cents, signed_on, actor)
            await notify.agreement_signed(award, agreement, advance)
    return agreement | {
        "status": AwardStatus.agreement_signed.value,
        "advance": payment_out(advance) if advance else None,
    }


async def mark_in_progress(award_id: int, actor: Principal) -> bool:
    """agreement_signed → in_progress; False when the award is already further; Conflict before signing."""
    async with write_transaction():
        award = await lock.locked_award(award_id)
        if _may("start", award):
            await lock.move(award, AwardStatus.in_progress, actor, "start")
            return True
        if award["status"] in STARTED:
            return False
        raise Conflict(_("The project can start only after the agreement is signed."))


async def final_report_submitted(award_id: int, actor: Principal) -> None:
    """agreement_signed | in_progress → final_report_submitted."""
    async with write_transaction():
        award = await lock.locked_award(award_id)
        if not _may("final_report_submitted", award):
            raise Conflict(_("A final report can be submitted only for a signed award in progress."))
        await lock.move(award, AwardStatus.final_report_submitted, actor, "final_report_submitted")


async def final_report_returned(award_id: int, actor: Principal) -> None:
    """final_report_submitted → in_progress, while the report is not approved."""
    async with write_transaction():
        award = await lock.locked_award(award_id)
        if not _may("final_report_returned", award) or lock.final_approved(award):
            raise Conflict(_("Only a submitted final report that is not approved can be returned."))
        await lock.move(award, AwardStatus.in_progress, actor, "final_report_returned")


async def final_report_approved(
    award_id: int, actor: Principal, costs_cents: int | None = None
) -> dict[str, Any]:
    """The final report is approved: by the call's payment method, the final payment or a refund owed
    by the grantee falls due today (payments.settle_final; `costs_cents`: the eligible costs the
    report gives, which a costs call needs). Nothing left either way makes no payment; the award
    closes once every payment is paid (a refund: received)."""
    async with write_transaction():
        award = await lock.locked_award(award_id)
        if not _may("final_report_approved", award) or lock.final_approved(award):
            raise Conflict(_("Only a submitted final report that is not approved yet can be approved."))
        approved_at = now()
        await Award.update({Award.final_report_approved_at: approved_at}).where(Award.id == award_id)
        award["final_report_approved_at"] = approved_at
        due = riga_today()
        settled = await payments.settle_final(award, costs_cents, due, actor)
        is_refund = settled is not None and settled["kind"] == PaymentKind.refund
        await audit.record(
            "final_report_approved",
            "award",
            award_id,
            actor=actor,
            method=award["payment_method"],
            final=format_cents(0 if settled is None or is_refund else settled["amount_cents"]),
            refund=format_cents(settled["amount_cents"] if is_refund and settled else 0),
            due_on=str(due),
        )
        await lock.close_if_settled(award, actor)
    if settled is None:
        settled = {
            "id": None,
            "kind": PaymentKind.final.value,
            "amount_cents": 0,
            "due_on": due,
            "paid_on": None,
        }
    return payment_out(settled) | {"award_status": award["status"]}


async def terminate(award_id: int, actor: Principal, reason: str) -> dict[str, Any]:
    """Staff end a signed award early: the unpaid payments are removed, the paid ones stay."""
    _staff(actor)
    reason = rules.reason(reason, required=True)
    async with write_transaction():
        award = await lock.locked_award(award_id)
        if not _may("terminate", award):
            raise Conflict(
                _(
                    "Only a signed award that is not closed can be terminated; decline an award before signing."
                )
            )
        removed = await payments.remove_unpaid(award_id, actor, reason)
        await lock.move(
            award,
            AwardStatus.terminated,
            actor,
            "terminate",
            columns={Award.termination_reason: reason},
            termination_reason=reason,
            removed=[p["id"] for p in removed],
        )
        await notify.terminated(award, reason)
    return {
        "id": award_id,
        "application_id": award["application"],
        "amount": format_cents(award["amount_cents"]),
        "status": AwardStatus.terminated.value,
        "reason": reason,
        "removed_payments": removed,
    }
