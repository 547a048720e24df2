"""The payment register for staff: filters, pages, and the streamed CSV that equals it."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from grants.awards.queries import register
from grants.awards.tables import Payment
from grants.core.auth import Role
from tests.factories.accounts import applicant_headers, bearer, make_user, staff_headers
from tests.factories.applications import eligible_applications
from tests.factories.awards import award_payments, pay, sign, today

pytestmark = pytest.mark.integration


async def register_call(client) -> tuple[int, dict[str, dict]]:
    """One call with three signed awards: an advance due today, one overdue (signed 10 days ago)
    and one paid. Returns the call id and the awards by name."""
    call_id, apps = await eligible_applications(3)
    staff = await staff_headers(client)
    await client.post(f"/api/calls/{call_id}/close", headers=staff)
    awards = {}
    for name, application_id in zip(("due", "overdue", "paid"), apps, strict=True):
        made = await client.post(
            f"/api/calls/{call_id}/awards",
            json={"application_id": application_id, "reason": "Tests"},
            headers=staff,
        )
        assert made.status_code == 201, made.text
        awards[name] = {"award_id": made.json()["id"], "staff": staff}
    assert (await sign(client, awards["due"])).status_code == 201
    ten_days_ago = (today() - timedelta(days=10)).isoformat()
    assert (await sign(client, awards["overdue"], signed_on=ten_days_ago)).status_code == 201
    assert (await sign(client, awards["paid"])).status_code == 201
    paid = (await award_payments(awards["paid"]["award_id"]))[0]
    assert (await pay(client, paid["id"], staff, note="=SUM(A1)")).status_code == 200
    return call_id, awards


async def test_the_payment_register_filters_and_pages(client):
    call_id, awards = await register_call(client)
    staff = awards["due"]["staff"]

    async def ids(**query) -> list[int]:
        response = await client.get("/api/payments", params={"call_id": call_id, **query}, headers=staff)
        assert response.status_code == 200, response.text
        return [row["award_id"] for row in response.json()["items"]]

    due, overdue, paid = (awards[k]["award_id"] for k in ("due", "overdue", "paid"))
    assert await ids() == [overdue, due, paid]  # by due date, then the order they were made
    assert await ids(status="unpaid") == [overdue, due]
    assert await ids(status="overdue") == [overdue]
    assert await ids(status="paid") == [paid]
    page = (
        await client.get(
            "/api/payments", params={"call_id": call_id, "per_page": 2, "page": 2}, headers=staff
        )
    ).json()
    assert ([r["award_id"] for r in page["items"]], page["total"], page["pages"]) == ([paid], 3, 2)
    row = (
        await client.get("/api/payments", params={"call_id": call_id, "status": "overdue"}, headers=staff)
    ).json()["items"][0]
    assert {
        k: row[k] for k in ("kind", "amount", "due_on", "paid_on", "overdue", "call_id", "municipality")
    } == {
        "kind": "advance",
        "amount": "4140.00",
        "due_on": (today() - timedelta(days=10)).isoformat(),
        "paid_on": None,
        "overdue": True,
        "call_id": call_id,
        "municipality": "Bauskas novads",
    }
    bad = await client.get("/api/payments", params={"status": "late", "per_page": 0}, headers=staff)
    assert (bad.status_code, sorted(bad.json()["extra"])) == (422, ["status"])
    bad_page = await client.get("/api/payments", params={"per_page": 201}, headers=staff)
    assert sorted(bad_page.json()["extra"]) == ["per_page"]
    applicant = await applicant_headers(client)
    for headers in (applicant, await bearer(client, await make_user(Role.reviewer))):
        assert (await client.get("/api/payments", headers=headers)).status_code == 403
        assert (await client.get("/api/payments.csv", headers=headers)).status_code == 403


async def test_the_csv_export_equals_the_register(client):
    call_id, awards = await register_call(client)
    staff = awards["due"]["staff"]
    json_rows = (await client.get("/api/payments", params={"call_id": call_id}, headers=staff)).json()[
        "items"
    ]
    response = await client.get("/api/payments.csv", params={"call_id": call_id}, headers=staff)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="payments.csv"')
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert lines[0][:4] == ["Payment no.", "Kind", "Amount (EUR)", "Due on"]
    expected = [
        [
            str(r["id"]),
            r["kind"],
            r["amount"],
            r["due_on"],
            r["paid_on"] or "",
            "'" + r["note"] if r["note"].startswith("=") else r["note"],
            r["reference"],
            r["organisation"],
            r["registration_number"],
            r["call"],
            r["municipality"],
            r["iban"],
            "Payment to the grantee",  # none of these is a refund (tests/awards/test_refunds.py)
        ]
        for r in json_rows
    ]
    assert lines[1:] == expected
    assert "'=SUM(A1)" in [line[5] for line in lines[1:]]  # no formula reaches a spreadsheet
    overdue = await client.get(
        "/api/payments.csv", params={"call_id": call_id, "status": "overdue"}, headers=staff
    )
    assert [line[0] for line in list(csv.reader(io.StringIO(overdue.text.removeprefix("\ufeff"))))[1:]] == [
        str(r["id"]) for r in json_rows if r["overdue"]
    ]


async def test_the_csv_reads_in_batches_in_the_register_order(client):
    call_id, _ = await register_call(client)
    selected = register.Filter("", call_id)
    whole = (await register.page_of(selected, 1, 200))["items"]
    batched = [row async for row in register.rows(selected, batch=1)]
    assert [r["id"] for r in batched] == [r["id"] for r in whole]
    everything = [row["id"] async for row in register.rows(register.Filter(), batch=2)]
    assert len(everything) == len(set(everything)) == await Payment.count()
