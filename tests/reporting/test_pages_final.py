"""The final report's page by the call's payment method, against the plan: the form asks for what the
method needs; submitting warns (planned events unreported, the project not ended) on a confirmation
page first; a draft takes files before it is submitted and stays the grantee's until then."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.awards.tables import Award
from grants.core.time import format_day
from grants.reporting.tables import EventReport, FinalReport
from tests.factories.accounts import post_form, staff_browser
from tests.factories.awards import today
from tests.factories.files import pdf_bytes
from tests.factories.reporting import planned_event_id, report, running_award
from tests.html import definitions, input_value, links, notice, textarea_value, texts_of
from tests.reporting.test_pages_portal import grantee_browser

pytestmark = pytest.mark.integration

TEXTS = {"narrative": "Notika nometne un divas darbnīcas.", "results": "Mērķis sasniegts: 45 skolēni."}
UNREPORTED = "1 event planned in the application has no report yet: “Nometne”."


def not_ended(award_end) -> str:
    return f"The project has not ended yet: it runs until {format_day(award_end, 'en')}."


async def award_status(award: dict) -> str:
    return (await Award.select(Award.status).where(Award.id == award["award_id"]).first())["status"]


async def stored(award: dict) -> dict | None:
    return await FinalReport.select().where(FinalReport.award == award["award_id"]).first()


async def test_a_lump_sum_form_asks_for_the_results_and_no_costs(client, make_client):
    award = await running_award(client)
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert (textarea_value(page.text, "narrative"), textarea_value(page.text, "results")) == ("", "")
    assert input_value(page.text, "spent") is None


async def test_a_costs_form_asks_for_the_eligible_costs_too(client, make_client):
    award = await running_award(client, payment_method="costs")
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert input_value(page.text, "spent") == ""
    refused = await post_form(browser, f"/my/awards/{award['award_id']}/final-report", TEXTS | {"spent": ""})
    assert refused.status_code == 422
    assert texts_of(refused.text, '[id="f-spent-error"]') == [
        "Give the eligible costs in euros, e.g. 4 512,40."
    ]
    assert await stored(award) is None


async def test_submitting_warns_first_and_submitting_anyway_is_allowed(client, make_client):
    award = await running_award(client)  # one planned event unreported, the project ends in 30 days
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/final-report"
    page = await browser.get(f"/my/awards/{award['award_id']}")
    ends = today() + timedelta(days=30)
    assert texts_of(page.text, "#final-warnings li") == [UNREPORTED, not_ended(ends)]

    confirm = await post_form(browser, url, TEXTS | {"action": "submit"})
    assert confirm.status_code == 200
    assert texts_of(confirm.text, "#warnings li") == [UNREPORTED, not_ended(ends)]
    assert (input_value(confirm.text, "narrative"), input_value(confirm.text, "results")) == (
        TEXTS["narrative"],
        TEXTS["results"],
    )
    assert await stored(award) is None  # nothing is submitted before the confirmation
    assert await award_status(award) == "agreement_signed"

    done = await post_form(browser, url, TEXTS | {"action": "submit", "confirmed": "1"})
    assert done.status_code == 302
    row = await stored(award)
    assert (row["draft"], row["review"], row["results"]) == (False, "pending", TEXTS["results"])
    assert await award_status(award) == "final_report_submitted"


async def test_no_confirmation_when_the_plan_is_reported_and_the_project_ended_today(client, make_client):
    award = await running_award(client, end=today())
    await report(client, award, planned_event_id=await planned_event_id(award))
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert texts_of(page.text, "#final-warnings li") == []
    done = await post_form(
        browser, f"/my/awards/{award['award_id']}/final-report", TEXTS | {"action": "submit"}
    )
    assert done.status_code == 302
    assert await award_status(award) == "final_report_submitted"


async def test_a_draft_takes_files_and_only_the_grantee_sees_it_until_it_is_submitted(client, make_client):
    award = await running_award(client, payment_method="costs")
    browser = await grantee_browser(client, make_client, award)
    url = f"/my/awards/{award['award_id']}/final-report"
    saved = await post_form(browser, url, {"narrative": "Pirmais uzmetums.", "spent": "", "action": "draft"})
    assert saved.status_code == 302
    row = await stored(award)
    assert (row["draft"], row["narrative"], row["results"], row["spent_cents"]) == (
        True,
        "Pirmais uzmetums.",
        "",
        0,
    )
    assert await award_status(award) == "agreement_signed"

    token = browser.cookies["grants_csrf"]
    attached = await browser.post(
        f"{url}/attachments",
        data={"_csrf_token": token},
        files={"file": ("izdevumi.pdf", pdf_bytes("Izdevumi"), "application/pdf")},
    )
    assert attached.status_code == 302, attached.text
    page = await browser.get(f"/my/awards/{award['award_id']}")
    assert notice(page.text) is None
    assert texts_of(page.text, "#final-files li") == ["izdevumi.pdf"]
    assert textarea_value(page.text, "narrative") == "Pirmais uzmetums."
    file_url = links(page.text, "#final-files a")[0]
    assert (await browser.get(file_url)).status_code == 200

    # Staff see no draft: not in the queue, not its page, not its file, not in the API; no review.
    staff = await staff_browser(make_client)
    queue = await staff.get(f"/admin/reports?type=final&review=all&call={award['call_id']}")
    assert f"/admin/reports/final/{award['award_id']}" not in links(queue.text)
    assert (await staff.get(f"/admin/reports/final/{award['award_id']}")).status_code == 404
    assert (await staff.get(file_url)).status_code == 404
    api = f"/api/awards/{award['award_id']}/final-report"
    assert (await client.get(api, headers=award["staff"])).status_code == 404
    review = await client.post(f"{api}/review", json={"decision": "approve"}, headers=award["staff"])
    assert review.status_code == 404

    submitted = await post_form(
        browser, url, TEXTS | {"spent": "4 100,50", "action": "submit", "confirmed": "1"}
    )
    assert submitted.status_code == 302
    row = await stored(award)
    assert (row["draft"], row["review"], row["spent_cents"]) == (False, "pending", 410_050)
    assert await award_status(award) == "final_report_submitted"
    queue = await staff.get(f"/admin/reports?type=final&call={award['call_id']}")
    assert f"/admin/reports/final/{award['award_id']}" in links(queue.text)
    assert (await staff.get(file_url)).status_code == 200


async def test_the_report_shows_the_project_against_its_plan(client, make_client):
    award = await running_award(client, payment_method="costs")
    accepted = await report(client, award, planned_event_id=await planned_event_id(award))
    await report(client, award, title="Vēl nepārbaudīta darbnīca")  # pending: reached pupils not counted
    await EventReport.update({EventReport.participants_at_risk: 6}).where(
        EventReport.award == award["award_id"]
    )
    reviewed = await client.post(
        f"/api/events/{accepted['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    assert reviewed.status_code == 200, reviewed.text
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    figures = definitions(page.text, "#against-plan")
    assert figures == {
        "Planned events held": "1 held of 1 planned",
        "Held events not in the plan": "1",
        "Pupils reached": "20",
        "Pupils at risk of early school leaving reached": "6",
    }
    assert texts_of(page.text, "#against-plan-note") == [
        "Pupils reached count only the held events the programme staff have accepted: an event whose"
        " report waits for review counts as held, but not yet its pupils."
    ]
    submitted = await client.post(
        f"/api/awards/{award['award_id']}/final-report",
        json=TEXTS | {"spent": "4000.00"},
        headers=award["applicant"],
    )
    assert submitted.status_code == 201, submitted.text
    staff = await staff_browser(make_client)
    staff_page = await staff.get(f"/admin/reports/final/{award['award_id']}")
    assert definitions(staff_page.text, "#against-plan") == figures
    facts = definitions(staff_page.text, "dl.facts")
    assert facts["On approval"] == "a refund of €140.00 is due from the grantee"
    assert facts["Eligible costs"].startswith("€4,000.00")


async def test_the_api_saves_a_draft_and_a_post_without_draft_submits_it(client):
    award = await running_award(client)
    url = f"/api/awards/{award['award_id']}/final-report"
    first = await client.post(url, json={"narrative": "Uzmetums", "draft": True}, headers=award["applicant"])
    assert first.status_code == 201, first.text
    assert (first.json()["draft"], first.json()["payment_method"]) == (True, "lump_sum")
    again = await client.post(url, json={"narrative": "Otrais", "draft": True}, headers=award["applicant"])
    assert (again.status_code, again.json()["narrative"]) == (200, "Otrais")
    staff_draft = await client.post(url, json=TEXTS | {"draft": True}, headers=award["staff"])
    assert staff_draft.status_code == 409
    refused = await client.post(url, json={"narrative": "Otrais"}, headers=award["applicant"])
    assert (refused.status_code, list(refused.json()["extra"])) == (422, ["results"])
    assert await award_status(award) == "agreement_signed"
    submitted = await client.post(url, json=TEXTS, headers=award["applicant"])
    assert submitted.status_code == 200, submitted.text
    assert (submitted.json()["draft"], submitted.json()["review"]) == (False, "pending")
    assert await award_status(award) == "final_report_submitted"
    seen = await client.get(url, headers=award["staff"])
    assert (seen.status_code, seen.json()["results"]) == (200, TEXTS["results"])


async def test_an_unplanned_held_event_does_not_count_as_a_planned_one_held(client, make_client):
    award = await running_award(client)  # one event planned in the application
    unplanned = await report(client, award, title="Neplānota darbnīca")
    reviewed = await client.post(
        f"/api/events/{unplanned['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    assert reviewed.status_code == 200, reviewed.text
    browser = await grantee_browser(client, make_client, award)
    page = await browser.get(f"/my/awards/{award['award_id']}")
    figures = definitions(page.text, "#against-plan")
    assert (figures["Planned events held"], figures["Held events not in the plan"]) == (
        "0 held of 1 planned · 1 planned event without a report",
        "1",
    )


async def submitted_with_an_event_waiting(client, waiting: bool = True) -> tuple[dict, dict | None]:
    """A submitted final report; its award has a held event waiting for review (`waiting`) or none.
    (Few tests leave a report waiting: the staff's queue of the access table lists the oldest first.)"""
    award = await running_award(client)
    waiting = await report(client, award, title="Vēl nepārbaudīta darbnīca") if waiting else None
    submitted = await client.post(
        f"/api/awards/{award['award_id']}/final-report", json=TEXTS, headers=award["applicant"]
    )
    assert submitted.status_code == 201, submitted.text
    return award, waiting


async def approved_at(award: dict):
    row = await Award.select(Award.final_report_approved_at).where(Award.id == award["award_id"]).first()
    return row["final_report_approved_at"]


async def test_staff_are_warned_of_event_reports_waiting_and_asked_before_approving(client, make_client):
    award, waiting = await submitted_with_an_event_waiting(client)
    staff = await staff_browser(make_client)
    url = f"/admin/reports/final/{award['award_id']}"
    page = await staff.get(url)
    warning = "1 event report of this project still waits for review: its pupils are not counted until it is accepted."
    assert texts_of(page.text, "#events-waiting p") == [warning]
    assert links(page.text, "#events-waiting a") == [f"/admin/reports/events/{waiting['id']}"]

    asked = await post_form(staff, f"{url}/review", {"decision": "approve", "comment": "Paldies."})
    assert asked.status_code == 200
    assert texts_of(asked.text, "h1") == ["Approve the final report?"]
    assert texts_of(asked.text, "#events-waiting p") == [warning]
    # The lump sum of 4600.00 with a 90 % advance: the rest falls due on approval.
    assert texts_of(asked.text, "#approval-effect") == [
        "Approving the report makes the final payment of €460.00 due to the grantee."
    ]
    assert input_value(asked.text, "comment") == "Paldies."
    assert links(asked.text, "form a") == [url]
    assert await approved_at(award) is None
    assert (await stored(award))["review"] == "pending"

    # Once the event is accepted, nothing waits: no warning on the page nor on the question.
    accepted = await client.post(
        f"/api/events/{waiting['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    assert accepted.status_code == 200, accepted.text
    assert texts_of((await staff.get(url)).text, "#events-waiting p") == []
    asked = await post_form(staff, f"{url}/review", {"decision": "approve", "comment": "Paldies."})
    assert (texts_of(asked.text, "h1"), texts_of(asked.text, "#events-waiting p")) == (
        ["Approve the final report?"],
        [],
    )
    approved = await post_form(
        staff, f"{url}/review", {"decision": "approve", "comment": "Paldies.", "confirmed": "1"}
    )
    assert approved.status_code == 302
    assert await approved_at(award) is not None
    assert (await stored(award))["review"] == "accepted"


async def test_returning_the_final_report_needs_no_confirmation(client, make_client):
    award, _none = await submitted_with_an_event_waiting(client, waiting=False)
    staff = await staff_browser(make_client)
    url = f"/admin/reports/final/{award['award_id']}"
    returned = await post_form(staff, f"{url}/review", {"decision": "return", "comment": "Papildiniet."})
    assert returned.status_code == 302
    assert (await stored(award))["review"] == "returned"
    assert await approved_at(award) is None


async def test_an_approved_final_report_reads_as_approved_until_the_payments_are_settled(client, make_client):
    award, _none = await submitted_with_an_event_waiting(client, waiting=False)
    staff = await staff_browser(make_client)
    awards_url = f"/admin/awards?award={award['award_id']}"
    assert texts_of((await staff.get(awards_url)).text, ".award-status") == ["Final report submitted"]
    approved = await client.post(
        f"/api/awards/{award['award_id']}/final-report/review",
        json={"decision": "approve"},
        headers=award["staff"],
    )
    assert approved.status_code == 200, approved.text
    assert await award_status(award) == "final_report_submitted"
    label = "Final report approved, payments to settle"
    assert texts_of((await staff.get(awards_url)).text, ".award-status") == [label]
    grantee = await grantee_browser(client, make_client, award)
    assert texts_of((await grantee.get(f"/my/awards/{award['award_id']}")).text, ".app-meta")[0].endswith(
        f"Status: {label}"
    )
    public = await client.get(f"/results/projects/{award['award_id']}")
    assert definitions(public.text, "dl.facts")["State"] == label
