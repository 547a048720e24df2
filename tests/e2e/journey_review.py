"""The journey's middle: staff close the call, find the application eligible and assign it to two
reviewers; the reviewers declare no conflict and score in the panel; staff award."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.panel import panel_login, run_form
from tests.e2e.story import Story

SCORES = ({"K1": "8", "K2": "7"}, {"K1": "9", "K2": "6"})  # totals 2×8+7 = 23 and 2×9+6 = 24


async def staff_close_and_assign(staff: Page, ngo: Page, story: Story) -> None:
    # The deadline: staff close the call with the panel's form; the public page says so at once.
    message = await run_form(staff, "close-a-call", {"call_id": str(story.call_id)})
    assert message == f"The call {story.call_id} is now “Closed”."
    await story.shoot(staff, "staff close the call")
    await ngo.goto(f"/calls/{story.call_id}")
    await expect(ngo.get_by_role("status")).to_contain_text("Applications closed on")
    await expect(ngo.get_by_role("button", name="Apply", exact=True)).to_have_count(0)

    # Eligibility, reached from the panel's "Review and ranking" link.
    await staff.goto("/admin/")
    await staff.locator("nav.back-office-nav").get_by_role("link", name="Calls").click()
    await staff.get_by_role("link", name=story.title, exact=True).click()
    await expect(staff.locator("h1")).to_have_text(story.title)
    await expect(staff.locator(".app-meta")).to_contain_text("Status: Closed")
    row = staff.locator(f"#app-{story.application_id}")
    await expect(row.locator("td").nth(1)).to_contain_text(story.project)
    await expect(row.locator("td").nth(2)).to_have_text("Submitted")
    await row.get_by_role("link", name=re.compile(r"^Check eligibility")).click()
    await expect(staff.locator("h1")).to_have_text("Eligibility check")
    criterion = staff.get_by_role("group", name="A1 Iesniedzējs ir biedrība vai nodibinājums")
    await criterion.get_by_label("Yes, met").check()
    await story.shoot(staff, "staff check eligibility")
    await staff.get_by_role("button", name="Save the eligibility check").click()
    await expect(staff.get_by_role("status")).to_have_text(
        f"Eligibility check saved: {story.reference} is eligible."
    )
    await expect(row.locator(".eligibility-result strong")).to_have_text("Eligible")

    # Automatic assignment among the call's panel: the two reviewers, ticked.
    for email, name in story.cast.reviewers:
        await staff.get_by_label(f"{name} ({email})").check()
    await staff.get_by_role("button", name="Assign reviewers automatically").click()
    await expect(staff.get_by_role("status")).to_have_text("Automatic assignment done: 2 new assignments.")
    for email, name in story.cast.reviewers:
        await expect(row.locator(".assignments")).to_contain_text(f"{name} ({email})")
    await story.shoot(staff, "staff assign reviewers automatically")


async def reviewer_scores(
    reviewer: Page, story: Story, number: int, email: str, points: dict[str, str]
) -> None:
    """A reviewer logs in to the panel, follows "My reviews", declares no conflict and scores."""
    await panel_login(reviewer, email)
    await reviewer.get_by_role("link", name="My reviews").click()
    await expect(reviewer.locator("h1")).to_have_text("My reviews")
    mine = reviewer.locator("tbody tr", has=reviewer.get_by_role("link", name=story.reference))
    await expect(mine.locator("td").last).to_have_text("Waiting for your declaration")
    await mine.get_by_role("link", name=story.reference).click()
    await expect(reviewer.locator("h1")).to_have_text(f"Review of {story.reference}")
    await reviewer.get_by_label("No, I have no conflict of interest: open the application").check()
    await reviewer.get_by_role("button", name="Send the declaration").click()
    await expect(reviewer.get_by_role("status")).to_contain_text("You declared no conflict of interest.")
    await expect(reviewer.locator("#h-application + dl")).to_contain_text(story.organisation)
    await expect(reviewer.locator("section[aria-labelledby=h-application] li a[download]")).to_have_text(
        ["tames-pamatojums.pdf"]
    )
    for code, value in points.items():
        await reviewer.get_by_label(re.compile(rf"^Points for {code} ")).fill(value)
    await reviewer.get_by_label("Overall comment").fill("Labi pamatots projekts.")
    await reviewer.get_by_label("I have scored every criterion").check()
    await story.shoot(reviewer, f"reviewer {number} scores")
    await reviewer.get_by_role("button", name="Submit scores").click()
    await expect(reviewer.get_by_role("status")).to_contain_text("Your scores are submitted.")
    await expect(reviewer.locator(".app-meta")).to_contain_text("Status: Submitted")


async def staff_award(staff: Page, ngo: Page, story: Story) -> None:
    await staff.goto(f"/admin/calls/{story.call_id}/ranking")
    ranked = staff.locator(f"#app-{story.application_id} td")
    await expect(ranked.nth(0)).to_have_text("1")
    await expect(ranked.nth(1)).to_have_text(story.reference)
    await expect(ranked.nth(3)).to_have_text("23.50")  # the mean of 23 and 24
    await expect(ranked.nth(4)).to_have_text("2")
    await expect(ranked.nth(6)).to_have_text("Yes")
    await expect(ranked.nth(10)).to_have_text("Under review")  # then the column of the award form
    await story.shoot(staff, "the ranking")

    # Down the ranking within the budget and quota: the button, then the page saying what will happen.
    await staff.get_by_role("link", name="Award down the ranking").click()
    await expect(staff.locator("h1")).to_have_text("Award down the ranking?")
    await expect(staff.locator("#plan-awarded")).to_contain_text(f"1. {story.reference}")
    await story.shoot(staff, "staff confirm the award down the ranking")
    await staff.get_by_role("button", name="Yes, award down the ranking").click()
    await expect(staff.get_by_role("status")).to_have_text(
        "Awarded down the ranking: 1 project. On the reserve list: 0; rejected: 0. The call is decided."
    )
    await expect(ranked.last).to_have_text("Awarded")
    await story.shoot(staff, "staff award")

    await ngo.goto("/my/")
    mine = ngo.locator("tbody tr", has=ngo.get_by_role("cell", name=story.reference, exact=True))
    await expect(mine.locator("td").nth(3)).to_have_text("Awarded")
    await expect(mine.locator("td").nth(4)).to_have_text(story.amount)
    await story.shoot(ngo, "the grantee sees the award")
