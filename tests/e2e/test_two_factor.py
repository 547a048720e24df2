"""A staff member's two-factor sign-in in a real browser, on a `grants serve` of its own with
TWO_FACTOR_REQUIRED=1 (the suite's own server runs with it off): the enrolment at the first login
(the QR code and the key; the code computed here with pyotp from the key the page shows), the
recovery codes, a later site login with a recovery code, and the panel's login asking for the code.
The enrolment and code pages are photographed at 390 and 1366 px, in Latvian and English, into
tests/e2e/screenshots/two-factor/, and checked there as the route-table walk (test_pages_fit.py) checks
every other page: axe finds nothing, and the page does not scroll sideways."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp
import pytest
from playwright.async_api import Page, expect

from grants.core.auth import Role
from tests.e2e.browser import SCREENSHOTS, TIMEOUT_MS
from tests.e2e.walk import check_page
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.servers import GRANTS, free_port

pytestmark = pytest.mark.e2e

SHOTS = SCREENSHOTS / "two-factor"
VIEWS = [("lv-LV", "lv", 390), ("lv-LV", "lv", 1366), ("en-GB", "en", 390), ("en-GB", "en", 1366)]


@pytest.fixture(scope="module")
def two_factor_server(database: str, mail_server) -> Iterator[str]:
    """`grants serve` as the suite's `server`, but with two-factor sign-in required (the default)."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    log_path = Path(os.environ["GRANTS_VAR_DIR"]) / f"e2e-two-factor-{port}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, BASE_URL=base_url, DB_POOL="1")
    env.pop("TWO_FACTOR_REQUIRED")  # unset: the default, which is on
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [str(GRANTS), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{base_url}/api/registry/municipalities", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"`grants serve` did not start on {base_url}:\n{log_path.read_text()[-3000:]}"
                )
            time.sleep(0.2)
        yield base_url
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _page(browser, base_url: str, locale: str, width: int) -> Page:
    # axe is injected as an inline script, which our CSP forbids: these contexts bypass it.
    context = await browser.new_context(
        base_url=base_url,
        locale=locale,
        timezone_id="Europe/Riga",
        viewport={"width": width, "height": 900},
        bypass_csp=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return await context.new_page()


async def _password_step(page: Page, email: str) -> None:
    await page.goto("/login")
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)
    await page.locator("main form button[type=submit]").click()


async def _shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _next_code(secret: str) -> str:
    """The code of the next time-step: the server takes one step of drift, and the current step's
    code was used by the enrolment."""
    return pyotp.TOTP(secret).at(time.time() + 30)


async def test_staff_enrols_and_logs_in_with_codes_on_the_site_and_the_panel(
    browser, two_factor_server: str
) -> None:
    from grants.accounts.service.users import ensure_user

    # Staff: the panel's Data section is theirs alone (a reviewer is turned away at its login).
    email = unique_email("staff")
    await ensure_user(email, PASSWORD, Role.staff, None, "Jānis Darbinieks")
    pages = [await _page(browser, two_factor_server, locale, width) for locale, _lang, width in VIEWS]

    # The first login of a staff member goes to the enrolment, with no session yet.
    secrets_shown = set()
    for page, (_locale, lang, width) in zip(pages, VIEWS, strict=True):
        await _password_step(page, email)
        await expect(page).to_have_url(f"{two_factor_server}/login/enrol")
        await expect(page.locator("figure.qr svg")).to_be_visible()
        secrets_shown.add((await page.locator("#totp-secret").inner_text()).strip())
        await _shoot(page, f"enrol-{lang}-{width}")
        await check_page(page, f"/login/enrol in {lang} at {width} px", width)  # the route-table walk's check
    assert len(secrets_shown) == 1  # one enrolment, the same key on every page until it is confirmed
    secret = secrets_shown.pop()
    english = pages[3]
    await expect(english.locator("h1")).to_have_text("Set up two-factor sign-in")
    await expect(pages[0].locator("h1")).to_have_text("Iestatiet divpakāpju pieteikšanos")
    assert "id" not in {c["name"] for c in await english.context.cookies()}

    await english.locator("#f-code").fill(pyotp.TOTP(secret).now())
    await english.locator("main form button[type=submit]").click()
    await expect(english.locator("h1")).to_have_text("Your recovery codes")
    codes = [c.strip() for c in await english.locator("#recovery-codes code").all_inner_texts()]
    assert len(codes) == 10
    await _shoot(english, "recovery-codes-en-1366")
    await english.get_by_role("link", name="I have saved the codes, continue").click()
    await expect(english.locator("h1")).to_have_text("Back office")  # staff land on their home
    await english.goto("/account")
    await expect(english.locator("#two-factor-state")).to_have_text(
        "On: you log in with a code from your authenticator app after the password."
    )

    # A later login asks for the code; the page is photographed in both languages and widths.
    later = [await _page(browser, two_factor_server, locale, width) for locale, _lang, width in VIEWS]
    for page, (_locale, lang, width) in zip(later, VIEWS, strict=True):
        await _password_step(page, email)
        await expect(page).to_have_url(f"{two_factor_server}/login/code")
        await _shoot(page, f"code-{lang}-{width}")
        await check_page(page, f"/login/code in {lang} at {width} px", width)
    await expect(later[0].locator("h1")).to_have_text("Ievadiet kodu")
    site = later[2]
    await site.locator("#f-code").fill("000000" if _next_code(secret) != "000000" else "111111")
    await site.locator("main form button[type=submit]").click()
    await expect(site.get_by_role("alert")).to_have_text(
        "The code is wrong or was used already. Enter the current code from your app."
    )
    await site.locator("#f-code").fill(codes[0])  # a recovery code, as after a lost phone
    await site.locator("main form button[type=submit]").click()
    await expect(site.locator("h1")).to_have_text("Back office")

    # The panel's own login page asks for the code, and takes the app's next one.
    panel = later[3]
    await panel.goto("/admin/data/")
    await panel.locator("input[name=username]").fill(email)
    await panel.locator("input[name=password]").fill(PASSWORD)
    await panel.locator("[data-uitest=login_button]").click()
    code_field = panel.locator("input[placeholder='123456']")
    await expect(code_field).to_be_visible()
    await _shoot(panel, "panel-code-en-1366")
    await code_field.fill(_next_code(secret))
    await panel.locator("[data-uitest=login_button]").click()
    await expect(panel.locator("[data-uitest=nav_dropdown_button]")).to_have_attribute("title", email)
    await panel.get_by_role("link", name="Back office").click()
    await expect(panel.locator("h1")).to_have_text("Back office")
    for page in pages + later:
        await page.context.close()
