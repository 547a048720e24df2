"""What the grantee's report pages say after a save: whether it went to the programme staff and
what happens next, and which of the award page's two event buttons does what."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.reporting.tables import EventReport
from tests.factories.accounts import login, post_form
from tests.factories.awards import today
from tests.factories.reporting import email_of, grantee_browser, running_award
from tests.html import links, notice, texts_of

pytestmark = pytest.mark.integration

HELD_EN = "The event report is submitted: the programme staff will check it. You can correct it until they accept it."
HELD_LV = (
    "Pasākuma pārskats ir iesniegts: programmas darbinieki to pārbaudīs. Līdz pārskata apstiprināšanai to "
    "vēl var labot."
)
PLANNED_EN = (
    "The planned event is saved. It is not reported yet: once it is held, open it here and report it as held."
)


def event_form(school: str, status: str) -> dict[str, str]:
    held = status == "held"
    return {
        "status": status,
        "school": school,
        "kind": "lecture",
        "title": "Lekcija par karjeru",
        "planned_on": "" if held else (today() + timedelta(days=5)).isoformat(),
        "held_on": (today() - timedelta(days=3)).isoformat() if held else "",
        "participants": "30" if held else "",
        "participants_by_grade.1-4": "",
        "participants_by_grade.5-9": "20" if held else "",
        "participants_by_grade.10-12": "10" if held else "",
        "participants_by_grade.vocational": "",
        "description": "Lekcija 7.–12. klasei.",
    }


async def saved_notice(browser, award: dict, status: str) -> str | None:
    saved = await post_form(
        browser, f"/my/awards/{award['award_id']}/events", event_form(award["school"], status)
    )
    assert saved.status_code == 302, saved.text
    return notice((await browser.get(saved.headers["location"])).text)


async def test_a_held_event_saved_says_it_is_submitted_for_review(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    assert await saved_notice(browser, award, "held") == HELD_EN
    row = await EventReport.select(EventReport.review).where(EventReport.award == award["award_id"]).first()
    assert row["review"] == "pending"


async def test_a_held_event_saved_says_so_in_latvian(client, make_client):
    award = await running_award(client)
    browser = make_client(language=None)
    await login(browser, await email_of(client, award["applicant"]))
    assert await saved_notice(browser, award, "held") == HELD_LV


async def test_a_planned_event_saved_says_it_is_not_reported_yet(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    assert await saved_notice(browser, award, "planned") == PLANNED_EN


async def test_a_final_report_draft_says_it_is_not_submitted(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    saved = await post_form(
        browser, f"/my/awards/{award['award_id']}/final-report", {"narrative": "Uzmetums.", "action": "draft"}
    )
    assert saved.status_code == 302
    page = await browser.get(saved.headers["location"])
    assert notice(page.text) == (
        "The final report is saved as a draft: it is not submitted yet. Attach its files, then submit it."
    )


async def test_the_award_page_says_which_event_button_does_what(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert texts_of(page.text, "#other-events") == ["An event that is not in the application's plan:"]
    buttons = texts_of(page.text, "#other-events + .actions a")
    assert buttons == ["Report an event already held", "Plan an event for later"]
    assert links(page.text, "#other-events + .actions a") == [
        f"/my/awards/{award['award_id']}/events/new",
        f"/my/awards/{award['award_id']}/events/new?status=planned",
    ]


async def test_the_event_form_says_what_saving_does(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    form = await browser.get(f"/my/awards/{award['award_id']}/events/new")
    assert texts_of(form.text, "#save-hint") == [
        "Saving a held or cancelled event sends it to the programme staff for review; a planned event "
        "stays with you until you report it as held."
    ]
