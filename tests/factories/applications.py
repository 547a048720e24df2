"""Applications: a complete draft, and calls full of submitted, eligible applications."""

from __future__ import annotations

from grants.core.auth import Role
from tests.factories.accounts import PASSWORD, make_user, organisation, unique_email
from tests.factories.calls import call_payload
from tests.factories.registry import make_school


def complete_application(school: str, **overrides) -> dict:
    """Everything a draft needs to be submitted (a 3-month project, 4600.00 EUR in three lines)."""
    base = {
        "title": "Piedzīvojumu nometne",
        "summary": "Trīs dienu nometne 7.–9. klašu skolēniem.",
        "objectives": "Stiprināt piederību skolai.",
        "target_group": "Skolēni ar mācību kavējumiem.",
        "partners": "Misas pamatskola",
        "start_date": "2027-03-01",
        "end_date": "2027-05-31",
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
    return base | overrides


async def eligible_applications(count: int, **call_overrides) -> tuple[int, list[int]]:
    """A published call with `count` submitted, eligible applications from as many organisations,
    made through the services (the API paths have tests of their own). Returns (call id, app ids)."""
    from grants.accounts.service import load_principal, register
    from grants.applications import service as applications
    from grants.calls import service as calls
    from grants.scoring import service as scoring

    school = await make_school()
    staff_email = await make_user(Role.staff)
    from grants.accounts.service import user_id_by_email

    staff = await load_principal(await user_id_by_email(staff_email))
    payload = call_payload(quota=max(count, 1), budget=f"{4600 * max(count, 1)}.00", **call_overrides)
    call_id = await calls.create_call(payload, staff)
    await calls.publish(call_id, staff)
    ids = []
    for _ in range(count):
        email = unique_email("ngo")
        user_id, _org = await register(email, PASSWORD, "Anna Bērziņa", organisation())
        applicant = await load_principal(user_id)
        created = await applications.create_draft(call_id, applicant, "Projekts")
        await applications.update_application(created["id"], applicant, complete_application(school))
        await applications.submit(created["id"], applicant)
        await scoring.check_eligibility(created["id"], staff, {"A1": True}, "")
        ids.append(created["id"])
    return call_id, ids
