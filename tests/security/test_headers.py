"""Security headers on every kind of answer: pages (also errors and redirects), the JSON API,
downloads, static files, the schema and the admin panel."""

from __future__ import annotations

import pytest

from tests.security.web import browser

pytestmark = pytest.mark.integration


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *values = part.split()
        if name:
            parsed[name.lower()] = values
    return parsed


def assert_common(response) -> dict[str, list[str]]:
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] in ("same-origin", "strict-origin-when-cross-origin", "no-referrer")
    policy = directives(headers.get("content-security-policy", ""))
    framing = policy.get("frame-ancestors") == ["'none'"] or headers.get("x-frame-options") in (
        "DENY",
        "SAMEORIGIN",
    )
    assert framing, dict(headers)
    return policy


def assert_ours(response) -> None:
    """Our own pages: scripts only from this site, never inline or evaluated."""
    policy = assert_common(response)
    scripts = policy.get("script-src", policy.get("default-src"))
    assert scripts is not None
    assert "'unsafe-inline'" not in scripts
    assert "'unsafe-eval'" not in scripts
    assert "*" not in scripts and "data:" not in scripts
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


PAGES = [
    ("anon", "GET", "/", 200),
    ("anon", "GET", "/calls/{call_open}", 200),
    ("anon", "GET", "/login", 200),
    pytest.param("anon", "GET", "/no-such-page", 404),
    ("anon", "GET", "/my/", 302),
    ("a", "GET", "/my/applications/{a_sub}/review", 200),
    ("b", "GET", "/my/applications/{a_sub}/review", 404),
    ("r", "GET", "/admin/reviews/{asg_r}", 200),
    ("s", "GET", "/admin/calls/{call_open}", 200),
    ("c", "GET", "/admin/calls", 403),
    ("anon", "GET", "/docs/api", 200),
    ("a", "GET", "/my/awards/{award_a}", 200),
    ("c", "GET", "/municipality/LV-016", 200),
    ("anon", "GET", "/results/projects/{award_a}", 200),
]


@pytest.mark.parametrize(("role", "method", "url", "status"), PAGES)
async def test_pages_carry_the_security_headers(browsers, world, role, method, url, status):
    response = await browsers[role].request(method, url.format(**world.ids))
    assert response.status_code == status
    assert_ours(response)


async def test_a_refused_form_post_carries_the_security_headers(app):
    async with browser(app) as client:
        await client.get("/login")
        response = await client.post("/login", data={"email": "x@example.lv", "password": "y"})
    assert response.status_code == 403
    assert_ours(response)


API = [
    ("anon", "/api/calls", 200),
    ("anon", "/api/me", 401),
    ("b", "/api/applications/{a_sub}", 404),
    ("r", "/api/applications", 403),
    ("a", "/api/attachments/{att_a_sub}", 200),
    ("anon", "/api/calls/{call_open}/documents/{doc_open}", 200),
    ("s", "/api/calls/{call_open}/export.csv", 200),
    ("s", "/api/calls/{call_open}/export.xlsx", 200),
    ("anon", "/schema/openapi.json", 200),
    ("anon", "/static/css/site.css", 200),
    ("a", "/api/awards/{award_a}/agreement/document", 200),
    ("a", "/api/event-photos/{photo_a}", 200),
    ("a", "/api/event-photos/{photo_a}/thumbnail", 200),
    ("a", "/api/final-report-attachments/{final_file_a}", 200),
    ("anon", "/api/open-data/360giving.json", 200),
    ("anon", "/api/open-data/360giving.csv", 200),
]


@pytest.mark.parametrize(("role", "url", "status"), API, ids=[f"{r} {u}" for r, u, _ in API])
async def test_api_answers_and_downloads_carry_the_security_headers(api, world, role, url, status):
    response = await api.get(url.format(**world.ids), headers=world.headers(role))
    assert response.status_code == status
    assert_ours(response)


@pytest.mark.parametrize(
    "url", ["/api/attachments/{att_a_sub}", "/api/calls/{call_open}/documents/{doc_open}"]
)
async def test_downloads_are_attachments_never_rendered(api, world, url):
    response = await api.get(url.format(**world.ids), headers=world.headers("a"))
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.headers["content-type"] == "application/pdf"
    assert "no-store" in response.headers["cache-control"]


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("anon", "/admin/data/", 200),
        ("anon", "/admin/data/api/tables/", 401),
        ("s", "/admin/data/api/tables/organisation/", 200),
    ],
)
async def test_admin_panel_carries_the_headers_it_can(browsers, role, url, status):
    response = await browsers[role].get(url)
    assert response.status_code == status
    policy = assert_common(response)
    assert policy["object-src"] == ["'none'"]
