"""Joining an organisation in a real browser: its owner invites a colleague from the organisation's
page; the colleague opens the link from the mail (read from the test SMTP server), makes an account
and is a member. The organisation's page is photographed at 390 and 1366 px in Latvian and English
into tests/e2e/screenshots/joins/."""

from __future__ import annotations

import re
import uuid

import pytest
from playwright.async_api import expect

from tests.e2e.browser import SCREENSHOTS
from tests.e2e.story import site_login
from tests.factories.accounts import (
    PASSWORD,
    make_join_request,
    make_person,
    register_applicant,
    unique_email,
)
from tests.factories.smtp import body_text, delivered_to

pytestmark = pytest.mark.e2e

LINK = re.compile(r"(https?://\S+/invitations/[A-Za-z0-9_-]+)")
WIDTHS = (390, 1366)


async def test_owner_invites_a_colleague_who_joins_from_the_mail(new_page, server, client, mail_server):
    token = uuid.uuid4().hex[:6]
    owner_email, ids = await register_applicant(client, name=f"Biedrība “Jauniešu centrs {token}”")
    _asker_email, asker = await make_person("Pēteris Kalniņš")
    await make_join_request(asker, ids["organisation_id"], "Vadu skolēnu pašpārvaldi, vēlos pievienoties.")
    colleague_email = unique_email("colleague")

    owner = await new_page()
    await site_login(owner, owner_email)
    await owner.locator("main").get_by_role("link", name="My organisation").click()
    await expect(owner.locator("h1")).to_have_text(f"Biedrība “Jauniešu centrs {token}”")
    await expect(owner.locator("#requests .name")).to_have_text("Pēteris Kalniņš")
    await owner.locator("#f-email").fill(colleague_email)
    await owner.locator("#f-role").select_option("member")
    await owner.get_by_role("button", name="Send the invitation").click()
    await expect(owner.locator(".notice")).to_have_text("The invitation is sent.")
    await expect(owner.locator("#invitations .email")).to_have_text(colleague_email)

    mail = await delivered_to(mail_server, colleague_email)
    link = LINK.search(body_text(mail))
    assert link is not None and link.group(1).startswith(server)

    colleague = await new_page()
    await colleague.goto(link.group(1))
    await expect(colleague.locator("h1")).to_have_text(f"Join Biedrība “Jauniešu centrs {token}”")
    await colleague.locator("#f-name").fill("Ieva Liepa")
    await colleague.locator("#f-password").fill(PASSWORD)
    await colleague.locator("#f-password2").fill(PASSWORD)
    await colleague.get_by_role("button", name="Create the account and join").click()
    await expect(colleague.locator(".notice")).to_have_text(
        "Welcome: you are now a member of the organisation."
    )
    await expect(colleague.locator("#members .email")).to_have_text([owner_email, colleague_email])
    await expect(colleague.locator("#requests")).to_have_count(0)  # a member does not decide

    await owner.reload()
    await expect(owner.locator("#members .email")).to_have_text([owner_email, colleague_email])
    await expect(owner.locator("#invitations")).to_have_count(0)

    second = unique_email("second")  # an open invitation, for the pictures
    await owner.locator("#f-email").fill(second)
    await owner.locator("#f-role").select_option("owner")
    await owner.get_by_role("button", name="Send the invitation").click()
    await expect(owner.locator("#invitations .email")).to_have_text(second)

    folder = SCREENSHOTS / "joins"
    folder.mkdir(parents=True, exist_ok=True)
    for language in ("lv", "en"):
        await owner.goto(f"/lang/{language}?next=/account/organisation")
        await expect(owner.locator("html")).to_have_attribute("lang", language)
        heading = "Pieprasījumi pievienoties" if language == "lv" else "Requests to join"
        await expect(owner.locator("#requests-heading")).to_have_text(heading)
        for width in WIDTHS:
            await owner.set_viewport_size({"width": width, "height": 900})
            await owner.screenshot(path=str(folder / f"organisation-{language}-{width}.png"), full_page=True)
            overflow = await owner.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert (language, width, overflow) == (language, width, 0)  # wide tables scroll inside their box
