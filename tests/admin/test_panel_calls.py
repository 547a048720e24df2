"""Calls edited in the admin panel keep the same rules as the API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.time import now
from tests.factories.accounts import login, make_user
from tests.factories.calls import published_call

pytestmark = pytest.mark.integration


async def _staff_panel(client) -> dict[str, str]:
    await login(client, await make_user(Role.staff))
    await client.get("/admin/")
    return {"X-CSRFToken": client.cookies["csrftoken"]}


async def test_panel_refuses_a_call_that_closes_before_it_opens(client):
    headers = await _staff_panel(client)
    opens = now() + timedelta(days=3)
    response = await client.post(
        "/admin/api/tables/grant_call/",
        json={
            "title": "Panel call",
            "municipality": 1,
            "budget_cents": 4_600_000,
            "max_amount_cents": 460_000,
            "opens_at": opens.isoformat(),
            "closes_at": (opens - timedelta(days=1)).isoformat(),
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert "closes_at" in response.json()["detail"]
    assert await Call.count().where(Call.title == "Panel call") == 0


async def test_panel_cannot_change_rules_or_status_of_a_published_call(client):
    call = await published_call(client, title="Published rules")
    headers = await _staff_panel(client)
    budget = await client.patch(
        f"/admin/api/tables/grant_call/{call['id']}/", json={"budget_cents": 100}, headers=headers
    )
    assert budget.status_code == 409
    status = await client.patch(
        f"/admin/api/tables/grant_call/{call['id']}/",
        json={"status": "draft", "title": "Renamed"},
        headers=headers,
    )
    assert status.status_code == 200
    row = (await Call.select(Call.status, Call.title, Call.budget_cents).where(Call.id == call["id"]))[0]
    assert row == {"status": "published", "title": "Renamed", "budget_cents": 4_600_000}


async def test_panel_form_closes_a_call(client):
    call = await published_call(client)
    headers = await _staff_panel(client)
    response = await client.post(
        "/admin/api/forms/close-a-call/", json={"call_id": call["id"]}, headers=headers
    )
    assert response.json() == {"custom_form_success": f"The call {call['id']} is now closed."}
    again = await client.post("/admin/api/forms/close-a-call/", json={"call_id": call["id"]}, headers=headers)
    assert again.status_code == 422
    assert again.json() == {"custom_form_error": "The call is closed; this step needs it published."}
