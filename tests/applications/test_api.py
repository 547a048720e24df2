"""Applications: every rule of submission holds at the server, with its boundary."""

from __future__ import annotations

import asyncio
import re
from datetime import timedelta

import pytest

from grants.applications.tables import Application
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from grants.core.time import now
from tests.factories.accounts import applicant_headers, bearer, make_user, staff_headers
from tests.factories.applications import complete_application
from tests.factories.calls import published_call

pytestmark = pytest.mark.integration


async def draft(client, call_id: int, headers: dict, **fields) -> dict:
    created = await client.post(
        f"/api/calls/{call_id}/applications", json={"title": "Projekts"}, headers=headers
    )
    assert created.status_code == 201, created.text
    if fields:
        patched = await client.patch(
            f"/api/applications/{created.json()['id']}", json=fields, headers=headers
        )
        assert patched.status_code == 200, patched.text
    return created.json()


async def submit(client, application_id: int, headers: dict):
    return await client.post(f"/api/applications/{application_id}/submit", headers=headers)


async def test_draft_gets_a_reference_of_its_call(client):
    call = await published_call(client, municipality_code="LV-016")
    created = await draft(client, call["id"], await applicant_headers(client))
    year = call["opens_at"][:4]
    assert created["status"] == "draft"
    assert re.fullmatch(rf"BAU-{year}-\d{{3}}", created["reference"])


async def test_two_calls_of_one_municipality_never_share_a_reference(client):
    first = await published_call(client, municipality_code="LV-067")
    second = await published_call(client, municipality_code="LV-067")
    a = await draft(client, first["id"], await applicant_headers(client))
    b = await draft(client, second["id"], await applicant_headers(client))
    prefix, number = a["reference"].rsplit("-", 1)
    assert b["reference"] == f"{prefix}-{int(number) + 1:03d}"


async def test_requested_amount_is_the_exact_sum_of_lines(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    body = (await client.get(f"/api/applications/{app['id']}", headers=headers)).json()
    assert [line["amount"] for line in body["budget_lines"]] == ["1533.33", "1533.33", "1533.34"]
    assert body["requested_amount"] == "4600.00"
    assert body["problems"] == {}
    assert (await submit(client, app["id"], headers)).json()["status"] == "submitted"


async def test_cap_boundary_4600_00_passes_and_4600_01_fails(client, school):
    call = await published_call(client, applications_per_organisation=2)
    headers = await applicant_headers(client)
    at_cap = [{"category": "services", "description": "Viss", "quantity": 1, "unit_cost": "4600.00"}]
    over = [{"category": "services", "description": "Viss", "quantity": 1, "unit_cost": "4600.01"}]
    ok = await draft(client, call["id"], headers, **complete_application(school, budget_lines=at_cap))
    assert (await submit(client, ok["id"], headers)).status_code == 200
    too_much = await draft(client, call["id"], headers, **complete_application(school, budget_lines=over))
    response = await submit(client, too_much["id"], headers)
    assert response.status_code == 422
    assert response.json()["extra"] == {
        "requested_amount": "The budget lines total €4,600.01, more than the €4,600.00 allowed."
    }


async def test_fixed_amount_call_needs_exactly_the_amount(client, school):
    call = await published_call(client, fixed_amount=True, applications_per_organisation=2)
    headers = await applicant_headers(client)
    short = [{"category": "services", "description": "Viss", "quantity": 1, "unit_cost": "4599.99"}]
    app = await draft(client, call["id"], headers, **complete_application(school, budget_lines=short))
    response = await submit(client, app["id"], headers)
    assert response.json()["extra"] == {
        "requested_amount": "The budget lines total €4,599.99; the budget must total exactly €4,600.00."
    }
    exact = await draft(client, call["id"], headers, **complete_application(school))
    assert (await submit(client, exact["id"], headers)).status_code == 200


@pytest.mark.parametrize(
    ("start", "end", "fits"),
    [
        ("2027-03-01", "2027-05-31", True),  # 3 months: the minimum
        ("2027-03-01", "2027-05-30", False),  # a day short of 3 months
        ("2027-03-01", "2028-08-31", True),  # 18 months: the maximum
        ("2027-03-01", "2028-09-01", False),  # a day over 18 months
        ("2027-05-01", "2027-03-01", False),  # ends before it starts
    ],
)
async def test_project_dates_within_the_calls_month_limits(client, school, start, end, fits):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(
        client,
        call["id"],
        headers,
        **complete_application(school, start_date="2027-03-01", end_date="2027-06-30"),
    )
    saved = await client.patch(
        f"/api/applications/{app['id']}", json={"start_date": start, "end_date": end}, headers=headers
    )
    assert (saved.status_code == 200) is fits
    if fits:
        assert (await submit(client, app["id"], headers)).status_code == 200
    else:
        assert list(saved.json()["extra"]) == ["end_date"]
        stored = (await client.get(f"/api/applications/{app['id']}", headers=headers)).json()
        assert (stored["start_date"], stored["end_date"]) == ("2027-03-01", "2027-06-30")


async def test_submit_lists_every_problem_at_once(client):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers)
    response = await submit(client, app["id"], headers)
    assert response.status_code == 422
    assert response.json()["detail"] == "The application is not complete yet."
    assert sorted(response.json()["extra"]) == [
        "budget_lines",
        "objectives",
        "planned_events",
        "start_date",
        "summary",
        "target_group",
    ]


async def test_at_least_one_school_is_needed(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school, planned_events=[]))
    response = await submit(client, app["id"], headers)
    assert response.json()["extra"] == {"planned_events": "Plan at least one event in a school."}


async def test_unknown_school_is_refused_on_save(client):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers)
    events = [{"school": "0000000000", "kind": "camp", "title": "Nometne"}]
    response = await client.patch(
        f"/api/applications/{app['id']}", json={"planned_events": events}, headers=headers
    )
    assert response.status_code == 422
    assert response.json()["extra"] == {"planned_events.0.school": "Choose a school from the register."}


async def test_money_as_float_is_refused(client):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers)
    lines = [{"category": "services", "description": "x", "quantity": 1, "unit_cost": 1533.33}]
    response = await client.patch(
        f"/api/applications/{app['id']}", json={"budget_lines": lines}, headers=headers
    )
    assert response.status_code == 400
    stored = await Application.select(Application.requested_cents).where(Application.id == app["id"])
    assert stored == [{"requested_cents": 0}]


async def test_submit_one_second_after_closes_at_gets_409(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == call["id"])
    response = await submit(client, app["id"], headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "The call is closed: nothing can be submitted after its deadline."
    stored = await Application.select(Application.status, Application.submitted_at).where(
        Application.id == app["id"]
    )
    assert stored == [{"status": "draft", "submitted_at": None}]


async def test_new_draft_after_deadline_gets_409(client):
    call = await published_call(client)
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == call["id"])
    response = await client.post(
        f"/api/calls/{call['id']}/applications",
        json={"title": "Late"},
        headers=await applicant_headers(client),
    )
    assert response.status_code == 409


async def test_per_organisation_limit_and_withdrawal(client):
    call = await published_call(client, applications_per_organisation=1)
    headers = await applicant_headers(client)
    first = await draft(client, call["id"], headers)
    second = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Otrs"}, headers=headers
    )
    assert second.status_code == 409
    assert second.json()["detail"] == "Your organisation may submit at most 1 application(s) to this call."
    withdrawn = await client.post(f"/api/applications/{first['id']}/withdraw", headers=headers)
    assert withdrawn.json() == {"status": "withdrawn"}
    again = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Otrs"}, headers=headers
    )
    assert again.status_code == 201


async def test_withdraw_after_deadline_gets_409(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    await submit(client, app["id"], headers)
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == call["id"])
    response = await client.post(f"/api/applications/{app['id']}/withdraw", headers=headers)
    assert response.status_code == 409


async def test_patch_only_in_draft_or_clarification(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    await submit(client, app["id"], headers)
    response = await client.patch(
        f"/api/applications/{app['id']}", json={"title": "Changed"}, headers=headers
    )
    assert response.status_code == 409
    assert (await client.get(f"/api/applications/{app['id']}", headers=headers)).json()[
        "title"
    ] == "Piedzīvojumu nometne"


async def test_other_organisation_sees_nothing(client, make_client, school):
    call = await published_call(client)
    owner = await applicant_headers(client)
    app = await draft(client, call["id"], owner, **complete_application(school, title="Slepenais projekts"))
    stranger_client = make_client()
    stranger = await applicant_headers(stranger_client)
    assert (await stranger_client.get(f"/api/applications/{app['id']}", headers=stranger)).status_code == 404
    listed = (await stranger_client.get("/api/applications", headers=stranger)).json()
    assert listed == []
    patch = await stranger_client.patch(
        f"/api/applications/{app['id']}", json={"title": "x"}, headers=stranger
    )
    assert patch.status_code == 404
    assert (
        await stranger_client.post(f"/api/applications/{app['id']}/withdraw", headers=stranger)
    ).status_code == 404
    reviewer = await bearer(stranger_client, await make_user(Role.reviewer))
    assert (await stranger_client.get(f"/api/applications/{app['id']}", headers=reviewer)).status_code == 403


async def test_clarification_round_trip(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    staff = await staff_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    await submit(client, app["id"], headers)
    asked = await client.post(
        f"/api/applications/{app['id']}/clarifications",
        json={
            "question": "Precizējiet transporta izmaksas.",
            "due_at": (now() + timedelta(days=5)).isoformat(),
        },
        headers=staff,
    )
    assert asked.status_code == 201
    assert asked.json()["status"] == "clarification"
    # While clarifying, the applicant may edit, even after the deadline.
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == call["id"])
    edited = await client.patch(
        f"/api/applications/{app['id']}", json={"partners": "Bauskas novada dome"}, headers=headers
    )
    assert edited.status_code == 200
    answered = await client.post(
        f"/api/applications/{app['id']}/clarifications/{asked.json()['id']}/answer",
        json={"answer": "Autobuss 2 dienām."},
        headers=headers,
    )
    assert answered.json() == {"status": "submitted"}
    body = (await client.get(f"/api/applications/{app['id']}", headers=headers)).json()
    assert [(c["question"], c["answer"]) for c in body["clarifications"]] == [
        ("Precizējiet transporta izmaksas.", "Autobuss 2 dienām.")
    ]
    actions = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity == "application") & (AuditEntry.entity_id == str(app["id"])))
        .order_by(AuditEntry.id)
    )
    assert [a["action"] for a in actions] == [
        "create",
        "submit",
        "clarification_requested",
        "clarification_answered",
    ]


async def test_applicant_cannot_ask_clarifications(client, school):
    call = await published_call(client)
    headers = await applicant_headers(client)
    app = await draft(client, call["id"], headers, **complete_application(school))
    await submit(client, app["id"], headers)
    response = await client.post(
        f"/api/applications/{app['id']}/clarifications",
        json={"question": "?", "due_at": (now() + timedelta(days=1)).isoformat()},
        headers=headers,
    )
    assert response.status_code == 403


async def test_fifty_organisations_submitting_at_once_get_distinct_references(client, make_client, school):
    call = await published_call(client, quota=50, budget="230000.00")
    applicants = []
    for _ in range(50):
        c = make_client()
        applicants.append((c, await applicant_headers(c)))
    drafts = [await draft(c, call["id"], h, **complete_application(school)) for c, h in applicants]

    async def create_and_submit(c, h, d):
        return await submit(c, d["id"], h)

    results = await asyncio.gather(
        *[create_and_submit(c, h, d) for (c, h), d in zip(applicants, drafts, strict=True)]
    )
    assert [r.status_code for r in results] == [200] * 50
    stored = await Application.select(Application.reference, Application.status).where(
        Application.call == call["id"]
    )
    assert len(stored) == 50
    assert len({row["reference"] for row in stored}) == 50
    assert {row["status"] for row in stored} == {"submitted"}


async def test_fifty_drafts_started_at_once_get_distinct_references(client, make_client):
    call = await published_call(client, quota=50, budget="230000.00")
    applicants = []
    for _ in range(50):
        c = make_client()
        applicants.append((c, await applicant_headers(c)))
    results = await asyncio.gather(
        *[
            c.post(f"/api/calls/{call['id']}/applications", json={"title": "Vienlaikus"}, headers=h)
            for c, h in applicants
        ]
    )
    assert [r.status_code for r in results] == [201] * 50
    numbers = sorted(int(r.json()["reference"].rsplit("-", 1)[1]) for r in results)
    assert numbers == list(range(numbers[0], numbers[0] + 50))  # 50 distinct, none skipped
