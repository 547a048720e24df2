"""The outbox in the admin panel: staff read it without the bodies (they carry reset and confirmation
links), cannot change it, and can send a failed message again (audited); nothing else is resent."""

from __future__ import annotations

import pytest

from grants.core.tables import OutboxMessage
from grants.core.time import now
from tests.factories.mail import queue, row
from tests.factories.panel import audit_rows, panel_staff

pytestmark = pytest.mark.integration

LINK = "https://grants.example.lv/reset/SECRET-TOKEN-0123456789"


async def secret_message(status: str = "failed") -> int:
    """A queued mail whose body carries a link nobody but its recipient may see."""
    message_id = await queue(subject="Paroles atjaunošana")
    await OutboxMessage.update(
        {
            OutboxMessage.body_text: f"Atveriet {LINK}",
            OutboxMessage.body_html: f'<a href="{LINK}">{LINK}</a>',
            OutboxMessage.status: status,
            OutboxMessage.attempts: 6,
            OutboxMessage.last_error: "SMTPRecipientsRefused: 451 try later",
        }
    ).where(OutboxMessage.id == message_id)
    return message_id


async def test_panel_outbox_shows_the_metadata_of_a_message(client):
    await panel_staff(client)
    message_id = await secret_message()

    response = await client.get(f"/admin/data/api/tables/outbox/?id={message_id}")

    assert response.status_code == 200, response.text
    [listed] = response.json()["rows"]
    stored = await row(message_id)
    assert {k: listed[k] for k in ("to_address", "subject", "status", "attempts", "last_error")} == {
        "to_address": stored["to_address"],
        "subject": "Paroles atjaunošana",
        "status": "failed",
        "attempts": 6,
        "last_error": "SMTPRecipientsRefused: 451 try later",
    }
    assert (listed.get("body_text"), listed.get("body_html")) == (None, None)  # piccolo_api blanks secrets


@pytest.mark.parametrize(
    "path",
    [
        "/admin/data/api/tables/outbox/?id={id}",
        "/admin/data/api/tables/outbox/?id={id}&__visible_fields=body_text",
        "/admin/data/api/tables/outbox/?id={id}&__visible_fields=id,body_html",
        "/admin/data/api/tables/outbox/?id={id}&__visible_fields=body_text,body_html,subject",
        "/admin/data/api/tables/outbox/?id={id}&__readable=true",
        "/admin/data/api/tables/outbox/{id}/",
        "/admin/data/api/tables/outbox/{id}/?__visible_fields=body_text",
        "/admin/data/api/tables/outbox/{id}/?__readable=true",
        "/admin/data/api/tables/outbox/schema/",
    ],
)
async def test_panel_outbox_never_shows_a_body(client, path):
    await panel_staff(client)
    message_id = await secret_message()

    response = await client.get(path.format(id=message_id))

    assert response.status_code in (200, 400), response.text
    assert "SECRET-TOKEN" not in response.text
    assert "Atveriet" not in response.text


async def test_panel_outbox_filter_on_a_body_reveals_nothing(client):
    """A filter on a body column would answer "is this text in a mail?" by the count: it is refused
    alike, whatever the text."""
    await panel_staff(client)
    message_id = await secret_message()

    hit = await client.get(f"/admin/data/api/tables/outbox/count/?id={message_id}&body_text=Atveriet")
    miss = await client.get(f"/admin/data/api/tables/outbox/count/?id={message_id}&body_text=nothing-like-it")

    assert (hit.status_code, hit.text) == (miss.status_code, miss.text)
    assert hit.status_code == 400


@pytest.mark.parametrize("order", ["body_text", "-body_text", "body_html", "subject,body_text"])
async def test_panel_outbox_sorted_by_a_body_is_refused(client, order):
    """An order by a body would rank the messages by what their links say: refused as an unknown
    column, like a filter."""
    await panel_staff(client)
    await secret_message()

    answer = await client.get(f"/admin/data/api/tables/outbox/?__order={order}")

    assert answer.status_code == 400
    assert "Atveriet" not in answer.text
    assert (await client.get("/admin/data/api/tables/outbox/?__order=-subject")).status_code == 200


async def test_panel_outbox_refuses_every_write(client):
    headers = await panel_staff(client)
    message_id = await secret_message()

    patch = await client.patch(
        f"/admin/data/api/tables/outbox/{message_id}/", json={"status": "pending"}, headers=headers
    )
    delete = await client.delete(f"/admin/data/api/tables/outbox/{message_id}/", headers=headers)

    assert (patch.status_code, delete.status_code) == (405, 405)
    assert (await row(message_id))["status"] == "failed"


async def test_panel_resend_puts_a_failed_message_back_to_pending(client):
    headers = await panel_staff(client)
    message_id = await secret_message()
    before = await row(message_id)

    response = await client.post(
        "/admin/data/api/forms/resend-a-message/", json={"message_id": message_id}, headers=headers
    )

    assert response.json() == {"custom_form_success": f"The message {message_id} will be sent again."}
    after = await row(message_id)
    assert (after["status"], after["attempts"], after["message_id"]) == ("pending", 0, before["message_id"])
    assert after["next_attempt_at"] <= now()
    [entry] = [e for e in await audit_rows("outbox") if e["entity_id"] == str(message_id)]
    assert (entry["action"], entry["data"]) == (
        "mail.resend",
        {"before": {"status": "failed", "attempts": 6}, "after": {"status": "pending", "attempts": 0}},
    )


@pytest.mark.parametrize("status", ["sent", "pending", "sending"])
async def test_panel_resend_refuses_a_message_that_is_not_failed(client, status):
    headers = await panel_staff(client)
    message_id = await secret_message(status)

    response = await client.post(
        "/admin/data/api/forms/resend-a-message/", json={"message_id": message_id}, headers=headers
    )

    assert response.json() == {"custom_form_error": "Only a failed message can be sent again."}
    assert ((await row(message_id))["status"], (await row(message_id))["attempts"]) == (status, 6)
    assert [e for e in await audit_rows("outbox") if e["entity_id"] == str(message_id)] == []


async def test_panel_resend_of_an_unknown_message_says_so(client):
    headers = await panel_staff(client)
    response = await client.post(
        "/admin/data/api/forms/resend-a-message/", json={"message_id": 987654321}, headers=headers
    )
    assert response.json() == {"custom_form_error": "No message has the number 987654321."}


async def test_panel_outbox_is_closed_to_reviewers(client):
    from grants.core.auth import Role
    from tests.factories.accounts import login, make_user

    await login(client, await make_user(Role.reviewer))
    message_id = await secret_message()
    response = await client.get(f"/admin/data/api/tables/outbox/{message_id}/")
    assert response.status_code == 403
    assert "SECRET-TOKEN" not in response.text
