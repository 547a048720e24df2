"""Uploads in a real browser: a file over the 10 MB limit is refused on the same step with the limit
named, in Latvian, with and without JavaScript (with it, before anything is sent); a file chosen
when "Turpināt uz pārskatu" (or a step's link) is pressed is uploaded, never dropped; the step stays
free of axe violations with the browser's message shown. Screenshots under tests/e2e/screenshots/uploads/.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, Request, expect

from grants.core.i18n import catalogue
from tests.e2e.axe import blocking_violations, describe
from tests.e2e.browser import SCREENSHOTS, TIMEOUT_MS
from tests.e2e.test_session_end import log_in
from tests.factories.accounts import bearer, register_applicant
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes

pytestmark = pytest.mark.e2e

SHOTS = SCREENSHOTS / "uploads"
MB = 1024 * 1024
TOO_LARGE = "Datne ir pārāk liela: maksimālais izmērs ir 10 MB."  # the server's words, in Latvian


def lv(message: str) -> str:
    return catalogue("lv").gettext(message)


async def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """A 12 MB PDF (over the limit, under twice it), a 25 MB one (far over) and a small letter."""
    folder = tmp_path_factory.mktemp("uploads")
    made = {}
    for name, size in (("liela-tame.pdf", 12 * MB), ("video.pdf", 25 * MB), ("vestule.pdf", 0)):
        made[name] = folder / name
        made[name].write_bytes(pdf_bytes(name).ljust(size, b" "))
    return made


@pytest.fixture(scope="module")
async def applicant(server: str) -> dict:
    """An applicant with a draft per test (one application per organisation and call)."""
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        email, _ = await register_applicant(http)
        headers = await bearer(http, email)
        drafts = []
        for _n in range(8):
            call = await published_call(http, title=f"Pielikumu konkurss {uuid.uuid4().hex[:6]}")
            made = await http.post(
                f"/api/calls/{call['id']}/applications", json={"title": "Pielikumi"}, headers=headers
            )
            assert made.status_code == 201, made.text
            drafts.append(made.json()["id"])
    return {"email": email, "drafts": drafts, "headers": headers}


OpenPage = Callable[..., Awaitable[Page]]


@pytest.fixture
async def open_page(browser, server: str, applicant: dict) -> AsyncIterator[OpenPage]:
    """A signed-in applicant's page in Latvian, in a context of its own, with or without JavaScript."""
    contexts = []

    async def factory(javascript: bool = True, bypass_csp: bool = False) -> Page:
        context = await browser.new_context(
            base_url=server,
            locale="lv-LV",
            timezone_id="Europe/Riga",
            viewport={"width": 390, "height": 900},
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = await context.new_page()
        await page.goto("/login")
        await log_in(page, applicant["email"])
        await page.wait_for_url("**/my/")
        return page

    yield factory
    for context in contexts:
        await context.close()


async def attached(server: str, applicant: dict, application: int) -> list[str]:
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        got = await http.get(f"/api/applications/{application}", headers=applicant["headers"])
    return [f["filename"] for f in got.json()["attachments"]]


def posts(page: Page) -> list[Request]:
    sent: list[Request] = []
    page.on("request", lambda request: sent.append(request) if request.method == "POST" else None)
    return sent


async def test_a_12_mb_file_without_javascript_comes_back_to_the_step_naming_10_mb(
    open_page, applicant, files, server
) -> None:
    application = applicant["drafts"][0]
    page = await open_page(javascript=False)
    step = f"/my/applications/{application}/attachments"
    await page.goto(step)
    await page.locator("#f-file").set_input_files(files["liela-tame.pdf"])
    async with page.expect_response(lambda r: r.request.method == "POST") as answer:
        await page.get_by_role("button", name=lv("Attach the file")).click()
    assert (await answer.value).status == 413
    await expect(page.locator("main p.error#f-file-error")).to_have_text(TOO_LARGE)
    await expect(page.locator("main h1")).to_have_text(lv("Attachments"))
    await expect(page.locator("#f-file")).to_have_attribute("aria-invalid", "true")
    assert page.url == f"{server}{step}"
    assert await attached(server, applicant, application) == []
    await shoot(page, "01-too-large-without-script-lv-390")


async def test_a_body_far_over_the_limit_without_javascript_names_the_limit_and_leads_back(
    open_page, applicant, files, server
) -> None:
    application = applicant["drafts"][1]
    page = await open_page(javascript=False)
    step = f"/my/applications/{application}/attachments"
    await page.goto(step)
    await page.locator("#f-file").set_input_files(files["video.pdf"])
    await page.get_by_role("button", name=lv("Attach the file")).click()
    await expect(page.locator("main p[data-draft-keep]")).to_have_text(TOO_LARGE)
    await shoot(page, "02-far-too-large-without-script-lv-390")
    await page.get_by_role("link", name=lv("Back to the form")).click()
    await page.wait_for_url(f"**{step}")
    assert await attached(server, applicant, application) == []


async def test_a_12_mb_file_with_javascript_is_stopped_before_it_is_sent(
    open_page, applicant, files, server
) -> None:
    application = applicant["drafts"][2]
    page = await open_page(javascript=True)
    step = f"/my/applications/{application}/attachments"
    await page.goto(step)
    sent = posts(page)
    await page.locator("#f-file").set_input_files(files["liela-tame.pdf"])
    await expect(page.locator("main p.error#f-file-error")).to_have_text(TOO_LARGE)
    await page.get_by_role("button", name=lv("Attach the file")).click()
    await page.get_by_role("button", name=lv("Continue to the review")).click()
    await expect(page.locator("#f-file")).to_be_focused()
    await expect(page.locator("#f-file")).to_have_attribute("aria-describedby", "f-file-hint f-file-error")
    assert page.url == f"{server}{step}"
    assert sent == []
    await shoot(page, "03-too-large-with-script-lv-390")

    # Another, good file: the message goes, and the file is sent and listed.
    await page.locator("#f-file").set_input_files(files["vestule.pdf"])
    await expect(page.locator("main p.error#f-file-error")).to_have_count(0)
    await page.get_by_role("button", name=lv("Attach the file")).click()
    await page.wait_for_url(f"**{step}?done=attached")
    await expect(page.locator("#files td a[download]")).to_have_text(["vestule.pdf"])
    assert [r.url for r in sent] == [f"{server}{step}"]


@pytest.mark.parametrize("javascript", [True, False], ids=["with script", "without script"])
async def test_continue_to_the_review_with_a_chosen_file_uploads_it(
    open_page, applicant, files, server, javascript: bool
) -> None:
    application = applicant["drafts"][3 if javascript else 4]
    page = await open_page(javascript=javascript)
    await page.goto(f"/my/applications/{application}/attachments")
    await page.locator("#f-file").set_input_files(files["vestule.pdf"])
    await page.get_by_role("button", name=lv("Continue to the review")).click()
    await page.wait_for_url(f"**/my/applications/{application}/review?done=attached")
    await expect(page.locator("main div.notice[role=status]")).to_have_text(lv("The file is attached."))
    await expect(page.locator("main li > a[href^='/api/attachments/']")).to_have_text(["vestule.pdf"])
    assert await attached(server, applicant, application) == ["vestule.pdf"]


async def test_a_step_link_pressed_with_a_chosen_file_uploads_it_first(
    open_page, applicant, files, server
) -> None:
    application = applicant["drafts"][5]
    page = await open_page(javascript=True)
    await page.goto(f"/my/applications/{application}/attachments")
    await page.locator("#f-file").set_input_files(files["vestule.pdf"])
    await page.locator("nav.steps").get_by_role("link", name=lv("Project")).click()
    await page.wait_for_url(f"**/my/applications/{application}/project?done=attached")
    await expect(page.locator("main div.notice[role=status]")).to_have_text(lv("The file is attached."))
    assert await attached(server, applicant, application) == ["vestule.pdf"]


async def test_the_step_with_the_browsers_message_has_no_serious_accessibility_violations(
    open_page, applicant, files
) -> None:
    page = await open_page(javascript=True, bypass_csp=True)  # axe is injected as an inline script
    await page.goto(f"/my/applications/{applicant['drafts'][6]}/attachments")
    await page.locator("#f-file").set_input_files(files["liela-tame.pdf"])
    await expect(page.locator("main p.error#f-file-error")).to_have_text(TOO_LARGE)
    violations = await blocking_violations(page)
    assert violations == [], describe(violations)
