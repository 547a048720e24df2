"""Accounts through the API: registration, tokens, the login limit, who the caller is."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.accounts.tables import ApiToken, Membership, Organisation
from grants.core.auth import Role
from grants.core.time import now
from tests.factories.accounts import (
    PASSWORD,
    bearer,
    login,
    make_user,
    organisation,
    post_form,
    register_applicant,
    unique_email,
)
from tests.html import text_of

pytestmark = pytest.mark.integration


async def test_register_api_creates_applicant_and_organisation(client):
    email, body = await register_applicant(client, name="Biedrība “Saules stari”")
    org = await Organisation.select(Organisation.name, Organisation.legal_form).where(
        Organisation.id == body["organisation_id"]
    )
    assert org == [{"name": "Biedrība “Saules stari”", "legal_form": "association"}]
    members = await Membership.select(Membership.user, Membership.role).where(
        Membership.organisation == body["organisation_id"]
    )
    assert members == [{"user": body["user_id"], "role": "owner"}]
    me = await client.get("/api/me", headers=await bearer(client, email))
    assert me.json() == {
        "id": body["user_id"],
        "email": email,
        "name": "Anna Bērziņa",
        "roles": ["applicant"],
        "organisation_id": body["organisation_id"],
        "municipalities": [],
    }


@pytest.mark.parametrize("number", ["4000000000", "4000000000A", ""])
async def test_register_api_rejects_bad_registration_number(client, number):
    email = unique_email()
    response = await client.post(
        "/api/auth/register",
        json={
            "email": email,
            "password": PASSWORD,
            "name": "A B",
            "organisation": organisation(registration_number=number),
        },
    )
    assert response.status_code == 422
    assert response.json()["extra"] == {
        "organisation.registration_number": "The registration number must be exactly 11 digits."
    }


async def test_register_api_refuses_a_registration_number_longer_than_its_column(client):
    """Twelve digits do not fit the column (11): the schema refuses them, naming the field."""
    response = await client.post(
        "/api/auth/register",
        json={
            "email": unique_email(),
            "password": PASSWORD,
            "name": "A B",
            "organisation": organisation(registration_number="400000000001"),
        },
    )
    assert response.status_code == 400
    assert [(e["key"], e["message"]) for e in response.json()["extra"]] == [
        ("organisation.registration_number", "Expected `str` of length <= 11")
    ]


async def test_register_api_lists_every_problem_at_once(client):
    response = await client.post(
        "/api/auth/register",
        json={
            "email": "not-an-email",
            "password": "short",
            "name": " ",
            "organisation": {
                "name": "",
                "registration_number": "1",
                "legal_form": "company",
                "municipality_code": "LV-102",
            },
        },
    )
    assert response.status_code == 422
    assert sorted(response.json()["extra"]) == [
        "email",
        "name",
        "organisation.legal_form",
        "organisation.municipality_code",
        "organisation.name",
        "organisation.registration_number",
        "password",
    ]


async def test_token_wrong_password_gives_401_and_sixth_attempt_429(client):
    email = await make_user(Role.applicant)
    statuses = []
    for _ in range(6):
        response = await client.post("/api/auth/token", json={"email": email, "password": "wrong-password"})
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 401, 401, 429]
    # Blocked means blocked: the right password does not get through either.
    right = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert right.status_code == 429


async def test_login_limit_holds_across_clients_for_one_account(make_client):
    email = await make_user(Role.applicant)
    for _ in range(5):
        response = await make_client().post("/api/auth/token", json={"email": email, "password": "nope-nope"})
        assert response.status_code == 401
    page = await post_form(make_client(), "/login", {"email": email, "password": PASSWORD})
    assert page.status_code == 429
    assert text_of(page.text, "div.error-summary") == "Too many attempts. Wait a few minutes and try again."


async def test_login_limit_does_not_block_other_accounts(client):
    victim = await make_user(Role.applicant)
    other = await make_user(Role.applicant)
    for _ in range(5):
        await client.post("/api/auth/token", json={"email": victim, "password": "wrong-password"})
    response = await client.post("/api/auth/token", json={"email": other, "password": PASSWORD})
    assert response.status_code == 200


async def test_bearer_request_needs_no_csrf_but_cookie_session_does(client):
    email = await make_user(Role.applicant)
    headers = await bearer(client, email)
    # A cookie-session POST without the token is refused...
    await login(client, email)
    refused = await client.post("/logout")
    assert refused.status_code == 403
    # ...while the same client with a bearer token is judged by the token alone.
    client.cookies.clear()
    assert (await client.get("/api/me", headers=headers)).json()["email"] == email


async def test_expired_bearer_token_gives_401(client):
    email = await make_user(Role.applicant)
    headers = await bearer(client, email)
    assert (await client.get("/api/me", headers=headers)).status_code == 200
    token_hash_rows = await ApiToken.select(ApiToken.id).order_by(ApiToken.id, ascending=False).limit(1)
    await ApiToken.update({ApiToken.expires_at: now() - timedelta(seconds=1)}).where(
        ApiToken.id == token_hash_rows[0]["id"]
    )
    response = await client.get("/api/me", headers=headers)
    assert response.status_code == 401
    assert response.json() == {"status_code": 401, "detail": "Invalid or expired token", "extra": {}}


async def test_forged_bearer_token_gives_401_even_with_a_valid_cookie(client):
    email = await make_user(Role.staff)
    await login(client, email)
    response = await client.get("/api/me", headers={"Authorization": "Bearer forged-token"})
    assert response.status_code == 401


async def test_token_expiry_is_in_the_future_and_aware(client):
    email = await make_user(Role.applicant)
    response = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    expires_at = response.json()["expires_at"]
    assert expires_at.endswith(("Z", "+00:00"))


async def test_me_without_credentials_gives_401(client):
    response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication required"


async def test_coordinator_me_shows_municipality_scope(client):
    email = await make_user(Role.coordinator, "LV-016")
    me = await client.get("/api/me", headers=await bearer(client, email))
    assert me.json()["roles"] == ["coordinator"]
    assert me.json()["municipalities"] == ["LV-016"]
