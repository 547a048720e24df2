"""Accessibility of the back office: axe-core on every GET page under /admin, in Latvian and English.

The pages come from the app's own routes: a GET route under /admin (the Data section, piccolo-admin
at /admin/data, aside) that has no line in PAGES fails `test_every_back_office_page_is_visited`
with its path, so a page added later needs one line here. Each page is opened as the role that may
open it, over the seeded world of tests/security/world.py (a draft, an open, a closed and a decided
call; awards with agreements and payments, event and final reports; reviewer assignments in every
state; organisations with join requests) plus what `_more` adds, at 1366 px (and 390 px for the
pages in NARROW), and also with its form sent back empty where it has one (ERRORS). Every violation
fails, whatever its impact: the acceptance of issue 13 is 0 violations (no axe rule is turned off),
and no page scrolls sideways as a whole, a wide table scrolling in its own region. A screenshot of
each view goes to /tmp/axe-shots/ (or $AXE_SHOTS) for people to look at.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page

from grants.core.auth import SESSION_COOKIE
from tests.e2e.axe import axe_script, describe
from tests.e2e.browser import TIMEOUT_MS
from tests.security.world import World, _call, _submitted_eligible, build_world

# The pages' markup is the same whatever the database: axe runs on the SQLite half of `make test`
# (the PostgreSQL half walks the same pages in the journey and the access table).
pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "sqlite").startswith(("postgres://", "postgresql://")),
        reason="markup does not depend on the database: checked on SQLite",
    ),
]

LANGUAGES = ("lv", "en")
WIDE, PHONE = 1366, 390
SHOTS = Path(os.environ.get("AXE_SHOTS") or Path(tempfile.gettempdir()) / "axe-shots")

# The route's path (as Litestar spells it) → the pages to open: (role, URL over the world's ids).
# Roles are the world's: s staff, r and r2 reviewers. A route with several lines is opened in each.
PAGES: dict[str, tuple[tuple[str, str], ...]] = {
    "/admin": (("s", "/admin/"),),
    "/admin/calls": (("s", "/admin/calls"),),
    "/admin/calls/{call_id:int}": (
        ("s", "/admin/calls/{call_draft}"),
        ("s", "/admin/calls/{call_open}"),
        ("s", "/admin/calls/{call_closed}"),
        ("s", "/admin/calls/{call_decided}"),
    ),
    "/admin/calls/{call_id:int}/ranking": (
        ("s", "/admin/calls/{call_open}/ranking"),
        ("s", "/admin/calls/{call_decided}/ranking"),
    ),
    "/admin/calls/{call_id:int}/awards/auto": (("s", "/admin/calls/{call_closed}/awards/auto"),),
    "/admin/applications/{application_id:int}/eligibility": (
        ("s", "/admin/applications/{closed_unscreened}/eligibility"),
        ("s", "/admin/applications/{a_sub}/eligibility"),
    ),
    "/admin/reviews": (("r", "/admin/reviews"), ("r2", "/admin/reviews")),
    "/admin/reviews/{assignment_id:int}": (
        ("r", "/admin/reviews/{asg_r_pending}"),  # not yet declared: the conflict question
        ("r2", "/admin/reviews/{asg_r2}"),  # declared no conflict: the score form
        ("r", "/admin/reviews/{asg_r}"),  # scored and submitted
        ("r2", "/admin/reviews/{asg_r2_conflict}"),  # a conflict declared: released
    ),
    "/admin/awards": (("s", "/admin/awards"),),
    "/admin/awards/{award_id:int}/terminate": (("s", "/admin/awards/{award_a}/terminate"),),
    "/admin/payments": (("s", "/admin/payments"),),
    "/admin/reports": (("s", "/admin/reports"),),
    "/admin/reports/events/{event_id:int}": (
        ("s", "/admin/reports/events/{event_a}"),
        ("s", "/admin/reports/events/{event_a_accepted}"),
    ),
    "/admin/reports/final/{award_id:int}": (("s", "/admin/reports/final/{award_a_fin}"),),
    "/admin/calls/new": (("s", "/admin/calls/new"),),
    "/admin/calls/{call_id:int}/setup": (
        ("s", "/admin/calls/{call_draft}/setup"),
        ("s", "/admin/calls/{call_open}/setup"),
        ("s", "/admin/calls/{call_decided}/setup"),
    ),
    "/admin/calls/{call_id:int}/criteria/{criterion_id:int}/remove": (
        ("s", "/admin/calls/{call_draft}/criteria/{crit_draft}/remove"),
    ),
    "/admin/calls/{call_id:int}/documents/{document_id:int}/remove": (
        ("s", "/admin/calls/{call_draft}/documents/{doc_draft}/remove"),
    ),
    "/admin/calls/{call_id:int}/preview": (("s", "/admin/calls/{call_draft}/preview"),),
    "/admin/calls/{call_id:int}/extend": (("s", "/admin/calls/{call_open}/extend"),),
    "/admin/calls/{call_id:int}/close": (("s", "/admin/calls/{call_open}/close"),),
    "/admin/calls/{call_id:int}/delete": (("s", "/admin/calls/{call_draft}/delete"),),
    "/admin/calls/{call_id:int}/applications": (
        ("s", "/admin/calls/{call_open}/applications"),
        ("s", "/admin/calls/{call_decided}/applications"),
    ),
    "/admin/calls/{call_id:int}/applications.csv": (),  # a file, not a page
    "/admin/calls/{call_id:int}/reviews": (("s", "/admin/calls/{call_open}/reviews"),),
    "/admin/calls/{call_id:int}/protocol": (("s", "/admin/calls/{call_decided}/protocol"),),
    "/admin/calls/{call_id:int}/protocol.xlsx": (),  # a file, not a page
    "/admin/applications/{application_id:int}": (
        ("s", "/admin/applications/{a_sub}"),
        ("s", "/admin/applications/{a_fin}"),
    ),
    "/admin/applications/{application_id:int}/clarification": (
        ("s", "/admin/applications/{closed_unscreened}/clarification"),  # the form
        ("s", "/admin/applications/{a_sub}/clarification"),  # a question waits for its answer
        ("s", "/admin/applications/{a_fin}/clarification"),  # no longer askable: said in words
    ),
    "/admin/awards/{award_id:int}/decline": (("s", "/admin/awards/{award_a_dec}/decline"),),
    "/admin/approvals": (("s", "/admin/approvals"),),
    "/admin/calls/{call_id:int}/approval": (("s", "/admin/calls/{call_approval}/approval"),),
    "/admin/organisations": (("s", "/admin/organisations"),),
    "/admin/organisations/{organisation_id:int}": (("s", "/admin/organisations/{org_b}"),),
    "/admin/organisations/{organisation_id:int}/requests/{request_id:int}/{action:str}": (
        ("s", "/admin/organisations/{org_a}/requests/{jr_a}/refuse"),
        ("s", "/admin/organisations/{org_a}/requests/{jr_a}/approve"),
    ),
    "/admin/organisations/{organisation_id:int}/members/{membership_id:int}/{action:str}": (
        ("s", "/admin/organisations/{org_b}/members/{m_b_extra}/remove"),
    ),
}

# The pages also opened at phone width: the widest tables and the forms people fill on the move.
NARROW = {
    "/admin/",
    "/admin/calls",
    "/admin/calls/{call_open}",
    "/admin/calls/{call_decided}/ranking",
    "/admin/awards",
    "/admin/payments",
    "/admin/reports",
    "/admin/reviews",
    "/admin/reviews/{asg_r2}",
    "/admin/reviews/{asg_r}",
    "/admin/applications/{closed_unscreened}/eligibility",
    "/admin/calls/{call_draft}/setup",
    "/admin/calls/{call_open}/applications",
    "/admin/applications/{a_fin}",
    "/admin/calls/{call_open}/reviews",
}

# Pages whose form, sent back empty (the browser's own checks off), answers with the errors next to
# the fields: (role, URL, the form's CSS selector, its button's, the status the page answers with).
# No destructive form whose empty post succeeds is here (refusing a join request needs no reason).
ERRORS: dict[str, tuple[str, str, str, str, int]] = {
    "eligibility-empty": (
        "s",
        "/admin/applications/{closed_unscreened}/eligibility",
        "main form.form",
        "button[type=submit]",
        422,
    ),
    "terminate-empty": (
        "s",
        "/admin/awards/{award_a}/terminate",
        "main form.form",
        "button[type=submit]",
        422,
    ),
    "score-empty": ("r2", "/admin/reviews/{asg_r2}", "main form.form", "button[value=submit]", 422),
    "assign-empty": ("s", "/admin/calls/{call_open}", "main form[action$='/assign']", "button", 422),
    "agreement-empty": ("s", "/admin/awards", "main form[action$='/agreement']", "button", 422),
    "event-review-empty": ("s", "/admin/reports/events/{event_a}", "main form.form", "button", 422),
    "call-new-empty": ("s", "/admin/calls/new", "main form.form", "button[type=submit]", 422),
    "extend-empty": ("s", "/admin/calls/{call_open}/extend", "main form.form", "button[type=submit]", 422),
    "clarification-empty": (
        "s",
        "/admin/applications/{closed_unscreened}/clarification",
        "main form.form",
        "button[type=submit]",
        422,
    ),
    "return-empty": (
        "s",
        "/admin/calls/{call_approval}/approval",
        "main form#form-returned",
        "button[type=submit]",
        422,
    ),
    "decline-empty": (
        "s",
        "/admin/awards/{award_a_dec}/decline",
        "main form.form",
        "button[type=submit]",
        422,
    ),
}


def get_routes_under_admin(app) -> set[str]:
    """The paths of the app's GET routes in the back office, its Data section (an ASGI mount) aside."""
    found = set()
    for route in app.routes:
        if not route.path.startswith("/admin") or route.path.startswith("/admin/data"):
            continue
        if "GET" in (getattr(route, "methods", None) or set()):
            found.add(route.path)
    return found


# Pages in Latvian whatever the interface language (an official document): visited once, in Latvian.
LATVIAN_ONLY = frozenset({"/admin/calls/{call_decided}/protocol"})


def visits() -> Iterable[Any]:
    for pages in PAGES.values():
        for role, url in pages:
            for language in ("lv",) if url in LATVIAN_ONLY else LANGUAGES:
                widths = (WIDE, PHONE) if url in NARROW else (WIDE,)
                for width in widths:
                    yield pytest.param(role, url, language, width, id=f"{url}-{role}-{language}-{width}")


async def _more(world: World) -> None:
    """What the security world lacks for the back office: a closed call with a submitted application
    not yet screened, and an assignment not yet declared."""
    from grants.accounts.queries import load_principal
    from grants.calls import service as calls
    from grants.calls.tables import Call
    from grants.core.time import now
    from grants.scoring import service as scoring

    staff = await load_principal(world.user_ids["s"])
    b = await load_principal(world.user_ids["b"])
    a = await load_principal(world.user_ids["a"])
    closed = await _call(staff, "LV-016", title="Slēgts konkurss")
    await calls.publish(closed, staff)
    screened = await _submitted_eligible(closed, a, staff, world.ids["school16"], "Closed eligible")
    from grants.applications.service import drafts, submission
    from tests.factories.applications import complete_application

    made = await drafts.create_draft(closed, b, "Closed unscreened")
    await drafts.update_application(
        made["id"], b, complete_application(world.ids["school22"], title="Closed unscreened")
    )
    await submission.submit(made["id"], b)
    await Call.update({Call.closes_at: now() - timedelta(minutes=5)}).where(Call.id == closed)
    await calls.close(closed, staff)
    world.ids |= {"call_closed": closed, "closed_screened": screened, "closed_unscreened": made["id"]}
    from grants.calls.tables import Criterion

    first = await Criterion.select(Criterion.id).where(Criterion.call == world.ids["call_draft"]).first()
    world.ids["crit_draft"] = first["id"]
    world.ids["asg_r_pending"] = await scoring.assign(
        world.ids["call_open"], world.ids["b_sub"], world.user_ids["r"], staff
    )


@pytest.fixture(scope="module")
async def world(server: str) -> World:
    built = await build_world()
    await _more(built)
    return built


async def _open(browser, server: str, world: World, role: str, language: str, width: int):
    # Our CSP forbids inline scripts, and axe is injected as one: only this context bypasses it.
    context = await browser.new_context(
        base_url=server,
        bypass_csp=True,
        viewport={"width": width, "height": 900},
        timezone_id="Europe/Riga",
    )
    context.set_default_timeout(TIMEOUT_MS)
    await context.add_cookies(
        [
            {"name": "lang", "value": language, "url": server},
            {"name": SESSION_COOKIE, "value": world.sessions[role], "url": server},
        ]
    )
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


async def test_every_back_office_page_is_visited(app) -> None:
    routes = get_routes_under_admin(app)
    assert sorted(routes - PAGES.keys()) == []  # GET routes without a page to open: add a line to PAGES
    assert sorted(PAGES.keys() - routes) == []  # lines of routes that are gone
    urls = {url for pages in PAGES.values() for _, url in pages}
    assert sorted(NARROW - urls) == []
    assert sorted({url for _, url, _, _, _ in ERRORS.values()} - urls) == []


@pytest.mark.parametrize(("role", "url", "language", "width"), list(visits()))
async def test_back_office_page_has_no_accessibility_violations(
    browser, server: str, world: World, role: str, url: str, language: str, width: int
) -> None:
    axe_script()  # skips (or, in CI, fails) at once when axe-core is not installed
    path = url.format(**world.ids)
    context = await _open(browser, server, world, role, language, width)
    try:
        page = await context.new_page()
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        assert await page.locator("html").get_attribute("lang") == language
        await shoot(page, f"{url}-{role}-{language}-{width}")
        found = await violations(page)
        assert found == [], f"{path} as {role} in {language} at {width} px:\n{describe(found)}"
        # On a phone the page itself never scrolls sideways: a wide table scrolls in its own region.
        assert await page.evaluate("document.documentElement.scrollWidth") <= width, f"{path} overflows"
    finally:
        await context.close()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(ERRORS))
async def test_back_office_form_with_errors_has_no_accessibility_violations(
    browser, server: str, world: World, name: str, language: str
) -> None:
    axe_script()
    role, url, form, button, status = ERRORS[name]
    path = url.format(**world.ids)
    context = await _open(browser, server, world, role, language, WIDE)
    try:
        page = await context.new_page()
        response = await page.goto(path)
        assert response is not None and response.status == 200, f"{path}: {response and response.status}"
        # Empty every field the form has and send it without the browser's own checks.
        await page.locator(form).first.evaluate(
            """form => {
                form.noValidate = true;
                for (const field of form.elements) {
                    if (field.type === 'hidden' || field.type === 'submit') continue;
                    if (field.type === 'checkbox' || field.type === 'radio') field.checked = false;
                    else if (field.tagName === 'SELECT') field.selectedIndex = -1;
                    else field.value = '';
                }
            }"""
        )
        async with page.expect_response(lambda r: r.request.method == "POST") as sent:
            await page.locator(form).first.locator(button).first.click()
        assert (await sent.value).status == status, f"{path}: {(await sent.value).status}"
        await page.wait_for_load_state()
        assert await page.locator(".error-summary, .field-error, [aria-invalid=true]").count() > 0
        await shoot(page, f"{name}-{language}")
        found = await violations(page)
        assert found == [], f"{path} sent empty, in {language}:\n{describe(found)}"
    finally:
        await context.close()
