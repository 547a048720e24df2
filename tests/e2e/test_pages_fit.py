"""Every page of the site outside the back office, on a phone and a laptop: axe-core finds nothing
and the page never scrolls sideways as a whole.

The pages come from the app's own routes: a GET route (the API, the back office, the static files
and the schema aside) that has no line in PAGES or NOT_PAGES fails `test_every_site_page_is_visited`
with its path. Each page is opened as a role that may see it (tests/security/world.py's roles over
its seeded world: a = applicant A, c = coordinator LV-016, r = reviewer, s = national staff, None a
visitor), in Latvian and English, at 1366 px on the SQLite half of `make test` and at 390 px on the
PostgreSQL half (the markup does not depend on the database). A redirect is followed to the page it
leads to. Every violation fails, whatever its impact (no axe rule is turned off), and a wide table
scrolls in its own region; so does the project step sent back with errors. A screenshot of each view
goes to /tmp/axe-shots/ (or $AXE_SHOTS). The back office has the same walk in
test_accessibility_back_office.py.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable
from typing import Any

import pytest
from playwright.async_api import expect

from tests.e2e.axe import axe_script
from tests.e2e.browser import TIMEOUT_MS
from tests.e2e.walk import HALF, LANGUAGES, PHONE, WIDE, check_page, get_routes, open_context, shoot
from tests.factories.accounts import confirmation_token
from tests.security.world import World, build_world

pytestmark = pytest.mark.e2e

Visit = tuple[str | None, str]  # (the role signed in, or None; the URL over the world's ids)

# The route's path (as Litestar spells it) → the pages to open. A route with several lines is
# opened in each.
PAGES: dict[str, tuple[Visit, ...]] = {
    "/": ((None, "/"), ("a", "/")),
    "/docs/api": ((None, "/docs/api"),),
    "/lang/{code:str}": ((None, "/lang/{language}?next=/calls"),),  # the switch, then the page it names
    "/home": (("a", "/home"), ("c", "/home")),  # each role's home: /my/, the dashboard
    "/staff": (("s", "/staff"),),  # the old addresses lead to the back office's pages
    "/staff/{rest:path}": (("s", "/staff/calls"),),
    "/reviews": (("r", "/reviews"),),
    "/reviews/{rest:path}": (("r", "/reviews/{asg_r}"),),
    # Signing in and registering
    "/login": ((None, "/login"),),
    "/register": ((None, "/register"),),
    "/register/sent": ((None, "/register/sent"),),
    "/account/confirm/{token:str}": ((None, "/account/confirm/{confirm_a}"),),  # used: "confirmed" still
    "/password/forgot": ((None, "/password/forgot"),),
    "/password/reset/{token:str}": ((None, "/password/reset/{reset_a}"),),
    "/invitations/{token:str}": ((None, "/invitations/{inv_token_a}"),),
    # Public pages
    "/calls": ((None, "/calls"),),
    "/calls/{call_id:int}": (
        (None, "/calls/{call_open}"),
        ("a", "/calls/{call_open}"),  # with the form to apply
        ("a", "/calls/{call_full}"),  # the organisation's one place taken: said instead of Apply
        ("s", "/calls/{call_draft}"),  # a draft, as its staff preview it
    ),
    "/results": ((None, "/results"),),
    "/results/calls/{call_id:int}": ((None, "/results/calls/{call_decided}"),),
    "/results/projects": ((None, "/results/projects"),),
    "/results/projects/{award_id:int}": ((None, "/results/projects/{award_a}"),),
    "/open-data": ((None, "/open-data"),),
    "/registry": ((None, "/registry"),),
    "/registry/{code:str}": ((None, "/registry/LV-016"),),
    "/registry/schools/{registration_number:str}": ((None, "/registry/schools/{school16}"),),
    # The account
    "/account": (("a", "/account"), ("s", "/account")),
    "/account/password": (("a", "/account/password"),),
    "/account/two-factor": (("a", "/account/two-factor"),),
    "/account/two-factor/enrol": (("a", "/account/two-factor/enrol"),),
    "/account/organisation": (("a", "/account/organisation"), ("b", "/account/organisation")),
    "/account/organisation/requests/{request_id:int}/refuse": (
        ("b", "/account/organisation/requests/{jr_b_view}/refuse"),
    ),
    # The applicant portal
    "/my": (("a", "/my/"),),
    "/my/calls/{call_id:int}/apply": (("a", "/my/calls/{call_open}/apply"),),
    "/my/applications/{application_id:int}/project": (
        ("a", "/my/applications/{a_draft}/project"),
        ("a", "/my/applications/{a_late}/project"),  # past its deadline: read-only, under the banner
    ),
    "/my/applications/{application_id:int}/events": (
        ("a", "/my/applications/{a_draft}/events"),
        ("a", "/my/applications/{a_sub}/events"),
    ),
    "/my/applications/{application_id:int}/budget": (
        ("a", "/my/applications/{a_draft}/budget"),
        ("a", "/my/applications/{a_sub}/budget"),
    ),
    "/my/applications/{application_id:int}/attachments": (("a", "/my/applications/{a_draft}/attachments"),),
    "/my/applications/{application_id:int}/attachments/{attachment_id:int}/remove": (
        ("a", "/my/applications/{a_draft}/attachments/{att_a_draft}/remove"),
    ),
    "/my/applications/{application_id:int}/review": (
        ("a", "/my/applications/{a_draft}/review"),
        ("a", "/my/applications/{a_sub}/review"),
        ("a", "/my/applications/{a_late}/review"),
    ),
    "/my/applications/{application_id:int}/withdraw": (("a", "/my/applications/{a_sub}/withdraw"),),
    "/my/applications/{application_id:int}/decision": (
        ("a", "/my/applications/{a_inel}/decision"),
        ("a", "/my/applications/{a_appr}/decision"),
    ),
    "/my/awards": (("a", "/my/awards"),),
    "/my/awards/{award_id:int}": (("a", "/my/awards/{award_a}"),),
    "/my/awards/{award_id:int}/decline": (("a", "/my/awards/{award_a_dec}/decline"),),
    "/my/awards/{award_id:int}/events/new": (("a", "/my/awards/{award_a}/events/new"),),
    "/my/awards/{award_id:int}/planned/{planned_id:int}/cancel": (
        ("a", "/my/awards/{award_a}/planned/{planned_a}/cancel"),
    ),
    "/my/events/{event_id:int}": (("a", "/my/events/{event_a}"),),
    "/my/events/{event_id:int}/cancel": (("a", "/my/events/{event_a}/cancel"),),
    # The municipality's coordinator
    "/municipality/{code:str}": (("c", "/municipality/LV-016"),),
    "/municipality/{code:str}/schedule": (("c", "/municipality/LV-016/schedule"),),
    "/municipality/{code:str}/events": (("c", "/municipality/LV-016/events"),),
    "/municipality/{code:str}/coverage": (("c", "/municipality/LV-016/coverage"),),
    "/municipality/{code:str}/follow": (("c", "/municipality/LV-016/follow"),),
    "/municipality/{code:str}/calendar/new": (("c", "/municipality/LV-016/calendar/new"),),
}

# GET routes that answer something other than a page here, and why.
NOT_PAGES: dict[str, str] = {
    "/calendar/{token:str}": "a calendar feed (text/calendar)",
    "/municipality/{code:str}/export.csv": "a file",
    "/municipality/{code:str}/photos/{photo_id:int}": "an image",
    "/municipality/{code:str}/photos/{photo_id:int}/thumbnail": "an image",
    # The suite's server signs in without the second step: tests/e2e/test_two_factor.py checks these
    # pages as this walk does (check_page), on a server of its own, at both widths in both languages.
    "/login/code": "checked in test_two_factor.py",
    "/login/enrol": "checked in test_two_factor.py",
}


def site_route(path: str) -> bool:
    return not path.startswith(("/api/", "/admin", "/static/", "/schema"))


def visits() -> Iterable[Any]:
    for route, pages in PAGES.items():
        for role, url in pages:
            for language in LANGUAGES:
                for width in (WIDE, PHONE):
                    yield pytest.param(
                        route,
                        role,
                        url,
                        language,
                        width,
                        id=f"{url}-{role}-{language}-{width}",
                        marks=HALF[width],
                    )


_RESET_LINK = re.compile(r"/password/reset/([A-Za-z0-9_-]{43})")


async def reset_token(email: str) -> str:
    """A fresh password-reset link's token for `email`, read from the mail the service sends."""
    from grants.accounts.service.resets import send_reset
    from grants.core.tables import OutboxMessage

    assert await send_reset(email)
    row = (
        await OutboxMessage.select(OutboxMessage.body_text)
        .where(OutboxMessage.to_address == email)
        .order_by(OutboxMessage.id, ascending=False)
        .first()
    )
    found = _RESET_LINK.search(row["body_text"])
    assert found, row["body_text"]
    return found.group(1)


async def _more(world: World) -> None:
    """What the security world lacks here: a call whose one place per organisation A has taken, and
    a draft of A's past its call's deadline."""
    from datetime import timedelta

    from grants.accounts.queries import load_principal
    from grants.calls import service as calls
    from grants.calls.tables import Call
    from grants.core.time import now
    from tests.factories.calls import call_payload
    from tests.security.world import _application

    staff = await load_principal(world.user_ids["s"])
    a = await load_principal(world.user_ids["a"])
    made = {}
    for key, title in (("call_full", "Vieta aizņemta"), ("call_late", "Termiņš beidzies")):
        made[key] = await calls.create_call(call_payload(title=title, applications_per_organisation=1), staff)
        await calls.publish(made[key], staff)
    await _application(made["call_full"], a, world.ids["school16"], "Full")
    world.ids["a_late"] = await _application(made["call_late"], a, world.ids["school16"], "Late")
    await Call.update({Call.closes_at: now() - timedelta(hours=1)}).where(Call.id == made["call_late"])
    world.ids |= made


@pytest.fixture(scope="module")
async def world(server: str) -> World:
    built = await build_world()
    await _more(built)
    built.ids["confirm_a"] = await confirmation_token(built.emails["a"])
    built.ids["reset_a"] = await reset_token(built.emails["c"])
    return built


async def test_every_site_page_is_visited(app) -> None:
    routes = get_routes(app, site_route)
    assert sorted(routes - PAGES.keys() - NOT_PAGES.keys()) == []  # a GET route without a line: add one
    assert sorted((PAGES.keys() | NOT_PAGES.keys()) - routes) == []  # lines of routes that are gone
    assert sorted(PAGES.keys() & NOT_PAGES.keys()) == []


@pytest.mark.parametrize(("route", "role", "url", "language", "width"), list(visits()))
async def test_site_page_fits_and_has_no_accessibility_violations(
    browser, server: str, world: World, route: str, role: str | None, url: str, language: str, width: int
) -> None:
    axe_script()  # skips (or, in CI, fails) at once when axe-core is not installed
    path = url.format(language=language, **world.ids)
    session = world.sessions[role] if role else None
    context = await open_context(browser, server, session, language, width)
    try:
        page = await context.new_page()
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert await page.locator("html").get_attribute("lang") == language
        await shoot(page, f"site-{url}-{role}-{language}-{width}")
        await check_page(page, f"{path} ({page.url}) as {role} in {language} at {width} px", width)
    finally:
        await context.close()


MENU_LINKS = ("Calls", "Municipalities and schools", "Results", "My applications", "My awards", "My account")


@pytest.mark.parametrize("width", [PHONE, WIDE])
async def test_header_menu_is_a_button_on_a_phone_and_one_row_on_a_laptop(
    browser, server: str, world: World, width: int
) -> None:
    """The applicant's header, which has the most links: on a phone the links hide behind a "Menu"
    button (a disclosure, no script) and the language switch stays in sight; on a laptop every link
    shows in one row with no button."""
    context = await open_context(browser, server, world.sessions["a"], "en", width)
    try:
        page = await context.new_page()
        await page.goto("/calls")
        header = page.locator("header.site-header")
        menu = header.get_by_text("Menu", exact=True)
        links = [header.get_by_role("link", name=name, exact=True) for name in MENU_LINKS]
        logout = header.get_by_role("button", name="Log out")
        await expect(header.get_by_role("link", name="Latviešu")).to_be_visible()
        if width == PHONE:
            assert [await link.is_visible() for link in links] == [False] * len(links)
            await menu.focus()
            await page.keyboard.press("Enter")  # a keyboard opens it as a click does
            assert [await link.is_visible() for link in links] == [True] * len(links)
            await expect(logout).to_be_visible()
            assert await page.evaluate("document.documentElement.scrollWidth") <= width
            await shoot(page, f"site-menu-open-{width}")
            await page.keyboard.press("Enter")
            await expect(links[0]).to_be_hidden()
        else:
            await expect(menu).to_be_hidden()
            tops = {round((await link.bounding_box())["y"]) for link in links}
            assert len(tops) == 1, tops
            await expect(logout).to_be_visible()
    finally:
        await context.close()


BOTH_HALVES = [pytest.param(WIDE, marks=HALF[WIDE]), pytest.param(PHONE, marks=HALF[PHONE])]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("width", BOTH_HALVES)
async def test_project_step_sent_back_with_errors_fits_and_has_no_accessibility_violations(
    browser, server: str, world: World, width: int, language: str
) -> None:
    """The project step sent back with errors: the summary, the messages next to the fields."""
    axe_script()
    context = await open_context(browser, server, world.sessions["a"], language, width)
    try:
        page = await context.new_page()
        await page.goto(f"/my/applications/{world.ids['a_draft']}/project")
        await page.locator("#f-start_date").fill("2027-05-31")
        await page.locator("#f-end_date").fill("2027-03-01")
        await page.locator("main form button[type=submit]").click()
        await expect(page.locator(".error-summary")).to_be_visible()
        await shoot(page, f"site-project-errors-{language}-{width}")
        await check_page(page, f"the project step sent back, in {language} at {width} px", width)
    finally:
        await context.close()


async def test_coordinator_pages_and_the_large_event_check_fit_a_phone(
    browser, server: str, world: World
) -> None:
    """At 390 px the page never scrolls sideways: the grade bands of an accepted event scroll in their
    own region, the calendar link made once fits the screen and its copy button (static/js/copy.js)
    copies it; the event form's confirmation of a large event is a box beside its label."""
    context = await open_context(browser, server, world.sessions["c"], "en", PHONE)
    await context.grant_permissions(["clipboard-read", "clipboard-write"])
    try:
        page = await context.new_page()
        await page.goto("/municipality/LV-016/events")
        accepted = page.locator(f"#event-{world.ids['event_a_accepted']} .table-scroll table")
        await expect(accepted).to_be_visible()
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

    context = await open_context(browser, server, world.sessions["a"], "en", PHONE)
    try:
        page = await context.new_page()
        await page.goto(f"/my/awards/{world.ids['award_a']}/events/new")
        await page.locator("#f-participants").fill("250")
        await page.get_by_role("button", name="Save the event").click()
        box = await page.locator("#f-confirm_large").bounding_box()
        assert box is not None and box["width"] < 40, box
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE
    finally:
        await context.close()
