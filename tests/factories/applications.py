"""Applications: a complete draft, calls full of submitted, eligible applications, and the portal's
form data (a project, a budget, planned events) with an applicant logged in to send it."""

from __future__ import annotations

from grants.core.auth import Role
from tests.factories.accounts import (
    bearer,
    login,
    make_user,
    register_applicant,
    registered,
    unique_email,
)
from tests.factories.calls import call_payload
from tests.factories.registry import make_school

PROJECT = {
    "title": "Piedzīvojumu nometne",
    "summary": "Trīs dienu nometne 7.–9. klašu skolēniem.",
    "objectives": "Stiprināt piederību skolai.",
    "target_group": "Skolēni ar mācību kavējumiem.",
    "partners": "Misas pamatskola",
    "start_date": "2027-03-01",
    "end_date": "2027-05-31",
}


def complete_application(school: str, **overrides) -> dict:
    """Everything a draft needs to be submitted (a 3-month project, 4600.00 EUR in three lines)."""
    base = {
        **PROJECT,
        "budget_lines": [
            {
                "category": "services",
                "description": "Nometnes vadītāji",
                "quantity": 1,
                "unit_cost": "1533.33",
            },
            {"category": "catering", "description": "Ēdināšana", "quantity": 1, "unit_cost": "1533.33"},
            {"category": "transport", "description": "Autobuss", "quantity": 1, "unit_cost": "1533.34"},
        ],
        "planned_events": [
            {
                "school": school,
                "kind": "camp",
                "title": "Nometne",
                "planned_date": "2027-04-10",
                "expected_participants": 25,
            }
        ],
    }
    if "planned_events" not in overrides and "start_date" in overrides:
        # The event on the first day of the period it is given: submission refuses one outside it.
        base["planned_events"][0]["planned_date"] = overrides["start_date"]
    return base | overrides


async def eligible_applications(count: int, **call_overrides) -> tuple[int, list[int]]:
    """A published call with `count` submitted, eligible applications from as many organisations,
    made through the services (the API paths have tests of their own). Returns (call id, app ids)."""
    from grants.accounts.queries import load_principal
    from grants.applications.service import drafts, submission
    from grants.calls import service as calls
    from grants.scoring import service as scoring

    school = await make_school()
    staff_email = await make_user(Role.staff)
    from grants.accounts.queries import user_id_by_email

    staff = await load_principal(await user_id_by_email(staff_email))
    payload = call_payload(quota=max(count, 1), budget=f"{4600 * max(count, 1)}.00", **call_overrides)
    call_id = await calls.create_call(payload, staff)
    await calls.publish(call_id, staff)
    ids = []
    for _ in range(count):
        email = unique_email("ngo")
        user_id, _org = await registered(email)
        applicant = await load_principal(user_id)
        created = await drafts.create_draft(call_id, applicant, "Projekts")
        await drafts.update_application(created["id"], applicant, complete_application(school))
        await submission.submit(created["id"], applicant)
        await scoring.check_eligibility(created["id"], staff, {"A1": True}, "")
        ids.append(created["id"])
    return call_id, ids


BUDGET = {
    "budget_lines.0.category": "services",
    "budget_lines.0.description": "Nometnes vadītāji",
    "budget_lines.0.quantity": "1",
    "budget_lines.0.unit_cost": "1533.33",
    "budget_lines.1.category": "catering",
    "budget_lines.1.description": "Ēdināšana",
    "budget_lines.1.quantity": "2",
    "budget_lines.1.unit_cost": "766,67",
    "budget_lines.2.category": "transport",
    "budget_lines.2.description": "Autobuss",
    "budget_lines.2.quantity": "",
    "budget_lines.2.unit_cost": "1533.33",
    **{f"budget_lines.3.{field}": "" for field in ("category", "description", "quantity", "unit_cost")},
}


def events_form(school: str) -> dict[str, str]:
    blank = {
        f"planned_events.{i}.{f}": "" for i in (1, 2) for f in ("school", "kind", "title", "planned_date")
    }
    return {
        "planned_events.0.school": school,
        "planned_events.0.kind": "camp",
        "planned_events.0.title": "Nometne",
        "planned_events.0.planned_date": "2027-04-10",
        "planned_events.0.expected_participants": "25",
        **blank,
    }


async def applicant(client) -> dict[str, str]:
    """A new organisation's applicant, logged in on `client`; returns bearer headers for the API."""
    email, _ = await register_applicant(client)
    await login(client, email)
    return await bearer(client, email)


async def stored(client, application_id: int, headers: dict) -> dict:
    response = await client.get(f"/api/applications/{application_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def api_draft(client, call_id: int, headers: dict, **fields) -> int:
    created = await client.post(
        f"/api/calls/{call_id}/applications", json={"title": fields.get("title", "Projekts")}, headers=headers
    )
    assert created.status_code == 201, created.text
    if fields:
        patched = await client.patch(
            f"/api/applications/{created.json()['id']}", json=fields, headers=headers
        )
        assert patched.status_code == 200, patched.text
    return created.json()["id"]
