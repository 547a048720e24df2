"""Every text field of every request body, over-long: a 400 naming the field, never a 5xx.

The fields are walked from the app's OpenAPI schema (tests/security/lengths.py), so a new field or
a new operation is covered the day it exists. Each is sent by a caller the operation is for, in an
otherwise valid body, on seeded rows (tests/fuzz/world.py): without a bound in the schema, the text
reached the database, where PostgreSQL refuses a varchar's overflow (a 500) and SQLite stores it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from grants.app import create_app
from grants.core.inputs import TEXT_MAX
from tests.fuzz.world import World, seed
from tests.security.lengths import KEY, VALID, body_schemas, headers_for, label, named, put, text_fields, url

pytestmark = pytest.mark.integration

OPENAPI = create_app().openapi_schema.to_schema()
BODIES = body_schemas(OPENAPI)
FIELDS = [
    (operation, path, schema)
    for operation, body in sorted(BODIES.items())
    for path, schema in text_fields(body, OPENAPI)
]
CASES = [pytest.param(op, path, schema, id=f"{op} {label(path)}") for op, path, schema in FIELDS]


@pytest.fixture(scope="module")
async def seeded(app) -> AsyncIterator[tuple[httpx.AsyncClient, World, dict[str, Any], str]]:
    transport = httpx.ASGITransport(app=app, client=("127.7.0.1", 50000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": "en"}
    ) as client:
        world = await seed(client)
        ids: dict[str, Any] = {name: values[0] for name, values in world.ids.items()}
        draft = (
            await client.get(f"/api/applications/{ids['application_id']}", headers=world.applicant)
        ).json()
        award = (await client.get("/api/awards", headers=world.applicant)).json()[0]
        ids["payment_id"] = award["payments"][0]["id"]
        yield client, world, ids, draft["planned_events"][0]["school"]


def test_every_operation_with_a_body_has_a_valid_one() -> None:
    assert sorted(set(BODIES) - set(VALID)) == []
    assert sorted(set(VALID) - set(BODIES)) == []
    assert len(FIELDS) > 50


def test_every_request_text_field_shows_its_max_length() -> None:
    """Every text has a bound in the schema, none beyond the text bound (a varchar's is its length).
    A map's keys are bounded as well (the over-long test below), but not shown: the schema lists no
    `propertyNames`."""
    unbounded = [
        f"{op} {label(path)}"
        for op, path, schema in FIELDS
        if path[-1] != KEY and not 0 < schema.get("maxLength", 0) <= TEXT_MAX
    ]
    assert unbounded == []


async def _send(seeded, operation: str, path: tuple, value: str) -> httpx.Response:
    client, world, ids, school = seeded
    ids = ids | ({"application_id": world.ids["application_id"][1]} if "answer" in operation else {})
    method, target = url(operation, ids)
    body = put(VALID[operation](school), path, value)
    return await client.request(method, target, json=body, headers=headers_for(operation, world))


@pytest.mark.parametrize(("operation", "path", "schema"), CASES)
async def test_over_long_text_is_refused(seeded, operation, path, schema) -> None:
    """One character over the field's bound (over the text bound where the schema has none)."""
    value = "ā" * (schema.get("maxLength", TEXT_MAX) + 1)
    response = await _send(seeded, operation, path, value)
    assert response.status_code in (400, 422), response.text[:300]
    assert named(response.json(), path), response.text[:300]


@pytest.mark.parametrize(("operation", "path", "schema"), CASES)
async def test_text_at_its_bound_passes_the_schema(seeded, operation, path, schema) -> None:
    """The bound is no tighter than it says: a text of exactly that length gets past the schema (the
    service may still refuse it, for what it says); and never a 5xx."""
    if path[-1] == KEY or "maxLength" not in schema:
        pytest.skip("a map's key, or no bound to be at")
    response = await _send(seeded, operation, path, "ā" * schema["maxLength"])
    assert response.status_code < 500, response.text[:300]
    refused_by_schema = response.status_code == 400 and "length" in response.text
    assert not refused_by_schema, response.text[:300]
