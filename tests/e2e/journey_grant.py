"""The journey after the award: staff record the signed agreement, the grantee reports the two
events held in two schools, and the municipality's coordinator sees them on the dashboard."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from grants.core.time import format_day
from tests.e2e.story import Story, site_login
from tests.factories.files import pdf_bytes

BANDS = ({"Grades 5–9": 14, "Grades 10–12": 10}, {"Grades 5–9": 18})  # per event, adding up to its total


async def staff_record_agreement(staff: Page, story: Story) -> None:
    await staff.goto("/admin/")
    await staff.get_by_role("link", name="Awards and agreements").click()
    await expect(staff.locator("h1")).to_have_text("Awards and agreements")
    award = staff.locator(
        "section", has=staff.get_by_role("heading", name=f"{story.reference} · {story.project}")
    )
    await expect(award.locator("dt:has-text('Grant') + dd")).to_have_text(story.amount)
    await expect(award.locator(".award-status")).to_have_text(re.compile(r"agreement not signed yet$"))
    await award.get_by_label("Agreement number").fill(f"{story.reference}/L")
    await award.get_by_label("Signed agreement").set_input_files(
        {"name": "ligums.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("Ligums")}
    )
    await story.shoot(staff, "staff record the signed agreement")
    await award.get_by_role("button", name=re.compile(r"^Record the agreement")).click()
    await expect(award.locator(".award-status")).to_have_text("Agreement signed")
    await expect(award.get_by_role("link", name="ligums.pdf")).to_be_visible()
    advance = award.locator("tbody tr").first.locator("td")
    await expect(advance.nth(1)).to_have_text("€4,050.00")  # the call's 90 % of 4500.00
    await story.shoot(staff, "the agreement is recorded and the advance falls due")


async def grantee_reports_events(ngo: Page, story: Story) -> None:
    await ngo.get_by_role("link", name="My awards").click()
    await expect(ngo.locator("h1")).to_have_text("My awards")
    await ngo.get_by_role("link", name=story.project).click()
    story.award_id = int(ngo.url.rstrip("/").rsplit("/", 1)[1])
    await expect(ngo.locator("h1")).to_have_text(story.project)
    await expect(ngo.locator(".app-meta")).to_contain_text("Status: Agreement signed")
    await expect(ngo.locator("dl.facts dt:has-text('Award') + dd")).to_have_text(story.amount)
    await story.shoot(ngo, "the grantee's award page")

    for number, ((school, _kind, title, day, participants), bands) in enumerate(
        zip(story.events(), BANDS, strict=True), start=1
    ):
        await ngo.goto(f"/my/awards/{story.award_id}")
        planned = ngo.locator("tbody tr", has_text=title)
        await planned.get_by_role("link", name=re.compile(r"^Report the event")).click()
        await expect(ngo.locator("h1")).to_have_text("Report an event")
        await expect(ngo.get_by_label("School", exact=True)).to_have_value(
            school
        )  # carried over from the plan
        await expect(ngo.get_by_label("Title")).to_have_value(title)
        await ngo.get_by_label("Held on").fill(day.isoformat())
        await ngo.get_by_label("Participants in total").fill(str(participants))
        await ngo.get_by_label("Of them, at risk of early school leaving").fill(str(number + 2))
        for band, count in bands.items():
            await ngo.get_by_label(band).fill(str(count))
        await ngo.get_by_label("Description").fill("Spēles, sarunas un kopīgs darbs komandās.")
        await story.shoot(ngo, f"the grantee reports event {number}")
        await ngo.get_by_role("button", name="Save the event").click()
        await expect(ngo.locator("h1")).to_have_text(title)
        await expect(ngo.get_by_role("status")).to_have_text(
            "The event report is submitted: the programme staff will check it. You can correct it until they accept it."
        )

    await ngo.goto(f"/my/awards/{story.award_id}")
    await expect(ngo.locator("#h-planned ~ p.muted")).to_have_text(
        "Every event planned in the application has a report."
    )
    reported = ngo.locator("#h-events ~ ul .card")
    await expect(reported.locator("h3")).to_have_text([e[2] for e in story.events()])
    for card, (_school, _kind, _title, day, participants) in zip(
        await reported.all(), story.events(), strict=True
    ):
        await expect(card).to_contain_text(f"{format_day(day, 'en')} · {participants} participants")
    await story.shoot(ngo, "the grantee's reported events")


async def coordinator_sees_events(coordinator: Page, story: Story) -> None:
    await site_login(coordinator, story.cast.coordinator, next_page=None)
    await coordinator.get_by_role("link", name="Municipality dashboard").click()
    await expect(coordinator.locator("h1")).to_have_text("Bauskas novads LV-016")
    project = coordinator.locator(f"#project-{story.award_id}")
    await expect(project.locator("th a")).to_have_text(story.project)
    await expect(project.locator("td").nth(0)).to_have_text(story.organisation)
    await expect(project.locator("td").nth(1)).to_have_text("In progress")  # events are being reported
    await expect(project.locator("td").nth(2)).to_have_text(story.amount)
    await expect(project.locator("td").last.get_by_role("link")).to_have_text(
        [name for _number, name in story.cast.schools]
    )
    per_school = coordinator.locator("table", has=coordinator.get_by_text("Events held per school"))
    for school, _kind, _title, _day, participants in story.events():
        row = per_school.locator("tr", has=coordinator.locator(f"a[href='/registry/schools/{school}']"))
        await expect(row.locator("td")).to_have_text(["1", str(participants)])
    await story.shoot(coordinator, "the coordinator's dashboard")
