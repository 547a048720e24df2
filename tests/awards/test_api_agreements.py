"""Agreements through the API: recording the signed agreement and its document, the advance it brings,
who sees the document, and a decline that gives the place to the reserve."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import pytest

from grants.accounts.queries import member_recipients
from grants.applications.tables import Application
from grants.awards.tables import Agreement
from grants.core.auth import Role
from grants.core.money import display_cents
from grants.core.tables import AuditEntry, OutboxMessage
from tests.factories.accounts import applicant_headers, bearer, make_user
from tests.factories.awards import (
    SECOND,
    TOP,
    award_payments,
    award_status,
    awarded_application,
    scored_call,
    sign,
    signed_award,
    today,
)
from tests.factories.files import pdf_bytes
from tests.factories.storage import stored_files

pytestmark = pytest.mark.integration


async def payments_of(award_id: int) -> list[tuple[str, int, str, object]]:
    rows = await award_payments(award_id)
    return [(r["kind"], r["amount_cents"], r["due_on"].isoformat(), r["paid_on"]) for r in rows]


async def test_signing_records_the_agreement_and_the_advance_falls_due(client):
    award = await awarded_application(client)
    document = pdf_bytes("Ligums Nr. 7")
    response = await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        data={"number": " LĪG-2027/7 ", "signed_on": today().isoformat()},
        files={"file": ("līgums.pdf", document, "application/pdf")},
        headers=award["staff"],
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert {k: body[k] for k in ("award_id", "number", "signed_on", "content_type", "size", "status")} == {
        "award_id": award["award_id"],
        "number": "LĪG-2027/7",
        "signed_on": today().isoformat(),
        "content_type": "application/pdf",
        "size": len(document),
        "status": "agreement_signed",
    }
    advance = body["advance"]
    assert (advance["kind"], advance["amount"], advance["due_on"], advance["paid_on"]) == (
        "advance",
        "4140.00",
        today().isoformat(),
        None,
    )
    listed = (await client.get("/api/awards", headers=award["applicant"])).json()
    assert listed == [
        {
            "id": award["award_id"],
            "call_id": award["call_id"],
            "application_id": award["application_id"],
            "reference": listed[0]["reference"],
            "amount": "4600.00",
            "status": "agreement_signed",
            "payments": [
                {
                    "id": advance["id"],
                    "kind": "advance",
                    "amount": "4140.00",
                    "due_on": today().isoformat(),
                    "paid_on": None,
                }
            ],
            "agreement": {"number": "LĪG-2027/7", "signed_on": today().isoformat()},
        }
    ]
    download = await client.get(
        f"/api/awards/{award['award_id']}/agreement/document", headers=award["applicant"]
    )
    assert download.status_code == 200
    assert download.content == document
    assert download.headers["x-content-type-options"] == "nosniff"
    logged = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.data)
        .where((AuditEntry.entity == "award") & (AuditEntry.entity_id == str(award["award_id"])))
        .output(load_json=True)
    )
    assert [(e["action"], e["data"].get("after")) for e in logged] == [
        ("award", logged[0]["data"]["after"]),
        ("sign", {"status": "agreement_signed"}),
    ]
    organisation = (
        await Application.select(Application.organisation)
        .where(Application.id == award["application_id"])
        .first()
    )["organisation"]
    address = (await member_recipients(organisation))[0].email
    mails = await OutboxMessage.select(
        OutboxMessage.dedupe_key, OutboxMessage.body_text, OutboxMessage.language
    ).where(OutboxMessage.dedupe_key.like(f"agreement:{award['award_id']}:%"))
    assert [m["dedupe_key"] for m in mails] == [f"agreement:{award['award_id']}:{address}"]
    assert "LĪG-2027/7" in mails[0]["body_text"]
    assert display_cents(414_000, mails[0]["language"]) in mails[0]["body_text"]  # the reader's money format


@pytest.mark.parametrize(
    ("amount", "percent", "advance"),
    [
        ("4600.00", 90, "4140.00"),
        ("1533.33", 90, "1379.99"),
        ("4600.00", 75, "3450.00"),
        ("0.03", 50, "0.01"),
    ],
)
async def test_the_advance_is_the_calls_percent_rounded_down(client, amount, percent, advance):
    award = await awarded_application(client, amount=amount, advance_percent=percent)
    signed = await sign(client, award)
    assert signed.status_code == 201, signed.text
    assert signed.json()["advance"]["amount"] == advance
    listed = (await client.get("/api/awards", headers=award["applicant"])).json()
    assert [(p["kind"], p["amount"]) for p in listed[0]["payments"]] == [("advance", advance)]


async def test_a_call_without_an_advance_makes_no_payment_on_signing(client):
    award = await awarded_application(client, advance_percent=0)
    signed = await sign(client, award)
    assert (signed.status_code, signed.json()["advance"]) == (201, None)
    assert await payments_of(award["award_id"]) == []


async def test_bad_agreement_input_is_refused_with_the_field_and_nothing_is_kept(client):
    award = await awarded_application(client)
    before = stored_files()
    tomorrow = (today() + timedelta(days=1)).isoformat()
    cases = [
        ({"number": "", "signed_on": today().isoformat()}, {"number": "This field is required."}),
        ({"number": "L-1", "signed_on": tomorrow}, {"signed_on": "The date cannot be in the future."}),
        ({"number": "L-1", "signed_on": "24.11.2026"}, {"signed_on": "Enter a date as YYYY-MM-DD."}),
        ({"number": "L" * 51, "signed_on": today().isoformat()}, {"number": "At most 50 characters."}),
    ]
    for data, extra in cases:
        response = await client.post(
            f"/api/awards/{award['award_id']}/agreement",
            data=data,
            files={"file": ("l.pdf", pdf_bytes(), "application/pdf")},
            headers=award["staff"],
        )
        assert (response.status_code, response.json()["extra"]) == (422, extra)
    no_file = await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        data={"number": "L-1", "signed_on": today().isoformat()},
        files={"other": ("l.pdf", pdf_bytes(), "application/pdf")},
        headers=award["staff"],
    )
    assert no_file.status_code == 422
    assert list(no_file.json()["extra"]) == ["file"]
    program = await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        data={"number": "L-1", "signed_on": today().isoformat()},
        files={"file": ("l.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "application/pdf")},
        headers=award["staff"],
    )
    assert program.status_code == 415
    assert stored_files() == before
    assert await Agreement.count().where(Agreement.award == award["award_id"]) == 0
    assert await award_status(award["award_id"]) == "awarded"
    assert await payments_of(award["award_id"]) == []


async def test_fields_after_the_file_are_read_too(client):
    award = await awarded_application(client)
    boundary = "grantsboundary"
    parts = [
        ("file", 'filename="l.pdf"', "application/pdf", pdf_bytes()),
        ("number", None, None, b"L-AFTER-1"),
        ("signed_on", None, None, today().isoformat().encode()),
    ]
    body = b""
    for name, extra, kind, content in parts:
        disposition = f'form-data; name="{name}"' + (f"; {extra}" if extra else "")
        body += f"--{boundary}\r\nContent-Disposition: {disposition}\r\n".encode()
        body += (f"Content-Type: {kind}\r\n" if kind else "").encode() + b"\r\n" + content + b"\r\n"
    body += f"--{boundary}--\r\n".encode()
    response = await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        content=body,
        headers=award["staff"] | {"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["number"] == "L-AFTER-1"


async def test_an_agreement_number_is_used_once(client):
    first = await awarded_application(client)
    second = await awarded_application(client)
    assert (await sign(client, first, number="L-SAME-1")).status_code == 201
    before = stored_files()
    again = await sign(client, second, number="L-SAME-1")
    assert (again.status_code, again.json()["extra"]) == (
        422,
        {"number": "Another agreement already has this number."},
    )
    assert stored_files() == before
    assert await award_status(second["award_id"]) == "awarded"


async def test_an_agreement_is_recorded_once_and_only_for_an_awarded_award(client):
    award = await signed_award(client)
    twice = await sign(client, award)
    assert twice.status_code == 409
    assert twice.json()["detail"] == "An agreement can be recorded only for an award that is not signed yet."
    declined = await awarded_application(client)
    await client.post(f"/api/awards/{declined['award_id']}/decline", headers=declined["applicant"])
    assert (await sign(client, declined)).status_code == 409
    assert await Agreement.count().where(Agreement.award == declined["award_id"]) == 0
    assert (await client.post("/api/awards/999999/agreement", headers=award["staff"])).status_code == 404


async def test_two_concurrent_signings_make_one_agreement_and_one_advance(client):
    award = await awarded_application(client)
    responses = await asyncio.gather(
        *(sign(client, award, number=f"L-RACE-{i}-{award['award_id']}") for i in range(2))
    )
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 1}
    assert await Agreement.count().where(Agreement.award == award["award_id"]) == 1
    assert await payments_of(award["award_id"]) == [("advance", 414_000, today().isoformat(), None)]


async def test_only_staff_record_an_agreement(client):
    award = await awarded_application(client)
    before = stored_files()
    reviewer = await bearer(client, await make_user(Role.reviewer))
    for headers in (award["applicant"], reviewer):
        refused = await sign(client, award | {"staff": headers})
        assert refused.status_code == 403
    assert (await sign(client, award | {"staff": {}})).status_code == 401
    assert stored_files() == before
    assert await award_status(award["award_id"]) == "awarded"


async def test_the_agreement_document_is_for_staff_and_the_grantee_only(client):
    award = await signed_award(client)
    url = f"/api/awards/{award['award_id']}/agreement/document"
    other = await signed_award(client)  # another organisation, with an agreement of its own
    assert (await client.get(url, headers=other["applicant"])).status_code == 404
    assert (await client.get(url, headers=await applicant_headers(client))).status_code == 404
    reviewer = await bearer(client, await make_user(Role.reviewer))
    assert (await client.get(url, headers=reviewer)).status_code == 403
    assert (await client.get(url)).status_code == 401
    assert (await client.get(url, headers=award["staff"])).content.startswith(b"%PDF-")
    unsigned = await awarded_application(client)
    missing = f"/api/awards/{unsigned['award_id']}/agreement/document"
    assert (await client.get(missing, headers=unsigned["applicant"])).status_code == 404


async def test_a_decline_lets_the_first_reserve_be_awarded_and_signed(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND], budget="4600.00", quota=1)
    result = (await client.post(f"/api/calls/{call_id}/awards", json={"auto": True}, headers=staff)).json()
    first = result["awarded"][0]
    assert (first["application_id"], result["reserve"]) == (apps[0], [apps[1]])
    full = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert full.status_code == 409
    grantee_org = (
        await Application.select(Application.organisation).where(Application.id == apps[0]).first()
    )["organisation"]
    grantee = await bearer(client, (await member_recipients(grantee_org))[0].email)
    declined = await client.post(f"/api/awards/{first['id']}/decline", headers=grantee)
    assert declined.json()["status"] == "declined"
    moved_up = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert moved_up.status_code == 201
    assert (moved_up.json()["application_id"], moved_up.json()["amount"]) == (apps[1], "4600.00")
    reserve = {"award_id": moved_up.json()["id"], "staff": staff}
    assert (await sign(client, reserve)).status_code == 201
    # The declined award cannot be signed; the signed one can no longer be declined.
    assert (await sign(client, {"award_id": first["id"], "staff": staff})).status_code == 409
    reserve_org = (
        await Application.select(Application.organisation).where(Application.id == apps[1]).first()
    )["organisation"]
    second_grantee = await bearer(client, (await member_recipients(reserve_org))[0].email)
    late = await client.post(f"/api/awards/{moved_up.json()['id']}/decline", headers=second_grantee)
    assert late.status_code == 409
    listed = (await client.get("/api/awards", headers=second_grantee)).json()
    assert [(a["application_id"], a["status"], [p["amount"] for p in a["payments"]]) for a in listed] == [
        (apps[1], "agreement_signed", ["4140.00"])
    ]
    assert (await client.get("/api/awards", headers=grantee)).json()[0]["payments"] == []
