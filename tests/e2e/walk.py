"""What the route-table walks share (test_pages_fit.py for the site, test_accessibility_back_office.py
for the back office): the widths, which half of `make test` checks which width, a browser context
signed in as a world's role, axe's violations of any impact, the page-wide sideways scroll and the
screenshots people look at."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

import pytest
from playwright.async_api import Page

from grants.core.auth import SESSION_COOKIE
from tests.e2e.axe import axe_script, describe
from tests.e2e.browser import TIMEOUT_MS

LANGUAGES = ("lv", "en")
WIDE, PHONE = 1366, 390
SHOTS = Path(os.environ.get("AXE_SHOTS") or Path(tempfile.gettempdir()) / "axe-shots")

# The pages' markup is the same whatever the database, and CI runs the two halves side by side: the
# laptop width is walked on the SQLite half, the phone width on the PostgreSQL half.
ON_POSTGRES = os.environ.get("DATABASE_URL", "sqlite").startswith(("postgres://", "postgresql://"))
HALF = {
    WIDE: pytest.mark.skipif(ON_POSTGRES, reason="1366 px is walked on the SQLite half"),
    PHONE: pytest.mark.skipif(not ON_POSTGRES, reason="390 px is walked on the PostgreSQL half"),
}


def get_routes(app, keep) -> set[str]:
    """The paths of the app's GET routes for which keep(path) is true."""
    return {
        route.path
        for route in app.routes
        if keep(route.path) and "GET" in (getattr(route, "methods", None) or set())
    }


async def open_context(browser, server: str, session: str | None, language: str, width: int):
    """A context at `width` px in `language`, signed in with `session` (None: a visitor)."""
    # Our CSP forbids inline scripts, and axe is injected as one: only this context bypasses it.
    context = await browser.new_context(
        base_url=server, bypass_csp=True, viewport={"width": width, "height": 900}, timezone_id="Europe/Riga"
    )
    context.set_default_timeout(TIMEOUT_MS)
    cookies = [{"name": "lang", "value": language, "url": server}]
    if session:
        cookies.append({"name": SESSION_COOKIE, "value": session, "url": server})
    await context.add_cookies(cookies)
    return context


async def violations(page: Page) -> list[dict]:
    """Every violation axe finds, of any impact."""
    await page.add_script_tag(path=str(axe_script()))
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return result["violations"]


def shot_path(name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    return SHOTS / f"{re.sub(r'[^a-z0-9]+', '-', name.lower()).strip('-')}.png"


async def shoot(page: Page, name: str) -> None:
    """A full-page screenshot, for people to look at (the layout at phone width above all)."""
    await page.screenshot(path=str(shot_path(name)), full_page=True)


async def check_page(page: Page, where: str, width: int) -> None:
    """axe finds nothing, and the page itself never scrolls sideways (a wide table scrolls in its
    own region)."""
    found = await violations(page)
    assert found == [], f"{where}:\n{describe(found)}"
    wide = await page.evaluate("document.documentElement.scrollWidth")
    assert wide <= width, f"{where}: the page is {wide} px wide"
