"""A call's threshold and a criterion's weight are decimals their Numeric(6, 2) columns hold: NaN,
infinity and 10,000 or more are the caller's mistake (422), never a 500 (issue 11, class 5)."""

from __future__ import annotations

import pytest

from grants.calls.tables import Call
from tests.factories.accounts import staff_headers
from tests.factories.calls import call_payload

pytestmark = pytest.mark.integration

NOT_STORABLE = ["NaN", "-NaN", "Infinity", "1e999", "10000", "99999999"]


@pytest.mark.parametrize("threshold", NOT_STORABLE)
async def test_a_threshold_the_column_cannot_hold_is_refused(client, threshold):
    headers = await staff_headers(client)
    calls = await Call.count()
    response = await client.post("/api/calls", json=call_payload(score_threshold=threshold), headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"] == {
        "score_threshold": "The threshold must be a number of points, zero or more."
    }
    assert await Call.count() == calls


@pytest.mark.parametrize("weight", NOT_STORABLE)
async def test_a_weight_the_column_cannot_hold_is_refused(client, weight):
    headers = await staff_headers(client)
    payload = call_payload()
    payload["criteria"][1]["weight"] = weight
    calls = await Call.count()
    response = await client.post("/api/calls", json=payload, headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"] == {"criteria.1.weight": "The weight must be a number greater than zero."}
    assert await Call.count() == calls


async def test_the_largest_threshold_the_column_holds_is_taken(client):
    headers = await staff_headers(client)
    response = await client.post("/api/calls", json=call_payload(score_threshold="9999.99"), headers=headers)
    assert response.status_code == 201, response.text
    assert response.json()["score_threshold"] == "9999.99"
