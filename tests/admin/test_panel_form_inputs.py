"""The panel's forms take a JSON object of storable values: anything else is the caller's mistake
(4xx, named), never a 500, and leaves no audit row (issue 11, classes 2 and 5)."""

from __future__ import annotations

import pytest

from grants.core.tables import AuditEntry
from tests.factories.panel import panel_staff

pytestmark = pytest.mark.integration

SLUGS = [
    "grant-a-role",
    "revoke-a-role",
    "deactivate-a-user",
    "reactivate-a-user",
]
BODIES = {
    b"[" * 100_000: "The JSON is nested too deeply.",
    b"[]": "Send the form as a JSON object.",
    b"null": "Send the form as a JSON object.",
    b"not json": "Send the form as a JSON object.",
    b'{"email": "a\\u0000b"}': "Text must not contain the NUL character.",
}


@pytest.mark.parametrize("slug", SLUGS)
async def test_a_form_body_that_is_no_json_object_is_a_400(client, slug):
    headers = await panel_staff(client) | {"content-type": "application/json"}
    entries = await AuditEntry.count()
    for body, detail in BODIES.items():
        response = await client.post(f"/admin/data/api/forms/{slug}/", content=body, headers=headers)
        assert (response.status_code, response.json()["detail"]) == (400, detail)
    assert await AuditEntry.count() == entries


@pytest.mark.parametrize("number", [2**31, 2**63, -(2**70)])
async def test_an_id_beyond_the_database_is_named(client, number):
    headers = await panel_staff(client)
    response = await client.post(
        "/admin/data/api/forms/resend-a-message/", json={"message_id": number}, headers=headers
    )
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == ["message_id: the number is too large."]
