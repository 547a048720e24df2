"""Event reports through the API: what a grantee reports, what is refused, who sees what,
and the staff's review (accept locks, return asks for a correction and mails the grantee)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.core.auth import Role
from grants.core.tables import AuditEntry
from grants.reporting.tables import EventReport
from tests.factories.accounts import bearer, make_user
from tests.factories.awards import awarded_application, today
from tests.factories.mail import outbox_for
from tests.factories.reporting import (
    email_of,
    held,
    other_grantee,
    planned_event_id,
    pumpurs_school,
    report,
    running_award,
)

pytestmark = pytest.mark.integration


async def award_status(client, award: dict) -> str:
    response = await client.get("/api/awards", headers=award["applicant"])
    return next(a["status"] for a in response.json() if a["id"] == award["award_id"])


async def test_held_event_is_reported_and_the_award_moves_in_progress(client):
    award = await running_award(client)
    assert await award_status(client, award) == "agreement_signed"
    body = await report(client, award)
    assert body["status"] == "held"
    assert body["review"] == "pending"
    assert body["school"] == award["school"]
    assert body["participants"] == 20
    assert body["participants_by_grade"] == {"1-4": 0, "5-9": 15, "10-12": 5, "vocational": 0}
    assert body["due_on"] == (today() - timedelta(days=5) + timedelta(days=30)).isoformat()
    assert await award_status(client, award) == "in_progress"
    listed = await client.get(f"/api/awards/{award['award_id']}/events", headers=award["applicant"])
    assert [e["id"] for e in listed.json()] == [body["id"]]


async def test_bands_not_adding_up_to_the_total_are_refused(client):
    award = await running_award(client)
    bands = {"1-4": 3, "5-9": 10, "10-12": 5, "vocational": 0}
    response = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json=held(award["school"], participants=20, participants_by_grade=bands),
        headers=award["applicant"],
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["participants_by_grade"]
    assert "18" in response.json()["extra"]["participants_by_grade"]
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0
    assert await award_status(client, award) == "agreement_signed"


async def test_negative_and_unknown_bands_are_refused(client):
    award = await running_award(client)
    url = f"/api/awards/{award['award_id']}/events"
    negative = {"1-4": 0, "5-9": -1, "10-12": 21, "vocational": 0}
    response = await client.post(
        url, json=held(award["school"], participants_by_grade=negative), headers=award["applicant"]
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["participants_by_grade.5-9"]
    pupils = {"1-4": 0, "5-9": 20, "10-12": 0, "vocational": 0, "Jānis": 1}
    response = await client.post(
        url, json=held(award["school"], participants_by_grade=pupils), headers=award["applicant"]
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["participants_by_grade"]
    # A key longer than any band ("vocational") is refused by the schema already.
    pupils = {"1-4": 0, "5-9": 20, "10-12": 0, "vocational": 0, "Jānis Bērziņš": 1}
    response = await client.post(
        url, json=held(award["school"], participants_by_grade=pupils), headers=award["applicant"]
    )
    assert response.status_code == 400
    assert [e["key"] for e in response.json()["extra"]] == ["participants_by_grade"]


async def test_school_must_be_in_the_register_and_the_day_real(client):
    award = await running_award(client)
    url = f"/api/awards/{award['award_id']}/events"
    response = await client.post(
        url,
        json=held("0000000000", held_on=(today() + timedelta(days=1)).isoformat()),
        headers=award["applicant"],
    )
    assert response.status_code == 422
    assert response.json()["extra"] == {
        "school": "Choose a school from the register.",
        "held_on": "The day the event was held cannot be in the future.",
    }
    before_start = (today() - timedelta(days=61)).isoformat()
    response = await client.post(
        url, json=held(award["school"], held_on=before_start), headers=award["applicant"]
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["held_on"]


async def test_a_planned_event_is_reported_once_with_its_school(client):
    award = await running_award(client)
    planned = await planned_event_id(award)
    url = f"/api/awards/{award['award_id']}/events"
    counts = {key: value for key, value in held("x").items() if key not in ("school", "kind", "title")}
    first = await client.post(url, json=counts | {"planned_event_id": planned}, headers=award["applicant"])
    assert first.status_code == 201, first.text
    assert (first.json()["school"], first.json()["kind"], first.json()["title"]) == (
        award["school"],
        "camp",
        "Nometne",
    )
    assert first.json()["planned_on"] == "2027-04-10"
    again = await client.post(url, json=counts | {"planned_event_id": planned}, headers=award["applicant"])
    assert again.status_code == 409
    stranger = await client.post(
        url, json=counts | {"planned_event_id": planned + 10_000}, headers=award["applicant"]
    )
    assert stranger.status_code == 422
    assert list(stranger.json()["extra"]) == ["planned_event_id"]


async def test_a_new_event_is_planned_then_reported_held(client):
    award = await running_award(client)
    school = await pumpurs_school(name="Stelpes pamatskola")  # not planned: a PuMPuRS school of LV-016
    planned_on = (today() + timedelta(days=7)).isoformat()
    created = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json={
            "school": school,
            "kind": "excursion",
            "title": "Ekskursija",
            "status": "planned",
            "planned_on": planned_on,
        },
        headers=award["applicant"],
    )
    assert created.status_code == 201, created.text
    assert (created.json()["status"], created.json()["participants"]) == ("planned", 0)
    assert await award_status(client, award) == "agreement_signed"
    event_id = created.json()["id"]
    counts = held(school)
    patched = await client.patch(
        f"/api/events/{event_id}",
        json={k: counts[k] for k in ("held_on", "participants", "participants_by_grade", "description")}
        | {"status": "held"},
        headers=award["applicant"],
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["status"], patched.json()["school"], patched.json()["participants"]) == (
        "held",
        school,
        20,
    )
    assert await award_status(client, award) == "in_progress"
    back = await client.patch(
        f"/api/events/{event_id}", json={"status": "planned"}, headers=award["applicant"]
    )
    assert back.status_code == 409
    actions = await AuditEntry.select(AuditEntry.action).where(
        (AuditEntry.entity == "event_report") & (AuditEntry.entity_id == str(event_id))
    )
    assert [a["action"] for a in actions] == ["plan", "report"]


async def test_a_cancelled_event_needs_its_reason(client):
    award = await running_award(client)
    planned = await planned_event_id(award)
    url = f"/api/awards/{award['award_id']}/events"
    refused = await client.post(
        url, json={"planned_event_id": planned, "status": "cancelled"}, headers=award["applicant"]
    )
    assert refused.status_code == 422
    assert list(refused.json()["extra"]) == ["cancel_reason"]
    reason = "Skolā karantīna."
    cancelled = await client.post(
        url,
        json={"planned_event_id": planned, "status": "cancelled", "cancel_reason": reason},
        headers=award["applicant"],
    )
    assert cancelled.status_code == 201
    assert (cancelled.json()["status"], cancelled.json()["cancel_reason"]) == ("cancelled", reason)
    assert await award_status(client, award) == "agreement_signed"


async def test_an_accepted_report_is_locked(client):
    award = await running_award(client)
    event = await report(client, award)
    accepted = await client.post(
        f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    assert accepted.status_code == 200
    assert accepted.json()["review"] == "accepted"
    changed = await client.patch(
        f"/api/events/{event['id']}", json={"title": "Cits"}, headers=award["applicant"]
    )
    assert changed.status_code == 409
    again = await client.post(
        f"/api/events/{event['id']}/review",
        json={"decision": "return", "comment": "x"},
        headers=award["staff"],
    )
    assert again.status_code == 409
    row = (
        await EventReport.select(EventReport.title, EventReport.review)
        .where(EventReport.id == event["id"])
        .first()
    )
    assert row == {"title": "Radošā darbnīca", "review": "accepted"}


async def test_a_returned_report_is_mailed_once_and_waits_again_when_edited(client):
    award = await running_award(client)
    event = await report(client, award)
    url = f"/api/events/{event['id']}/review"
    silent = await client.post(url, json={"decision": "return"}, headers=award["staff"])
    assert silent.status_code == 422
    assert list(silent.json()["extra"]) == ["comment"]
    comment = "Lūdzu, precizējiet dalībnieku skaitu pa klašu grupām."
    returned = await client.post(url, json={"decision": "return", "comment": comment}, headers=award["staff"])
    assert (returned.json()["review"], returned.json()["review_comment"]) == ("returned", comment)
    address = await email_of(client, award["applicant"])
    mails = [m for m in await outbox_for(address) if comment in m["body_text"]]
    assert len(mails) == 1
    assert "Radošā darbnīca" in mails[0]["subject"]
    assert f"/my/events/{event['id']}" in mails[0]["body_text"]
    edited = await client.patch(
        f"/api/events/{event['id']}",
        json={"participants": 21, "participants_by_grade": {"1-4": 1}},
        headers=award["applicant"],
    )
    assert edited.status_code == 200, edited.text
    assert edited.json()["review"] == "pending"
    assert edited.json()["participants_by_grade"] == {"1-4": 1, "5-9": 15, "10-12": 5, "vocational": 0}


async def test_another_organisation_sees_nothing_of_an_award(client):
    award = await running_award(client)
    event = await report(client, award, title="Slepena darbnīca")
    stranger = await other_grantee(client)
    listed = await client.get(f"/api/awards/{award['award_id']}/events", headers=stranger)
    assert listed.status_code == 404
    assert "Slepena" not in listed.text
    read = await client.get(f"/api/events/{event['id']}", headers=stranger)
    assert read.status_code == 404
    assert "Slepena" not in read.text
    added = await client.post(
        f"/api/awards/{award['award_id']}/events", json=held(award["school"]), headers=stranger
    )
    assert added.status_code == 404
    patched = await client.patch(f"/api/events/{event['id']}", json={"title": "Uzlauzts"}, headers=stranger)
    assert patched.status_code == 404
    row = await EventReport.select(EventReport.title).where(EventReport.id == event["id"]).first()
    assert row["title"] == "Slepena darbnīca"
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 1


@pytest.mark.parametrize("role", [Role.reviewer, Role.coordinator])
async def test_reviewers_and_coordinators_are_refused(client, role):
    award = await running_award(client)
    event = await report(client, award)
    headers = await bearer(
        client, await make_user(role, municipality="LV-016" if role == Role.coordinator else None)
    )
    assert (await client.get(f"/api/awards/{award['award_id']}/events", headers=headers)).status_code == 403
    assert (await client.get(f"/api/events/{event['id']}", headers=headers)).status_code == 403
    review = await client.post(
        f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=headers
    )
    assert review.status_code == 403


async def test_only_staff_review(client):
    award = await running_award(client)
    event = await report(client, award)
    response = await client.post(
        f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=award["applicant"]
    )
    assert response.status_code == 403
    assert (await EventReport.select(EventReport.review).where(EventReport.id == event["id"]).first())[
        "review"
    ] == "pending"


async def test_no_reports_before_the_agreement_is_signed(client):
    award = await awarded_application(client)
    response = await client.post(
        f"/api/awards/{award['award_id']}/events", json=held(award["school"]), headers=award["applicant"]
    )
    assert response.status_code == 409
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0


async def test_a_new_event_is_planned_within_the_project(client):
    award = await running_award(client)
    response = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json={
            "school": award["school"],
            "kind": "camp",
            "title": "Tālā nākotnē",
            "status": "planned",
            "planned_on": "9999-12-31",
        },
        headers=award["applicant"],
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["planned_on"]
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0
