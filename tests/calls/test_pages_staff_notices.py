"""What the call set-up page says after a save: a draft's changes are not seen by applicants yet, a
published call's are on its public page."""

from __future__ import annotations

import pytest

from grants.calls import service
from grants.core.auth import Role
from tests.factories.accounts import login, make_user, post_form
from tests.factories.calls import call_payload
from tests.factories.scoring import principal_of
from tests.html import notice

pytestmark = pytest.mark.integration

DRAFT = {
    "municipality_code": "LV-016",
    "title": "Bauskas jauniešu iniciatīvas 2027",
    "description": "Konkursa nolikums.",
    "budget": "46 000,00",
    "max_amount": "4600",
    "quota": "10",
    "advance_percent": "90",
    "opens_at": "2027-03-01T09:00",
    "closes_at": "2027-06-30T23:59",
    "applications_per_organisation": "1",
    "min_months": "3",
    "max_months": "18",
    "score_threshold": "30",
    "aggregation": "median",
    "reviewers_per_application": "2",
    "review_closes_at": "2027-07-15T17:00",
    "appeal_route": "Iesniegums novada domei.",
}
CHANGES = {
    "title": "Jauns nosaukums",
    "description": "",
    "review_closes_at": "2040-01-10T12:00",
    "appeal_route": "Domei.",
}


async def saved_notice(client, call_id: int, form: dict[str, str]) -> str | None:
    saved = await post_form(client, f"/admin/calls/{call_id}/setup", form)
    assert saved.status_code == 302, saved.text
    assert saved.headers["location"] == f"/admin/calls/{call_id}/setup?done=saved"
    return notice((await client.get(saved.headers["location"])).text)


async def test_a_draft_call_saved_says_applicants_do_not_see_it_yet(client):
    email = await make_user(Role.staff)
    await login(client, email)
    created = await post_form(client, "/admin/calls/new", DRAFT)
    call_id = int(created.headers["location"].split("/")[3])
    assert await saved_notice(client, call_id, DRAFT | CHANGES) == (
        "The changes are saved. The call is still a draft: applicants see it only once you publish it."
    )


async def test_a_published_call_saved_says_the_changes_are_public(client):
    email = await make_user(Role.staff)
    await login(client, email)
    me = await principal_of(email)
    call_id = await service.create_call(call_payload(), me)
    await service.publish(call_id, me)
    assert await saved_notice(client, call_id, CHANGES) == (
        "The changes are saved and shown on the call's public page."
    )
