"""The journey's review: staff screen both applications (eligibility) and assign them to two
reviewers; each reviewer, under /admin/reviews, declares no conflict on a page naming the applicant
and scores; staff award down the ranking within the quota (the second is the reserve)."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.story import Story, site_login

# Per reviewer, per NGO (in story.ngos' order): the first NGO's totals 2×8+7 = 23 and 2×9+6 = 24,
# the second's 2×6+5 = 17 and 2×7+4 = 18: both pass the threshold of 10, the first ranks first.
SCORES = (
    ({"K1": "8", "K2": "7"}, {"K1": "6", "K2": "5"}),
    ({"K1": "9", "K2": "6"}, {"K1": "7", "K2": "4"}),
)


async def staff_screen_and_assign(staff: Page, story: Story) -> None:
    await staff.goto("/admin/")
    await staff.locator("nav.back-office-nav").get_by_role("link", name="Calls").click()
    await staff.get_by_role("link", name=story.title, exact=True).click()
    await expect(staff.locator("h1")).to_have_text(story.title)
    await expect(staff.locator(".app-meta")).to_contain_text("Status: Closed")
    for who in story.ngos:
        row = staff.locator(f"#app-{who.application_id}")
        await expect(row.locator("td").nth(1)).to_contain_text(who.project)
        await expect(row.locator("td").nth(2)).to_have_text("Submitted")
        await row.get_by_role("link", name=re.compile(r"^Check eligibility")).click()
        await expect(staff.locator("h1")).to_have_text("Eligibility check")
        criterion = staff.get_by_role("group", name="A1 Iesniedzējs ir biedrība vai nodibinājums")
        await criterion.get_by_label("Yes, met").check()
        await story.shoot(staff, "staff check eligibility")
        await staff.get_by_role("button", name="Save the eligibility check").click()
        await expect(staff.locator("[role=status]:not(.approval-banner)")).to_have_text(
            f"Eligibility check saved: {who.reference} is eligible."
        )
        await expect(row.locator(".eligibility-result strong")).to_have_text("Eligible")

    # Automatic assignment among the call's panel: the two reviewers, ticked.
    for email, name in story.cast.reviewers:
        await staff.get_by_label(f"{name} ({email})").check()
    await staff.get_by_role("button", name="Assign reviewers automatically").click()
    await expect(staff.locator("[role=status]:not(.approval-banner)")).to_have_text(
        "Automatic assignment done: 4 new assignments."
    )
    for who in story.ngos:
        row = staff.locator(f"#app-{who.application_id}")
        for email, name in story.cast.reviewers:
            await expect(row.locator(".assignments")).to_contain_text(f"{name} ({email})")
    await story.shoot(staff, "staff assign reviewers automatically")


async def reviewer_scores(
    reviewer: Page, story: Story, number: int, email: str, points: tuple[dict[str, str], ...]
) -> None:
    """A reviewer logs in and lands on /admin/reviews; per application: the declaration naming the
    applicant, no conflict, then the scores."""
    await site_login(reviewer, email, next_page=None)
    await expect(reviewer).to_have_url(re.compile(r"/admin/reviews$"))
    await expect(reviewer.locator("h1")).to_have_text("My reviews")
    group = reviewer.locator(f"#call-{story.call_id}")
    await expect(group.locator("[data-left]")).to_contain_text("Left to do: 2 to declare, 0 to score.")
    await story.shoot(reviewer, f"reviewer {number} lands on the assignments", email)
    for who, scores in zip(story.ngos, points, strict=True):
        await reviewer.goto("/admin/reviews")
        mine = group.locator("tbody tr", has=reviewer.get_by_role("link", name=who.reference))
        await expect(mine.locator("td").last).to_have_text("Declare whether you have a conflict of interest")
        await mine.get_by_role("link", name=who.reference).click()
        await expect(reviewer.locator("h1")).to_have_text(f"Review of {who.reference}")
        await expect(reviewer.locator("[data-organisation]")).to_have_text(who.organisation)
        await expect(reviewer.locator("[data-project-title]")).to_have_text(who.project)
        await story.shoot(reviewer, f"reviewer {number} declares on {who.reference}", email)
        await reviewer.get_by_label("No, I have no conflict of interest: open the application").check()
        await reviewer.get_by_role("button", name="Send the declaration").click()
        await expect(reviewer.get_by_role("status")).to_contain_text("You declared no conflict of interest.")
        await expect(reviewer.locator("#h-application + dl")).to_contain_text(who.organisation)
        await expect(reviewer.locator("section[aria-labelledby=h-application] li a[download]")).to_have_text(
            ["tames-pamatojums.pdf"]
        )
        for code, value in scores.items():
            await reviewer.get_by_label(re.compile(rf"^Points for {code} ")).fill(value)
        await reviewer.get_by_label("Overall comment").fill("Labi pamatots projekts.")
        await reviewer.get_by_label("I have scored every criterion").check()
        await story.shoot(reviewer, f"reviewer {number} scores {who.reference}", email)
        await reviewer.get_by_role("button", name="Submit scores").click()
        await expect(reviewer.get_by_role("status")).to_contain_text("Your scores are submitted.")
        await expect(reviewer.locator(".app-meta")).to_contain_text("Status: Submitted")
    await reviewer.goto("/admin/reviews")
    await expect(group.locator("[data-left]")).to_contain_text("Nothing left to do.")


async def staff_award(staff: Page, ngos: list[Page], story: Story) -> None:
    """Down the ranking within the quota of one: the first is awarded, the second is the reserve."""
    first, second = story.ngos
    await staff.goto(f"/admin/calls/{story.call_id}/ranking")
    await expect(staff.locator("h1")).to_have_text("Ranking")
    for place, who, mean in ((1, first, "23.50"), (2, second, "17.50")):
        ranked = staff.locator(f"#app-{who.application_id} td")
        await expect(ranked.nth(0)).to_have_text(str(place))
        await expect(ranked.nth(1)).to_have_text(who.reference)
        await expect(ranked.nth(3)).to_have_text(mean)
        await expect(ranked.nth(4)).to_have_text("2")
        await expect(ranked.nth(6)).to_have_text("Yes")
        await expect(ranked.nth(10)).to_have_text("Under review")
    await story.shoot(staff, "the ranking")

    await staff.get_by_role("link", name="Award down the ranking").click()
    await expect(staff.locator("h1")).to_have_text("Award down the ranking?")
    await expect(staff.locator("#plan-awarded")).to_contain_text(f"1. {first.reference}")
    await story.shoot(staff, "staff confirm the award down the ranking")
    await staff.get_by_role("button", name="Yes, award down the ranking").click()
    await expect(staff.locator("[role=status]:not(.approval-banner)")).to_have_text(
        "Awarded down the ranking: 1 project. On the reserve list: 1; rejected: 0. The call is decided."
    )
    await expect(staff.locator(f"#app-{first.application_id} td").nth(10)).to_have_text("Awarded")
    await expect(staff.locator(f"#app-{second.application_id} td").nth(10)).to_have_text(
        "On the reserve list"
    )
    await story.shoot(staff, "staff award within the quota; the second is the reserve")

    for page, who, status in ((ngos[0], first, "Awarded"), (ngos[1], second, "On the reserve list")):
        await page.goto("/my/")
        mine = page.locator("tbody tr", has=page.get_by_role("cell", name=who.reference, exact=True))
        await expect(mine.locator("td").nth(3)).to_have_text(status)
