"""Helpers the tests share: forms with their CSRF token, users of each role, logins."""

from __future__ import annotations

import httpx

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE, Role
from tests.conftest import unique_email, unique_org_number

PASSWORD = "correct-horse-battery"


async def csrf_token(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def post_form(client: httpx.AsyncClient, url: str, data: dict[str, str]) -> httpx.Response:
    """A form post as a browser sends it, with the CSRF token from the cookie."""
    token = await csrf_token(client)
    return await client.post(url, data={**data, "_csrf_token": token})


async def make_user(role: Role, municipality: str | None = None, name: str = "Test Person") -> str:
    from grants.accounts.service import ensure_user

    email = unique_email(role.value)
    await ensure_user(email, PASSWORD, role, municipality, name)
    return email


def organisation(**overrides: str) -> dict[str, str]:
    return {
        "name": "Biedrība “Tests”",
        "registration_number": unique_org_number(),
        "legal_form": "association",
        "municipality_code": "LV-016",
        **overrides,
    }


async def register_applicant(client: httpx.AsyncClient, **org: str) -> tuple[str, dict]:
    email = unique_email("ngo")
    response = await client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "name": "Anna Bērziņa",
            "organisation": organisation(**org),
        },
    )
    assert response.status_code == 201, response.text
    return email, response.json()


async def login(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> httpx.Response:
    response = await post_form(client, "/login", {"email": email, "password": password})
    assert response.status_code == 302, response.text
    assert SESSION_COOKIE in client.cookies
    return response


async def bearer(client: httpx.AsyncClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    response = await client.post("/api/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def replace_cookie(client: httpx.AsyncClient, name: str, value: str) -> None:
    """Put a cookie in the jar as the server would have set it (same domain), replacing any."""
    domain = next((c.domain for c in client.cookies.jar if c.name == name), "127.0.0.1")
    client.cookies.delete(name)
    client.cookies.set(name, value, domain=domain)


def call_payload(**overrides) -> dict:
    """A complete, valid call as staff send it to POST /api/calls."""
    from datetime import timedelta

    from grants.core.time import now

    base = {
        "title": "Jauniešu iniciatīvu projektu konkurss",
        "description": "Konkursa **nolikums**.",
        "municipality_code": "LV-016",
        "budget": "46000.00",
        "max_amount": "4600.00",
        "fixed_amount": False,
        "quota": 10,
        "opens_at": (now() - timedelta(days=1)).isoformat(),
        "closes_at": (now() + timedelta(days=30)).isoformat(),
        "score_threshold": "30",
        "aggregation": "mean",
        "reviewers_per_application": 2,
        "criteria": [
            {"code": "A1", "title": "Iesniedzējs ir biedrība vai nodibinājums", "kind": "eligibility"},
            {
                "code": "K1",
                "title": "Projekta atbilstība mērķim",
                "kind": "quality",
                "max_points": 10,
                "weight": "2",
            },
            {
                "code": "K2",
                "title": "Budžeta pamatotība",
                "kind": "quality",
                "max_points": 10,
                "min_points": 3,
            },
        ],
    }
    return base | overrides


async def staff_headers(client: httpx.AsyncClient) -> dict[str, str]:
    return await bearer(client, await make_user(Role.staff))


async def published_call(client: httpx.AsyncClient, **overrides) -> dict:
    """A call created and published through the API; returns its JSON."""
    headers = await staff_headers(client)
    created = await client.post("/api/calls", json=call_payload(**overrides), headers=headers)
    assert created.status_code == 201, created.text
    published = await client.post(f"/api/calls/{created.json()['id']}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return created.json() | {"status": "published"}


async def make_school(municipality_code: str = "LV-016", name: str = "Testa pamatskola") -> str:
    """A school in the register; returns its registration number."""
    import uuid

    from grants.registry.tables import Municipality, School

    number = f"9{uuid.uuid4().int % 10**9:09d}"
    municipality = (await Municipality.select(Municipality.id).where(Municipality.code == municipality_code))[
        0
    ]
    await School.insert(School(registration_number=number, name=name, municipality=municipality["id"]))
    return number


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


async def applicant_headers(client: httpx.AsyncClient) -> dict[str, str]:
    email, _ = await register_applicant(client)
    return await bearer(client, email)


async def eligible_applications(count: int, **call_overrides) -> tuple[int, list[int]]:
    """A published call with `count` submitted, eligible applications from as many organisations,
    made through the services (the API paths have tests of their own). Returns (call id, app ids)."""
    from grants.accounts.queries import load_principal
    from grants.accounts.service import register
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
        user_id, _org = await register(email, PASSWORD, "Anna Bērziņa", organisation())
        applicant = await load_principal(user_id)
        created = await drafts.create_draft(call_id, applicant, "Projekts")
        await drafts.update_application(created["id"], applicant, complete_application(school))
        await submission.submit(created["id"], applicant)
        await scoring.check_eligibility(created["id"], staff, {"A1": True}, "")
        ids.append(created["id"])
    return call_id, ids


async def awarded_application(client: httpx.AsyncClient, amount: str | None = None, **call_overrides) -> dict:
    """An application awarded through the API: a call published, one organisation's application
    submitted and found eligible, the call closed, the award made (at `amount` with a reason, or the
    requested 4600.00). Returns {award_id, application_id, call_id, applicant, staff, school}."""
    school = await make_school()
    call = await published_call(client, **call_overrides)
    staff = await staff_headers(client)
    email, _ = await register_applicant(client)
    applicant = await bearer(client, email)
    draft = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Projekts"}, headers=applicant
    )
    assert draft.status_code == 201, draft.text
    application_id = draft.json()["id"]
    patched = await client.patch(
        f"/api/applications/{application_id}", json=complete_application(school), headers=applicant
    )
    assert patched.status_code == 200, patched.text
    submitted = await client.post(f"/api/applications/{application_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    checked = await client.post(
        f"/api/applications/{application_id}/eligibility", json={"checks": {"A1": True}}, headers=staff
    )
    assert checked.status_code == 200, checked.text
    closed = await client.post(f"/api/calls/{call['id']}/close", headers=staff)
    assert closed.status_code == 200, closed.text
    body = {"application_id": application_id, "reason": "Piešķirts bez vērtēšanas testam."}
    if amount is not None:
        body["amount"] = amount
    awarded = await client.post(f"/api/calls/{call['id']}/awards", json=body, headers=staff)
    assert awarded.status_code == 201, awarded.text
    return {
        "award_id": awarded.json()["id"],
        "application_id": application_id,
        "call_id": call["id"],
        "applicant": applicant,
        "staff": staff,
        "school": school,
    }


async def sign(
    client: httpx.AsyncClient, award: dict, number: str | None = None, signed_on: str | None = None
):
    """POST the agreement of `award` (from awarded_application) as staff, with a small PDF."""
    import uuid

    from grants.core.time import now, to_riga
    from tests.samples import pdf_bytes

    return await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        data={
            "number": number or f"L-{uuid.uuid4().hex[:8]}",
            "signed_on": signed_on or to_riga(now()).date().isoformat(),
        },
        files={"file": ("ligums.pdf", pdf_bytes("Ligums"), "application/pdf")},
        headers=award["staff"],
    )


async def signed_award(client: httpx.AsyncClient, amount: str | None = None, **call_overrides) -> dict:
    """An application awarded through the API and its agreement signed today through the API
    (the advance falls due). Same keys as awarded_application."""
    award = await awarded_application(client, amount, **call_overrides)
    signed = await sign(client, award)
    assert signed.status_code == 201, signed.text
    return award
