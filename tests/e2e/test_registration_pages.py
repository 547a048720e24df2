"""The pages registration adds, in a real browser, in Latvian and English, on a phone (390 px) and a
desktop (1366 px): "check your e-mail", the confirmed address, and the account page's notice to an
unconfirmed user. Each is photographed into tests/e2e/screenshots/registration/ for people to look at,
and checked for what its reader must see and for no sideways scrolling."""

from __future__ import annotations

import uuid

import httpx
import pytest
from playwright.async_api import expect

from tests.e2e.browser import SCREENSHOTS, TIMEOUT_MS
from tests.factories.accounts import PASSWORD, confirmation_token, organisation, unique_email

pytestmark = pytest.mark.e2e

FOLDER = SCREENSHOTS / "registration"
HEADINGS = {
    "sent": {"lv": "Pārbaudiet e-pastu", "en": "Check your e-mail"},
    "confirmed": {"lv": "Jūsu e-pasta adrese ir apstiprināta", "en": "Your e-mail address is confirmed"},
    "unconfirmed-account": {"lv": "Mans konts", "en": "My account"},
}


async def _register(server: str) -> str:
    """Through the API, from an address of its own (the server believes X-Forwarded-For from
    loopback): every browser test registers from 127.0.0.1, and registrations are limited per address."""
    email = unique_email("ngo")
    address = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}"
    async with httpx.AsyncClient(base_url=server, timeout=30, headers={"X-Forwarded-For": address}) as http:
        response = await http.post(
            "/api/auth/register",
            json={
                "email": email,
                "password": PASSWORD,
                "name": "Anna Bērziņa",
                "organisation": organisation(),
            },
        )
    assert response.status_code == 201, response.text
    return email


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("language", ["lv", "en"])
async def test_registration_pages_read_well_on_phone_and_desktop(
    browser, server: str, language: str, width: int
):
    FOLDER.mkdir(parents=True, exist_ok=True)
    email = await _register(server)
    context = await browser.new_context(base_url=server, viewport={"width": width, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    try:
        await context.add_cookies([{"name": "lang", "value": language, "url": server}])
        page = await context.new_page()

        async def shoot(name: str) -> None:
            await expect(page.locator("h1")).to_have_text(HEADINGS[name][language])
            overflow = await page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at {width} px"
            await page.screenshot(path=str(FOLDER / f"{name}-{language}-{width}.png"), full_page=True)

        await page.goto("/register/sent")
        await shoot("sent")
        # Logged in before confirming: the account page asks for the confirmation, with a button.
        await page.goto("/login")
        await page.locator("#f-email").fill(email)
        await page.locator("#f-password").fill(PASSWORD)
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator("#confirm-notice form button")).to_be_visible()
        await shoot("unconfirmed-account")
        await page.goto(f"/account/confirm/{await confirmation_token(email)}")
        await shoot("confirmed")
        await page.goto("/account")
        await expect(page.locator("#confirm-notice")).to_have_count(0)
    finally:
        await context.close()
