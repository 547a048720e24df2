"""A form left open past the session's end keeps its input, in a real browser.

An applicant types into an application draft, the session expires (its expiry moved into the past
in the database), Save leads to the login page with the notice; after the login the same form is
back with what was typed, and saving it works. A staff member's eligibility check: the session row
deleted, a new login in another tab (new cookies, so the open form's CSRF token is old), Save in the
first tab is refused and leads back to the form with the input. Another person who logs in in the
same tab never gets the input. Screenshots at 390 px and 1366 px, in Latvian and English, under
tests/e2e/screenshots/session-end/.
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime

import httpx
import pytest
from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase
from playwright.async_api import Page, expect

from grants.core.auth import Role
from grants.core.i18n import catalogue
from tests.e2e.browser import SCREENSHOTS
from tests.factories.accounts import PASSWORD, bearer, make_user, register_applicant
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.registry import make_school

pytestmark = pytest.mark.e2e

SHOTS = SCREENSHOTS / "session-end"
WIDTHS = (390, 1366)
ENDED = "Your session has ended. Log in again; what you typed is kept."
RESTORED = "We put back what you typed before your session ended. It is not saved yet: check it and save."
TOO_OLD = (
    "This form could not be sent because it was open for too long. "
    "What you typed is kept: go back to the form and send it again."
)


def say(language: str, message: str) -> str:
    return catalogue(language).gettext(message)


async def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


async def user_id(email: str) -> int:
    return (await BaseUser.select(BaseUser.id).where(BaseUser.username == email).first())["id"]


async def expire_sessions(email: str) -> None:
    """The user's sessions end as if their time had run out: expiry moved into the past."""
    past = datetime(2000, 1, 1)  # noqa: DTZ001 - piccolo_api's naive columns
    await SessionsBase.update({SessionsBase.expiry_date: past, SessionsBase.max_expiry_date: past}).where(
        SessionsBase.user_id == await user_id(email)
    )


async def delete_sessions(email: str) -> None:
    await SessionsBase.delete().where(SessionsBase.user_id == await user_id(email))


async def log_in(page: Page, email: str) -> None:
    """On the login page already: the e-mail and password, then its button."""
    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(PASSWORD)
    await page.locator("main form[action='/login'] button[type=submit]").click()


async def drafts_in_tab(page: Page) -> list[str]:
    return await page.evaluate(
        "Object.keys(sessionStorage).filter(k => k.startsWith('grants.draft.')).sort()"
    )


@pytest.fixture(scope="module")
async def scene(server: str) -> dict:
    """Through the running server's API: an open call; drafts of one applicant (one per run of the
    applicant's test, each in a call of its own); two submitted applications of other organisations
    for the staff's checks."""
    school = await make_school("LV-016", "Misas pamatskola")
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        call = await published_call(http, title=f"Sesijas beigu konkurss {uuid.uuid4().hex[:6]}")
        applicant, _ = await register_applicant(http)
        headers = await bearer(http, applicant)
        drafts = []
        for _n in range(len(WIDTHS) * 2):  # one application per organisation and call
            another = await published_call(http, title=f"Sesijas beigu konkurss {uuid.uuid4().hex[:6]}")
            made = await http.post(
                f"/api/calls/{another['id']}/applications", json={"title": "Melnraksts"}, headers=headers
            )
            assert made.status_code == 201, made.text
            drafts.append(made.json()["id"])
        submitted = []
        for _n in range(2):  # one for the staff's form, one for the other person in the same tab
            other, _ = await register_applicant(http)
            other_headers = await bearer(http, other)
            made = await http.post(
                f"/api/calls/{call['id']}/applications", json={"title": "Nometne"}, headers=other_headers
            )
            submitted.append(made.json()["id"])
            patched = await http.patch(
                f"/api/applications/{submitted[-1]}", json=complete_application(school), headers=other_headers
            )
            assert patched.status_code == 200, patched.text
            sent = await http.post(f"/api/applications/{submitted[-1]}/submit", headers=other_headers)
            assert sent.status_code == 200, sent.text
    return {
        "call": call["id"],
        "applicant": applicant,
        "drafts": drafts,
        "submitted": submitted[0],
        "untouched": submitted[1],
    }


@pytest.mark.parametrize("language", ["lv", "en"])
@pytest.mark.parametrize("width", WIDTHS)
async def test_an_application_draft_keeps_its_input_across_an_expired_session(
    new_page, scene, language: str, width: int
) -> None:
    application = scene["drafts"][WIDTHS.index(width) * 2 + ["lv", "en"].index(language)]
    form_url = f"/my/applications/{application}/project"
    page = await new_page(locale="lv-LV" if language == "lv" else "en-GB")
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto("/login")
    await log_in(page, scene["applicant"])
    await page.wait_for_url("**/my/")
    await page.goto(form_url)
    typed = {
        "title": f"Piedzīvojumu diena {language} {width}",
        "summary": "Trīs dienas skolās: komandas saliedēšana, darbnīcas un pārgājiens.",
        "objectives": "Mazināt mācību pārtraukšanas risku 5.–9. klašu skolēniem.",
    }
    for name, value in typed.items():
        await page.locator(f"main [name='{name}']").fill(value)
    await expire_sessions(scene["applicant"])

    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/login\?next=.*&expired=1$"))
    await expect(page.locator("main div.notice")).to_have_text(say(language, ENDED))
    await shoot(page, f"01-login-after-expiry-{language}-{width}")

    await log_in(page, scene["applicant"])
    await page.wait_for_url(f"**{form_url}")
    for name, value in typed.items():
        await expect(page.locator(f"main [name='{name}']")).to_have_value(value)
    await expect(page.locator("main .draft-restored p").first).to_have_text(say(language, RESTORED))
    await shoot(page, f"02-form-restored-{language}-{width}")

    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(f"**/my/applications/{application}/events*")
    assert await drafts_in_tab(page) == []  # taken by the server: nothing kept any more
    await page.goto(form_url)
    await expect(page.locator("main [name='title']")).to_have_value(typed["title"])  # saved
    await expect(page.locator("main .draft-restored")).to_have_count(0)


@pytest.mark.parametrize("language", ["lv", "en"])
async def test_a_staff_form_sent_with_an_old_token_after_a_new_login_keeps_its_input(
    new_page, scene, language: str
) -> None:
    staff = await make_user(Role.staff)
    form_url = f"/admin/applications/{scene['submitted']}/eligibility"
    page = await new_page(locale="lv-LV" if language == "lv" else "en-GB")
    await page.set_viewport_size({"width": 1366, "height": 900})
    await page.goto("/login")
    await log_in(page, staff)
    await page.wait_for_url("**/admin/")
    await page.goto(form_url)
    note = f"A1 izpildīts; pārbaudīts reģistrā ({language})."
    await page.locator("main #f-checks\\.A1").check()
    await page.locator("main [name='note']").fill(note)

    # The session ends; the user logs in again in another tab with new cookies (a new CSRF token).
    await delete_sessions(staff)
    await page.context.clear_cookies()
    other_tab = await page.context.new_page()
    await other_tab.goto("/login")
    await log_in(other_tab, staff)
    await other_tab.wait_for_url("**/admin/")
    await other_tab.close()

    await page.locator("main form button[type=submit]").click()
    await expect(page.locator("main [data-draft-keep]")).to_have_text(say(language, TOO_OLD))
    await shoot(page, f"03-staff-form-old-token-{language}-1366")
    await page.locator("main a.button").click()
    await page.wait_for_url(f"**{form_url}")
    await expect(page.locator("main [name='note']")).to_have_value(note)
    await expect(page.locator("main #f-checks\\.A1")).to_be_checked()
    await expect(page.locator("main .draft-restored")).to_have_count(1)
    await page.set_viewport_size({"width": 390, "height": 900})
    await shoot(page, f"04-staff-form-restored-{language}-390")

    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(rf"/admin/calls/{scene['call']}\?checked={scene['submitted']}"))
    assert await drafts_in_tab(page) == []


async def test_another_person_in_the_same_tab_never_gets_the_input(new_page, scene) -> None:
    first, second = await make_user(Role.staff), await make_user(Role.staff)
    form_url = f"/admin/applications/{scene['untouched']}/eligibility"
    page = await new_page()
    await page.goto("/login")
    await log_in(page, first)
    await page.wait_for_url("**/admin/")
    await page.goto(form_url)
    await page.locator("main [name='note']").fill("Tikai pirmā darbinieka piezīme")
    assert len(await drafts_in_tab(page)) == 1
    await delete_sessions(first)

    await page.locator("main form button[type=submit]").click()
    await page.wait_for_url(re.compile(r"/login\?next=.*&expired=1$"))
    await log_in(page, second)  # someone else sits down at the same browser tab
    await page.wait_for_url(f"**{form_url}")
    await expect(page.locator("main [name='note']")).to_have_value("")
    await expect(page.locator("main .draft-restored")).to_have_count(0)
    assert await drafts_in_tab(page) == []  # the first person's input is gone from the tab
