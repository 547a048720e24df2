"""The journey's decision: the grantee declines its award after the confirmation page, and staff
award the next reserve from the ranking page; the reserve's organisation sees its award."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.story import Story, mail_to


async def grantee_declines(ngo: Page, story: Story) -> None:
    first = story.ngos[0]
    await ngo.goto("/my/awards")
    await expect(ngo.locator("h1")).to_have_text("My awards")
    await ngo.get_by_role("link", name=first.project).click()
    first.award_id = int(ngo.url.rstrip("/").rsplit("/", 1)[1])
    await expect(ngo.locator(".app-meta")).to_contain_text("Status: Awarded")
    await ngo.get_by_role("link", name="Decline the award").click()
    await expect(ngo.locator("h1")).to_have_text("Decline the award")
    await expect(ngo.locator("dt:has-text('Project') + dd")).to_have_text(
        f"{first.reference} · {first.project}"
    )
    await expect(ngo.locator("dt:has-text('Grant') + dd")).to_have_text(story.amount)
    await ngo.get_by_label("Reason (optional)").fill("Projekta vadītāja pārcēlās uz citu pilsētu.")
    await story.shoot(ngo, "the grantee is asked to confirm the decline")
    await ngo.get_by_role("button", name="Decline the award").click()
    await expect(ngo).to_have_url(re.compile(rf"/my/awards/{first.award_id}\?done=declined$"))
    await expect(ngo.get_by_role("status")).to_have_text(
        "The award is declined. The programme staff are told; the money goes to the next project on the reserve list."
    )
    await expect(ngo.locator(".app-meta")).to_contain_text("Status: Declined")
    await story.shoot(ngo, "the grantee has declined")
    await mail_to(story, first.email, f"The grant for {first.reference} is declined")


async def staff_award_next_reserve(staff: Page, ngo: Page, story: Story) -> None:
    first, second = story.ngos
    await staff.goto(f"/admin/calls/{story.call_id}/ranking")
    await expect(staff.locator(f"#app-{first.application_id} td").nth(10)).to_have_text("Not funded")
    await expect(staff.locator(f"#app-{second.application_id} td").nth(10)).to_have_text(
        "On the reserve list"
    )
    await story.shoot(staff, "the ranking after the decline")
    await staff.get_by_role("button", name="Award the next reserve").click()
    await expect(staff.locator("[role=status]:not(.approval-banner)")).to_have_text(
        f"{second.reference} from the reserve list is awarded."
    )
    await expect(staff.locator(f"#app-{second.application_id} td").nth(10)).to_have_text("Awarded")
    await expect(staff.get_by_role("button", name="Award the next reserve")).to_have_count(0)
    await story.shoot(staff, "the reserve moves up")

    story.grantee = 1
    await mail_to(story, second.email, f"Application {second.reference} is awarded a grant")
    await ngo.goto("/my/")
    mine = ngo.locator("tbody tr", has=ngo.get_by_role("cell", name=second.reference, exact=True))
    await expect(mine.locator("td").nth(3)).to_have_text("Awarded")
    await expect(mine.locator("td").nth(4)).to_have_text(story.amount)
    await story.shoot(ngo, "the reserve's organisation sees its award")
