"""Issues 13's and 14's acceptance journey in a real browser, through the back office and the portal
only (no JSON API: every request the pages make is recorded and none may go to /api), each step
checked by what its user sees and photographed into tests/e2e/screenshots/:

a staff member of Bauskas novads (municipal staff, LV-016) creates a call that needs national
approval in euros and Riga time at /admin/calls/new, add its criteria, preview and publish
it; two NGOs register and draft, one submits; staff ask it for a clarification from its
application's page and it answers in the portal; staff extend the deadline (the other NGO, holding a
draft, is mailed) and it submits; staff close the call early after the confirmation page, and the
public pages and the application show the real closing time; staff screen both and assign two
reviewers, who declare and score under /admin/reviews; staff award within the quota of one, the
grantee declines after the confirmation page, staff award the reserve from the ranking page; the
reserve's award waits for national approval (no agreement form) until national staff approve it;
the new grantee's agreement is recorded, it reports two events with pupils at risk and a photo
its people agreed to show, staff accept them, and the coordinator sees them counted and reads the
accepted event with its title and photo; the grantee submits the final report with its results (a
lump sum), staff approve it and record both payments: the award is completed. Throughout, the
Bauskas staff member finds no trace of a Jelgavas novads call (not listed, 404 by its id).

Then the back-office pages staff visited, again at 390 px in Latvian (the journey is in English at
1366 px).
"""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from grants.core.auth import Role
from tests.e2e.browser import SCREENSHOTS
from tests.e2e.journey_award import grantee_declines, staff_award_next_reserve
from tests.e2e.journey_call import ngo_drafts, ngo_registers, ngo_submits, staff_create_call
from tests.e2e.journey_grant import coordinator_sees_events, grantee_reports_events, staff_record_agreement
from tests.e2e.journey_municipal import (
    coordinator_sees_accepted_event,
    grantee_adds_photo,
    grantee_submits_final_report,
    national_approves,
    staff_accept_events,
    staff_approve_final_report_and_pay,
    staff_cannot_see_other_municipality,
    staff_wait_for_approval,
)
from tests.e2e.journey_office import staff_ask_clarification, staff_close_early, staff_extend
from tests.e2e.journey_review import SCORES, reviewer_scores, staff_award, staff_screen_and_assign
from tests.e2e.story import Cast, Ngo, Story, site_login
from tests.factories.accounts import PASSWORD, unique_email
from tests.factories.registry import make_school

pytestmark = pytest.mark.e2e

WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}


@pytest.fixture
async def cast(database) -> Cast:
    """The people and schools of the story, made through the services as `grants createuser` does."""
    from grants.accounts.service.users import ensure_user

    staff = unique_email("staff")
    await ensure_user(staff, PASSWORD, Role.staff, "LV-016", "Ilze Programma")
    national = unique_email("national")
    await ensure_user(national, PASSWORD, Role.staff, None, "Inese Valsts")
    reviewers = []
    for name in ("Jānis Vērtētājs", "Līga Vērtētāja"):
        email = unique_email("reviewer")
        await ensure_user(email, PASSWORD, Role.reviewer, None, name)
        reviewers.append((email, name))
    coordinator = unique_email("coordinator")
    await ensure_user(coordinator, PASSWORD, Role.coordinator, "LV-016", "Anita Koordinatore")
    schools = [
        (await make_school("LV-016", name), name) for name in ("Misas pamatskola", "Stelpes pamatskola")
    ]
    return Cast(staff, tuple(reviewers), coordinator, tuple(schools), national)


@pytest.fixture
async def other_call(database) -> tuple[int, str]:
    """A call of Jelgavas novads (LV-041), made by national staff: none of Bauska's business."""
    from grants.calls import service as calls
    from tests.factories.awards import staff_principal
    from tests.factories.calls import call_payload

    title = f"Jelgavas novada jauniešu iniciatīvas {uuid.uuid4().hex[:6]}"
    call_id = await calls.create_call(
        call_payload(municipality_code="LV-041", title=title), await staff_principal()
    )
    return call_id, title


async def test_journey_through_the_back_office_without_the_api(
    new_page, cast: Cast, other_call: tuple[int, str], mail_server
) -> None:
    for old in SCREENSHOTS.glob("*.png"):  # a shorter earlier run would leave steps that did not happen
        old.unlink()
    token = uuid.uuid4().hex[:6]
    story = Story(
        cast,
        title=f"Jauniešu iniciatīvas Bauskas novadā {token}",
        ngos=(
            Ngo(f"Biedrība “Jauniešu iniciatīvu centrs {token}”", "Piedzīvojumu diena skolās"),
            Ngo(f"Nodibinājums “Skolas draugi {token}”", "Radošās darbnīcas skolās"),
        ),
        mail=mail_server,
    )

    async def page(locale: str = "en-GB", viewport: dict[str, int] = WIDE):
        opened = story.watch(await new_page(locale=locale))
        await opened.set_viewport_size(viewport)
        return opened

    staff, first, second = await page(), await page(), await page()
    await staff_create_call(staff, story)
    await staff_cannot_see_other_municipality(staff, story, other_call)
    for ngo, who in zip((first, second), story.ngos, strict=True):
        await ngo_registers(ngo, story, who)
        await ngo_drafts(ngo, story, who)
    await ngo_submits(first, story, story.ngos[0])
    await staff_ask_clarification(staff, first, story, story.ngos[0])
    await staff_extend(staff, story, story.ngos[1])
    await ngo_submits(second, story, story.ngos[1])
    await staff_close_early(staff, first, story, story.ngos[0])
    await staff_screen_and_assign(staff, story)
    for number, ((email, _name), points) in enumerate(zip(cast.reviewers, SCORES, strict=True), start=1):
        await reviewer_scores(await page(), story, number, email, points)
    await staff_award(staff, [first, second], story)
    await grantee_declines(first, story)
    await staff_award_next_reserve(staff, second, story)
    await staff_wait_for_approval(staff, story)
    await national_approves(await page(), story)
    await staff_record_agreement(staff, story)
    await grantee_reports_events(second, story)
    await grantee_adds_photo(second, story)
    await staff_accept_events(staff, story)
    coordinator = await page()
    await coordinator_sees_events(coordinator, story)
    await coordinator_sees_accepted_event(coordinator, story)
    await grantee_submits_final_report(second, story)
    await staff_approve_final_report_and_pay(staff, story)

    # The back-office pages of the journey, on a phone, in Latvian: staff's and the first reviewer's.
    for email in (cast.staff, cast.reviewers[0][0]):
        phone = await page(viewport=NARROW)
        await site_login(phone, email, next_page=None)
        await phone.goto("/lang/lv?next=/admin/")  # the language switch every page's header offers
        await expect(phone.locator("html")).to_have_attribute("lang", "lv")
        for path in story.visited[email]:
            response = await phone.goto(path)
            assert response is not None and response.status == 200, path
            await expect(phone.locator("html")).to_have_attribute("lang", "lv")
            await expect(phone.locator("nav.back-office-nav")).to_have_count(1)
            wide = await phone.evaluate("document.documentElement.scrollWidth")
            assert wide <= NARROW["width"], f"{path} is {wide} px wide on a 390 px screen"
            await story.shoot(phone, f"390 lv {path}", email)

    assert story.api_requests() == []
    assert len(story.requests) > 100  # the recorder did record the journey's pages
