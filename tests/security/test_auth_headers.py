"""Sessions, bearer tokens and the security headers.

Login brute force is covered where the limiter lives: tests/accounts/test_api.py
(the token endpoint: five failures then 429, also for the right password; the login page
blocked after failures elsewhere), tests/admin/test_panel.py (the panel's login
counted in the same store) and tests/core/test_ratelimit.py (the limit holds across
two server processes). Added here: password spraying over many accounts from one address.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.tables import ApiToken
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.time import now
from tests.factories.accounts import PASSWORD, make_user
from tests.security.web import csrf

pytestmark = pytest.mark.integration


async def test_password_spraying_from_one_address_is_stopped(new_browser):
    client = new_browser()
    statuses = []
    for n in range(21):
        response = await client.post(
            "/api/auth/token", json={"email": f"spray-{n}@example.lv", "password": "Summer2026!"}
        )
        statuses.append(response.status_code)
    assert statuses == [401] * 20 + [429]
    other = await make_user(Role.applicant)
    response = await client.post("/api/auth/token", json={"email": other, "password": PASSWORD})
    assert response.status_code == 429  # the address is blocked, whoever it names


async def fresh_session(world, role: str) -> str:
    """A session of its own: logging in over it ends it, and the shared world's must live on."""
    from grants.accounts.service.sessions import start_session

    return await start_session(world.user_ids[role])


async def test_panel_login_gives_a_new_session_id(new_browser, world):
    before = await fresh_session(world, "r2")
    client = new_browser(before)  # somebody's session already in the browser
    await client.get("/admin/data/public/login/")  # a non-staff session is sent away from /admin/data/
    response = await client.post(
        "/admin/data/public/login/",
        json={"username": world.emails["s"], "password": PASSWORD},  # the Data section is staff's
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )
    assert response.status_code in (200, 303)
    assert client.cookies[SESSION_COOKIE] != before
    assert (await client.get("/api/me")).json()["email"] == world.emails["s"]


async def test_register_page_promotes_no_session_to_the_new_user(new_browser, world):
    """Registration starts no session (issue 12: a cookie on one path would tell who has an account),
    so a session the browser holds is never handed to the new account."""
    from tests.factories.accounts import unique_email, unique_org_number

    before = await fresh_session(world, "c")
    client = new_browser(before)
    email = unique_email("fixation")
    form = {
        "email": email,
        "name": "Jauns Lietotājs",
        "password": PASSWORD,
        "password2": PASSWORD,
        "org_name": "Biedrība Jauna",
        "org_registration_number": unique_org_number(),
        "org_legal_form": "association",
        "org_municipality_code": "LV-016",
        "_csrf_token": await csrf(client),
    }
    response = await client.post("/register", data=form)
    assert (response.status_code, response.headers["location"]) == (302, "/register/sent")
    assert SESSION_COOKIE not in response.cookies
    assert client.cookies[SESSION_COOKIE] == before
    assert (await client.get("/api/me")).json()["email"] == world.emails["c"]


@pytest.mark.parametrize(
    "header",
    [
        "Bearer forged-0123456789abcdefghijklmnopqrstuvwxyzABCDEFG",
        "Bearer ",
        "Basic c3RhZmY6cGFzc3dvcmQ=",
        "bearer " + "A" * 5000,
    ],
    ids=["forged", "empty", "basic", "huge"],
)
async def test_bad_bearer_token_is_401(api, header):
    response = await api.get("/api/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/json"


async def test_expired_token_is_401_with_its_reason(api, world):
    from grants.accounts.service.sessions import issue_token

    token, _expires = await issue_token(world.user_ids["a"])
    headers = {"Authorization": f"Bearer {token}"}
    assert (await api.get("/api/me", headers=headers)).status_code == 200
    digest = hashlib.sha256(token.encode()).hexdigest()
    await ApiToken.update({ApiToken.expires_at: now() - timedelta(seconds=1)}).where(
        ApiToken.token_hash == digest
    )
    response = await api.get("/api/applications", headers=headers)
    assert response.status_code == 401
    assert response.json()["detail"] == "Invalid or expired token"


async def test_tokens_are_stored_only_as_hashes(world):
    rows = await ApiToken.select(ApiToken.token_hash).where(ApiToken.user == world.user_ids["s"])
    hashes = {row["token_hash"] for row in rows}
    assert hashlib.sha256(world.tokens["s"].encode()).hexdigest() in hashes
    assert world.tokens["s"] not in hashes


async def test_bad_token_is_not_rescued_by_a_session_cookie(browsers):
    client = browsers["s"]
    response = await client.get("/api/applications", headers={"Authorization": "Bearer forged"})
    assert response.status_code == 401
    assert "LEAK" not in response.text


async def test_token_of_a_deactivated_user_is_401(api):
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import issue_token

    email = await make_user(Role.staff)
    user_id = await user_id_by_email(email)
    token, _expires = await issue_token(user_id)
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == user_id)
    response = await api.get("/api/calls/1/ranking", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


async def test_expired_session_is_signed_out(new_browser):
    from grants.accounts.queries import user_id_by_email
    from grants.accounts.service.sessions import start_session

    email = await make_user(Role.applicant)
    session = await start_session(await user_id_by_email(email))
    client = new_browser(session)
    assert (await client.get("/api/me")).status_code == 200
    past = datetime.now() - timedelta(minutes=1)  # noqa: DTZ005 - piccolo_api keeps naive local times
    await SessionsBase.update({SessionsBase.expiry_date: past}).where(SessionsBase.token == session)
    assert (await client.get("/api/me")).status_code == 401
    page = await client.get("/my/")
    assert (page.status_code, page.headers["location"]) == (302, "/login?next=%2Fmy&expired=1")  # says why
