"""Odd input on the back office's call form and the API never reaches the pages as something they
cannot show: moments outside 2000–2099, times Riga's clocks skip, digits other than 0–9 (the
attack review of issue 13)."""

from __future__ import annotations

import pytest

from grants.calls.tables import Call
from tests.calls.test_pages_staff import NEW_CALL, staff
from tests.factories.accounts import post_form, staff_headers
from tests.factories.calls import call_payload
from tests.html import field_error

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:59", "1999-12-31T23:59"])
async def test_new_call_with_a_moment_outside_the_century_is_refused_by_field(client, moment):
    await staff(client)
    calls = await Call.count()
    refused = await post_form(client, "/admin/calls/new", NEW_CALL | {"closes_at": moment})
    assert refused.status_code == 422
    assert field_error(refused.text, "closes_at") is not None
    assert await Call.count() == calls


async def test_new_call_at_a_time_the_clocks_skip_is_refused(client):
    await staff(client)
    calls = await Call.count()
    refused = await post_form(client, "/admin/calls/new", NEW_CALL | {"closes_at": "2027-03-28T03:30"})
    assert refused.status_code == 422
    assert field_error(refused.text, "closes_at") is not None
    assert await Call.count() == calls


@pytest.mark.parametrize("quota", ["١٢", "1_000", "+5", " 7x"])
async def test_new_call_quota_takes_only_the_digits_0_to_9(client, quota):
    await staff(client)
    refused = await post_form(client, "/admin/calls/new", NEW_CALL | {"quota": quota})
    assert refused.status_code == 422
    assert field_error(refused.text, "quota") == "Enter a whole number."


@pytest.mark.parametrize(
    "closes_at",
    ["9999-12-31T23:30:00+00:00", "9999-12-31T23:59:59.999999-12:00", "0001-01-01T00:00:00+14:00"],
)
async def test_api_call_at_the_edge_of_time_is_a_422_and_the_public_list_still_answers(client, closes_at):
    headers = await staff_headers(client)
    response = await client.post("/api/calls", json=call_payload(closes_at=closes_at), headers=headers)
    assert response.status_code == 422
    assert response.json()["extra"]["closes_at"] in {
        "Enter a date from 2000 to 2099.",
        "Enter a date and time with a time zone, e.g. 2026-03-01T12:00:00+02:00.",
    }
    assert (await client.get("/calls")).status_code == 200


async def test_threshold_is_kept_to_hundredths_on_every_engine(client):
    headers = await staff_headers(client)
    created = await client.post("/api/calls", json=call_payload(score_threshold="30.005"), headers=headers)
    assert created.status_code == 201, created.text
    row = await Call.select(Call.score_threshold).where(Call.id == created.json()["id"]).first()
    assert str(row["score_threshold"]) == "30.01"
