"""Payments of awards: the advance on signing, the rest after the final report, paid by staff.

After the final report the call's payment method decides (settle_final): a lump sum pays the rest of
the award; a costs call pays up to the eligible costs, and an advance above them is owed back as a
refund (PaymentKind.refund), which staff record as received like a payment as paid.

The rule that matters: the payments of an award to the grantee never add up to more than the
award, and a refund never to more than was paid out. Every write checks it in a write transaction that first locks the award's
row (lock.locked_award), so two attempts at the same moment queue: the second
one sums the payments only after the first has committed and is refused if it no
longer fits. Amounts are integer cents; the advance is rounded down.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards import rules
from grants.awards.queries import paid_total, payment_out, signing_day
from grants.awards.service import lock
from grants.awards.states import PAYABLE
from grants.awards.tables import AwardStatus, Payment, PaymentKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _, get_language
from grants.core.money import display_cents, format_cents


async def add_payment(
    award: dict[str, Any], kind: PaymentKind, cents: int, due_on: date, actor: Principal | None
) -> dict[str, Any]:
    """Insert a payment of the award whose row the caller holds locked; refused over the award."""
    if cents <= 0:
        raise ValidationFailed({"amount": _("The amount must be greater than zero.")})
    if award["status"] not in PAYABLE:
        raise Conflict(_("Payments are made only after the agreement is signed and before the award ends."))
    total = await paid_total(award["id"])
    if kind == PaymentKind.refund:
        if cents > total:  # a refund returns what was paid out, never more
            raise Conflict(
                _("A refund of {amount} is more than the {paid} paid out of the award.").format(
                    amount=display_cents(cents, get_language()), paid=display_cents(total, get_language())
                )
            )
    elif total + cents > award["amount_cents"]:
        raise Conflict(
            _("A payment of {amount} would exceed the award: {remaining} of {award} remain.").format(
                amount=display_cents(cents, get_language()),
                remaining=display_cents(award["amount_cents"] - total, get_language()),
                award=display_cents(award["amount_cents"], get_language()),
            )
        )
    rows = await Payment.insert(
        Payment(award=award["id"], kind=kind, amount_cents=cents, due_on=due_on, paid_on=None, note="")
    ).returning(*Payment.all_columns())
    created = rows[0]
    await audit.record(
        "add",
        "payment",
        created["id"],
        actor=actor,
        after={
            "award": award["id"],
            "kind": kind.value,
            "amount": format_cents(cents),
            "due_on": str(due_on),
        },
    )
    return created


async def settle_final(
    award: dict[str, Any], costs_cents: int | None, due_on: date, actor: Principal
) -> dict[str, Any] | None:
    """The payment that approving the final report makes due, by the call's payment method
    (rules.settlement): the final payment, a refund owed by the grantee (of what was paid: an unpaid
    advance is lowered first), or None when nothing is left either way. The caller holds the
    award's row locked."""
    advanced = await paid_total(award["id"])
    settled = rules.settlement(award["payment_method"], award["amount_cents"], advanced, costs_cents)
    if settled.refund_cents > 0:
        owed = await _cut_unpaid(award["id"], settled.refund_cents, actor)
        if owed > 0:
            return await add_payment(award, PaymentKind.refund, owed, due_on, actor)
        return None
    if settled.final_cents > 0:
        return await add_payment(award, PaymentKind.final, settled.final_cents, due_on, actor)
    return None


async def _cut_unpaid(award_id: int, cents: int, actor: Principal) -> int:
    """What the grantee owes back is first taken off the award's payments not paid yet (the latest
    first: lowered, or removed when nothing is left of one), each with an audit row: nobody pays
    back money never received. Returns the rest, owed back from what was paid."""
    unpaid = (
        await Payment.select()
        .where((Payment.award == award_id) & Payment.paid_on.is_null() & (Payment.kind != PaymentKind.refund))
        .order_by(Payment.id, ascending=False)
    )
    for row in unpaid:
        if cents <= 0:
            break
        cut = min(cents, row["amount_cents"])
        cents -= cut
        left = row["amount_cents"] - cut
        reason = _("The eligible costs are below the advance.")
        if left == 0:
            await _remove(row, award_id, actor, reason)
        else:
            await Payment.update({Payment.amount_cents: left}).where(
                (Payment.id == row["id"]) & Payment.paid_on.is_null()
            )
            await audit.record(
                "lower",
                "payment",
                row["id"],
                actor=actor,
                award=award_id,
                note=reason,
                before={"amount": format_cents(row["amount_cents"])},
                after={"amount": format_cents(left)},
            )
    return cents


async def _locked_payment(payment_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    """The payment and its award, the award's row locked first (the order every writer takes)."""
    found = await Payment.select(Payment.award).where(Payment.id == payment_id).first()
    if found is None:
        raise NotFound
    award = await lock.locked_award(found["award"])
    payment = await for_update(Payment.select().where(Payment.id == payment_id)).first()
    if payment is None:  # removed while we waited for the lock
        raise NotFound
    return payment, award


async def mark_paid(
    payment_id: int, actor: Principal, paid_on: date | str | None, note: str | None
) -> dict[str, Any]:
    """Record the transfer, on a day not before the agreement was signed. Paying the advance starts
    the project (agreement_signed → in_progress); paying the last payment after the final report
    closes the award."""
    day = rules.past_day(paid_on, "paid_on")
    text = rules.note(note, required=False)
    async with write_transaction():
        payment, award = await _locked_payment(payment_id)
        if payment["paid_on"] is not None:
            raise Conflict(_("This payment is already recorded as paid."))
        signed_on = await signing_day(award["id"])
        if award["status"] not in PAYABLE or signed_on is None:
            raise Conflict(
                _("Payments are made only after the agreement is signed and before the award ends.")
            )
        day = rules.paid_day(day, signed_on)
        await Payment.update(
            {Payment.paid_on: day, Payment.paid_by: actor.user_id, Payment.note: text}
        ).where((Payment.id == payment_id) & Payment.paid_on.is_null())
        await audit.record(
            "paid",
            "payment",
            payment_id,
            actor=actor,
            before={"paid_on": None},
            after={"paid_on": str(day), "amount": format_cents(payment["amount_cents"])},
            award=award["id"],
            note=text,
        )
        if payment["kind"] == PaymentKind.advance and award["status"] == AwardStatus.agreement_signed:
            await lock.move(award, AwardStatus.in_progress, actor, "start", reason="advance paid")
        await lock.close_if_settled(award, actor)
    return payment_out(payment | {"paid_on": day, "note": text}) | {"award_status": award["status"]}


async def lower_amount(
    payment_id: int, actor: Principal, amount: str | None, note: str | None
) -> dict[str, Any]:
    """Lower an unpaid payment, with the reason in the note."""
    cents = rules.cents(amount)
    text = rules.note(note, required=True)
    if cents <= 0:
        raise ValidationFailed({"amount": _("The amount must be greater than zero.")})
    async with write_transaction():
        payment, award = await _locked_payment(payment_id)
        if payment["paid_on"] is not None:
            raise Conflict(_("A paid payment cannot be changed."))
        if award["status"] not in PAYABLE:
            raise Conflict(
                _("Payments are made only after the agreement is signed and before the award ends.")
            )
        if cents >= payment["amount_cents"]:
            raise ValidationFailed(
                {
                    "amount": _("Enter an amount below the current {amount}.").format(
                        amount=display_cents(payment["amount_cents"], get_language())
                    )
                }
            )
        await Payment.update({Payment.amount_cents: cents, Payment.note: text}).where(
            (Payment.id == payment_id) & Payment.paid_on.is_null()
        )
        await audit.record(
            "lower",
            "payment",
            payment_id,
            actor=actor,
            before={"amount": format_cents(payment["amount_cents"])},
            after={"amount": format_cents(cents)},
            award=award["id"],
            note=text,
        )
    return payment_out(payment | {"amount_cents": cents, "note": text})


async def _remove(row: dict[str, Any], award_id: int, actor: Principal, reason: str) -> None:
    """Delete one unpaid payment (never a paid one, whatever happened meanwhile), with its audit row."""
    await Payment.delete().where((Payment.id == row["id"]) & Payment.paid_on.is_null())
    await audit.record(
        "remove",
        "payment",
        row["id"],
        actor=actor,
        before={
            "kind": row["kind"],
            "amount": format_cents(row["amount_cents"]),
            "due_on": str(row["due_on"]),
        },
        award=award_id,
        reason=reason,
    )


async def remove_unpaid(award_id: int, actor: Principal, reason: str) -> list[dict[str, Any]]:
    """Remove the award's unpaid payments (the caller holds the award locked), each with an audit row."""
    rows = (
        await Payment.select()
        .where((Payment.award == award_id) & Payment.paid_on.is_null())
        .order_by(Payment.id)
    )
    for row in rows:
        await _remove(row, award_id, actor, reason)
    return [payment_out(r) for r in rows]
