"""Requests a client shapes by hand: fields the forms do not have, redirects off the site,
numbers beyond what the database holds."""

from __future__ import annotations

import pytest
from piccolo.apps.user.tables import BaseUser

from grants.accounts.tables import UserRole
from grants.applications.tables import Application
from tests.factories.accounts import (
    PASSWORD,
    applicant_headers,
    bearer,
    confirm,
    post_form,
    registered_ids,
    unique_email,
    unique_org_number,
)
from tests.factories.calls import published_call

pytestmark = pytest.mark.integration


async def test_fields_the_applicant_may_not_set_are_ignored(client):
    call = await published_call(client)
    headers = await applicant_headers(client)
    draft = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "Mine"}, headers=headers)
    ).json()
    response = await client.patch(
        f"/api/applications/{draft['id']}",
        json={
            "title": "Still mine",
            "status": "awarded",
            "organisation_id": 1,
            "reference": "FAKE-2026-999",
            "requested_amount": "1.00",
            "submitted_at": "2026-01-01T00:00:00+00:00",
        },
        headers=headers,
    )
    assert response.status_code == 200, response.text
    row = (
        await Application.select(
            Application.title, Application.status, Application.reference, Application.submitted_at
        )
        .where(Application.id == draft["id"])
        .first()
    )
    assert row == {
        "title": "Still mine",
        "status": "draft",
        "reference": draft["reference"],
        "submitted_at": None,
    }


async def test_registration_cannot_ask_for_roles_or_panel_flags(client):
    email = unique_email("greedy")
    response = await client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "name": "Greedy",
            "roles": ["staff"],
            "admin": True,
            "superuser": True,
            "organisation": {
                "name": "Biedrība Kāre",
                "registration_number": unique_org_number(),
                "legal_form": "association",
                "municipality_code": "LV-016",
            },
        },
    )
    assert response.status_code == 201, response.text
    roles = await UserRole.select(UserRole.role).where(
        UserRole.user == (await registered_ids(email))["user_id"]
    )
    assert roles == [{"role": "applicant"}]
    flags = (
        await BaseUser.select(BaseUser.admin, BaseUser.superuser).where(BaseUser.username == email).first()
    )
    assert flags == {"admin": False, "superuser": False}
    await confirm(client, email)
    me = await client.get("/api/me", headers=await bearer(client, email))
    assert me.json()["roles"] == ["applicant"]


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:%20planted=1",
    ],
)
async def test_next_never_leads_off_the_site(client, target):
    from grants.core.auth import Role
    from tests.factories.accounts import make_user

    switched = await client.get("/lang/en", params={"next": target})
    email = await make_user(Role.applicant)
    logged_in = await post_form(client, "/login", {"email": email, "password": PASSWORD, "next": target})
    for response in (switched, logged_in):
        assert response.status_code == 302
        location = response.headers["location"]
        assert location.startswith("/") and not location.startswith("//")
        assert "\\" not in location and "\t" not in location and "\n" not in location
        assert "planted" not in response.headers.get("set-cookie", "")


@pytest.mark.parametrize(("unit_cost", "quantity"), [("21474836.48", 1), ("99999999999.99", 100000)])
async def test_budget_line_beyond_what_the_database_holds_is_refused(client, unit_cost, quantity):
    call = await published_call(client)
    headers = await applicant_headers(client)
    draft = (
        await client.post(f"/api/calls/{call['id']}/applications", json={"title": "Big"}, headers=headers)
    ).json()
    line = {"category": "services", "description": "Too much", "unit_cost": unit_cost, "quantity": quantity}
    response = await client.patch(
        f"/api/applications/{draft['id']}", json={"budget_lines": [line]}, headers=headers
    )
    assert response.status_code == 422
    assert "budget_lines.0.unit_cost" in response.json()["extra"]
