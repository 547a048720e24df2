"""What the report tests share: an award whose project runs today, event payloads, another grantee."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from grants.applications.tables import Application, PlannedEvent
from grants.registry.tables import School
from tests.factories.accounts import applicant_headers
from tests.factories.awards import signed_award, today
from tests.factories.registry import make_school


async def running_award(
    client: httpx.AsyncClient, start: date | None = None, end: date | None = None, **call_overrides
) -> dict:
    """An award with its agreement signed (tests.factories.awards.signed_award), whose project started 60 days
    ago and ends in 30 days: complete_application plans it in 2027, when no event could be held yet.
    A signed application's dates cannot change through the API, so they are set here directly."""
    award = await signed_award(client, **call_overrides)
    start = start or today() - timedelta(days=60)
    end = end or today() + timedelta(days=30)
    await Application.update({Application.start_date: start, Application.end_date: end}).where(
        Application.id == award["application_id"]
    )
    return award


async def planned_event_id(award: dict) -> int:
    row = (
        await PlannedEvent.select(PlannedEvent.id)
        .where(PlannedEvent.application == award["application_id"])
        .first()
    )
    return row["id"]


def held(school: str, **overrides) -> dict:
    """A held event as the API contract shows it: 20 participants, 15 + 5 by grade band."""
    return {
        "school": school,
        "kind": "workshop",
        "title": "Radošā darbnīca",
        "held_on": (today() - timedelta(days=5)).isoformat(),
        "participants": 20,
        "participants_by_grade": {"1-4": 0, "5-9": 15, "10-12": 5, "vocational": 0},
        "description": "Darbnīca par mācīšanās paradumiem.",
    } | overrides


async def report(client: httpx.AsyncClient, award: dict, **overrides) -> dict:
    response = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json=held(award["school"], **overrides),
        headers=award["applicant"],
    )
    assert response.status_code == 201, response.text
    return response.json()


async def email_of(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.get("/api/me", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["email"]


async def grantee_browser(client: httpx.AsyncClient, make_client, award: dict) -> httpx.AsyncClient:
    """A new browser (from the make_client fixture) signed in as the award's grantee."""
    from tests.factories.accounts import login

    browser = make_client()
    await login(browser, await email_of(client, award["applicant"]))
    return browser


async def other_grantee(client: httpx.AsyncClient) -> dict[str, str]:
    """Bearer headers of an applicant of another organisation."""
    return await applicant_headers(client)


async def pumpurs_school(
    municipality: str = "LV-016",
    name: str = "Misas pamatskola",
    since: date | None = date(2017, 9, 1),
    until: date | None = None,
) -> str:
    """A school of the register taking part in PuMPuRS from `since` to `until` (inclusive)."""
    number = await make_school(municipality, name)
    await School.update({School.pumpurs_since: since, School.pumpurs_until: until}).where(
        School.registration_number == number
    )
    return number
