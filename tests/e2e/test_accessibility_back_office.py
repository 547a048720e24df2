"""Accessibility of the back office: axe-core on every GET page under /admin, in Latvian and English.

The pages come from the app's own routes: a GET route under /admin (the Data section, piccolo-admin
at /admin/data, aside) that has no line in PAGES fails `test_every_back_office_page_is_visited`
with its path, so a page added later needs one line here. Each page is opened as the role that may
open it, over the seeded world of tests/security/world.py (a draft, an open, a closed and a decided
call; awards with agreements and payments, event and final reports; reviewer assignments in every
state; organisations with join requests) plus what `_more` adds, at 1366 px on the SQLite half of
`make test` and at 390 px on the PostgreSQL half (the markup does not depend on the database; see
walk.py), and also with its form sent back empty where it has one (ERRORS, at 1366 px). Every violation
fails, whatever its impact: the acceptance of issue 13 is 0 violations (no axe rule is turned off),
and no page scrolls sideways as a whole, a wide table scrolling in its own region. A screenshot of
each view goes to /tmp/axe-shots/ (or $AXE_SHOTS) for people to look at.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

import pytest

from tests.e2e.axe import axe_script, describe
from tests.e2e.walk import (
    HALF,
    LANGUAGES,
    PHONE,
    WIDE,
    check_page,
    get_routes,
    open_context,
    shoot,
    violations,
)
from tests.security.world import World, _call, _submitted_eligible, build_world

pytestmark = pytest.mark.e2e

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
        ("s", "/admin/calls/{call_closed}/ranking"),  # past the deadline: each row's award button
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


def back_office_route(path: str) -> bool:
    """The back office's pages; its Data section (piccolo-admin, an ASGI mount) aside."""
    return path.startswith("/admin") and not path.startswith("/admin/data")


# Pages in Latvian whatever the interface language (an official document): visited once, in Latvian.
LATVIAN_ONLY = frozenset({"/admin/calls/{call_decided}/protocol"})


def visits() -> Iterable[Any]:
    for pages in PAGES.values():
        for role, url in pages:
            for language in ("lv",) if url in LATVIAN_ONLY else LANGUAGES:
                for width in (WIDE, PHONE):
                    yield pytest.param(
                        role, url, language, width, id=f"{url}-{role}-{language}-{width}", marks=HALF[width]
                    )


# The closed call is scored on six quality criteria, as real calls are: its ranking is the widest table.
CRITERIA = [
    {"code": "A1", "title": "Iesniedzējs ir biedrība vai nodibinājums", "kind": "eligibility"},
    *(
        {"code": f"K{n}", "title": f"Kvalitātes kritērijs {n}", "kind": "quality", "max_points": 10}
        for n in range(1, 7)
    ),
]


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
    closed = await _call(staff, "LV-016", title="Slēgts konkurss", criteria=CRITERIA)
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
    return await open_context(browser, server, world.sessions[role], language, width)


async def test_every_back_office_page_is_visited(app) -> None:
    routes = get_routes(app, back_office_route)
    assert sorted(routes - PAGES.keys()) == []  # GET routes without a page to open: add a line to PAGES
    assert sorted(PAGES.keys() - routes) == []  # lines of routes that are gone
    urls = {url for pages in PAGES.values() for _, url in pages}
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
        await check_page(page, f"{path} as {role} in {language} at {width} px", width)
    finally:
        await context.close()


@HALF[WIDE]
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


@HALF[WIDE]
async def test_ranking_fits_a_laptop_with_its_status_and_award_columns(
    browser, server: str, world: World
) -> None:
    """Issue 15: at 1366 px the ranking of a call past its deadline (six criteria, an award button on
    each row) shows every column, its status and decision last, without scrolling sideways."""
    context = await _open(browser, server, world, "s", "lv", WIDE)
    try:
        page = await context.new_page()
        await page.goto(f"/admin/calls/{world.ids['call_closed']}/ranking")
        region = page.locator(".table-scroll:has(table.ranking)")
        assert await region.evaluate("box => box.scrollWidth - box.clientWidth") == 0
        heads = page.locator("table.ranking thead th")
        last_two = [await heads.nth(i).text_content() for i in (-2, -1)]
        assert last_two == ["Statuss", "Lēmums"]
        for i in (-2, -1):
            box = await heads.nth(i).bounding_box()
            assert box is not None and box["x"] + box["width"] <= WIDE, box
        award = await page.locator("table.ranking summary").first.bounding_box()  # the award button
        assert award is not None and award["x"] + award["width"] <= WIDE, award
    finally:
        await context.close()
