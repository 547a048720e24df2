"""A forgotten password in a real browser: "Forgot your password?" on the login page, the mail read
from the SMTP server the site sends to, the link, a new password, a login with it; in Latvian and
English, on a phone (390 px) and a laptop (1366 px), photographed into
tests/e2e/screenshots/password-reset/."""

from __future__ import annotations

import re

import pytest
from playwright.async_api import expect

from grants.accounts.queries import user_id_by_email
from grants.accounts.service.profiles import set_language
from grants.accounts.service.users import ensure_user
from grants.core.auth import Role
from tests.e2e.browser import SCREENSHOTS
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.smtp import body_text, delivered_to

pytestmark = pytest.mark.e2e

FOLDER = SCREENSHOTS / "password-reset"
NEW_PASSWORD = "jauna-zaļā-parole-2026"

TEXT = {
    "lv": {
        "locale": "lv-LV",
        "forgot": "Aizmirsāt paroli?",
        "send": "Sūtīt saiti",
        "sent": "Ja kādam kontam ir šī adrese, mēs uz to nosūtījām saiti jaunas paroles izvēlei. "
        "Saite derīga vienu reizi, vienu stundu.",
        "subject": "Atjaunojiet savu Grants paroli",
        "new": "Jaunā parole",
        "again": "Jaunā parole atkārtoti",
        "set": "Saglabāt jauno paroli",
        "changed": "Jūsu parole ir nomainīta, un visas jūsu konta sesijas ir beigtas. "
        "Piesakieties ar jauno paroli.",
    },
    "en": {
        "locale": "en-GB",
        "forgot": "Forgot your password?",
        "send": "Send the link",
        "sent": "If an account has this address, we have sent it a link to choose a new password. "
        "The link works once, for one hour.",
        "subject": "Reset your Grants password",
        "new": "New password",
        "again": "New password again",
        "set": "Set the new password",
        "changed": "Your password is changed and every session of your account was ended. "
        "Log in with the new password.",
    },
}


@pytest.mark.parametrize("width", [390, 1366])
@pytest.mark.parametrize("language", ["lv", "en"])
async def test_forgotten_password_is_reset_through_the_mailed_link(
    new_page, mail_server, server, language, width
) -> None:
    text = TEXT[language]
    email = unique_email("forgetful")
    await ensure_user(email, PASSWORD, Role.applicant, None, "Anna Bērziņa")
    await set_language(await user_id_by_email(email), language)  # the mail follows the user's choice
    page = await new_page(locale=text["locale"])
    await page.set_viewport_size({"width": width, "height": 900})

    async def shoot(step: int, name: str) -> None:
        FOLDER.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(FOLDER / f"{language}-{width}-{step}-{name}.png"), full_page=True)

    await page.goto("/login")
    await page.get_by_role("link", name=text["forgot"]).click()
    await expect(page).to_have_url(re.compile(r"/password/forgot$"))
    await expect(page.get_by_role("heading", level=1)).to_have_text(text["forgot"])
    await page.locator("#f-email").fill(email)
    await shoot(1, "forgot")
    await page.get_by_role("button", name=text["send"]).click()
    await expect(page.get_by_role("status")).to_have_text(text["sent"])
    await shoot(2, "sent")

    message = await delivered_to(mail_server, email)
    assert message["Subject"] == text["subject"]
    links = re.findall(r"^(http://\S+/password/reset/[A-Za-z0-9_-]{43})$", body_text(message), re.MULTILINE)
    assert len(links) == 1 and links[0].startswith(server)

    await page.goto(links[0])
    await expect(page.locator("label[for=f-new_password]")).to_have_text(f"{text['new']} *")
    await page.locator("#f-new_password").fill(NEW_PASSWORD)
    await page.locator("#f-new_password2").fill(NEW_PASSWORD)
    await shoot(3, "new-password")
    await page.get_by_role("button", name=text["set"]).click()
    await expect(page).to_have_url(re.compile(r"/login\?reset=done$"))
    await expect(page.get_by_role("status")).to_have_text(text["changed"])
    await shoot(4, "changed")

    await page.locator("#f-email").fill(email)
    await page.locator("#f-password").fill(NEW_PASSWORD)
    await page.locator("form[action='/login'] button[type=submit]").click()
    await expect(page).to_have_url(re.compile(r"/my/$"))  # the applicant's home
    await shoot(5, "logged-in")

    answer = await page.goto(links[0])  # the link worked once
    assert answer is not None and answer.status == 410
