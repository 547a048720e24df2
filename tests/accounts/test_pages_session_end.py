"""A session that ends while a form is open: the login leads back to the form's page (never to a
POST-only URL, so never a 405) and says why; a form refused for its old CSRF token leads back to
its page; the login and registration forms keep what was typed on a failed try."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from litestar.exceptions import MethodNotAllowedException, NotFoundException
from piccolo_api.session_auth.tables import SessionsBase

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE, Role, access_rules
from tests.factories.accounts import (
    PASSWORD,
    csrf_token,
    login,
    make_user,
    post_form,
    replace_cookie,
    unique_email,
)
from tests.html import input_value, parse, text_of

pytestmark = pytest.mark.integration

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
ENDED = "Your session has ended. Log in again; what you typed is kept."


def _gets_a_page(app, path: str) -> bool:
    """Litestar's own routing: a GET of the path reaches a handler (no 404, no 405)."""
    try:
        app.asgi_router.handle_routing(path, "GET")
    except (NotFoundException, MethodNotAllowedException):
        return False
    return True


def _form_routes(app) -> list[tuple[str, str]]:
    """Every (method, path with sample ids) of the app's own pages that writes behind a login."""
    found = []
    for route in app.routes:
        if route.path.startswith(("/api", "/admin/data", "/schema", "/static")):
            continue
        for handler in getattr(route, "route_handlers", []):
            methods = set(getattr(handler, "http_methods", ())) & WRITES
            if methods and "public" not in access_rules(handler):
                path = re.sub(r"\{[^}:]+:int\}", "1", route.path)
                path = re.sub(r"\{[^}:]+:str\}", "LV-016", path)
                found += [(method, path) for method in sorted(methods)]
    return sorted(set(found))


def _login_target(location: str) -> tuple[str, dict[str, list[str]]]:
    parts = urlsplit(location)
    return parts.path, parse_qs(parts.query)


async def test_no_form_route_offers_a_post_only_url_as_the_next_page(app, client):
    routes = _form_routes(app)
    assert len(routes) > 30  # every form of the portal, the staff's and the reviewers' pages
    token = await csrf_token(client)
    replace_cookie(client, SESSION_COOKIE, "a-session-that-has-ended")
    offered = {}
    for method, path in routes:
        response = await client.request(
            method, path, data={"_csrf_token": token}, headers={"x-csrftoken": token}
        )
        assert response.status_code == 302, (method, path, response.status_code)
        login_path, query = _login_target(response.headers["location"])
        assert login_path == "/login"
        assert query["expired"] == ["1"]
        offered[(method, path)] = query["next"][0]
    not_pages = {
        key: target for key, target in offered.items() if not _gets_a_page(app, target.split("?")[0])
    }
    assert not_pages == {}
    # The login page carries it on, and the login goes there.
    for target in sorted(set(offered.values())):
        page = await client.get("/login", params={"next": target, "expired": "1"})
        assert input_value(page.text, "next") == target


async def test_the_login_page_turns_a_post_only_next_into_its_page(app, client):
    email = await make_user(Role.applicant)
    page = await client.get("/login", params={"next": "/my/applications/7/submit"})
    assert input_value(page.text, "next") == "/my"  # the nearest page above it (the applications)
    response = await post_form(
        client, "/login", {"email": email, "password": PASSWORD, "next": "/my/applications/7/submit"}
    )
    assert response.headers["location"] == "/my"
    assert _gets_a_page(app, response.headers["location"])


async def test_a_form_sent_after_the_session_ended_returns_to_the_page_it_came_from(client):
    email = await make_user(Role.applicant)
    await login(client, email)
    token = await csrf_token(client)
    await SessionsBase.delete().where(SessionsBase.token == client.cookies[SESSION_COOKIE])
    response = await client.post(
        "/my/awards/5/events",
        data={"_csrf_token": token, "title": "Komandas diena"},
        headers={"referer": "http://127.0.0.1/my/awards/5/events/new?planned=3"},
    )
    assert response.status_code == 302
    assert (
        response.headers["location"]
        == "/login?next=%2Fmy%2Fawards%2F5%2Fevents%2Fnew%3Fplanned%3D3&expired=1"
    )
    page = await client.get(response.headers["location"])
    assert text_of(page.text, "main div.notice") == ENDED
    assert input_value(page.text, "next") == "/my/awards/5/events/new?planned=3"
    back = await post_form(
        client,
        "/login",
        {"email": email, "password": PASSWORD, "next": "/my/awards/5/events/new?planned=3", "expired": "1"},
    )
    assert back.headers["location"] == "/my/awards/5/events/new?planned=3"


async def test_a_referer_of_another_site_is_not_where_the_login_leads(client):
    token = await csrf_token(client)
    response = await client.post(
        "/my/applications/3/submit",
        data={"_csrf_token": token},
        headers={"referer": "https://evil.example/my/applications/3/review"},
    )
    assert response.headers["location"] == "/login?next=%2Fmy&expired=1"  # not the other site's page


async def test_a_page_asked_for_without_a_session_has_no_notice(client):
    first_visit = await client.get("/my/")
    assert first_visit.headers["location"] == "/login?next=%2Fmy"
    page = await client.get(first_visit.headers["location"])
    assert text_of(page.text, "main div.notice") is None
    replace_cookie(client, SESSION_COOKIE, "a-session-that-has-ended")
    ended = await client.get("/my/")
    assert ended.headers["location"] == "/login?next=%2Fmy&expired=1"


async def test_the_notice_is_latvian_by_default(make_client):
    latvian = make_client(language=None)
    page = await latvian.get("/login", params={"next": "/my", "expired": "1"})
    assert text_of(page.text, "main div.notice") == (
        "Jūsu sesija ir beigusies. Piesakieties vēlreiz; tas, ko ierakstījāt, ir saglabāts."
    )


async def test_a_failed_login_keeps_the_email_and_the_notice(client):
    email = await make_user(Role.applicant)
    response = await post_form(
        client, "/login", {"email": email, "password": "not-the-password", "next": "/my", "expired": "1"}
    )
    assert response.status_code == 401
    assert input_value(response.text, "email") == email
    assert input_value(response.text, "password") == ""
    assert input_value(response.text, "next") == "/my"
    assert text_of(response.text, "main div.notice") == ENDED


async def test_a_failed_registration_keeps_what_was_typed_but_the_passwords(client):
    email = unique_email("ngo")
    form = {
        "name": "Anna Bērziņa",
        "email": email,
        "password": "short",
        "password2": "short",
        "org_name": "Biedrība “Tilts”",
        "org_registration_number": "123",
    }
    response = await post_form(client, "/register", form)
    assert response.status_code == 422
    kept = {name: input_value(response.text, name) for name in form}
    assert kept == {**form, "password": "", "password2": ""}


async def test_a_form_with_an_old_token_after_a_new_login_leads_back_to_its_page(client, english):
    email = await make_user(Role.applicant)
    await login(client, email)
    old_token = await csrf_token(client)
    # The session ends and the browser's cookies go (closed meanwhile); the user logs in again.
    await SessionsBase.delete().where(SessionsBase.token == client.cookies[SESSION_COOKIE])
    client.cookies.clear()
    await login(client, email)
    assert client.cookies[CSRF_COOKIE] != old_token
    refused = await client.post(
        "/my/applications/9/project",
        data={"_csrf_token": old_token, "title": "Typed before"},
        headers={"referer": "http://127.0.0.1/my/applications/9/project"},
    )
    assert refused.status_code == 403
    html = parse(refused.text)
    assert html.select_one("main [data-draft-keep]").get_text(strip=True) == (
        "This form could not be sent because it was open for too long. "
        "What you typed is kept: go back to the form and send it again."
    )
    assert html.select_one("main a.button")["href"] == "/my/applications/9/project"
