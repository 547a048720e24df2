"""The journey's first part, in the back office and the portal: staff create a call in euros and Riga
time, add its criteria, preview and publish it; NGOs register, fill every step of an application,
attach a PDF and submit."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.async_api import Page, expect

from grants.core.time import format_riga, now, riga_local, to_riga
from tests.e2e.story import Ngo, Story, site_login
from tests.factories.accounts import PASSWORD, unique_email, unique_org_number
from tests.factories.files import pdf_bytes
from tests.factories.smtp import body_text, delivered_to

CRITERIA = [  # code, title, kind, max points, weight, min points
    ("A1", "Iesniedzējs ir biedrība vai nodibinājums", "eligibility", "", "", ""),
    ("K1", "Projekta atbilstība programmas mērķim", "quality", "10", "2", ""),
    ("K2", "Budžeta pamatotība", "quality", "10", "1", "3"),
]
APPEAL = "Lēmumu var apstrīdēt Bauskas novada pašvaldībā viena mēneša laikā."


def riga_minute(days: int = 0, hours: int = 0) -> datetime:
    """A whole minute on the clocks of Riga, `days` and `hours` from now, as an aware UTC moment."""
    local = to_riga(now()) + timedelta(days=days, hours=hours)
    return riga_local(local.date(), local.hour, local.minute)


def typed(moment: datetime) -> str:
    """A moment as a person types it into a datetime-local field: Riga time."""
    return to_riga(moment).strftime("%Y-%m-%dT%H:%M")


async def staff_create_call(staff: Page, story: Story) -> None:
    await site_login(staff, story.cast.staff, next_page=None)
    await expect(staff).to_have_url(re.compile(r"/admin/$"))
    await expect(staff.locator("h1")).to_have_text("Back office")
    await story.shoot(staff, "staff land on the back office")

    await staff.locator("nav.back-office-nav").get_by_role("link", name="Calls").click()
    await staff.get_by_role("link", name="New call").click()
    await expect(staff.locator("h1")).to_have_text("New call")
    # Bauskas novads, one project of up to 4600 EUR (a budget for one: the second in line is the
    # reserve), typed as a Latvian writes money; open for two weeks, in Riga time.
    opens, closes = riga_minute(hours=-1), riga_minute(days=14)
    story.deadline = closes
    await staff.get_by_label("Municipality").select_option("LV-016")
    await staff.get_by_label("Title").fill(story.title)
    await staff.get_by_label("Rules of the call").fill("Pieteikumus vērtē **komisija**.")
    await staff.get_by_label("Budget of the call").fill("4 600,00")
    await staff.get_by_label("Projects to be funded").fill("1")
    await staff.get_by_label("Opens").fill(typed(opens))
    await staff.locator("#f-closes_at").fill(typed(closes))
    await staff.get_by_label("Points needed to pass").fill("10")
    await staff.get_by_label("Review deadline").fill(typed(riga_minute(days=40)))
    await staff.get_by_label("Appeal route").fill(APPEAL)
    if story.cast.national:  # a municipality's call: national staff approve its decision, not a switch here
        await expect(staff.locator("#requires-approval-fact")).to_contain_text(
            "National staff (IKVD) approve the award decision before agreements are signed."
        )
    await story.shoot(staff, "staff create a call in euros and Riga time")
    await staff.get_by_role("button", name="Create the draft").click()

    await expect(staff).to_have_url(re.compile(r"/admin/calls/\d+/setup\?done=created$"))
    story.call_id = int(staff.url.split("/admin/calls/")[1].split("/")[0])
    await expect(staff.locator("h1")).to_have_text(story.title)
    await expect(staff.locator("#call-status")).to_have_text(
        f"Status: Draft · Bauskas novads · deadline {format_riga(closes, 'en')}"
    )
    await expect(staff.get_by_label("Budget of the call")).to_have_value("4600.00")
    await expect(staff.get_by_label("Opens")).to_have_value(typed(opens))  # read back in Riga time

    # Its criteria: a yes/no eligibility item of the checklist and two scored quality criteria.
    new = staff.locator("#new-criterion")
    for code, title, kind, max_points, weight, min_points in CRITERIA:
        await new.get_by_label("Kind").select_option(kind)
        await new.get_by_label("Code").fill(code)
        await new.get_by_label("Criterion").fill(title)
        if kind == "quality":
            await new.get_by_label("Maximum points (quality)").fill(max_points)
            await new.get_by_label("Weight (quality)").fill(weight)
            await new.get_by_label("Minimum points (quality, may stay empty)").fill(min_points)
        await new.get_by_role("button", name="Add the criterion").click()
        await expect(staff.get_by_role("status")).to_have_text("The criterion is added.")
    await expect(staff.locator("#criteria h3")).to_have_text(
        [
            "A1 Iesniedzējs ir biedrība vai nodibinājums (eligibility, yes or no)",
            "K1 Projekta atbilstība programmas mērķim (quality, 10 points)",
            "K2 Budžeta pamatotība (quality, 10 points)",
            "Add a criterion",
        ]
    )
    await story.shoot(staff, "staff add the criteria and the eligibility checklist")

    await staff.get_by_role("link", name="Preview and publish").click()
    await expect(staff.locator("h1")).to_have_text(story.title)
    await expect(staff.locator("article.preview")).to_contain_text(
        f"Applications open on {format_riga(opens, 'en')} and close on {format_riga(closes, 'en')} (Riga time)."
    )
    await expect(staff.locator("article.preview")).to_contain_text("Budžeta pamatotība")
    await story.shoot(staff, "staff preview the public page")
    await staff.get_by_role("button", name="Publish", exact=True).click()
    await expect(staff.get_by_role("status")).to_have_text("The call is published: applicants can read it.")
    await expect(staff.locator("#call-status")).to_contain_text("Status: Published")
    await story.shoot(staff, "the call is published")


async def ngo_registers(ngo: Page, story: Story, who: Ngo) -> None:
    """The organisation registers, confirms its address from the mail and logs in."""
    await ngo.goto("/register")
    who.email = unique_email("ngo")
    await ngo.get_by_label("Your name").fill("Anna Bērziņa")
    await ngo.get_by_label("E-mail").fill(who.email)
    await ngo.locator("#f-password").fill(PASSWORD)
    await ngo.get_by_label("Password again").fill(PASSWORD)
    await ngo.get_by_label("Name of the organisation").fill(who.organisation)
    await ngo.get_by_label("Registration number").fill(unique_org_number())
    await ngo.get_by_label("Legal form").select_option("association")
    await ngo.get_by_label("Municipality").select_option("LV-016")
    await ngo.get_by_label("Address").fill("Uzvaras iela 1, Bauska")
    await story.shoot(ngo, "an NGO registers")
    await ngo.get_by_role("button", name="Register").click()
    await expect(ngo.locator("h1")).to_have_text("Check your e-mail")

    # The confirmation mail, as the SMTP server received it; its link confirms the address.
    message = await delivered_to(story.mail, who.email)
    assert message["Subject"] == "Confirm your e-mail address for Grants"
    link = re.search(r"^http\S+/account/confirm/\S+$", body_text(message), re.MULTILINE)
    assert link is not None, body_text(message)
    await ngo.goto(link.group(0))
    await expect(ngo.locator("h1")).to_have_text("Your e-mail address is confirmed")
    await site_login(ngo, who.email, next_page=None)
    await expect(ngo.locator("h1")).to_have_text("My applications")  # an NGO's home


async def ngo_drafts(ngo: Page, story: Story, who: Ngo) -> None:
    """From the public call page, every step of the application up to its review page."""
    await ngo.goto("/calls")
    open_calls = ngo.locator("section", has=ngo.get_by_role("heading", name="Open for applications"))
    await open_calls.get_by_role("link", name=story.title, exact=True).click()
    await expect(ngo.locator("h1")).to_have_text(story.title)
    await expect(ngo.locator(".prose")).to_contain_text("Pieteikumus vērtē komisija.")
    await expect(ngo.get_by_role("table")).to_contain_text("Budžeta pamatotība")
    await expect(ngo.locator(".facts")).to_contain_text("up to €4,600.00")
    await story.shoot(ngo, "the public call page")

    await ngo.get_by_label("Project title").fill(who.project)
    await ngo.get_by_role("button", name="Apply", exact=True).click()
    await expect(ngo).to_have_url(re.compile(r"/my/applications/\d+/project\?done=created$"))
    who.application_id = int(ngo.url.split("/my/applications/")[1].split("/")[0])
    await expect(ngo.get_by_role("status")).to_contain_text("The draft is saved, not submitted.")

    start, end = story.period
    await ngo.get_by_label("Summary").fill("Piedzīvojumu dienas divās Bauskas novada skolās.")
    await ngo.get_by_label("Objectives").fill("Stiprināt skolēnu piederību skolai.")
    await ngo.get_by_label("Target group and risks addressed").fill("5.–9. klašu skolēni ar kavējumiem.")
    await ngo.get_by_label("Partners").fill("Misas pamatskola, Stelpes pamatskola")
    await ngo.get_by_label("Start date").fill(start.isoformat())
    await ngo.get_by_label("End date").fill(end.isoformat())
    await story.shoot(ngo, "the project step")
    await ngo.get_by_role("button", name="Save and continue").click()
    await expect(ngo.locator("h1")).to_have_text("Schools and events")

    for row, (school, kind, name, day, participants) in enumerate(story.events(), start=1):
        await ngo.get_by_label(f"School, row {row}").select_option(school)
        await ngo.get_by_label(f"Kind of event, row {row}").select_option(kind)
        await ngo.get_by_label(f"Title, row {row}").fill(name)
        await ngo.get_by_label(f"Planned date, row {row}").fill(day.isoformat())
        await ngo.get_by_label(f"Expected participants, row {row}").fill(str(participants))
    await story.shoot(ngo, "the events step")
    await ngo.get_by_role("button", name="Save and continue").click()
    await expect(ngo.locator("h1")).to_have_text("Budget")

    lines = [
        ("services", "Darbnīcu vadītāji", "2", "1000.00"),
        ("catering", "Ēdināšana", "1", "1500.00"),
        ("transport", "Autobuss", "1", "1000.00"),
    ]
    for row, (category, text, quantity, unit_cost) in enumerate(lines, start=1):
        await ngo.get_by_label(f"Category, row {row}").select_option(category)
        await ngo.get_by_label(f"Description, row {row}").fill(text)
        await ngo.get_by_label(f"Quantity, row {row}").fill(quantity)
        await ngo.get_by_label(f"Unit cost, EUR, row {row}").fill(unit_cost)
    await story.shoot(ngo, "the budget step")
    await ngo.get_by_role("button", name="Save and continue").click()
    await expect(ngo.locator("h1")).to_have_text("Attachments")

    # The attachments step: the PDF goes in through the file input and the step's own form.
    pdf = {"name": "tames-pamatojums.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()}
    await ngo.get_by_label("File to attach").set_input_files(pdf)
    await ngo.get_by_role("button", name="Attach the file").click()
    await expect(ngo.get_by_role("status")).to_contain_text("The file is attached.")
    await expect(ngo.locator("#files tbody td a[download]")).to_have_text(["tames-pamatojums.pdf"])
    await story.shoot(ngo, "the attachments step")
    await ngo.get_by_role("button", name="Continue to the review").click()
    await expect(ngo.locator("h1")).to_have_text("Review and submit")
    await expect(ngo.locator("dl.facts dt:has-text('Requested amount') + dd")).to_have_text(story.amount)
    await expect(ngo.locator("#h-problems + p")).to_have_text("The application is complete.")
    await story.shoot(ngo, "the review step before submitting")


async def ngo_submits(ngo: Page, story: Story, who: Ngo) -> None:
    await ngo.goto(f"/my/applications/{who.application_id}/review")
    await ngo.get_by_role("button", name="Submit the application").click()
    await expect(ngo.get_by_role("status")).to_contain_text("The application is submitted.")
    await expect(ngo.locator("dl.facts dt:has-text('Status') + dd")).to_have_text("Submitted")
    who.reference = (await ngo.locator("dl.facts dt:has-text('Reference') + dd").inner_text()).strip()
    assert re.fullmatch(r"BAU-\d{4}-\d{3}", who.reference), who.reference
    await story.shoot(ngo, "the application is submitted")
