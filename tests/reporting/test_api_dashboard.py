"""The municipality dashboard's API: numbers equal to sums made here, mergers counted under the successor,
and events reported through the API counted until staff return them.

Fixture rows come from tests/factories/reporting_rows.py. Each test works in a municipality no other test
seeds, so the totals are exactly the seeded data's; the expected values are summed in Python
from the seeding lists, never read back through the code under test."""

from __future__ import annotations

from datetime import date

import pytest

from grants.core.auth import Role
from grants.core.money import format_cents
from tests.factories import reporting_rows as data
from tests.factories.accounts import (
    bearer,
    make_user,
    register_applicant,
    staff_headers,
)
from tests.factories.reporting_rows import BANDS, expected

pytestmark = pytest.mark.integration


async def test_activities_api_totals_equal_the_seeded_sums(client, jekabpils):
    seeded = jekabpils
    want = expected(seeded)
    response = await client.get("/api/municipalities/LV-042/activities", headers=await staff_headers(client))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["municipality"] == {"code": "LV-042", "name": "Jēkabpils novads"}
    assert body["includes"] == ["LV-042", "LV-107"]
    assert body["totals"] == {k: want[k] for k in body["totals"]}
    assert sorted(body["totals"]) == sorted(
        ["projects", "events", "participants", "participants_by_grade", "awarded", "paid"]
    )
    assert {p["award_id"]: p["paid"] for p in body["projects"]} == want["paid_per_project"]
    assert {p["award_id"]: p["amount"] for p in body["projects"]} == {
        p.award: format_cents(p.amount_cents) for p in seeded["projects"]
    }
    s = seeded["schools"]
    schools = {p["award_id"]: [x["registration_number"] for x in p["schools"]] for p in body["projects"]}
    p1, p2, p3, p4 = (p.award for p in seeded["projects"])
    assert {k: sorted(v) for k, v in schools.items()} == {
        p1: sorted([s["a"], s["b"]]),
        p2: [s["v"]],
        p3: [],  # its call was Viesītes', its school is in Sigulda
        p4: [s["a"]],  # held an event here, though planned elsewhere
    }
    viesite = next(x for p in body["projects"] for x in p["schools"] if x["registration_number"] == s["v"])
    assert (
        viesite["registered_code"],
        viesite["municipality_code"],
        viesite["planned"],
        viesite["held"],
    ) == (
        "LV-107",
        "LV-042",
        1,
        1,
    )
    assert [(e["id"], e["school"], e["held_on"], e["participants_by_grade"]) for e in body["events"]] == [
        (i, school, held.isoformat(), dict(zip(BANDS, bands, strict=True)))
        for _, school, bands, held, i in sorted(seeded["events"], key=lambda e: (e[3], e[4]))
    ]
    leaked = {p.title for p in seeded["left_out"]} & {p["title"] for p in body["projects"]}
    assert leaked == set()


async def test_a_school_of_varaklani_counts_under_madona(client):
    madona = await data.school("LV-059", "Madonas pilsētas vidusskola")
    varaklani = await data.school("LV-102", "Varakļānu vidusskola")
    call = await data.call("LV-059")
    project = await data.project(call, planned=[varaklani], amount_cents=460_000)
    await data.payment(project.award, 414_000, paid_on=date(2025, 9, 1))
    held = [(varaklani, (2, 9, 4, 0)), (varaklani, (0, 0, 6, 3)), (madona, (5, 0, 0, 0))]
    for school, bands in held:
        await data.event(project.award, school, bands, held_on=date(2025, 10, 7))
    body = (
        await client.get("/api/municipalities/LV-059/activities", headers=await staff_headers(client))
    ).json()
    assert body["includes"] == ["LV-059", "LV-102"]
    assert body["totals"] == {
        "projects": 1,
        "events": 3,
        "participants": sum(sum(b) for _, b in held),
        "participants_by_grade": {band: sum(b[i] for _, b in held) for i, band in enumerate(BANDS)},
        "awarded": "4600.00",
        "paid": "4140.00",
    }
    assert [e["school"] for e in body["events"]].count(varaklani) == 2
    (only,) = body["projects"]
    assert [
        (s["registration_number"], s["registered_code"], s["municipality_code"]) for s in only["schools"]
    ] == [
        (madona, "LV-059", "LV-059"),
        (varaklani, "LV-102", "LV-059"),
    ]
    # The former municipality's own figures hold its schools only.
    former = (
        await client.get("/api/municipalities/LV-102/activities", headers=await staff_headers(client))
    ).json()
    assert (former["includes"], former["totals"]["events"]) == (["LV-102"], 2)


async def test_events_reported_through_the_api_count_only_once_staff_accept_them(client):
    """The event-report API writes what the dashboard reads: nothing while the report waits for
    review or is returned for correction, the report's counts once staff accept it."""
    email, ids = await register_applicant(client, municipality_code="LV-033")
    school = await data.school("LV-033", "Gulbenes 2. vidusskola")
    call = await data.call("LV-033")
    org = {"id": ids["organisation_id"], "name": "Biedrība “Tests”"}
    project = await data.project(call, org, planned=[school], status="agreement_signed")
    grantee, staff = await bearer(client, email), await staff_headers(client)
    reported = await client.post(
        f"/api/awards/{project.award}/events",
        json={
            "school": school,
            "kind": "camp",
            "title": "Vasaras nometne",
            "held_on": "2026-07-08",
            "participants": 26,
            "participants_by_grade": {"1-4": 0, "5-9": 20, "10-12": 6, "vocational": 0},
            "participants_at_risk": 9,
            "description": "Trīs dienas pie Gulbenes ezera.",
        },
        headers=grantee,
    )
    assert reported.status_code == 201, reported.text
    event_url = f"/api/events/{reported.json()['id']}"

    async def totals() -> dict:
        response = await client.get("/api/municipalities/LV-033/activities", headers=staff)
        return response.json()["totals"]

    nothing = {
        "projects": 1,
        "events": 0,
        "participants": 0,
        "participants_by_grade": {"1-4": 0, "5-9": 0, "10-12": 0, "vocational": 0},
        "awarded": "4600.00",
        "paid": "0.00",
    }
    assert await totals() == nothing  # pending
    returned = await client.post(
        f"{event_url}/review", json={"decision": "return", "comment": "Pievienojiet aprakstu."}, headers=staff
    )
    assert returned.status_code == 200, returned.text
    assert await totals() == nothing  # returned
    corrected = await client.patch(event_url, json={"description": "Trīs dienas pie ezera."}, headers=grantee)
    assert corrected.json()["review"] == "pending"
    assert await totals() == nothing  # pending again
    accepted = await client.post(f"{event_url}/review", json={"decision": "accept"}, headers=staff)
    assert accepted.status_code == 200, accepted.text
    assert await totals() == nothing | {
        "events": 1,
        "participants": 26,
        "participants_by_grade": {"1-4": 0, "5-9": 20, "10-12": 6, "vocational": 0},
    }


async def test_coordinator_sees_the_former_municipality_merged_into_theirs(client, jekabpils):
    headers = await bearer(client, await make_user(Role.coordinator, "LV-042"))
    former = await client.get("/api/municipalities/LV-107/activities", headers=headers)
    assert former.status_code == 200
    assert former.json()["includes"] == ["LV-107"]
