"""Payments through the service: the cap at the award, also under concurrent attempts, and one final
payment however many approvals race."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from grants.awards.service import lifecycle, lock, payments
from grants.awards.tables import PaymentKind
from grants.core.db import write_transaction
from grants.core.errors import Conflict
from grants.core.money import parse_cents
from tests.factories.awards import (
    award_payments,
    final_approved,
    signed_award,
    staff_principal,
    today,
)

pytestmark = pytest.mark.integration


async def add_payment(award_id: int, kind: PaymentKind, amount: str, due_on, actor) -> dict:
    """A payment of the award in its own locked transaction, as the services add them."""
    async with write_transaction():
        return await payments.add_payment(
            await lock.locked_award(award_id), kind, parse_cents(amount), due_on, actor
        )


async def test_payments_never_exceed_the_award(client):
    award = await signed_award(client)
    staff = await staff_principal()
    award_id = award["award_id"]
    with pytest.raises(Conflict) as refused:
        await add_payment(award_id, PaymentKind.advance, "460.01", today(), staff)
    assert (
        refused.value.message == "A payment of €460.01 would exceed the award: €460.00 of €4,600.00 remain."
    )
    await add_payment(award_id, PaymentKind.advance, "460.00", today(), staff)
    with pytest.raises(Conflict):
        await add_payment(award_id, PaymentKind.advance, "0.01", today(), staff)
    # Approving the final report now finds nothing left: no payment, never a negative one.
    final = await final_approved(award_id)
    assert final["amount"] == "0.00"
    assert sum(p["amount_cents"] for p in await award_payments(award_id)) == 460_000


async def test_concurrent_payments_that_fit_only_one_at_a_time_make_one(client):
    award = await signed_award(client)
    staff = await staff_principal()
    results = await asyncio.gather(
        *(add_payment(award["award_id"], PaymentKind.advance, "300.00", today(), staff) for _ in range(4)),
        return_exceptions=True,
    )
    assert Counter(type(r).__name__ for r in results) == {"dict": 1, "Conflict": 3}
    assert sum(p["amount_cents"] for p in await award_payments(award["award_id"])) == 444_000


async def test_concurrent_final_approvals_make_one_final_payment(client):
    award = await signed_award(client)
    staff = await staff_principal()
    await lifecycle.final_report_submitted(award["award_id"], staff)
    results = await asyncio.gather(
        *(lifecycle.final_report_approved(award["award_id"], staff) for _ in range(3)), return_exceptions=True
    )
    assert Counter(type(r).__name__ for r in results) == {"dict": 1, "Conflict": 2}
    rows = await award_payments(award["award_id"])
    assert [(p["kind"], p["amount_cents"]) for p in rows] == [("advance", 414_000), ("final", 46_000)]
