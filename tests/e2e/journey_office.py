"""The journey's back-office middle: staff ask one NGO for a clarification and it answers in the
portal; staff extend the deadline (the NGO with a draft is mailed) and then close the call early,
after its confirmation page; every page then shows the real closing time."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.async_api import Page, expect

from grants.core.time import format_riga, now, riga_local, riga_today
from tests.e2e.journey_call import riga_minute, typed
from tests.e2e.story import Ngo, Story, mail_to
from tests.factories.smtp import body_text

QUESTION = "Precizējiet, cik skolēnu brauks ar autobusu."
ANSWER = "Ar autobusu brauks 25 skolēni no abām skolām."


async def staff_ask_clarification(staff: Page, ngo: Page, story: Story, who: Ngo) -> None:
    await staff.goto(f"/admin/calls/{story.call_id}/setup")
    await staff.locator("nav.call-tabs").get_by_role("link", name="Applications").click()
    await expect(staff.locator("h1")).to_contain_text(story.title)
    await story.shoot(staff, "staff list the call's applications")
    await staff.get_by_role("link", name=who.reference, exact=True).click()
    await expect(staff).to_have_url(re.compile(rf"/admin/applications/{who.application_id}$"))
    await story.shoot(staff, "staff open one application")
    await staff.get_by_role("link", name="Clarification request").click()
    await expect(staff.locator("h1")).to_have_text("Clarification")
    due_day = riga_today() + timedelta(days=7)
    await staff.get_by_label("Question", exact=True).fill(QUESTION)
    await staff.get_by_label("Answer by (date, Riga time)").fill(due_day.isoformat())
    await staff.get_by_label("Time (optional)").fill("16:00")
    await story.shoot(staff, "staff ask for a clarification")
    await staff.get_by_role("button", name="Send the question").click()
    await expect(staff.get_by_role("status")).to_have_text(
        "The question is sent: the applicant's members were e-mailed, and the application waits for their answer."
    )
    await expect(staff.locator("dl.facts dt:has-text('Status') + dd")).to_have_text("Clarification requested")

    # The NGO: the mail, then the banner in the portal, and the answer.
    due = format_riga(riga_local(due_day, 16, 0), "en")
    mailed = await mail_to(story, who.email, f"Please clarify application {who.reference}")
    assert QUESTION in body_text(mailed)
    assert f"Please answer by {due} (Riga time)." in body_text(mailed)
    await ngo.goto("/my/")
    banner = ngo.locator(".clarification-banner")
    await expect(banner.locator("h2")).to_have_text(f"Clarification requested: answer by {due} (Riga time)")
    await expect(banner.locator("p.pre")).to_have_text(QUESTION)
    await story.shoot(ngo, "the NGO sees the clarification banner")
    await banner.get_by_role("link", name=re.compile(r"^Answer the question")).click()
    await ngo.get_by_label("Your answer").fill(ANSWER)
    await story.shoot(ngo, "the NGO answers")
    await ngo.get_by_role("button", name="Send the answer and submit again").click()
    await expect(ngo.locator("dl.facts dt:has-text('Status') + dd")).to_have_text("Submitted")
    await expect(ngo.locator(".clarification-banner")).to_have_count(0)

    # Staff see the answer on the application's page.
    await staff.goto(f"/admin/applications/{who.application_id}")
    answered = staff.locator("#s-clarifications article.clarification")
    await expect(answered.locator("p.pre")).to_have_text(QUESTION)
    await expect(answered.locator("blockquote")).to_have_text(ANSWER)
    await story.shoot(staff, "staff see the answer")


async def staff_extend(staff: Page, story: Story, drafter: Ngo) -> None:
    """The deadline moves a week on; the organisation with a draft hears of it."""
    assert story.deadline is not None
    await staff.goto(f"/admin/calls/{story.call_id}/setup")
    await staff.get_by_role("link", name="Extend the deadline").click()
    await expect(staff.locator("h1")).to_have_text("Extend the deadline")
    await expect(staff.locator("#current-deadline")).to_have_text(format_riga(story.deadline, "en"))
    await expect(staff.locator("dt:has-text('Drafts on the call') + dd")).to_have_text("1")
    later = riga_minute(days=21)
    await staff.get_by_label("New deadline").fill(typed(later))
    await story.shoot(staff, "staff extend the deadline")
    await staff.get_by_role("button", name="Extend the deadline").click()
    await expect(staff.get_by_role("status")).to_have_text(
        "The deadline is extended; the organisations with drafts are told by e-mail."
    )
    await expect(staff.locator("#call-status")).to_contain_text(f"deadline {format_riga(later, 'en')}")
    story.deadline = later

    mailed = await mail_to(story, drafter.email, f"The deadline of {story.title} is extended")
    assert format_riga(later, "en") in body_text(mailed)


async def staff_close_early(staff: Page, ngo: Page, story: Story, who: Ngo) -> None:
    """Staff close the call after its confirmation page; the real closing time shows everywhere."""
    assert story.deadline is not None
    planned = format_riga(story.deadline, "en")
    await staff.goto(f"/admin/calls/{story.call_id}/setup")
    await staff.get_by_role("link", name="Close the call").click()
    await expect(staff.locator("h1")).to_have_text("Close the call")
    await expect(staff.locator("#what-happens")).to_have_text(
        f"The call closes now, instead of {planned}. 0 drafts will not be submitted."
    )
    await story.shoot(staff, "staff confirm closing the call early")
    before = now()
    await staff.get_by_role("button", name="Close the call").click()
    await expect(staff.get_by_role("status")).to_have_text("The call is closed.")
    status = staff.locator("#call-status")
    await expect(status).to_contain_text("Status: Closed")
    shown = re.search(r"closed early on (.+)$", (await status.inner_text()).strip())
    assert shown is not None
    closed = shown.group(1)
    # The minute it closed, on the clocks of Riga (the page shows minutes).
    candidates = {format_riga(before + timedelta(seconds=s), "en") for s in (-60, 0, 60)}
    assert closed in candidates and closed != planned, (closed, candidates)
    await expect(staff.locator("#rules p.hint").first).to_have_text(
        "Call status: Closed. Only its title, rules text, review deadline and appeal route may still change."
    )
    await story.shoot(staff, "the call is closed early")

    await ngo.goto(f"/calls/{story.call_id}")
    await expect(ngo.get_by_role("status")).to_have_text(f"Closed early on {closed}.")
    await expect(ngo.locator("dt:has-text('Deadline') + dd")).to_have_text(closed)
    await expect(ngo.get_by_role("button", name="Apply", exact=True)).to_have_count(0)
    await story.shoot(ngo, "the public call page shows the real closing time")
    await ngo.goto("/calls")
    card = ngo.locator("li.card", has=ngo.get_by_role("link", name=story.title, exact=True))
    await expect(card.locator("p").last).to_have_text(f"Closed early: {closed}")
    await ngo.goto(f"/my/applications/{who.application_id}/review")
    await expect(ngo.locator("dt:has-text('Deadline of the call') + dd")).to_have_text(
        f"{closed} (Riga time)"
    )
