"""The panel's login form: odd usernames and bodies get 4xx, the site's active-user rule holds,
a format=html failure is a 401, and a login over a planted session gives a new one."""

from __future__ import annotations

import pytest

from grants.accounts.service.sessions import start_session
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.tables import LoginFailure
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.logins import account_failures, panel_post

pytestmark = pytest.mark.integration


@pytest.mark.parametrize(
    "username",
    ["nul\x00@example.lv", 123, 1.5, True, ["staff@example.lv"], {"username": "staff@example.lv"}, None],
    ids=["nul", "int", "float", "bool", "list", "object", "null"],
)
async def test_panel_login_with_odd_username_gets_4xx(client, username):
    response = await panel_post(client, json={"username": username, "password": "wrong-password"})
    assert 400 <= response.status_code < 500
    assert SESSION_COOKIE not in client.cookies
    assert await LoginFailure.count().where(LoginFailure.key.like("account:nul%")) == 0


@pytest.mark.parametrize(
    "body", [b"[1, 2]", b'"text"', b"{", b"\xff\xfe"], ids=["list", "string", "broken", "bytes"]
)
async def test_panel_login_with_a_body_that_is_no_object_gets_4xx(client, body):
    response = await panel_post(client, content=body, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500
    assert SESSION_COOKIE not in client.cookies


async def test_panel_login_with_a_list_password_gets_4xx_and_counts_nothing(client):
    email = await make_user(Role.staff)
    response = await panel_post(client, json={"username": email, "password": [PASSWORD]})
    assert response.status_code == 422
    assert SESSION_COOKIE not in client.cookies
    assert await account_failures(email) == 0


async def test_panel_login_html_format_failure_is_401_with_the_form(client):
    email = await make_user(Role.staff)
    response = await panel_post(
        client, data={"username": email, "password": "wrong-password", "format": "html"}
    )
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("text/html")
    assert "<form" in response.text
    assert await account_failures(email) == 1


async def test_panel_login_of_a_deactivated_user_is_refused(client):
    from piccolo.apps.user.tables import BaseUser

    email = await make_user(Role.staff)
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.username == email)
    response = await panel_post(client, json={"username": email, "password": PASSWORD})
    assert response.status_code == 401
    assert SESSION_COOKIE not in client.cookies
    assert await account_failures(email) == 1


async def test_panel_login_replaces_a_planted_session(client):
    from piccolo.apps.user.tables import BaseUser

    email = await make_user(Role.staff)
    other = await make_user(Role.staff)
    other_id = await BaseUser.select(BaseUser.id).where(BaseUser.username == other).first()
    planted = await start_session(other_id["id"])
    client.cookies.set(SESSION_COOKIE, planted, domain="127.0.0.1")
    response = await panel_post(client, json={"username": email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json() == {"message": "logged in"}
    assert response.cookies[SESSION_COOKIE] != planted
    assert (await client.get("/admin/data/api/user/")).json()["username"] == email
    from piccolo_api.session_auth.tables import SessionsBase

    assert await SessionsBase.get_user_id(planted) is None


async def test_panel_login_without_the_csrf_header_is_refused(client):
    email = await make_user(Role.staff)
    await client.get("/admin/data/")
    response = await client.post("/admin/data/public/login/", json={"username": email, "password": PASSWORD})
    assert response.status_code == 403
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize(
    "path", ["/admin/data/public/login", "/admin/data/public/login/again/", "/admin/data/public/./login/"]
)
async def test_panel_login_below_or_beside_its_path_counts_too(client, path):
    email = await make_user(Role.staff)
    response = await panel_post(client, path, json={"username": email, "password": "wrong-password"})
    assert response.status_code == 401
    assert await account_failures(email) == 1


@pytest.mark.parametrize("path", ["/admin/data/api/change-password", "/admin/data/api/./change-password/"])
async def test_panel_password_change_beside_its_path_follows_the_site_rule(make_client, path):
    from tests.factories.accounts import login

    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    body = {"current_password": PASSWORD, "new_password": "short6", "confirm_new_password": "short6"}
    response = await panel_post(browser, path, json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == "The password must be at least 10 characters long."
    token = await make_client().post("/api/auth/token", json={"email": email, "password": PASSWORD})
    assert token.status_code == 200  # the old password still holds


@pytest.mark.parametrize(
    "body",
    [
        b'{"username": "\\ud800@example.lv", "password": "wrong-password"}',
        b'{"username": "%s", "password": "\\udc00"}',
    ],
    ids=["username", "password"],
)
async def test_panel_login_with_a_lone_surrogate_gets_4xx(client, body):
    """JSON may escape half a UTF-16 pair, which no database, Redis nor hash can encode."""
    email = await make_user(Role.staff)
    response = await panel_post(
        client, content=body.replace(b"%s", email.encode()), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert SESSION_COOKIE not in client.cookies
    assert await account_failures(email) == 0
