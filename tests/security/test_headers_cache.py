"""Cache-Control: no-store on every answer to a signed-in caller and on every page with a form; public
answers to anonymous callers keep the caching their handlers chose.

The walk takes every GET (and HEAD) row of the access table (cases_*.py, which lists every route of
the app) as every role: the signed-in roles carry their session cookie (pages) or bearer token (API).
"""

from __future__ import annotations

import re

import httpx
import pytest

from tests.security.table import Case
from tests.security.test_access import CASES, fill, send
from tests.security.web import csrf
from tests.security.world import ROLES

pytestmark = pytest.mark.integration

SAFE = [case for case in CASES if case.method in {"GET", "HEAD", "ASGI"}]
# Public files, the same bytes for everyone: a signed-in browser may keep them too.
PUBLIC_ASSETS = ("/static/", "/admin/data/assets/")
_FORM = re.compile(rb"<form[\s>]", re.IGNORECASE)


def directives(response: httpx.Response) -> set[str]:
    value = response.headers.get("cache-control", "")
    return {part.strip().split("=")[0].lower() for part in value.split(",") if part.strip()}


def has_form(response: httpx.Response) -> bool:
    html = response.headers.get("content-type", "").startswith("text/html")
    return html and _FORM.search(response.content) is not None


def must_not_store(role: str, url: str, response: httpx.Response) -> bool:
    if has_form(response):
        return True
    return role != "anon" and not url.startswith(PUBLIC_ASSETS)


def problem(role: str, url: str, response: httpx.Response) -> str | None:
    if must_not_store(role, url, response) and "no-store" not in directives(response):
        cache = response.headers.get("cache-control")
        return f"{role} {url} ({response.status_code}): Cache-Control {cache!r}"
    return None


async def test_the_walk_covers_every_route_read(app):
    from tests.security.test_access import app_routes

    reads = {route for route in app_routes(app) if route.split(" ")[0] in {"GET", "HEAD", "ASGI"}}
    assert sorted(reads - {case.route for case in SAFE}) == []


@pytest.mark.parametrize("case", SAFE, ids=[f"{case.route} {case.url}" for case in SAFE])
async def test_private_answers_and_form_pages_are_not_stored(case: Case, world, browsers, api, app):
    found = []
    for role in ROLES:
        response = await send(case, role, world, browsers, api, app)
        if (wrong := problem(role, fill(case.url, world.ids, role), response)) is not None:
            found.append(wrong)
    assert found == []


async def panel_asset(browsers) -> str:
    page = (await browsers["anon"].get("/admin/data/")).text
    match = re.search(r'(?:src|href)="(?:\./|/admin/data/)?(assets/[^"]+\.js(?:\?[^"]*)?)"', page)
    assert match, page[:500]
    return "/admin/data/" + match.group(1)


PANEL = [
    "/admin/data/",
    "/admin/data/public/login/",
    "/admin/data/api/user/",
    "/admin/data/api/tables/",
    "/admin/data/api/meta/",
]


@pytest.mark.parametrize("url", PANEL)
async def test_the_panel_answers_to_signed_in_callers_are_not_stored(browsers, url):
    found = []
    for role in ROLES:
        response = await browsers[role].get(url)
        if (wrong := problem(role, url, response)) is not None:
            found.append(wrong)
    assert found == []


async def test_the_panel_login_page_is_a_form_page_and_not_stored(browsers):
    response = await browsers["anon"].get("/admin/data/public/login/")
    assert response.status_code == 200
    assert has_form(response) is True
    assert "no-store" in directives(response)


async def test_public_files_keep_their_caching_for_signed_in_callers(browsers):
    for url in ["/static/css/site.css", await panel_asset(browsers)]:
        for role in ("anon", "s"):
            response = await browsers[role].get(url)
            assert (url, role, response.status_code, "no-store" in directives(response)) == (
                url,
                role,
                200,
                False,
            )


@pytest.mark.parametrize(
    ("url", "cache"),
    [
        ("/results", "public, max-age=300"),
        ("/api/open-data/360giving.json", "public, max-age=3600"),
        ("/api/calls", None),
        ("/", None),
        ("/registry/LV-016", None),
    ],
)
async def test_public_answers_to_anonymous_callers_keep_their_caching(browsers, url, cache):
    response = await browsers["anon"].get(url)  # no session; the CSRF cookie it holds already
    assert (response.status_code, response.headers.get("cache-control")) == (200, cache)


async def test_the_same_public_answer_to_a_signed_in_caller_is_not_stored(browsers, api, world):
    page = await browsers["a"].get("/results")
    data = await api.get("/api/open-data/360giving.json", headers=world.headers("a"))
    assert [page.headers["cache-control"], data.headers["cache-control"]] == ["no-store", "no-store"]


async def test_a_refused_form_post_is_not_stored(browsers):
    anon = browsers["anon"]
    refused = await anon.post(
        "/login", data={"email": "nobody@example.lv", "password": "wrong", "_csrf_token": await csrf(anon)}
    )
    assert refused.status_code == 401
    assert has_form(refused) is True
    assert "no-store" in directives(refused)


async def test_an_unknown_path_asked_by_a_signed_in_caller_is_not_stored(browsers, api, world):
    page = await browsers["s"].get("/no-such-page")
    data = await api.get("/api/no-such-thing", headers=world.headers("s"))
    assert [(r.status_code, "no-store" in directives(r)) for r in (page, data)] == [(404, True), (404, True)]


async def test_a_stricter_policy_of_the_handler_is_kept(browsers, world):
    download = await browsers["a"].get(f"/api/attachments/{world.ids['att_a_sub']}")
    assert download.headers["cache-control"] == "private, no-store"


async def test_an_answer_that_sets_a_cookie_is_not_stored(new_browser):
    """A shared cache must not hand one visitor's CSRF cookie to the next: the public page is cached
    only in its answers that set no cookie."""
    visitor = new_browser()
    first = await visitor.get("/results")
    second = await visitor.get("/results")
    assert [
        (r.headers.get_list("set-cookie") != [], r.headers["cache-control"]) for r in (first, second)
    ] == [(True, "no-store"), (False, "public, max-age=300")]


async def test_other_methods_on_a_public_file_by_a_signed_in_caller_are_not_stored(browsers):
    """Only a public file itself keeps its caching: a refused POST, PUT or OPTIONS on its path is an
    answer to the signed-in caller like any other."""
    found = []
    for url in ["/static/css/site.css", await panel_asset(browsers)]:
        for method in ("POST", "PUT", "DELETE", "OPTIONS"):
            response = await browsers["s"].request(method, url)
            if "no-store" not in directives(response):
                found.append((method, url, response.status_code))
    assert found == []
