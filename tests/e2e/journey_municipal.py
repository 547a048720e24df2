"""Issue 14's scenes of the journey: the municipality's own staff member cannot reach another
municipality's call; national staff approve the award decision before the agreement; staff accept the
reported events (only then do they count); the coordinator reads the accepted event with its title
and photo; the grantee submits the final report with its results (a lump sum) and staff approve it,
so the final payment falls due and both payments are recorded as paid."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from tests.e2e.story import Story, site_login
from tests.factories.files import png_bytes


async def staff_cannot_see_other_municipality(staff: Page, story: Story, other_call: tuple[int, str]) -> None:
    """Bauskas novads' staff member: Jelgavas novads' call is in no list and answers 404 by its id."""
    call_id, title = other_call
    await staff.goto("/admin/calls")
    await expect(staff.locator("main")).not_to_contain_text(title)
    await expect(staff.locator("main")).to_contain_text(story.title)
    await story.shoot(staff, "the calls of Bauskas novads only")
    for path in (
        f"/admin/calls/{call_id}",
        f"/admin/calls/{call_id}/setup",
        f"/admin/calls/{call_id}/ranking",
    ):
        response = await staff.goto(path)
        assert response is not None and response.status == 404, path
    await staff.goto("/admin/")


async def staff_wait_for_approval(staff: Page, story: Story) -> None:
    """The ranking says the decision waits for national staff; the agreement form is not offered."""
    await staff.goto(f"/admin/calls/{story.call_id}/ranking")
    banner = staff.locator(f"#approval-{story.call_id}")
    await expect(banner).to_have_attribute("data-approval", "pending")
    await expect(banner).to_contain_text("Awaiting national approval.")
    await staff.goto(f"/admin/awards?call_id={story.call_id}")
    await expect(staff.get_by_label("Agreement number")).to_have_count(0)
    await story.shoot(staff, "the decision awaits national approval")


async def national_approves(national: Page, story: Story) -> None:
    await site_login(national, story.cast.national, next_page=None)
    await national.locator("nav.back-office-nav").get_by_role("link", name="Approvals").click()
    await expect(national.locator("h1")).to_have_text("Approvals")
    await national.get_by_role("link", name=story.title).first.click()
    await expect(national.locator("h1")).to_have_text("National approval of the award decision")
    await expect(national.locator("#decision")).to_contain_text(story.reference)
    await story.shoot(national, "national staff read the decision", story.cast.national)
    await national.locator("#form-approved").get_by_label("Comment (optional)").fill("Saskaņots.")
    await national.locator("#form-approved").get_by_role("button", name="Approve…").click()
    await expect(national.locator("h1")).to_have_text("Approve the decision?")
    await national.get_by_role("button", name="Yes, approve the decision").click()
    await expect(national.get_by_role("status").first).to_have_text(
        f"The award decision of “{story.title}” is approved."
    )
    await national.goto(f"/admin/calls/{story.call_id}/approval")
    banner = national.locator(f"#approval-{story.call_id}")
    await expect(banner).to_have_attribute("data-approval", "approved")
    await story.shoot(national, "national staff approved the decision", story.cast.national)


async def staff_accept_events(staff: Page, story: Story) -> None:
    for _school, _kind, title, _day, _participants in story.events():
        await staff.goto("/admin/reports?type=events")
        await staff.get_by_role("link", name=title).first.click()
        await expect(staff.locator("h1")).to_contain_text(title)
        await staff.get_by_label("Accept the report (it can no longer be changed)").check()
        await story.shoot(staff, f"staff accept the event “{title}”")
        await staff.get_by_role("button", name="Save the decision").click()
        await expect(staff.get_by_role("status").first).to_be_visible()


async def coordinator_sees_accepted_event(coordinator: Page, story: Story) -> None:
    """Signed in already (coordinator_sees_events): the accepted events with their titles and the photo."""
    await coordinator.get_by_role("link", name="Accepted events").click()
    await expect(coordinator.locator("h1")).to_have_text("Accepted events")
    first = story.events()[0][2]
    card = coordinator.locator("article.card", has=coordinator.get_by_role("heading", name=first))
    await expect(card).to_contain_text(story.project)
    photo = card.locator("ul.photos img")
    await expect(photo).to_have_count(1)
    # The thumbnail loads lazily: in view, it must arrive as a picture (not a broken image).
    await photo.scroll_into_view_if_needed()
    await coordinator.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=await photo.element_handle()
    )
    ours = coordinator.locator("article.card", has_text=story.project)  # other tests' events of LV-016 too
    await expect(ours.locator("h2")).to_have_text([title for _s, _k, title, _d, _p in story.events()][::-1])
    await story.shoot(coordinator, "the coordinator reads the accepted events", story.cast.coordinator)


async def grantee_adds_photo(ngo: Page, story: Story) -> None:
    """A photo of the first event, its people having agreed to the municipality's seeing it."""
    await ngo.goto(f"/my/awards/{story.award_id}")
    await ngo.get_by_role("link", name=story.events()[0][2]).first.click()
    await ngo.get_by_label("Photo (JPEG or PNG)").set_input_files(
        {"name": "diena.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    await ngo.get_by_label("Yes: the people in it agreed to its being shown to the municipality").check()
    await ngo.get_by_role("button", name="Add the photo").click()
    await expect(ngo.locator("#h-photos ~ ul img, #h-photos ~ * img").first).to_be_visible()
    await story.shoot(ngo, "the grantee adds a photo with consent")


async def grantee_submits_final_report(ngo: Page, story: Story) -> None:
    await ngo.goto(f"/my/awards/{story.award_id}#final-report")
    await ngo.get_by_label("What the project did").fill("Divi pasākumi divās skolās.")
    await ngo.get_by_label("Results against the objectives").fill("42 skolēni piedalījās, 5 no riska grupas.")
    await expect(ngo.get_by_label("Eligible costs, EUR")).to_have_count(0)  # a lump sum asks for results only
    await ngo.get_by_role("button", name="Submit the final report").click()
    if await ngo.locator("h1").inner_text() == "Submit the final report?":  # the project has not ended yet
        await story.shoot(ngo, "the final report's warnings")
        await ngo.get_by_role("button", name="Submit anyway").click()
    await expect(ngo.locator("#final-report")).to_contain_text("42 skolēni piedalījās")
    await story.shoot(ngo, "the grantee submitted the final report")


async def staff_approve_final_report_and_pay(staff: Page, story: Story) -> None:
    await staff.goto("/admin/reports?type=final")
    await staff.get_by_role("link", name=story.project).first.click()
    await expect(staff.locator("h1")).to_have_text("Final report")
    await expect(staff.locator("#on-approval")).to_have_text("a final payment of €450.00 falls due")
    await staff.get_by_label("Approve the report (the final payment falls due)").check()
    await staff.get_by_role("button", name="Save the decision").click()
    await expect(staff.locator("h1")).to_have_text("Approve the final report?")
    await expect(staff.locator("#approval-effect")).to_have_text(
        "Approving the report makes the final payment of €450.00 due to the grantee."
    )
    await staff.get_by_role("button", name="Yes, approve").click()
    await staff.goto(f"/admin/awards?award={story.award_id}")
    award = staff.locator(
        "section", has=staff.get_by_role("heading", name=re.compile(re.escape(story.reference)))
    )
    for _ in range(2):  # the advance, then the final payment
        await award.locator("details summary").first.click()
        await award.get_by_role("button", name=re.compile(r"^Record as paid")).first.click()
        await staff.goto(f"/admin/awards?award={story.award_id}")
    await expect(award.locator(".award-status")).to_have_text("Completed")
    await story.shoot(staff, "both payments are paid and the award is completed")
