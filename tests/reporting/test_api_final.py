"""The final report: submitted, approved (the final payment falls due) or returned and submitted
again; the amount spent within the award; its files; and no other organisation near it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.reporting.tables import FinalReport, FinalReportAttachment
from tests.factories.awards import today
from tests.factories.files import pdf_bytes
from tests.factories.mail import outbox_for
from tests.factories.reporting import email_of, other_grantee, report, running_award

pytestmark = pytest.mark.integration

REPORT = {
    "narrative": "Notika trīs darbnīcas un nometne divās skolās.",
    "results": "Mērķis sasniegts: 60 skolēni, kavējumi samazinājās.",
    "spent": "4512.40",
}


async def awards_of(client, headers: dict) -> dict[int, dict]:
    response = await client.get("/api/awards", headers=headers)
    assert response.status_code == 200, response.text
    return {a["id"]: a for a in response.json()}


async def submit(client, award: dict, **overrides):
    return await client.post(
        f"/api/awards/{award['award_id']}/final-report", json=REPORT | overrides, headers=award["applicant"]
    )


async def test_an_approved_final_report_makes_the_final_payment_due(client):
    award = await running_award(client)
    await report(client, award)
    submitted = await submit(client, award)
    assert submitted.status_code == 201, submitted.text
    body = submitted.json()
    assert (body["spent"], body["review"], body["attachments"]) == ("4512.40", "pending", [])
    assert body["due_on"] == (today() + timedelta(days=30 + 30)).isoformat()
    before = (await awards_of(client, award["applicant"]))[award["award_id"]]
    assert before["status"] == "final_report_submitted"
    assert [p["kind"] for p in before["payments"]] == ["advance"]
    approved = await client.post(
        f"/api/awards/{award['award_id']}/final-report/review",
        json={"decision": "approve"},
        headers=award["staff"],
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["review"] == "accepted"
    after = (await awards_of(client, award["applicant"]))[award["award_id"]]
    payments = {p["kind"]: p for p in after["payments"]}
    assert sorted(payments) == ["advance", "final"]
    advance = int(payments["advance"]["amount"].replace(".", ""))
    final = int(payments["final"]["amount"].replace(".", ""))
    assert advance + final == 460000
    assert payments["final"]["due_on"] == today().isoformat()
    again = await client.post(
        f"/api/awards/{award['award_id']}/final-report/review",
        json={"decision": "return", "comment": "x"},
        headers=award["staff"],
    )
    assert again.status_code == 409
    resubmitted = await submit(client, award)
    assert resubmitted.status_code == 409


@pytest.mark.parametrize("spent", ["46000.01", "12,345.00", "-1.00", None, " "])
async def test_the_eligible_costs_of_a_costs_call_are_required_within_ten_times_the_award(client, spent):
    award = await running_award(client, payment_method="costs")
    response = await submit(client, award, spent=spent)
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["spent"]
    assert await FinalReport.count().where(FinalReport.award == award["award_id"]) == 0
    assert (await awards_of(client, award["applicant"]))[award["award_id"]]["status"] == "agreement_signed"


async def test_narrative_and_results_are_required(client):
    award = await running_award(client)
    response = await submit(client, award, narrative=" ", results="")
    assert response.status_code == 422
    assert sorted(response.json()["extra"]) == ["narrative", "results"]


async def test_a_submitted_report_waits_for_review(client):
    award = await running_award(client)
    assert (await submit(client, award)).status_code == 201
    second = await submit(client, award, spent="100.00")
    assert second.status_code == 409
    row = (
        await FinalReport.select(FinalReport.spent_cents)
        .where(FinalReport.award == award["award_id"])
        .first()
    )
    assert row["spent_cents"] == 451240


async def test_a_returned_report_is_mailed_and_submitted_again(client):
    award = await running_award(client)
    await submit(client, award)
    url = f"/api/awards/{award['award_id']}/final-report/review"
    silent = await client.post(url, json={"decision": "return"}, headers=award["staff"])
    assert silent.status_code == 422
    assert list(silent.json()["extra"]) == ["comment"]
    comment = "Pievienojiet izdevumus apliecinošus dokumentus."
    returned = await client.post(url, json={"decision": "return", "comment": comment}, headers=award["staff"])
    assert (returned.json()["review"], returned.json()["review_comment"]) == ("returned", comment)
    assert (await awards_of(client, award["applicant"]))[award["award_id"]]["status"] == "in_progress"
    address = await email_of(client, award["applicant"])
    assert len([m for m in await outbox_for(address) if comment in m["body_text"]]) == 1
    again = await submit(client, award, spent="4600.00")
    assert again.status_code == 200, again.text
    assert (again.json()["review"], again.json()["spent"]) == ("pending", "4600.00")
    assert (await awards_of(client, award["applicant"]))[award["award_id"]][
        "status"
    ] == "final_report_submitted"
    assert await FinalReport.count().where(FinalReport.award == award["award_id"]) == 1


async def test_files_are_attached_to_a_submitted_report_until_it_is_approved(client):
    award = await running_award(client)
    url = f"/api/awards/{award['award_id']}/final-report/attachments"
    early = await client.post(
        url, files={"file": ("a.pdf", pdf_bytes(), "application/pdf")}, headers=award["applicant"]
    )
    assert early.status_code == 409
    await submit(client, award)
    added = await client.post(
        url, files={"file": ("atskaite.pdf", pdf_bytes(), "application/pdf")}, headers=award["applicant"]
    )
    assert added.status_code == 201, added.text
    assert added.json()["content_type"] == "application/pdf"
    program = await client.post(
        url,
        files={"file": ("izdevumi.pdf", b"MZ\x90\x00" * 50, "application/pdf")},
        headers=award["applicant"],
    )
    assert program.status_code == 415
    download = await client.get(f"/api/final-report-attachments/{added.json()['id']}", headers=award["staff"])
    assert download.status_code == 200
    assert download.content == pdf_bytes()
    shown = await client.get(f"/api/awards/{award['award_id']}/final-report", headers=award["applicant"])
    assert [a["filename"] for a in shown.json()["attachments"]] == ["atskaite.pdf"]
    await client.post(
        f"/api/awards/{award['award_id']}/final-report/review",
        json={"decision": "approve"},
        headers=award["staff"],
    )
    late = await client.post(
        url, files={"file": ("b.pdf", pdf_bytes(), "application/pdf")}, headers=award["applicant"]
    )
    assert late.status_code == 409


async def test_another_organisation_cannot_see_or_touch_the_final_report(client):
    award = await running_award(client)
    await submit(client, award, narrative="Slepens stāsts par projektu.")
    added = await client.post(
        f"/api/awards/{award['award_id']}/final-report/attachments",
        files={"file": ("a.pdf", pdf_bytes(), "application/pdf")},
        headers=award["applicant"],
    )
    stranger = await other_grantee(client)
    read = await client.get(f"/api/awards/{award['award_id']}/final-report", headers=stranger)
    assert read.status_code == 404
    assert "Slepens" not in read.text
    assert (await submit(client, award | {"applicant": stranger})).status_code == 404
    attach = await client.post(
        f"/api/awards/{award['award_id']}/final-report/attachments",
        files={"file": ("b.pdf", pdf_bytes(), "application/pdf")},
        headers=stranger,
    )
    assert attach.status_code == 404
    download = await client.get(f"/api/final-report-attachments/{added.json()['id']}", headers=stranger)
    assert download.status_code == 404
    assert (
        await FinalReportAttachment.count().where(FinalReportAttachment.report.award == award["award_id"])
        == 1
    )
    review = await client.post(
        f"/api/awards/{award['award_id']}/final-report/review", json={"decision": "approve"}, headers=stranger
    )
    assert review.status_code == 403


async def test_before_the_first_submission_there_is_no_report(client):
    award = await running_award(client)
    response = await client.get(f"/api/awards/{award['award_id']}/final-report", headers=award["applicant"])
    assert response.status_code == 404
    assert response.json()["status_code"] == 404
