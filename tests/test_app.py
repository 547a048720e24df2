"""The app as a whole (grants/app.py): the home page, languages, layout, security headers, errors, and
every route declaring who may call it."""

from __future__ import annotations

import pytest
from litestar import Litestar, get

from grants.core.auth import access_rules, public, unguarded_routes
from grants.core.i18n import LANG_COOKIE
from tests.html import attr_of, links, parse, text_of, texts_of

pytestmark = pytest.mark.integration


async def test_pages_are_latvian_by_default(make_client):
    response = await make_client(language=None).get("/login")
    assert attr_of(response.text, "html", "lang") == "lv"
    assert text_of(response.text, "h1") == "Pieslēgties"


async def test_api_errors_are_latvian_by_default(make_client):
    response = await make_client(language=None).get("/api/me")
    assert response.json()["detail"] == "Nepieciešama autentifikācija"


async def test_language_switch_keeps_the_page(make_client):
    client = make_client(language=None)
    response = await client.get("/lang/en", params={"next": "/registry/LV-016?x=1"})
    assert response.status_code == 302
    assert response.headers["location"] == "/registry/LV-016?x=1"
    assert client.cookies[LANG_COOKIE] == "en"
    page = await client.get("/registry/LV-016")
    assert attr_of(page.text, "html", "lang") == "en"
    assert "Schools" in texts_of(page.text, "h2")
    # The switch on that page links back to the same page in the other language.
    assert "/lang/lv?next=%2Fregistry%2FLV-016" in links(page.text)


async def test_language_switch_refuses_foreign_redirects(client):
    for target in ("https://evil.example/", "//evil.example/", "evil"):
        response = await client.get("/lang/en", params={"next": target})
        assert response.headers["location"] == "/"


async def test_accept_language_english_is_honoured_without_cookie(make_client):
    page = await make_client(language="en-GB,en;q=0.8").get("/login")
    assert text_of(page.text, "h1") == "Log in"


async def test_base_layout_has_landmarks_and_skip_link(client):
    page = (await client.get("/")).text
    assert attr_of(page, "a.skip-link", "href") == "#main"
    assert parse(page).select_one("main#main") is not None
    assert [parse(page).find(tag) is not None for tag in ("header", "nav", "footer")] == [True, True, True]
    assert "<script" not in page  # works without JavaScript


async def test_security_headers_on_pages(client):
    response = await client.get("/")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "same-origin"
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp


async def test_unknown_host_is_refused(client):
    response = await client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400


async def test_missing_page_in_html_and_json(client):
    page = await client.get("/registry/LV-999")
    assert page.status_code == 404
    assert text_of(page.text, "h1") == "Page not found"
    api = await client.get("/api/registry/schools", params={"municipality": "LV-999"})
    assert api.status_code == 404
    assert api.json() == {"status_code": 404, "detail": "No municipality with the code LV-999", "extra": {}}


async def test_api_docs_page_lists_endpoints_without_network(client):
    page = await client.get("/docs/api", headers={"Accept-Language": "en"})
    assert "/api/registry/municipalities" in texts_of(page.text, "code")
    assert "/api/auth/token" in texts_of(page.text, "code")
    assert "cdn" not in page.text.lower()
    schema = await client.get("/schema/openapi.json")
    assert set(schema.json()["paths"]) >= {"/api/auth/register", "/api/auth/token", "/api/me"}


async def test_admin_panel_gets_a_policy_that_lets_its_app_run(client):
    response = await client.get("/admin/data/")
    csp = response.headers["content-security-policy"]
    assert csp == "object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
    assert response.headers["x-frame-options"] == "DENY"


async def test_home_page_lists_current_municipalities(client):
    response = await client.get("/")
    assert response.status_code == 200
    assert "Bauskas novads" in texts_of(response.text, "li")
    assert "Varakļānu novads" not in response.text


async def test_every_route_of_the_app_declares_an_access_rule(app):
    assert unguarded_routes(app) == []


async def test_route_walker_fails_when_a_guard_is_removed(app):
    @get("/forgotten", sync_to_thread=False)
    def forgotten() -> str:
        return "secret"

    @get("/declared", guards=[public], sync_to_thread=False)
    def declared() -> str:
        return "fine"

    probe = Litestar(route_handlers=[forgotten, declared], openapi_config=None)
    assert unguarded_routes(probe) == ["GET /forgotten"]


async def test_route_walker_sees_rules_set_on_a_controller(app):
    rules = {
        route.path: sorted({rule for h in route.route_handlers for rule in access_rules(h)})
        for route in app.routes
        if hasattr(route, "route_handlers")
    }
    assert rules["/api/me"] == ["authenticated"]
    assert rules["/api/registry/municipalities"] == ["public"]
    assert rules["/account/password"] == ["authenticated"]


async def test_role_guard_refusal_explains_itself(client):
    from grants.core.auth import Role
    from tests.factories.accounts import bearer, make_user

    headers = await bearer(client, await make_user(Role.applicant))
    response = await client.get("/api/calls/1/ranking", headers=headers)
    assert response.status_code == 403
    assert response.json()["detail"] == "You do not have access to this page."
