"""The event report's rules through the API, at their boundaries (issue 14): which school counts
(PuMPuRS dates, a merged municipality, another school approved by staff), the participants' caps,
the project period, the cap on reports per award under parallel requests, photo consent, and
events counting only once staff accept them."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from grants.core.tables import AuditEntry
from grants.core.time import format_day
from grants.reporting.exports.events import event_csv
from grants.reporting.queries.results import project, school_activity
from grants.reporting.rules import MAX_EVENTS_PER_AWARD
from grants.reporting.tables import EventPhoto, EventReport
from tests.factories import reporting_rows as data
from tests.factories.awards import today
from tests.factories.files import image_bytes
from tests.factories.reporting import held, pumpurs_school, report, running_award

pytestmark = pytest.mark.integration

DAY = today() - timedelta(days=5)  # the day of the events below, within the running project


async def post_event(client, award: dict, **overrides):
    return await client.post(
        f"/api/awards/{award['award_id']}/events",
        json=held(award["school"], held_on=DAY.isoformat()) | overrides,
        headers=award["applicant"],
    )


REASON_NEEDED = (
    "This school is neither planned in the application nor a PuMPuRS school of the call's "
    "municipality on the day: say why the event is held there."
)


async def test_a_school_that_joined_pumpurs_the_day_after_the_event_needs_a_reason(client):
    award = await running_award(client)
    school = await pumpurs_school(since=DAY + timedelta(days=1))
    refused = await post_event(client, award, school=school)
    assert refused.status_code == 422
    assert refused.json()["extra"] == {"school_reason": REASON_NEEDED}
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == 0


async def test_a_school_that_joined_pumpurs_on_the_event_day_counts(client):
    award = await running_award(client)
    school = await pumpurs_school(since=DAY)
    created = await post_event(client, award, school=school)
    assert created.status_code == 201, created.text
    assert (created.json()["school_rule"], created.json()["school_reason"]) == ("pumpurs", "")


async def test_a_school_that_left_pumpurs_the_day_before_needs_a_reason(client):
    award = await running_award(client)
    school = await pumpurs_school(since=DAY - timedelta(days=400), until=DAY - timedelta(days=1))
    refused = await post_event(client, award, school=school)
    assert (refused.status_code, refused.json()["extra"]) == (422, {"school_reason": REASON_NEEDED})


async def test_a_pumpurs_school_of_another_municipality_needs_a_reason(client):
    award = await running_award(client)  # a call of Bauskas novads (LV-016)
    school = await pumpurs_school("LV-022", "Cēsu pamatskola")
    refused = await post_event(client, award, school=school)
    assert (refused.status_code, refused.json()["extra"]) == (422, {"school_reason": REASON_NEEDED})


async def test_a_school_of_varaklani_counts_for_a_madona_call(client):
    award = await running_award(client, municipality_code="LV-059")
    school = await pumpurs_school("LV-102", "Varakļānu vidusskola")
    created = await post_event(client, award, school=school)
    assert created.status_code == 201, created.text
    assert created.json()["school_rule"] == "pumpurs"


async def test_1000_participants_pass_and_1001_are_refused_naming_the_event(client):
    award = await running_award(client)

    def counts(total: int) -> dict:
        return {
            "title": "Skolas svētki",
            "participants": total,
            "participants_by_grade": {"1-4": total, "5-9": 0, "10-12": 0, "vocational": 0},
            "confirm_large": True,
        }

    refused = await post_event(client, award, **counts(1001))
    assert refused.status_code == 422
    assert refused.json()["extra"] == {
        "participants": "“Skolas svētki”: 1001 participants is more than one event can have (at most 1000)."
    }
    created = await post_event(client, award, **counts(1000))
    assert created.status_code == 201, created.text
    assert created.json()["participants"] == 1000


async def test_more_than_200_participants_are_taken_once_confirmed(client):
    award = await running_award(client)
    by_grade = {"1-4": 0, "5-9": 150, "10-12": 51, "vocational": 0}
    two_hundred = await post_event(
        client, award, participants=200, participants_by_grade=by_grade | {"10-12": 50}
    )
    assert two_hundred.status_code == 201, two_hundred.text
    warned = await post_event(client, award, participants=201, participants_by_grade=by_grade)
    assert warned.status_code == 422
    assert warned.json()["extra"] == {
        "confirm_large": "“Radošā darbnīca”: 201 participants is more than 200. Check the count and confirm it."
    }
    confirmed = await post_event(
        client, award, participants=201, participants_by_grade=by_grade, confirm_large=True
    )
    assert confirmed.status_code == 201, confirmed.text
    # An edit of another field keeps the count confirmed.
    edited = await client.patch(
        f"/api/events/{confirmed.json()['id']}", json={"description": "Svētki."}, headers=award["applicant"]
    )
    assert (edited.status_code, edited.json()["participants"]) == (200, 201)


async def test_participants_at_risk_above_the_total_are_refused(client):
    award = await running_award(client)
    refused = await post_event(client, award, participants_at_risk=21)
    assert refused.status_code == 422
    assert refused.json()["extra"] == {
        "participants_at_risk": "The participants at risk (21) are some of the participants: at most 20."
    }
    created = await post_event(client, award, participants_at_risk=20)
    assert (created.status_code, created.json()["participants_at_risk"]) == (201, 20)


async def test_a_held_event_lies_within_the_project_period(client):
    start, end = today() - timedelta(days=100), today() - timedelta(days=10)
    award = await running_award(client, start=start, end=end)
    statuses = {}
    for day in (start - timedelta(days=1), start, end, end + timedelta(days=1)):
        statuses[day] = (await post_event(client, award, held_on=day.isoformat())).status_code
    assert statuses == {start - timedelta(days=1): 422, start: 201, end: 201, end + timedelta(days=1): 422}
    after = await post_event(client, award, held_on=(end + timedelta(days=1)).isoformat())
    assert after.json()["extra"] == {
        "held_on": f"The event cannot be held after the project ends ({format_day(end, 'en')})."
    }


async def test_parallel_reports_at_the_cap_on_events_pass_only_once(client):
    award = await running_award(client)
    for _ in range(MAX_EVENTS_PER_AWARD - 1):
        await data.event(award["award_id"], award["school"], held_on=DAY, review="pending")
    responses = await asyncio.gather(*(post_event(client, award, title=f"Pēdējā {n}") for n in range(2)))
    assert sorted(r.status_code for r in responses) == [201, 409]
    refused = next(r for r in responses if r.status_code == 409)
    assert refused.json()["detail"] == "An award can have at most 200 event reports."
    assert await EventReport.count().where(EventReport.award == award["award_id"]) == MAX_EVENTS_PER_AWARD
    planned = await client.post(
        f"/api/awards/{award['award_id']}/events",
        json={"school": award["school"], "kind": "camp", "title": "Vēl viena", "status": "planned"},
        headers=award["applicant"],
    )
    assert planned.status_code == 409


async def test_another_school_counts_only_once_staff_approve_it_when_accepting(client):
    award = await running_award(client)
    school = await pumpurs_school("LV-022", "Cēsu pamatskola")
    created = await post_event(client, award, school=school, school_reason="Kopīgs pasākums ar Cēsu skolu.")
    assert created.status_code == 201, created.text
    event = created.json()
    assert (event["school_rule"], event["school_reason"]) == ("other", "Kopīgs pasākums ar Cēsu skolu.")
    url = f"/api/events/{event['id']}/review"
    refused = await client.post(url, json={"decision": "accept"}, headers=award["staff"])
    assert refused.status_code == 422
    assert set(refused.json()["extra"]) == {"approve_school", "school_approval_reason"}
    assert (await EventReport.select(EventReport.review).where(EventReport.id == event["id"]).first()) == {
        "review": "pending"
    }
    assert (await project(award["award_id"]))["totals"]["events"] == 0
    accepted = await client.post(
        url,
        json={
            "decision": "accept",
            "approve_school": True,
            "school_approval_reason": "Cēsu skola pieaicināta.",
        },
        headers=award["staff"],
    )
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert (body["review"], body["school_approval_reason"]) == ("accepted", "Cēsu skola pieaicināta.")
    assert body["school_approved_at"] is not None
    assert (await project(award["award_id"]))["totals"]["events"] == 1
    audit = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.data)
        .where((AuditEntry.entity == "event_report") & (AuditEntry.entity_id == str(event["id"])))
        .order_by(AuditEntry.id)
        .output(load_json=True)
    )
    assert [(a["action"], a["data"].get("school_approved")) for a in audit] == [
        ("report", None),
        ("accept", "Cēsu skola pieaicināta."),
    ]


async def test_a_pending_event_counts_nowhere_until_staff_accept_it(client):
    award = await running_award(client)
    event = await report(client, award, held_on=DAY.isoformat())
    activity = await school_activity(award["school"])
    assert ((await project(award["award_id"]))["totals"]["events"], activity["totals"]["events"]) == (0, 0)
    assert event["id"] not in await csv_ids()
    accepted = await client.post(
        f"/api/events/{event['id']}/review", json={"decision": "accept"}, headers=award["staff"]
    )
    assert accepted.status_code == 200, accepted.text
    totals = (await project(award["award_id"]))["totals"]
    assert (totals["events"], totals["participants"]) == (1, 20)
    assert (await school_activity(award["school"]))["totals"]["events"] == 1
    assert event["id"] in await csv_ids()


async def csv_ids() -> set[int]:
    """The ids in the coordinators' CSV of Bauskas novads (counted events only)."""
    text = b"".join([chunk async for chunk in event_csv(["LV-016"], counted_only=True)]).decode("utf-8-sig")
    return {int(line.split(",")[0]) for line in text.splitlines()[1:]}


async def test_a_photo_is_shown_to_the_municipality_only_with_consent(client):
    award = await running_award(client)
    event = await report(client, award)
    url = f"/api/events/{event['id']}/photos"
    plain = await client.post(
        url, files={"file": ("a.jpg", image_bytes(64, 48), "image/jpeg")}, headers=award["applicant"]
    )
    agreed = await client.post(
        url,
        data={"consent": "true"},  # a form field before the file
        files={"file": ("b.jpg", image_bytes(65, 48), "image/jpeg")},
        headers=award["applicant"],
    )
    assert (plain.status_code, plain.json()["consent"]) == (201, False)
    assert (agreed.status_code, agreed.json()["consent"]) == (201, True)
    rows = await EventPhoto.select(EventPhoto.filename, EventPhoto.consent).where(
        EventPhoto.event == event["id"]
    )
    assert sorted((r["filename"], r["consent"]) for r in rows) == [("a.jpg", False), ("b.jpg", True)]
