"""The payment register's totals (due, overdue, paid; per call and over all) and each payment's payee
with the bank account a transfer is made to, a missing one flagged."""

from __future__ import annotations

import pytest

from grants.accounts.service import organisations
from grants.awards.queries import register_totals
from grants.awards.tables import Award
from grants.calls.tables import Call
from tests.awards.test_pages_payment_register import register_call
from tests.factories.accounts import staff_browser
from tests.factories.awards import staff_principal
from tests.html import table_rows, texts_of

pytestmark = pytest.mark.integration

ADVANCE = "€4,140.00"  # 90 % of 4600.00
NONE = "€0.00"  # no refunds owed back in these calls


async def organisation_of(award_id: int) -> int:
    row = (
        await Award.select(Award.application.organisation.as_alias("org")).where(Award.id == award_id).first()
    )
    return row["org"]


async def test_the_register_totals_by_status_and_by_call(client, make_client):
    first, _ = await register_call(client)  # one advance due, one overdue, one paid
    second, _ = await register_call(client)
    staff = await staff_browser(make_client)

    one = await staff.get("/admin/payments", params={"call_id": first})
    assert one.status_code == 200
    title = (await Call.select(Call.title).where(Call.id == first).first())["title"]
    assert table_rows(one.text, "table#totals tbody tr") == [[title, ADVANCE, ADVANCE, ADVANCE, NONE, NONE]]
    assert table_rows(one.text, "table#totals tfoot tr") == [["Total", ADVANCE, ADVANCE, ADVANCE, NONE, NONE]]

    # Unfiltered: a row per call, and the total over all of them.
    everything = await staff.get("/admin/payments")
    assert texts_of(everything.text, f"tr#totals-call-{first} td") == [ADVANCE, ADVANCE, ADVANCE, NONE, NONE]
    assert texts_of(everything.text, f"tr#totals-call-{second} td") == [ADVANCE, ADVANCE, ADVANCE, NONE, NONE]
    everywhere = await register_totals.totals()
    assert everywhere["all"]["paid"] == sum(c["paid"] for c in everywhere["calls"])
    per_call = everywhere["calls"]
    assert [c["paid"] for c in per_call if c["call_id"] in (first, second)] == [414_000, 414_000]
    assert (await register_totals.totals(second))["all"] == {
        "due": 414_000,
        "overdue": 414_000,
        "paid": 414_000,
        "refund_due": 0,
        "refund_received": 0,
        "payments": 3,
    }


async def test_the_register_shows_the_payees_iban_and_flags_a_missing_one(client, make_client):
    call_id, awards = await register_call(client)
    staff_user = await staff_principal()
    await organisations.set_iban(
        await organisation_of(awards["due"]["award_id"]), staff_user, "lv80 bank 0000 4351 9500 1"
    )
    staff = await staff_browser(make_client)
    page = await staff.get("/admin/payments", params={"call_id": call_id})
    ibans = texts_of(page.text, "tbody span.iban")
    assert ibans == ["LV80 BANK 0000 4351 9500 1"]
    assert texts_of(page.text, "tbody span.iban-missing") == [
        "No IBAN: ask the organisation's owner to enter it",
        "No IBAN: ask the organisation's owner to enter it",
    ]
    csv_text = (await staff.get("/api/payments.csv", params={"call_id": call_id})).text
    assert "LV80BANK0000435195001" in csv_text
