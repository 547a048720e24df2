"""The event rules on the pages: the grantee confirms a large count and gives a reason for another
school, the photo's consent; the staff's review page says why the school counts and approves
another school as part of accepting."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.reporting.tables import EventPhoto, EventReport
from tests.factories.accounts import post_form, staff_browser
from tests.factories.awards import today
from tests.factories.files import image_bytes
from tests.factories.reporting import grantee_browser, pumpurs_school, report, running_award
from tests.html import attr_of, field_error, input_value, text_of, textarea_value

pytestmark = pytest.mark.integration


def held_form(school: str, **overrides: str) -> dict[str, str]:
    return {
        "status": "held",
        "school": school,
        "kind": "lecture",
        "title": "Sporta diena",
        "planned_on": "",
        "held_on": (today() - timedelta(days=3)).isoformat(),
        "participants": "240",
        "participants_by_grade.1-4": "100",
        "participants_by_grade.5-9": "140",
        "participants_by_grade.10-12": "",
        "participants_by_grade.vocational": "",
        "participants_at_risk": "31",
        "description": "Sporta diena visai skolai.",
    } | overrides


async def test_a_large_count_is_shown_again_with_a_confirmation_and_nothing_typed_is_lost(
    client, make_client
):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/events"
    form = await browser.get(f"{url}/new")
    assert attr_of(form.text, "#f-confirm_large", "type") is None  # asked only above 200
    assert "never names or any other personal data of pupils" in form.text
    warned = await post_form(browser, url, held_form(award["school"]))
    assert warned.status_code == 422
    assert field_error(warned.text, "confirm_large") == (
        "“Sporta diena”: 240 participants is more than 200. Check the count and confirm it."
    )
    assert attr_of(warned.text, "#f-confirm_large", "type") == "checkbox"
    assert (input_value(warned.text, "participants"), input_value(warned.text, "participants_at_risk")) == (
        "240",
        "31",
    )
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0
    saved = await post_form(browser, url, held_form(award["school"], confirm_large="1"))
    assert saved.status_code == 302, saved.text
    row = await EventReport.select(EventReport.participants, EventReport.participants_at_risk).where(
        EventReport.award == award["award_id"]
    )
    assert row == [{"participants": 240, "participants_at_risk": 31}]


async def test_another_school_needs_a_reason_on_the_form(client, make_client):
    award = await running_award(client)
    other = await pumpurs_school("LV-022", "Cēsu Valsts ģimnāzija")
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/events"
    typed = held_form(
        other, participants="20", **{"participants_by_grade.1-4": "20", "participants_by_grade.5-9": ""}
    )
    typed["participants_at_risk"] = ""
    refused = await post_form(browser, url, typed)
    assert refused.status_code == 422
    assert field_error(refused.text, "school_reason") == (
        "This school is neither planned in the application nor a PuMPuRS school of the call's "
        "municipality on the day: say why the event is held there."
    )
    saved = await post_form(browser, url, typed | {"school_reason": "Kopā ar draudzības skolu."})
    assert saved.status_code == 302, saved.text
    row = await EventReport.select(EventReport.school_reason, EventReport.participants_at_risk).where(
        EventReport.award == award["award_id"]
    )
    assert row == [{"school_reason": "Kopā ar draudzības skolu.", "participants_at_risk": 0}]


async def test_the_photo_form_records_consent_only_when_given(client, make_client):
    award = await running_award(client)
    event = await report(client, award)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/events/{event['id']}")
    assert attr_of(page.text, "#f-consent-no", "checked") is not None  # no, unless told
    token = browser.cookies["grants_csrf"]
    for name, consent in (("bez.jpg", ""), ("ar.jpg", "1")):
        sent = await browser.post(
            f"/my/events/{event['id']}/photos",
            data={"consent": consent, "_csrf_token": token},
            files={"file": (name, image_bytes(64, 48), "image/jpeg")},
        )
        assert sent.status_code == 302, sent.text
    rows = await EventPhoto.select(EventPhoto.filename, EventPhoto.consent).where(
        EventPhoto.event == event["id"]
    )
    assert sorted((r["filename"], r["consent"]) for r in rows) == [("ar.jpg", True), ("bez.jpg", False)]


async def test_the_staff_review_page_says_why_the_school_counts_and_approves_another(client, make_client):
    award = await running_award(client)
    planned = await report(client, award, title="Plānotajā skolā")
    award["school"] = await pumpurs_school("LV-022", "Cēsu pamatskola")  # the next report's school
    other = await report(client, award, title="Citā skolā", school_reason="Apvienots pasākums.")

    staff = await staff_browser(make_client)
    page = await staff.get(f"/admin/reports/events/{planned['id']}")
    assert (
        text_of(page.text, "#h-school-rule + p") == "Planned school: the application planned an event there"
    )
    assert attr_of(page.text, "#f-approve_school-yes", "type") is None
    url = f"/admin/reports/events/{other['id']}"
    page = await staff.get(url)
    assert text_of(page.text, "#h-school-rule + p") == (
        "Other school: it counts only once the staff approve it: Apvienots pasākums."
    )
    refused = await post_form(staff, f"{url}/review", {"decision": "accept", "comment": "Labi."})
    assert refused.status_code == 422
    assert field_error(refused.text, "approve_school") == (
        "The school is neither planned nor a PuMPuRS school of the call's municipality on the day: "
        "approve it to accept the event."
    )
    assert textarea_value(refused.text, "comment") == "Labi."
    accepted = await post_form(
        staff,
        f"{url}/review",
        {
            "decision": "accept",
            "approve_school": "1",
            "school_approval_reason": "Kaimiņu skola, kopīgs projekts.",
        },
    )
    assert accepted.status_code == 302, accepted.text
    row = await EventReport.select(
        EventReport.review, EventReport.school_approval_reason, EventReport.school_approved_by
    ).where(EventReport.id == other["id"])
    assert (row[0]["review"], row[0]["school_approval_reason"]) == (
        "accepted",
        "Kaimiņu skola, kopīgs projekts.",
    )
    assert row[0]["school_approved_by"] is not None
    shown = await staff.get(url)
    assert "Kaimiņu skola, kopīgs projekts." in text_of(shown.text, "dl.facts")
