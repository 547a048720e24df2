"""The panel's own password change follows the site's rules: the password policy, the failure limit on
the current password, every other session and bearer token ended, an audit row."""

from __future__ import annotations

import json

import pytest

from grants.core.auth import SESSION_COOKIE, Role
from grants.core.tables import AuditEntry
from tests.factories.accounts import PASSWORD, bearer, login, make_user
from tests.factories.logins import account_failures, panel_post

pytestmark = pytest.mark.integration

NEW_PASSWORD = "a-new-horse-battery"


def _change(current: str, new: str, confirm: str | None = None) -> dict[str, str]:
    return {"current_password": current, "new_password": new, "confirm_new_password": confirm or new}


async def _password_works(make_client, email: str, password: str) -> bool:
    response = await make_client().post("/api/auth/token", json={"email": email, "password": password})
    return response.status_code == 200


async def test_panel_password_change_refuses_a_short_password(make_client):
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    response = await panel_post(browser, "/admin/data/api/change-password/", json=_change(PASSWORD, "short6"))
    assert response.status_code == 422
    assert response.json()["detail"] == "The password must be at least 10 characters long."
    assert await _password_works(make_client, email, "short6") is False
    assert await _password_works(make_client, email, PASSWORD) is True


async def test_panel_password_change_refuses_a_confirmation_that_differs(make_client):
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    body = _change(PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x")
    response = await panel_post(browser, "/admin/data/api/change-password/", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == "The passwords do not match."
    assert await _password_works(make_client, email, PASSWORD) is True


async def test_panel_password_change_reports_every_mistake_at_once(make_client):
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    body = _change("not-the-password", "short6", "short7")
    response = await panel_post(browser, "/admin/data/api/change-password/", json=body)
    assert response.status_code == 422
    assert response.json()["detail"] == (
        "The current password is wrong. The password must be at least 10 characters long. "
        "The passwords do not match."
    )
    assert await _password_works(make_client, email, PASSWORD) is True


async def test_panel_password_change_ends_other_sessions_and_tokens_and_is_audited(make_client):
    email = await make_user(Role.staff)
    browser, other_browser, api = make_client(), make_client(), make_client()
    await login(browser, email)
    await login(other_browser, email)
    token = await bearer(api, email)
    response = await panel_post(
        browser, "/admin/data/api/change-password/", json=_change(PASSWORD, NEW_PASSWORD)
    )
    assert response.status_code == 200
    assert (await api.get("/api/me", headers=token)).status_code == 401
    assert (await other_browser.get("/api/me")).status_code == 401
    assert (await browser.get("/api/me")).json()["email"] == email  # the one who changed it stays in
    assert await _password_works(make_client, email, NEW_PASSWORD) is True
    assert await _password_works(make_client, email, PASSWORD) is False
    rows = await AuditEntry.select(AuditEntry.action, AuditEntry.actor_email).where(
        (AuditEntry.entity == "user")
        & (AuditEntry.action == "password_change")
        & (AuditEntry.actor_email == email)
    )
    assert rows == [{"action": "password_change", "actor_email": email}]


async def test_panel_password_change_limits_wrong_current_passwords(make_client):
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    for _ in range(5):
        wrong = await panel_post(
            browser, "/admin/data/api/change-password/", json=_change("wrong-one", NEW_PASSWORD)
        )
        assert wrong.status_code == 422
        assert wrong.json()["detail"] == "The current password is wrong."
    assert await account_failures(email) == 5
    right = await panel_post(
        browser, "/admin/data/api/change-password/", json=_change(PASSWORD, NEW_PASSWORD)
    )
    assert right.status_code == 429
    assert await _password_works(make_client, email, NEW_PASSWORD) is False
    # The same key as every login path: the site's login is refused too.
    assert (
        await make_client().post("/api/auth/token", json={"email": email, "password": PASSWORD})
    ).status_code == 429


async def test_panel_password_change_needs_a_session(client):
    response = await panel_post(
        client, "/admin/data/api/change-password/", json=_change(PASSWORD, NEW_PASSWORD)
    )
    assert response.status_code == 401
    assert SESSION_COOKIE not in client.cookies


@pytest.mark.parametrize("field", ["current_password", "new_password"])
async def test_panel_password_change_with_a_lone_surrogate_gets_4xx(make_client, field):
    email = await make_user(Role.staff)
    browser = make_client()
    await login(browser, email)
    body = json.dumps(_change(PASSWORD, NEW_PASSWORD) | {field: "x-\udc00-password"})
    if field == "new_password":
        body = json.dumps(_change(PASSWORD, "x-\udc00-password"))
    response = await panel_post(
        browser,
        "/admin/data/api/change-password/",
        content=body,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert await account_failures(email) == 0
    assert await _password_works(make_client, email, PASSWORD) is True
