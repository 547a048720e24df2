"""Payments through the API: the final payment after the final report, paying and lowering, concurrent
records paid once, refusals, termination, who sees which payments."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from grants.awards.tables import Award
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.money import parse_cents
from grants.core.tables import AuditEntry, OutboxMessage
from tests.factories.accounts import bearer, make_user, staff_headers
from tests.factories.applications import eligible_applications
from tests.factories.awards import (
    award_payments,
    award_status,
    final_approved,
    pay,
    sign,
    signed_award,
    today,
)

pytestmark = pytest.mark.integration


async def test_the_final_payment_is_the_rest_and_paying_everything_closes_the_award(client):
    award = await signed_award(client)
    advance = (await award_payments(award["award_id"]))[0]
    paid = await pay(client, advance["id"], award["staff"], note="Maksājums Nr. 17")
    assert paid.status_code == 200
    assert paid.json() == {
        "id": advance["id"],
        "kind": "advance",
        "amount": "4140.00",
        "due_on": today().isoformat(),
        "paid_on": today().isoformat(),
        "award_status": "in_progress",
    }
    final = await final_approved(award["award_id"])
    assert (final["kind"], final["amount"], final["due_on"], final["award_status"]) == (
        "final",
        "460.00",
        today(),
        "final_report_submitted",
    )
    listed = (await client.get("/api/awards", headers=award["applicant"])).json()[0]
    assert [(p["kind"], p["amount"], p["paid_on"]) for p in listed["payments"]] == [
        ("advance", "4140.00", today().isoformat()),
        ("final", "460.00", None),
    ]
    closed = await pay(client, final["id"], award["staff"])
    assert closed.json()["award_status"] == "closed"
    assert await award_status(award["award_id"]) == "closed"
    assert sum(p["amount_cents"] for p in await award_payments(award["award_id"])) == 460_000
    assert (await award_payments(award["award_id"]))[0]["note"] == "Maksājums Nr. 17"


async def test_a_lowered_advance_leaves_more_for_the_final_payment(client):
    award = await signed_award(client, amount="1533.33")
    advance = (await award_payments(award["award_id"]))[0]
    assert advance["amount_cents"] == 137_999
    lowered = await client.patch(
        f"/api/payments/{advance['id']}",
        json={"amount": "1000.00", "note": "Pēc vienošanās"},
        headers=award["staff"],
    )
    assert lowered.status_code == 200
    assert lowered.json()["amount"] == "1000.00"
    final = await final_approved(award["award_id"])
    assert final["amount"] == "533.33"
    logged = (
        await AuditEntry.select(AuditEntry.data)
        .where(
            (AuditEntry.entity == "payment")
            & (AuditEntry.entity_id == str(advance["id"]))
            & (AuditEntry.action == "lower")
        )
        .output(load_json=True)
    )
    assert [e["data"] for e in logged] == [
        {
            "before": {"amount": "1379.99"},
            "after": {"amount": "1000.00"},
            "award": award["award_id"],
            "note": "Pēc vienošanās",
        }
    ]


async def test_nothing_left_makes_no_final_payment_and_the_award_closes_when_paid(client):
    award = await signed_award(client, advance_percent=100)
    advance = (await award_payments(award["award_id"]))[0]
    assert advance["amount_cents"] == 460_000
    final = await final_approved(award["award_id"])
    assert (final["id"], final["amount"], final["award_status"]) == (None, "0.00", "final_report_submitted")
    assert len(await award_payments(award["award_id"])) == 1
    assert (await pay(client, advance["id"], award["staff"])).json()["award_status"] == "closed"


async def test_concurrent_api_payment_records_pay_once(client):
    award = await signed_award(client)
    advance = (await award_payments(award["award_id"]))[0]
    responses = await asyncio.gather(
        *(pay(client, advance["id"], award["staff"], note=f"T-{i}") for i in range(3))
    )
    assert Counter(r.status_code for r in responses) == {200: 1, 409: 2}
    paid = await AuditEntry.count().where(
        (AuditEntry.entity == "payment")
        & (AuditEntry.entity_id == str(advance["id"]))
        & (AuditEntry.action == "paid")
    )
    assert paid == 1


async def test_payment_input_and_state_refusals(client):
    award = await signed_award(client)
    staff = award["staff"]
    advance = (await award_payments(award["award_id"]))[0]
    tomorrow = (today() + timedelta(days=1)).isoformat()
    future = await pay(client, advance["id"], staff, paid_on=tomorrow)
    assert (future.status_code, future.json()["extra"]) == (
        422,
        {"paid_on": "The date cannot be in the future."},
    )
    garbled = await pay(client, advance["id"], staff, paid_on="vakar")
    assert garbled.json()["extra"] == {"paid_on": "Enter a date as YYYY-MM-DD."}
    url = f"/api/payments/{advance['id']}"
    higher = await client.patch(url, json={"amount": "4140.00", "note": "x"}, headers=staff)
    assert higher.json()["extra"] == {"amount": "Enter an amount below the current €4,140.00."}
    no_note = await client.patch(url, json={"amount": "100.00"}, headers=staff)
    assert no_note.json()["extra"] == {"note": "This field is required."}
    float_amount = await client.patch(url, json={"amount": "1.005", "note": "x"}, headers=staff)
    assert float_amount.status_code == 422
    assert list(float_amount.json()["extra"]) == ["amount"]
    assert (await pay(client, 999_999, staff)).status_code == 404
    for headers in (award["applicant"], await bearer(client, await make_user(Role.reviewer))):
        assert (await pay(client, advance["id"], headers)).status_code == 403
        assert (
            await client.patch(url, json={"amount": "1.00", "note": "x"}, headers=headers)
        ).status_code == 403
    assert (await award_payments(award["award_id"]))[0]["amount_cents"] == 414_000
    assert (await pay(client, advance["id"], staff)).status_code == 200
    again = await pay(client, advance["id"], staff)
    assert (again.status_code, again.json()["detail"]) == (409, "This payment is already recorded as paid.")
    paid_lower = await client.patch(url, json={"amount": "1.00", "note": "x"}, headers=staff)
    assert (paid_lower.status_code, paid_lower.json()["detail"]) == (409, "A paid payment cannot be changed.")


async def test_termination_removes_unpaid_payments_and_keeps_paid_ones(client):
    award = await signed_award(client)
    award_id, staff = award["award_id"], award["staff"]
    advance = (await award_payments(award_id))[0]
    await pay(client, advance["id"], staff)
    final = await final_approved(award_id)
    url = f"/api/awards/{award_id}/terminate"
    assert (await client.post(url, json={"reason": " "}, headers=staff)).json()["extra"] == {
        "reason": "This field is required."
    }
    assert (await client.post(url, json={"reason": "x"}, headers=award["applicant"])).status_code == 403
    reason = "Projekts netika īstenots."
    ended = await client.post(url, json={"reason": reason}, headers=staff)
    assert ended.status_code == 200
    assert ended.json() == {
        "id": award_id,
        "application_id": award["application_id"],
        "amount": "4600.00",
        "status": "terminated",
        "reason": reason,
        "removed_payments": [
            {
                "id": final["id"],
                "kind": "final",
                "amount": "460.00",
                "due_on": today().isoformat(),
                "paid_on": None,
            }
        ],
    }
    assert [(p["kind"], p["paid_on"]) for p in await award_payments(award_id)] == [("advance", today())]
    removed = (
        await AuditEntry.select(AuditEntry.data)
        .where(
            (AuditEntry.entity == "payment")
            & (AuditEntry.entity_id == str(final["id"]))
            & (AuditEntry.action == "remove")
        )
        .output(load_json=True)
    )
    assert [e["data"]["reason"] for e in removed] == [reason]
    row = await Award.select(Award.status, Award.termination_reason).where(Award.id == award_id).first()
    assert row == {"status": "terminated", "termination_reason": reason}
    mails = await OutboxMessage.select(OutboxMessage.body_text).where(
        OutboxMessage.dedupe_key.like(f"terminated:{award_id}:%")
    )
    assert len(mails) == 1
    assert reason in mails[0]["body_text"]
    assert (await client.post(url, json={"reason": reason}, headers=staff)).status_code == 409
    assert (await pay(client, final["id"], staff)).status_code == 404


async def test_a_terminated_award_gives_back_only_what_was_not_paid(client):
    call_id, apps = await eligible_applications(2)
    await Call.update({Call.budget_cents: parse_cents("4600.00")}).where(Call.id == call_id)
    staff = await staff_headers(client)
    await client.post(f"/api/calls/{call_id}/close", headers=staff)
    made = await client.post(
        f"/api/calls/{call_id}/awards", json={"application_id": apps[0], "reason": "Tests"}, headers=staff
    )
    award = {"award_id": made.json()["id"], "staff": staff}
    assert (await sign(client, award)).status_code == 201
    advance = (await award_payments(award["award_id"]))[0]
    await pay(client, advance["id"], staff)
    await client.post(f"/api/awards/{award['award_id']}/terminate", json={"reason": "Beidzās"}, headers=staff)
    too_much = await client.post(
        f"/api/calls/{call_id}/awards", json={"application_id": apps[1], "reason": "Tests"}, headers=staff
    )
    assert (too_much.status_code, too_much.json()["detail"]) == (
        409,
        "An award of €4,600.00 would exceed the call's budget: €460.00 of €4,600.00 remain.",
    )
    fits = await client.post(
        f"/api/calls/{call_id}/awards",
        json={"application_id": apps[1], "amount": "460.00", "reason": "Atlikums"},
        headers=staff,
    )
    assert fits.status_code == 201


async def test_awards_list_shows_the_own_payments_only(client):
    mine = await signed_award(client)
    theirs = await signed_award(client)
    own = (await client.get("/api/awards", headers=mine["applicant"])).json()
    assert [a["id"] for a in own] == [mine["award_id"]]
    theirs_ids = {p["id"] for p in await award_payments(theirs["award_id"])}
    assert theirs_ids
    assert not theirs_ids & {p["id"] for a in own for p in a["payments"]}
    everything = {a["id"]: a for a in (await client.get("/api/awards", headers=mine["staff"])).json()}
    for award in (mine, theirs):
        expected = [p["id"] for p in await award_payments(award["award_id"])]
        assert [p["id"] for p in everything[award["award_id"]]["payments"]] == expected
