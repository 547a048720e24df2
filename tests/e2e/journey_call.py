"""The journey's first half: staff make and publish a call in the admin panel; an NGO registers,
fills every step of the application, attaches a PDF and submits."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from grants.core.time import now, to_riga
from tests.e2e.panel import panel_login, row_id, run_form
from tests.e2e.story import Story, site_login
from tests.factories.accounts import PASSWORD, unique_email, unique_org_number
from tests.factories.files import pdf_bytes
from tests.factories.smtp import body_text, delivered_to

RIGA = ZoneInfo("Europe/Riga")
CRITERIA = [  # code, title, kind, max points, weight, min points
    ("A1", "Iesniedzējs ir biedrība vai nodibinājums", "eligibility", "0", "1", ""),
    ("K1", "Projekta atbilstība programmas mērķim", "quality", "10", "2", ""),
    ("K2", "Budžeta pamatotība", "quality", "10", "1", "3"),
]


async def staff_publish_call(staff: Page, story: Story) -> None:
    await panel_login(staff, story.cast.staff)
    await story.shoot(staff, "staff log in to the admin panel")

    # A draft call: Bauskas novads, 9200 EUR for two projects of up to 4600 EUR, open for two weeks,
    # made with the panel's form (the call tables are read-only: the calls service checks each change).
    riga_now = to_riga(now()).replace(microsecond=0, tzinfo=None)
    closes = riga_now + timedelta(days=14)
    values: dict[str, str | datetime] = {
        "municipality_code": "LV-016",
        "title": story.title,
        "description": "Pieteikumus vērtē **komisija**.",
        "budget": "9200.00",
        "quota": "2",
        "opens_at": riga_now - timedelta(hours=1),
        "closes_at": closes,
        "score_threshold": "10",
    }
    message = await run_form(staff, "create-a-call", values)
    story.call_id = await row_id(staff, "grant_call", story.title)
    assert message == f"The draft call {story.call_id} is created."
    await story.shoot(staff, "staff create the call with the panel's form")
    listed = staff.locator(f"tr:has(a[href='#/grant_call/{story.call_id}/']) td")
    await expect(listed.nth(3)).to_have_text("Draft")
    closes_utc = closes.replace(tzinfo=RIGA).astimezone(UTC)  # entered as Riga time, stored in UTC
    await expect(listed.nth(5)).to_have_text(closes_utc.strftime("%Y-%m-%dT%H:%M:%SZ"))

    # Its criteria: one yes/no eligibility criterion and two scored ones.
    for code, text, kind, max_points, weight, min_points in CRITERIA:
        criterion = {"call_id": str(story.call_id), "code": code, "title": text, "kind": kind}
        criterion |= {"max_points": max_points, "weight": weight} | (
            {"min_points": min_points} if min_points else {}
        )
        message = await run_form(staff, "add-a-criterion", criterion)
        assert message == f"The criterion {code} is added to the call {story.call_id}."
    await staff.goto("/admin/data/#/call_criterion/")
    for code, text, kind, max_points, _weight, _min in CRITERIA:
        mine = staff.locator("tr", has_text=story.title).filter(has=staff.get_by_role("link", name=text))
        await expect(mine.locator("td").nth(2)).to_have_text(code)
        await expect(mine.locator("td").nth(4)).to_have_text(kind.title())
        await expect(mine.locator("td").nth(5)).to_have_text(max_points)
    await story.shoot(staff, "staff add the criteria")

    message = await run_form(staff, "publish-a-call", {"call_id": str(story.call_id)})
    assert message == f"The call {story.call_id} is now “Published”."
    await story.shoot(staff, "staff publish the call")


async def ngo_applies(ngo: Page, story: Story) -> None:
    # The public sees the call among the open ones, with its rules and criteria.
    await ngo.goto("/calls")
    open_calls = ngo.locator("section", has=ngo.get_by_role("heading", name="Open for applications"))
    await open_calls.get_by_role("link", name=story.title, exact=True).click()
    await expect(ngo.locator("h1")).to_have_text(story.title)
    await expect(ngo.locator(".prose")).to_contain_text("Pieteikumus vērtē komisija.")
    await expect(ngo.get_by_role("table")).to_contain_text("Budžeta pamatotība")
    await expect(ngo.locator(".facts")).to_contain_text("up to €4,600.00")
    await story.shoot(ngo, "the public call page")

    await ngo.goto("/register")
    email = unique_email("ngo")
    await ngo.get_by_label("Your name").fill("Anna Bērziņa")
    await ngo.get_by_label("E-mail").fill(email)
    await ngo.locator("#f-password").fill(PASSWORD)
    await ngo.get_by_label("Password again").fill(PASSWORD)
    await ngo.get_by_label("Name of the organisation").fill(story.organisation)
    await ngo.get_by_label("Registration number").fill(unique_org_number())
    await ngo.get_by_label("Legal form").select_option("association")
    await ngo.get_by_label("Municipality").select_option("LV-016")
    await ngo.get_by_label("Address").fill("Uzvaras iela 1, Bauska")
    await story.shoot(ngo, "an NGO registers")
    await ngo.get_by_role("button", name="Register").click()
    await expect(ngo.locator("h1")).to_have_text("Check your e-mail")
    await story.shoot(ngo, "the NGO is asked to check its e-mail")

    # The confirmation mail, as the SMTP server received it; its link confirms the address.
    message = await delivered_to(story.mail, email)
    assert message["Subject"] == "Confirm your e-mail address for Grants"
    link = re.search(r"^http\S+/account/confirm/\S+$", body_text(message), re.MULTILINE)
    assert link is not None, body_text(message)
    await ngo.goto(link.group(0))
    await expect(ngo.locator("h1")).to_have_text("Your e-mail address is confirmed")
    await story.shoot(ngo, "the NGO confirms its address from the mail")
    await site_login(ngo, email)
    await expect(ngo.locator(".facts").nth(1)).to_contain_text(story.organisation)
    await expect(ngo.locator("#confirm-notice")).to_have_count(0)

    # It starts an application on the call's page.
    await ngo.goto(f"/calls/{story.call_id}")
    await ngo.get_by_label("Project title").fill(story.project)
    await ngo.get_by_role("button", name="Apply", exact=True).click()
    await expect(ngo).to_have_url(re.compile(r"/my/applications/\d+/project\?done=created$"))
    story.application_id = int(ngo.url.split("/my/applications/")[1].split("/")[0])
    await expect(ngo.locator("h1")).to_have_text("Project")
    await expect(ngo.get_by_role("status")).to_contain_text("The draft is saved.")

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
    await story.shoot(ngo, "the attachments step")
    await ngo.get_by_role("button", name="Attach the file").click()
    await expect(ngo.get_by_role("status")).to_contain_text("The file is attached.")
    await expect(ngo.locator("#files tbody td a[download]")).to_have_text(["tames-pamatojums.pdf"])
    await ngo.get_by_role("link", name="Continue to the review").click()
    await expect(ngo.locator("h1")).to_have_text("Review and submit")
    await expect(ngo.locator("dl.facts dt:has-text('Requested amount') + dd")).to_have_text(story.amount)
    await expect(ngo.locator("#h-problems + p")).to_have_text("The application is complete.")
    files = ngo.locator("section", has=ngo.get_by_role("heading", name="Attachments"))
    await expect(files.get_by_role("listitem").get_by_role("link")).to_have_text(["tames-pamatojums.pdf"])
    await story.shoot(ngo, "the review step before submitting")

    await ngo.get_by_role("button", name="Submit the application").click()
    await expect(ngo.get_by_role("status")).to_contain_text("The application is submitted.")
    await expect(ngo.locator("dl.facts dt:has-text('Status') + dd")).to_have_text("Submitted")
    story.reference = (await ngo.locator("dl.facts dt:has-text('Reference') + dd").inner_text()).strip()
    assert re.fullmatch(r"BAU-\d{4}-\d{3}", story.reference), story.reference
    await story.shoot(ngo, "the application is submitted")
