"""Cookies: in production every cookie the app or the panel sets is Secure; the panel's session cookie
lives exactly as long as the site's (the cookie's attributes and the session's expiry alike)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from piccolo_api.session_auth.tables import SessionsBase

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE, Role
from grants.core.i18n import LANG_COOKIE
from tests.factories.accounts import PASSWORD, make_user
from tests.security.production import cookie_attributes, https_browser, production_app
from tests.security.web import browser

pytestmark = pytest.mark.integration


async def site_login(client, email: str):
    await client.get("/login")
    return await client.post(
        "/login", data={"email": email, "password": PASSWORD, "_csrf_token": client.cookies[CSRF_COOKIE]}
    )


async def panel_login(client, email: str):
    await client.get("/admin/data/")
    return await client.post(
        "/admin/data/public/login/",
        json={"username": email, "password": PASSWORD},
        headers={"X-CSRFToken": client.cookies["csrftoken"]},
    )


async def test_every_cookie_is_secure_in_production(app):
    staff = await make_user(Role.staff)
    set_cookies: list[str] = []
    async with production_app() as production:
        async with https_browser(production) as site, https_browser(production) as panel:
            responses = [
                await site.get("/login"),
                await site.get("/lang/lv", params={"next": "/login"}),
                await site_login(site, staff),
                await site.get("/account/password"),  # a page with a form, signed in
                await site.post("/logout", data={"_csrf_token": site.cookies[CSRF_COOKIE]}),
                await panel.get("/admin/data/public/login/"),
                await panel.get("/admin/data/"),
                await panel_login(panel, staff),
                await panel.get("/admin/data/api/user/"),
                await panel.post(
                    "/admin/data/public/logout/", headers={"X-CSRFToken": panel.cookies["csrftoken"]}
                ),
            ]
            for response in responses:
                set_cookies += response.headers.get_list("set-cookie")
    assert {cookie_attributes(header)[0] for header in set_cookies} == {
        CSRF_COOKIE,
        LANG_COOKIE,
        SESSION_COOKIE,
        "csrftoken",
    }
    assert [header for header in set_cookies if "secure" not in cookie_attributes(header)[1]] == []


async def test_outside_production_cookies_are_not_secure_so_plain_http_works(client):
    response = await client.get("/lang/lv", params={"next": "/"})
    name, attributes = cookie_attributes(response.headers["set-cookie"])
    assert (name, "secure" in attributes) == (LANG_COOKIE, False)


def session_set_cookie(response) -> dict[str, str]:
    cookies = dict(cookie_attributes(h) for h in response.headers.get_list("set-cookie"))
    return cookies[SESSION_COOKIE]


async def session_row(token: str) -> dict:
    return await SessionsBase.select().where(SessionsBase.token == token).first()


async def test_the_panel_session_lives_exactly_as_long_as_the_site_session(app):
    staff = await make_user(Role.staff)
    async with browser(app) as site, browser(app) as panel:
        on_site = await site_login(site, staff)
        on_panel = await panel_login(panel, staff)
        assert (on_site.status_code, on_panel.status_code) == (302, 200)
        site_row = await session_row(site.cookies[SESSION_COOKIE])
        panel_row = await session_row(panel.cookies[SESSION_COOKIE])
    assert session_set_cookie(on_panel) == session_set_cookie(on_site)
    second = timedelta(seconds=5)
    assert abs(panel_row["expiry_date"] - site_row["expiry_date"]) < second
    assert abs(panel_row["max_expiry_date"] - site_row["max_expiry_date"]) < second


async def test_the_panel_session_cookie_is_the_one_the_site_reads(app):
    """After a login on the panel the site knows the caller: one cookie, one session."""
    staff = await make_user(Role.staff)
    async with browser(app) as panel:
        assert (await panel_login(panel, staff)).status_code == 200
        me = await panel.get("/api/me")
    assert (me.status_code, me.json()["email"]) == (200, staff)
