"""The panel's forms take a JSON object of storable values: anything else is the caller's mistake
(4xx, named), never a 500, and leaves no audit row (issue 11, classes 2 and 5)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.calls.tables import Call
from grants.core.tables import AuditEntry
from grants.core.time import now
from tests.factories.panel import panel_staff

pytestmark = pytest.mark.integration

SLUGS = [
    "grant-a-role",
    "revoke-a-role",
    "create-a-call",
    "edit-a-call",
    "add-a-criterion",
    "change-a-criterion",
    "remove-a-criterion",
    "publish-a-call",
    "close-a-call",
    "delete-a-call",
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


@pytest.mark.parametrize(
    ("slug", "field"),
    [
        ("delete-a-call", "call_id"),
        ("publish-a-call", "call_id"),
        ("close-a-call", "call_id"),
        ("edit-a-call", "call_id"),
        ("remove-a-criterion", "criterion_id"),
        ("change-a-criterion", "criterion_id"),
    ],
)
@pytest.mark.parametrize("number", [2**31, 2**63, -(2**70)])
async def test_an_id_beyond_the_database_is_named(client, slug, field, number):
    headers = await panel_staff(client)
    response = await client.post(f"/admin/data/api/forms/{slug}/", json={field: number}, headers=headers)
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == [f"{field}: the number is too large."]


@pytest.mark.parametrize(
    "moment", ["0001-01-01T00:00:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
)
async def test_a_moment_without_a_utc_equivalent_is_named(client, moment):
    headers = await panel_staff(client)
    calls = await Call.count()
    opens = now() + timedelta(days=3)
    body = {
        "municipality_code": "LV-016",
        "title": "Panel call",
        "budget": "46000.00",
        "opens_at": opens.isoformat(),
        "closes_at": moment,
    }
    response = await client.post("/admin/data/api/forms/create-a-call/", json=body, headers=headers)
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == ["closes_at: the date is out of range."]
    assert await Call.count() == calls
