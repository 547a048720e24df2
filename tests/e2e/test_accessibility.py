"""Accessibility: axe-core in the browser on the public pages, the login and registration, every
step of the application form (also sent back with errors), the grantee's award and event pages and
the municipality dashboard with data, in Latvian and in English. No violation of impact "serious"
or "critical" may remain; the message lists each with its nodes and help URL."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

import httpx
import pytest
from playwright.async_api import Page, expect

from grants.accounts.service.users import ensure_user
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.time import now
from tests.e2e.axe import axe_script, blocking_violations, describe
from tests.e2e.browser import TIMEOUT_MS
from tests.e2e.story import past_period, site_login
from tests.factories.accounts import (
    PASSWORD,
    bearer,
    confirmation_token,
    register_applicant,
    staff_headers,
    unique_email,
)
from tests.factories.applications import complete_application
from tests.factories.awards import sign
from tests.factories.calls import published_call
from tests.factories.registry import make_school

pytestmark = pytest.mark.e2e

LANGUAGES = ("lv", "en")


@dataclass(frozen=True)
class Seeded:
    applicant: str
    coordinator: str
    # call, application (a draft), award, event; confirm: a used link; full_call: its place taken;
    # late: a draft past its deadline
    ids: dict[str, int | str]


async def _created(response: httpx.Response) -> dict:
    assert response.status_code in (200, 201), response.text
    return response.json()


@pytest.fixture(scope="module")
async def seeded(server: str) -> Seeded:
    """Through the API of the running server: an applicant with a draft in an open call (a problem
    left, so the review lists it) and, in another call, an award with its agreement and a held event."""
    start, end = past_period()
    school = await make_school("LV-016", "Misas pamatskola")
    application = complete_application(school, start_date=start.isoformat(), end_date=end.isoformat())
    async with httpx.AsyncClient(base_url=server, timeout=30) as http:
        email, _ = await register_applicant(http)
        applicant = await bearer(http, email)
        staff = await staff_headers(http)

        async def draft(call_id: int, **changes: str) -> int:
            made = await _created(
                await http.post(
                    f"/api/calls/{call_id}/applications", json={"title": "Nometne"}, headers=applicant
                )
            )
            await _created(
                await http.patch(
                    f"/api/applications/{made['id']}", json=application | changes, headers=applicant
                )
            )
            return made["id"]

        # Two places per organisation: with the draft in one, the call still offers Apply.
        open_call = await published_call(
            http, title=f"Pieejamības konkurss {uuid.uuid4().hex[:6]}", applications_per_organisation=2
        )
        draft_id = await draft(open_call["id"], objectives="")
        full_call = await published_call(http, title=f"Pieejamība: vieta aizņemta {uuid.uuid4().hex[:6]}")
        await draft(full_call["id"])  # its one place taken: the call's page says so instead of Apply
        late_call = await published_call(http, title=f"Pieejamība: termiņš beidzies {uuid.uuid4().hex[:6]}")
        late_id = await draft(late_call["id"])
        decided = await published_call(http, title=f"Pieejamības rezultāti {uuid.uuid4().hex[:6]}")
        funded = await draft(decided["id"])
        await _created(await http.post(f"/api/applications/{funded}/submit", headers=applicant))
        await _created(
            await http.post(
                f"/api/applications/{funded}/eligibility", json={"checks": {"A1": True}}, headers=staff
            )
        )
        await _created(await http.post(f"/api/calls/{decided['id']}/close", headers=staff))
        award = await _created(
            await http.post(
                f"/api/calls/{decided['id']}/awards",
                json={"application_id": funded, "reason": "Piešķirts bez vērtēšanas pieejamības testam."},
                headers=staff,
            )
        )
        signed = await sign(http, {"award_id": award["id"], "staff": staff})
        assert signed.status_code == 201, signed.text
        event = await _created(
            await http.post(
                f"/api/awards/{award['id']}/events",
                json={
                    "school": school,
                    "kind": "camp",
                    "title": "Piedzīvojumu nometne",
                    "held_on": (start + timedelta(days=10)).isoformat(),
                    "participants": 25,
                    "participants_by_grade": {"1-4": 0, "5-9": 20, "10-12": 5, "vocational": 0},
                    "description": "Trīs dienas pie dabas.",
                },
                headers=applicant,
            )
        )
        accepted = await http.post(
            f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=staff
        )  # the coordinator's events page lists it
        assert accepted.status_code == 200, accepted.text
    # The draft's deadline passed: its pages are read-only, under the deadline banner.
    await Call.update({Call.closes_at: now() - timedelta(hours=1)}).where(Call.id == late_call["id"])
    coordinator = unique_email("coordinator")
    await ensure_user(coordinator, PASSWORD, Role.coordinator, "LV-016", "Anita Koordinatore")
    ids = {"call": open_call["id"], "application": draft_id, "award": award["id"], "event": event["id"]}
    ids |= {"full_call": full_call["id"], "late": late_id}
    ids["confirm"] = await confirmation_token(email)
    return Seeded(email, coordinator, ids)


# name → (who is logged in, path); {call}, {application}, {award} and {event} are the seeded ones.
PAGES: dict[str, tuple[str | None, str]] = {
    "home": (None, "/"),
    "calls": (None, "/calls"),
    "call": (None, "/calls/{call}"),
    "call-with-apply-form": ("applicant", "/calls/{call}"),
    "login": (None, "/login"),
    "register": (None, "/register"),
    "password-forgot": (None, "/password/forgot"),
    "register-sent": (None, "/register/sent"),
    "confirmed": (None, "/account/confirm/{confirm}"),  # the applicant's link, used: "confirmed" still
    "call-limit-used": ("applicant", "/calls/{full_call}"),
    "my-applications": ("applicant", "/my/"),
    "apply": ("applicant", "/my/calls/{call}/apply"),
    **{
        f"application-{step}": ("applicant", f"/my/applications/{{application}}/{step}")
        for step in ("project", "events", "budget", "attachments", "review")
    },
    "application-project-errors": ("applicant", "/my/applications/{application}/project"),
    "application-late-project": ("applicant", "/my/applications/{late}/project"),
    "application-late-review": ("applicant", "/my/applications/{late}/review"),
    "my-awards": ("applicant", "/my/awards"),
    "award": ("applicant", "/my/awards/{award}"),
    "event-report-form": ("applicant", "/my/awards/{award}/events/new"),
    "event": ("applicant", "/my/events/{event}"),
    "municipality-dashboard": ("coordinator", "/municipality/LV-016"),
    "municipality-schedule": ("coordinator", "/municipality/LV-016/schedule"),
    "municipality-events": ("coordinator", "/municipality/LV-016/events"),
    "municipality-coverage": ("coordinator", "/municipality/LV-016/coverage"),
    "municipality-follow": ("coordinator", "/municipality/LV-016/follow"),
    "municipality-calendar-new": ("coordinator", "/municipality/LV-016/calendar/new"),
    "my-organisation": ("applicant", "/account/organisation"),
}


async def refused_project(page: Page) -> None:
    """The project step sent back with errors: the summary, the messages next to the fields."""
    await page.locator("#f-start_date").fill("2027-05-31")
    await page.locator("#f-end_date").fill("2027-03-01")
    await page.locator("main form button[type=submit]").click()
    await expect(page.locator(".error-summary")).to_be_visible()


# Pages reached by doing something on the page first.
ACTIONS = {"application-project-errors": refused_project}


@pytest.fixture(scope="module")
async def sessions(browser, server: str, seeded: Seeded) -> dict[str, dict]:
    """Each role logged in once through the login page; its cookies are reused by every test."""
    states = {}
    for role, email in (("applicant", seeded.applicant), ("coordinator", seeded.coordinator)):
        context = await browser.new_context(base_url=server, locale="en-GB")
        await site_login(await context.new_page(), email)
        states[role] = await context.storage_state()
        await context.close()
    return states


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(PAGES))
async def test_page_has_no_serious_accessibility_violations(
    browser, server: str, seeded: Seeded, sessions: dict[str, dict], name: str, language: str
) -> None:
    axe_script()  # skips (or, in CI, fails) at once when axe-core is not installed
    who, path = PAGES[name]
    path = path.format(**seeded.ids)
    # Our CSP forbids inline scripts, and axe is injected as one: only this context bypasses it.
    context = await browser.new_context(
        base_url=server, bypass_csp=True, storage_state=sessions[who] if who else None
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        await context.add_cookies([{"name": "lang", "value": language, "url": server}])
        page = await context.new_page()
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        if name in ACTIONS:
            await ACTIONS[name](page)
        assert await page.locator("html").get_attribute("lang") == language
        violations = await blocking_violations(page)
        assert violations == [], f"{path} in {language}:\n{describe(violations)}"
    finally:
        await context.close()


PHONE = 390


async def test_coordinator_pages_and_the_large_event_check_fit_a_phone(
    browser, server: str, seeded: Seeded, sessions: dict[str, dict]
) -> None:
    """At 390 px the page never scrolls sideways: the grade bands of an accepted event scroll in their
    own region, the calendar link made once fits the screen and its copy button (static/js/copy.js)
    copies it; the event form's confirmation of a large event is a box beside its label."""
    context = await browser.new_context(
        base_url=server, viewport={"width": PHONE, "height": 900}, storage_state=sessions["coordinator"]
    )
    context.set_default_timeout(TIMEOUT_MS)
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = await context.new_page()
        await page.goto("/municipality/LV-016/events")
        await expect(page.locator(f"#event-{seeded.ids['event']} .table-scroll table")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
        await page.goto("/municipality/LV-016/calendar/new")
        await page.get_by_role("button", name="Yes, make a new link").click()
        await expect(page.locator("#feed-url")).to_be_visible()
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
        await page.bring_to_front()  # the clipboard is the focused page's
        await page.get_by_role("button", name="Copy the link").click()
        await expect(page.locator(".copy-status")).to_have_text("The link is copied.")
        copied = await asyncio.wait_for(page.evaluate("navigator.clipboard.readText()"), TIMEOUT_MS / 1000)
        assert copied == await page.locator("#feed-url").input_value()
    finally:
        await context.close()

    context = await browser.new_context(
        base_url=server, viewport={"width": PHONE, "height": 900}, storage_state=sessions["applicant"]
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = await context.new_page()
        await page.goto(f"/my/awards/{seeded.ids['award']}/events/new")
        await page.locator("#f-participants").fill("250")
        await page.get_by_role("button", name="Save the event").click()
        box = await page.locator("#f-confirm_large").bounding_box()
        assert box is not None and box["width"] < 40, box
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        await context.close()
