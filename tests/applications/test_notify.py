"""The e-mails that applications send: a receipt, a clarification request, a reminder, a welcome."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.applications.notify import remind_unsubmitted_drafts
from grants.calls.tables import Call
from grants.core.time import now
from tests.factories.accounts import bearer, register_applicant, staff_headers
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.mail import outbox_for
from tests.factories.registry import make_school

pytestmark = pytest.mark.integration


async def applicant(client):
    email, _ = await register_applicant(client)
    return email, await bearer(client, email)


async def test_registration_queues_a_confirmation_and_the_welcome_after_it(client):
    """The welcome follows the confirmation, in the language the user registered in (English here)."""
    email, _ = await applicant(client)
    messages = await outbox_for(email)
    assert [m["subject"] for m in messages] == [
        "Confirm your e-mail address for Grants",
        "Your organisation is registered in Grants",
    ]


async def test_submission_sends_a_receipt_with_reference_and_summary(client):
    email, headers = await applicant(client)
    call = await published_call(client, title="Bauskas jauniešu konkurss")
    school = await make_school(name="Misas pamatskola")
    app = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "x"}, headers=headers)
    ).json()
    await client.patch(f"/api/applications/{app['id']}", json=complete_application(school), headers=headers)
    assert (await client.post(f"/api/applications/{app['id']}/submit", headers=headers)).status_code == 200
    receipts = [m for m in await outbox_for(email) if app["reference"] in m["subject"]]
    assert len(receipts) == 1
    body = receipts[0]["body_text"]
    for fragment in (
        app["reference"],
        "Piedzīvojumu nometne",
        "Bauskas jauniešu konkurss",
        "Misas pamatskola",
    ):
        assert fragment in body
    # The amount in the reader's (here English) words, not the wire format.
    assert [line for line in body.splitlines() if line.startswith("Requested amount")] == [
        "Requested amount: €4,600.00"
    ]


async def test_clarification_request_is_mailed_once(client):
    email, headers = await applicant(client)
    call = await published_call(client)
    school = await make_school()
    app = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "x"}, headers=headers)
    ).json()
    await client.patch(f"/api/applications/{app['id']}", json=complete_application(school), headers=headers)
    await client.post(f"/api/applications/{app['id']}/submit", headers=headers)
    question = "Kāpēc autobuss maksā tik daudz?"
    asked = await client.post(
        f"/api/applications/{app['id']}/clarifications",
        json={"question": question, "due_at": (now() + timedelta(days=3)).isoformat()},
        headers=await staff_headers(client),
    )
    assert asked.status_code == 201
    requests = [m for m in await outbox_for(email) if question in m["body_text"]]
    assert len(requests) == 1


async def test_remind_queues_drafts_of_calls_closing_soon_once(client):
    email, headers = await applicant(client)
    soon = await published_call(client, closes_at=(now() + timedelta(days=2)).isoformat())
    later = await published_call(client, closes_at=(now() + timedelta(days=20)).isoformat())
    near = (
        await client.post(f"/api/calls/{soon['id']}/applications", json={"title": "Tuvu"}, headers=headers)
    ).json()
    far_email, far_headers = await applicant(client)
    await client.post(f"/api/calls/{later['id']}/applications", json={"title": "Tālu"}, headers=far_headers)
    first = await remind_unsubmitted_drafts()
    second = await remind_unsubmitted_drafts()
    assert first >= 1
    assert second == 0
    reminders = [m for m in await outbox_for(email) if near["reference"] in m["subject"]]
    assert len(reminders) == 1
    assert [m for m in await outbox_for(far_email) if "Tālu" in m["body_text"]] == []


async def test_remind_skips_calls_already_closed(client):
    email, headers = await applicant(client)
    call = await published_call(client, closes_at=(now() + timedelta(days=1)).isoformat())
    app = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "x"}, headers=headers)
    ).json()
    await Call.update({Call.closes_at: now() - timedelta(minutes=1)}).where(Call.id == call["id"])
    await remind_unsubmitted_drafts()
    assert [m for m in await outbox_for(email) if app["reference"] in m["subject"]] == []
