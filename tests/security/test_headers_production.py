"""Strict-Transport-Security: on every answer in production (pages, API, errors, files, the panel),
never outside it (a development server on plain HTTP would lock browsers out of it)."""

from __future__ import annotations

import pytest

from tests.security.production import https_browser, production_app
from tests.security.web import browser

pytestmark = pytest.mark.integration

URLS = [
    ("/", 200),
    ("/login", 200),
    ("/api/calls", 200),
    ("/api/me", 401),
    ("/no-such-page", 404),
    ("/static/css/site.css", 200),
    ("/admin/data/", 200),
    ("/admin/data/api/tables/", 401),
]


def max_age(value: str) -> int:
    directives = dict(part.strip().partition("=")[::2] for part in value.split(";"))
    return int(directives["max-age"])


async def test_production_sends_hsts_on_every_answer(app):
    async with production_app() as production, https_browser(production) as client:
        found = []
        for url, _ in URLS:
            response = await client.get(url)
            value = response.headers.get("strict-transport-security", "")
            found.append((url, response.status_code, "includeSubDomains" in value, value and max_age(value)))
    assert found == [(url, status, True, 31_536_000) for url, status in URLS]


async def test_outside_production_no_hsts_is_sent(app):
    assert app.state.settings.production is False
    async with browser(app) as client:
        found = [(url, (await client.get(url)).headers.get("strict-transport-security")) for url, _ in URLS]
    assert found == [(url, None) for url, _ in URLS]
