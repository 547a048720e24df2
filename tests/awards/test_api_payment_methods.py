"""Both payment methods through the API, from the signed agreement through the approved final report
to the payments it makes due: a lump sum pays the rest of the award whatever was spent; a costs call
pays the eligible costs up to the award less the advance, and an advance above the costs is owed
back as a refund: a refund in the payment register, its totals and CSV, received like a payment is
paid, and the award closes then."""

from __future__ import annotations

import csv
import io

import pytest

from grants.awards.queries import register_totals
from tests.factories.awards import pay
from tests.factories.reporting import running_award

pytestmark = pytest.mark.integration


async def payments_of(client, award: dict) -> list[dict]:
    response = await client.get("/api/awards", headers=award["applicant"])
    assert response.status_code == 200, response.text
    return next(a for a in response.json() if a["id"] == award["award_id"])["payments"]


async def award_status(client, award: dict) -> str:
    response = await client.get("/api/awards", headers=award["applicant"])
    return next(a for a in response.json() if a["id"] == award["award_id"])["status"]


async def approved(client, method: str, spent: str | None, *, pay_advance: bool = True) -> dict:
    """An award of 4600.00 (advance 4140.00) in a call of `method`, its advance paid (unless told),
    its final report with `spent` submitted and approved by staff."""
    award = await running_award(client, payment_method=method)
    if pay_advance:
        (advance,) = await payments_of(client, award)
        assert (await pay(client, advance["id"], award["staff"])).status_code == 200
    report = {"narrative": "Notika darbnīcas.", "results": "Mērķis sasniegts."}
    if spent is not None:
        report["spent"] = spent
    submitted = await client.post(
        f"/api/awards/{award['award_id']}/final-report", json=report, headers=award["applicant"]
    )
    assert submitted.status_code == 201, submitted.text
    assert submitted.json()["payment_method"] == method
    review = await client.post(
        f"/api/awards/{award['award_id']}/final-report/review",
        json={"decision": "approve"},
        headers=award["staff"],
    )
    assert review.status_code == 200, review.text
    return award


def kinds_and_amounts(payments: list[dict]) -> list[tuple[str, str]]:
    return [(p["kind"], p["amount"]) for p in payments]


async def test_a_lump_sum_pays_the_rest_of_the_award_whatever_was_spent(client):
    award = await approved(client, "lump_sum", "1000.00")
    assert kinds_and_amounts(await payments_of(client, award)) == [
        ("advance", "4140.00"),
        ("final", "460.00"),
    ]


async def test_a_lump_sum_report_needs_no_costs(client):
    award = await approved(client, "lump_sum", None)
    assert kinds_and_amounts(await payments_of(client, award)) == [
        ("advance", "4140.00"),
        ("final", "460.00"),
    ]


async def test_a_costs_call_pays_the_costs_above_the_advance(client):
    award = await approved(client, "costs", "4500.00")
    assert kinds_and_amounts(await payments_of(client, award)) == [
        ("advance", "4140.00"),
        ("final", "360.00"),
    ]


async def test_a_costs_call_pays_no_more_than_the_award_for_costs_above_it(client):
    award = await approved(client, "costs", "5000.00")
    assert kinds_and_amounts(await payments_of(client, award)) == [
        ("advance", "4140.00"),
        ("final", "460.00"),
    ]


async def test_costs_equal_to_the_advance_settle_nothing_and_the_award_closes(client):
    award = await approved(client, "costs", "4140.00")
    assert kinds_and_amounts(await payments_of(client, award)) == [("advance", "4140.00")]
    assert await award_status(client, award) == "closed"


async def test_costs_below_the_advance_make_a_refund_due_that_is_received(client):
    award = await approved(client, "costs", "4000.00")
    payments = await payments_of(client, award)
    assert kinds_and_amounts(payments) == [("advance", "4140.00"), ("refund", "140.00")]
    refund = payments[1]
    assert refund["paid_on"] is None
    assert await award_status(client, award) == "final_report_submitted"  # the refund is still owed

    # The register: a refund, never a negative payment, summed apart from what is paid out.
    staff = award["staff"]
    listed = await client.get("/api/payments", params={"call_id": award["call_id"]}, headers=staff)
    rows = {r["id"]: r for r in listed.json()["items"]}
    assert (rows[refund["id"]]["kind"], rows[refund["id"]]["amount"]) == ("refund", "140.00")
    totals = (await register_totals.totals(award["call_id"]))["all"]
    assert (totals["paid"], totals["due"], totals["overdue"]) == (414_000, 0, 0)
    assert (totals["refund_due"], totals["refund_received"]) == (14_000, 0)
    exported = await client.get("/api/payments.csv", params={"call_id": award["call_id"]}, headers=staff)
    lines = list(csv.reader(io.StringIO(exported.text.removeprefix("\ufeff"))))
    assert lines[0][-1] == "Direction"
    assert [(line[1], line[2], line[-1]) for line in lines[1:]] == [
        ("advance", "4140.00", "Payment to the grantee"),
        ("refund", "140.00", "Refund from the grantee"),
    ]

    received = await pay(client, refund["id"], staff, note="Atmaksa LV-TRX-9")
    assert received.status_code == 200, received.text
    assert (received.json()["kind"], received.json()["award_status"]) == ("refund", "closed")
    totals = (await register_totals.totals(award["call_id"]))["all"]
    assert (totals["paid"], totals["refund_due"], totals["refund_received"]) == (414_000, 0, 14_000)


async def test_an_unpaid_advance_above_the_costs_is_lowered_to_them_not_paid_back(client):
    award = await approved(client, "costs", "1000.00", pay_advance=False)
    assert kinds_and_amounts(await payments_of(client, award)) == [("advance", "1000.00")]


async def test_an_unpaid_advance_goes_when_nothing_was_eligible_and_the_award_closes(client):
    award = await approved(client, "costs", "0.00", pay_advance=False)
    assert await payments_of(client, award) == []
    assert await award_status(client, award) == "closed"
