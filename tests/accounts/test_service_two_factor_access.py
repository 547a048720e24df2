"""Two-factor sign-in beyond the site's login page: the panel's login (as piccolo-admin's page asks
for the code), bearer tokens, and sessions that never passed the second factor."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from grants.accounts.queries import user_id_by_email
from grants.accounts.service.users import grant_role
from grants.core.auth import SESSION_COOKIE, Role
from tests.factories.accounts import PASSWORD, bearer, login, make_user, register_applicant
from tests.factories.logins import panel_post
from tests.factories.two_factor import code, enrolled, required

pytestmark = pytest.mark.integration


@pytest.fixture
def two_factor_on() -> Iterator[None]:
    yield from required(True)


async def test_panel_login_asks_for_the_code_then_takes_it(client, two_factor_on):
    user = await enrolled(Role.staff)
    body = {"username": user.email, "password": PASSWORD}
    asked = await panel_post(client, json=body)
    assert asked.status_code == 401
    assert asked.json()["detail"] == "MFA code required"  # what piccolo-admin's page waits for
    assert SESSION_COOKIE not in client.cookies
    wrong = await panel_post(client, json=body | {"mfa_code": "12345x"})
    assert (wrong.status_code, wrong.json()["detail"]) == (
        401,
        "The two-factor code is wrong or was used already.",
    )
    assert SESSION_COOKIE not in client.cookies
    right = await panel_post(client, json=body | {"mfa_code": code(user.secret, user.step)})
    assert right.status_code == 200
    me = await client.get("/admin/data/api/user/")
    assert (me.status_code, me.json()["username"]) == (200, user.email)
    assert (await client.get("/admin/data/api/tables/grant_call/")).status_code == 200


async def test_panel_login_before_the_enrolment_is_sent_to_the_site(client, two_factor_on):
    email = await make_user(Role.staff)
    response = await panel_post(client, json={"username": email, "password": PASSWORD, "mfa_code": "123456"})
    assert response.status_code == 403
    assert response.json()["detail"] == (
        "Two-factor sign-in is required: set it up by logging in at /login on the site first."
    )
    assert SESSION_COOKIE not in client.cookies


async def test_panel_login_with_a_wrong_password_says_nothing_of_the_code(client, two_factor_on):
    user = await enrolled(Role.staff)
    response = await panel_post(client, json={"username": user.email, "password": "wrong-password-1"})
    assert (response.status_code, response.json()["detail"]) == (401, "Wrong e-mail or password.")


async def test_session_without_the_second_factor_is_refused_by_the_panel_and_staff_pages(make_client):
    # Logged in while the setting was off: the password alone.
    browser = make_client()
    email = await make_user(Role.staff)
    await login(browser, email)
    assert (await browser.get("/admin/data/api/user/")).status_code == 200
    assert (await browser.get("/admin/calls")).status_code == 200
    for _ in required(True):  # now it is required: the same session reaches neither
        me = await browser.get("/admin/data/api/user/")
        assert me.status_code == 403  # without the second factor the session holds no staff role
        assert "username" not in me.text
        tables = await browser.get("/admin/data/api/tables/piccolo_user/")
        assert tables.status_code == 403
        assert email not in tables.text
        assert (await browser.get("/admin/calls")).status_code == 403
        account = await browser.get("/account")
        assert account.status_code == 200  # still signed in, as a user without the panel roles
    assert (await browser.get("/admin/calls")).status_code == 200  # off again: as before


async def test_session_from_before_the_role_is_refused_by_the_panel_and_reviewer_pages(client, two_factor_on):
    email, _ = await register_applicant(client)
    await login(client, email)  # an applicant: no second factor
    user_id = await user_id_by_email(email)
    await grant_role(user_id, Role.reviewer)
    assert (await client.get("/admin/data/api/user/")).status_code == 403
    assert (await client.get("/admin/reviews")).status_code == 403
    assert (await client.get("/admin/data/api/tables/application/")).status_code == 403


async def test_bearer_token_needs_the_code(client, two_factor_on):
    user = await enrolled(Role.staff)
    body = {"email": user.email, "password": PASSWORD}
    missing = await client.post("/api/auth/token", json=body)
    assert (missing.status_code, missing.json()["detail"]) == (
        401,
        "A two-factor code is required: send it in the field code.",
    )
    assert "token" not in missing.json()
    wrong = await client.post("/api/auth/token", json=body | {"code": "000000"})
    assert wrong.status_code == 401
    assert "token" not in wrong.json()
    issued = await client.post("/api/auth/token", json=body | {"code": code(user.secret, user.step)})
    assert issued.status_code == 200
    me = await client.get("/api/me", headers={"Authorization": f"Bearer {issued.json()['token']}"})
    assert (me.status_code, me.json()["email"]) == (200, user.email)


async def test_bearer_token_before_the_enrolment_is_refused(client, two_factor_on):
    email = await make_user(Role.reviewer)
    response = await client.post(
        "/api/auth/token", json={"email": email, "password": PASSWORD, "code": "123456"}
    )
    assert response.status_code == 403
    assert "token" not in response.json()


async def test_bearer_token_of_an_applicant_needs_no_code(client, two_factor_on):
    email, _ = await register_applicant(client)
    response = await client.post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["token"]


async def test_token_code_longer_than_any_code_is_refused_before_the_database(client, two_factor_on):
    user = await enrolled(Role.staff)
    response = await client.post(
        "/api/auth/token", json={"email": user.email, "password": PASSWORD, "code": "9" * 41}
    )
    assert response.status_code == 400
    assert "token" not in response.json()


async def test_bearer_token_from_before_the_role_does_not_carry_it(client, two_factor_on):
    email = await make_user(Role.coordinator, "LV-002")
    headers = await bearer(client, email)  # a coordinator: no second factor
    await grant_role(await user_id_by_email(email), Role.staff)
    me = await client.get("/api/me", headers=headers)
    assert (me.status_code, me.json()["roles"]) == (200, ["coordinator"])
    refused = await client.get("/api/applications", headers=headers)
    assert refused.status_code == 403
    assert "items" not in refused.text


async def test_bearer_token_from_before_the_setting_was_on_does_not_carry_staff(client):
    email = await make_user(Role.staff)
    for _ in required(False):
        headers = await bearer(client, email)  # the password alone, while it was off
        assert (await client.get("/api/applications", headers=headers)).status_code == 200
    for _ in required(True):
        me = await client.get("/api/me", headers=headers)
        assert (me.status_code, me.json()["roles"]) == (200, [])
        assert (await client.get("/api/applications", headers=headers)).status_code == 403


async def test_bearer_token_issued_with_the_code_keeps_the_role(client, two_factor_on):
    user = await enrolled(Role.staff)
    body = {"email": user.email, "password": PASSWORD, "code": code(user.secret, user.step)}
    issued = await client.post("/api/auth/token", json=body)
    headers = {"Authorization": f"Bearer {issued.json()['token']}"}
    me = await client.get("/api/me", headers=headers)
    assert (me.status_code, me.json()["roles"]) == (200, ["staff"])
    assert (await client.get("/api/applications", headers=headers)).status_code == 200
