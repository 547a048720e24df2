"""The report pages without JavaScript: the grantee's /my/awards, reporting, photos, cancelling,
the final report; the staff's /admin/reports with accept, return and approve."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.reporting.tables import EventReport, FinalReport
from tests.factories.accounts import login, post_form, staff_browser
from tests.factories.awards import today
from tests.factories.files import image_bytes
from tests.factories.reporting import email_of, grantee_browser, planned_event_id, report, running_award
from tests.html import (
    attr_of,
    field_error,
    input_value,
    links,
    notice,
    selected_option,
    textarea_value,
    texts_of,
)

pytestmark = pytest.mark.integration


def held_form(school: str, **overrides: str) -> dict[str, str]:
    return {
        "status": "held",
        "school": school,
        "kind": "lecture",
        "title": "Lekcija par karjeru",
        "planned_on": "",
        "held_on": (today() - timedelta(days=3)).isoformat(),
        "participants": "30",
        "participants_by_grade.1-4": "",
        "participants_by_grade.5-9": "20",
        "participants_by_grade.10-12": "10",
        "participants_by_grade.vocational": "",
        "description": "Lekcija 7.–12. klasei.",
    } | overrides


async def test_my_awards_lists_the_award_with_its_agreement_and_advance(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get("/my/awards")
    assert page.status_code == 200
    assert f"/my/awards/{award['award_id']}" in links(page.text)
    assert "Agreement signed" in texts_of(page.text, "td")
    assert [item.split(", due on ")[0] for item in texts_of(page.text, "ul.counts li")] == [
        "Advance: €4,140.00"
    ]
    home = await browser.get("/my/")
    assert "/my/awards" in links(home.text)


async def test_a_planned_event_is_reported_through_its_form(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    planned = await planned_event_id(award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert f"/my/awards/{award['award_id']}/events/new?planned={planned}" in links(page.text)
    form = await browser.get(f"/my/awards/{award['award_id']}/events/new?planned={planned}")
    assert form.status_code == 200
    assert selected_option(form.text, "school") == award["school"]
    assert input_value(form.text, "title") == "Nometne"
    bad = held_form(award["school"], title="Nometne", kind="camp", planned_event_id=str(planned))
    bad["participants_by_grade.5-9"] = "25"
    refused = await post_form(browser, f"/my/awards/{award['award_id']}/events", bad)
    assert refused.status_code == 422
    assert field_error(refused.text, "participants_by_grade") == (
        "The participants by grade band add up to 35, not to the total of 30."
    )
    assert input_value(refused.text, "participants_by_grade.5-9") == "25"
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0
    good = held_form(award["school"], title="Nometne", kind="camp", planned_event_id=str(planned))
    saved = await post_form(browser, f"/my/awards/{award['award_id']}/events", good)
    assert saved.status_code == 302
    row = await EventReport.select().where(EventReport.award == award["award_id"]).first()
    assert (row["planned_event"], row["participants"], row["participants_5_9"]) == (planned, 30, 20)
    assert saved.headers["location"] == f"/my/events/{row['id']}?done=reported"
    after = await browser.get(f"/my/awards/{award['award_id']}")
    assert f"events/new?planned={planned}" not in after.text


async def test_a_photo_is_added_on_the_event_page_and_shown_as_a_thumbnail(client, make_client):
    award = await running_award(client)
    event = await report(client, award)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/events/{event['id']}")
    token = browser.cookies["grants_csrf"]
    refused = await browser.post(
        f"/my/events/{event['id']}/photos",
        data={"_csrf_token": token},
        files={"file": ("bilde.jpg", b"%PDF-1.4 not an image", "image/jpeg")},
    )
    assert refused.status_code == 415
    assert field_error(refused.text, "file").startswith("This type of file is not accepted.")
    added = await browser.post(
        f"/my/events/{event['id']}/photos",
        data={"_csrf_token": token},
        files={"file": ("bilde.jpg", image_bytes(640, 480), "image/jpeg")},
    )
    assert added.status_code == 302, added.text
    page = await browser.get(f"/my/events/{event['id']}")
    photo_id = (await client.get(f"/api/events/{event['id']}", headers=award["applicant"])).json()["photos"][
        0
    ]["id"]
    thumbnail_img = f'img[src="/api/event-photos/{photo_id}/thumbnail"]'
    assert (attr_of(page.text, thumbnail_img, "width"), attr_of(page.text, thumbnail_img, "height")) == (
        "320",
        "240",
    )
    thumbnail = await browser.get(f"/api/event-photos/{photo_id}/thumbnail")
    assert thumbnail.status_code == 200


async def test_a_planned_event_is_cancelled_after_a_confirmation(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    planned = await planned_event_id(award)
    url = f"/my/awards/{award['award_id']}/planned/{planned}/cancel"
    confirm = await browser.get(url)
    assert confirm.status_code == 200
    assert (
        "You are about to mark the event “Nometne” cancelled. A cancelled event is reported to the programme staff with the reason and cannot be reported as held afterwards."
        in texts_of(confirm.text, "p")
    )
    refused = await post_form(browser, url, {"cancel_reason": "  "})
    assert refused.status_code == 422
    assert field_error(refused.text, "cancel_reason") == "Say why the event was cancelled."
    done = await post_form(browser, url, {"cancel_reason": "Skola slēgta remontam."})
    assert done.status_code == 302
    row = (
        await EventReport.select(EventReport.status, EventReport.cancel_reason)
        .where(EventReport.planned_event == planned)
        .first()
    )
    assert row == {"status": "cancelled", "cancel_reason": "Skola slēgta remontam."}


async def test_the_final_report_form_keeps_what_was_typed(client, make_client):
    award = await running_award(client, payment_method="costs")
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/final-report"
    typed = {"narrative": "Projekts notika.", "results": "Sasniegts.", "spent": "46 000,01"}
    refused = await post_form(browser, url, typed)
    assert refused.status_code == 422
    assert (
        field_error(refused.text, "spent")
        == "The amount cannot be more than 10 times the award (€46,000.00): check it."
    )
    assert textarea_value(refused.text, "narrative") == "Projekts notika."
    assert input_value(refused.text, "spent") == "46 000,01"
    saved = await post_form(browser, url, typed | {"spent": "4100,50", "confirmed": "1"})
    assert saved.status_code == 302
    row = (
        await FinalReport.select(FinalReport.spent_cents)
        .where(FinalReport.award == award["award_id"])
        .first()
    )
    assert row["spent_cents"] == 410050


async def test_staff_accept_and_return_reports_on_their_pages(client, make_client):
    award = await running_award(client)
    accepted = await report(client, award, title="Darbnīca A")
    returned = await report(client, award, title="Darbnīca B")
    staff = await staff_browser(make_client)
    # The queue is the oldest first, with other tests' reports: this call's filter keeps it to ours.
    listing = await staff.get(f"/admin/reports?call={award['call_id']}")
    assert listing.status_code == 200
    assert f"/admin/reports/events/{accepted['id']}" in links(listing.text)
    assert f"/admin/reports/events/{returned['id']}" in links(listing.text)
    refused = await post_form(staff, f"/admin/reports/events/{returned['id']}/review", {"decision": "return"})
    assert refused.status_code == 422
    assert field_error(refused.text, "comment") == "Say what the grantee should correct."
    done = await post_form(
        staff,
        f"/admin/reports/events/{returned['id']}/review",
        {"decision": "return", "comment": "Trūkst apraksta."},
    )
    assert done.status_code == 302
    ok = await post_form(staff, f"/admin/reports/events/{accepted['id']}/review", {"decision": "accept"})
    assert ok.status_code == 302
    pending = await staff.get(f"/admin/reports?review=pending&call={award['call_id']}")
    assert f"/admin/reports/events/{accepted['id']}" not in pending.text
    again = await staff.get(f"/admin/reports?review=returned&call={award['call_id']}")
    assert f"/admin/reports/events/{returned['id']}" in links(again.text)
    assert f"/admin/reports/events/{accepted['id']}" not in again.text
    reviews = await EventReport.select(EventReport.id, EventReport.review).where(
        EventReport.award == award["award_id"]
    )
    assert {r["id"]: r["review"] for r in reviews} == {accepted["id"]: "accepted", returned["id"]: "returned"}


async def test_staff_approve_the_final_report_on_its_page(client, make_client):
    award = await running_award(client)
    await client.post(
        f"/api/awards/{award['award_id']}/final-report",
        json={"narrative": "N", "results": "R", "spent": "4600.00"},
        headers=award["applicant"],
    )
    staff = await staff_browser(make_client)
    listing = await staff.get("/admin/reports?type=final")
    assert f"/admin/reports/final/{award['award_id']}" in links(listing.text)
    approved = await post_form(
        staff, f"/admin/reports/final/{award['award_id']}/review", {"decision": "approve", "confirmed": "1"}
    )
    assert approved.status_code == 302
    page = await staff.get(approved.headers["location"])
    # The lump sum of 4600.00 with a 90 % advance (4140.00): the rest falls due, whatever was spent.
    assert notice(page.text) == "The final report is approved; a final payment of €460.00 falls due."
    awards = (await client.get("/api/awards", headers=award["applicant"])).json()
    kinds = [p["kind"] for a in awards if a["id"] == award["award_id"] for p in a["payments"]]
    assert sorted(kinds) == ["advance", "final"]


async def test_pages_of_another_organisations_award_are_not_found(client, make_client):
    award = await running_award(client)
    event = await report(client, award, title="Slepena lekcija")
    other = await running_award(client)
    browser = await grantee_browser(client, make_client, other)
    for url in (
        f"/my/awards/{award['award_id']}",
        f"/my/events/{event['id']}",
        f"/my/events/{event['id']}/cancel",
    ):
        response = await browser.get(url)
        assert response.status_code == 404
        assert "Slepena" not in response.text
    posted = await post_form(browser, f"/my/events/{event['id']}", held_form(other["school"]))
    assert posted.status_code == 404
    listing = await browser.get("/my/awards")
    assert f"/my/awards/{award['award_id']}" not in listing.text
    assert f"/my/awards/{other['award_id']}" in links(listing.text)
    assert (await browser.get("/admin/reports")).status_code == 403


async def test_approving_a_costs_report_below_the_paid_advance_says_a_refund_is_due(client, make_client):
    from tests.factories.awards import pay

    award = await running_award(client, payment_method="costs")
    awards = (await client.get("/api/awards", headers=award["applicant"])).json()
    (advance,) = [p for a in awards if a["id"] == award["award_id"] for p in a["payments"]]
    assert (await pay(client, advance["id"], award["staff"])).status_code == 200
    await client.post(
        f"/api/awards/{award['award_id']}/final-report",
        json={"narrative": "N", "results": "R", "spent": "4000.00"},
        headers=award["applicant"],
    )
    staff = await staff_browser(make_client)
    approved = await post_form(
        staff, f"/admin/reports/final/{award['award_id']}/review", {"decision": "approve", "confirmed": "1"}
    )
    page = await staff.get(approved.headers["location"])
    # Advance 4140.00 paid, eligible costs 4000.00: 140.00 is owed back, nothing more is paid out.
    assert notice(page.text) == "The final report is approved; a refund of €140.00 is due from the grantee."


async def test_the_grantee_reads_a_refund_as_owed_back_not_as_a_payout(client, make_client):
    from grants.awards.tables import Payment
    from grants.core.time import format_day
    from tests.factories.awards import pay

    award = await running_award(client, payment_method="costs")
    awards = (await client.get("/api/awards", headers=award["applicant"])).json()
    (advance,) = [p for a in awards if a["id"] == award["award_id"] for p in a["payments"]]
    assert (await pay(client, advance["id"], award["staff"])).status_code == 200
    await client.post(
        f"/api/awards/{award['award_id']}/final-report",
        json={"narrative": "N", "results": "R", "spent": "4000.00"},
        headers=award["applicant"],
    )
    staff = await staff_browser(make_client)
    await post_form(
        staff, f"/admin/reports/final/{award['award_id']}/review", {"decision": "approve", "confirmed": "1"}
    )
    refund = (
        await Payment.select(Payment.due_on)
        .where((Payment.award == award["award_id"]) & (Payment.kind == "refund"))
        .first()
    )
    grantee = make_client(language="lv")
    await login(grantee, await email_of(client, award["applicant"]))
    page = await grantee.get(f"/my/awards/{award['award_id']}")
    assert page.status_code == 200
    lines = dict(zip(texts_of(page.text, "dl dt"), texts_of(page.text, "dl dd"), strict=False))
    assert lines["Finansējuma saņēmējam jāatmaksā"] == (
        f"140,00\xa0€, atmaksas termiņš {format_day(refund['due_on'], 'lv')}"
    )
    assert lines["Avanss"].split(", ")[1] == f"izmaksāts {format_day(today(), 'lv')}"
    listing = await grantee.get("/my/awards")
    assert f"atmaksas termiņš {format_day(refund['due_on'], 'lv')}" in " ".join(
        texts_of(listing.text, "ul.counts li")
    )
    assert "izmaksas termiņš" not in page.text + listing.text
