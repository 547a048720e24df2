"""Review: eligibility, balanced assignment without conflicts, scoring rules, aggregation."""

from __future__ import annotations

from collections import Counter

import pytest

from grants.accounts.queries import user_id_by_email
from grants.core.auth import Role
from grants.scoring.tables import Assignment
from tests.factories.accounts import bearer, make_user, staff_headers
from tests.factories.applications import eligible_applications

pytestmark = pytest.mark.integration


async def reviewer(client) -> tuple[int, dict[str, str]]:
    email = await make_user(Role.reviewer)
    return await user_id_by_email(email), await bearer(client, email)


async def open_review(client, headers, assignment_id) -> None:
    response = await client.post(
        f"/api/reviews/{assignment_id}/conflict", json={"conflict": False}, headers=headers
    )
    assert response.json() == {"status": "pending"}


async def assignment_of(reviewer_id: int, application_id: int) -> int:
    rows = await Assignment.select(Assignment.id).where(
        (Assignment.reviewer == reviewer_id) & (Assignment.application == application_id)
    )
    return rows[0]["id"]


async def one_open_review(client) -> tuple[int, dict[str, str]]:
    """An eligible application assigned through the API to a new reviewer who has declared no conflict:
    (the assignment's id, the reviewer's headers)."""
    call_id, apps = await eligible_applications(1)
    staff = await staff_headers(client)
    rid, headers = await reviewer(client)
    await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": apps[0], "reviewer_id": rid},
        headers=staff,
    )
    assignment = await assignment_of(rid, apps[0])
    await open_review(client, headers, assignment)
    return assignment, headers


async def test_auto_assignment_balances_loads_and_respects_a_conflict(client):
    call_id, apps = await eligible_applications(10)
    staff = await staff_headers(client)
    panel = [await reviewer(client) for _ in range(3)]
    ids = [r[0] for r in panel]
    # The third reviewer gets the first application by hand and declares a conflict with it.
    manual = await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": apps[0], "reviewer_id": ids[2]},
        headers=staff,
    )
    assert manual.status_code == 201
    declared = await client.post(
        f"/api/reviews/{manual.json()['created'][0]}/conflict",
        json={"conflict": True, "reason": "Esmu biedrības valdes loceklis."},
        headers=panel[2][1],
    )
    assert declared.json() == {"status": "coi_declared"}
    auto = await client.post(
        f"/api/calls/{call_id}/assignments", json={"auto": True, "reviewer_ids": ids}, headers=staff
    )
    assert auto.status_code == 201
    active = await Assignment.select(Assignment.application, Assignment.reviewer).where(
        (Assignment.call == call_id) & (Assignment.status == "pending")
    )
    loads = Counter(row["reviewer"] for row in active)
    assert sorted(loads.values()) == [6, 7, 7]
    assert (apps[0], ids[2]) not in {(row["application"], row["reviewer"]) for row in active}
    assert Counter(row["application"] for row in active) == {app: 2 for app in apps}
    # Running it again fills only gaps: there are none.
    again = await client.post(
        f"/api/calls/{call_id}/assignments", json={"auto": True, "reviewer_ids": ids}, headers=staff
    )
    assert again.json() == {"created": []}


async def test_reviewer_sees_only_own_assignments_and_after_declaring(client, make_client):
    call_id, apps = await eligible_applications(2)
    staff = await staff_headers(client)
    (mine_id, mine), (other_id, _other) = await reviewer(client), await reviewer(client)
    await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": apps[0], "reviewer_id": mine_id},
        headers=staff,
    )
    await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": apps[1], "reviewer_id": other_id},
        headers=staff,
    )
    listed = (await client.get("/api/reviews", headers=mine)).json()
    assert [r["application_id"] for r in listed] == [apps[0]]
    own = listed[0]["id"]
    # Before the declaration the application stays closed.
    assert (await client.get(f"/api/reviews/{own}", headers=mine)).status_code == 409
    await open_review(client, mine, own)
    assert (await client.get(f"/api/reviews/{own}", headers=mine)).json()["application"]["id"] == apps[0]
    theirs = await assignment_of(other_id, apps[1])
    assert (await client.get(f"/api/reviews/{theirs}", headers=mine)).status_code == 404
    assert (await client.get(f"/api/applications/{apps[1]}", headers=mine)).status_code == 403
    assert (await client.get("/admin/data/api/tables/application/", headers=mine)).status_code in (401, 403)


async def test_points_above_max_give_422_and_submit_needs_every_criterion(client):
    assignment, headers = await one_open_review(client)
    over = await client.put(f"/api/reviews/{assignment}", json={"scores": {"K1": 11}}, headers=headers)
    assert over.status_code == 422
    assert over.json()["extra"] == {"scores.K1": "Give 0 to 10 points."}
    missing = await client.put(
        f"/api/reviews/{assignment}", json={"scores": {"K1": 8}, "submit": True}, headers=headers
    )
    assert missing.json()["extra"] == {"scores.K2": "Score this criterion before submitting."}
    draft = await client.put(f"/api/reviews/{assignment}", json={"scores": {"K1": 8}}, headers=headers)
    assert draft.json()["scores"] == {"K1": {"points": 8, "comment": ""}}
    done = await client.put(
        f"/api/reviews/{assignment}", json={"scores": {"K1": 8, "K2": 6}, "submit": True}, headers=headers
    )
    assert done.json()["status"] == "submitted"
    locked = await client.put(
        f"/api/reviews/{assignment}", json={"scores": {"K1": 1, "K2": 1}}, headers=headers
    )
    assert locked.status_code == 409


async def test_other_reviewers_scores_only_after_submitting_own(client):
    call_id, apps = await eligible_applications(1)
    staff = await staff_headers(client)
    (first_id, first), (second_id, second) = await reviewer(client), await reviewer(client)
    for rid in (first_id, second_id):
        await client.post(
            f"/api/calls/{call_id}/assignments",
            json={"application_id": apps[0], "reviewer_id": rid},
            headers=staff,
        )
    a1, a2 = await assignment_of(first_id, apps[0]), await assignment_of(second_id, apps[0])
    await open_review(client, first, a1)
    await open_review(client, second, a2)
    await client.put(
        f"/api/reviews/{a1}",
        json={"scores": {"K1": 9, "K2": 9}, "comment": "Izcili", "submit": True},
        headers=first,
    )
    before = (await client.get(f"/api/reviews/{a2}", headers=second)).json()
    assert before["others"] == []
    await client.put(
        f"/api/reviews/{a2}", json={"scores": {"K1": 4, "K2": 5}, "submit": True}, headers=second
    )
    after = (await client.get(f"/api/reviews/{a2}", headers=second)).json()
    assert after["others"] == [
        {
            "scores": {"K1": {"points": 9, "comment": ""}, "K2": {"points": 9, "comment": ""}},
            "comment": "Izcili",
        }
    ]


async def score_with(client, call_id, application_id, staff, sheets):
    """Each sheet is one reviewer's {criterion: points}, submitted."""
    for sheet in sheets:
        rid, headers = await reviewer(client)
        await client.post(
            f"/api/calls/{call_id}/assignments",
            json={"application_id": application_id, "reviewer_id": rid},
            headers=staff,
        )
        assignment = await assignment_of(rid, application_id)
        await open_review(client, headers, assignment)
        response = await client.put(
            f"/api/reviews/{assignment}", json={"scores": sheet, "submit": True}, headers=headers
        )
        assert response.status_code == 200, response.text


async def ranking_row(client, call_id, staff, application_id):
    rows = (await client.get(f"/api/calls/{call_id}/ranking", headers=staff)).json()
    return next(r for r in rows if r["application_id"] == application_id)


async def test_mean_and_median_change_passed(client):
    # Totals with K1 weight 2: 2×10+10 = 30, 2×10+10 = 30, 2×1+1 = 3.
    sheets = [{"K1": 10, "K2": 10}, {"K1": 10, "K2": 10}, {"K1": 1, "K2": 3}]
    staff = await staff_headers(client)
    for aggregation, score, passed in (("mean", "21.67", False), ("median", "30.00", True)):
        call_id, apps = await eligible_applications(1, aggregation=aggregation, score_threshold="30")
        await score_with(client, call_id, apps[0], staff, sheets)
        row = await ranking_row(client, call_id, staff, apps[0])
        assert (row["score"], row["passed"], row["scores_count"]) == (score, passed, 3)
        # Totals 30, 30, 5: population standard deviation 11.785…
        assert row["spread"] == "11.79"


async def test_criterion_minimum_fails_an_application_above_the_threshold(client):
    staff = await staff_headers(client)
    # K2 has a minimum of 3. Mean of K2 = (2 + 2 + 10) / 3 = 4.67 ≥ 3; median = 2 < 3.
    sheets = [{"K1": 10, "K2": 2}, {"K1": 10, "K2": 2}, {"K1": 10, "K2": 10}]
    mean_call, mean_apps = await eligible_applications(1, aggregation="mean", score_threshold="20")
    await score_with(client, mean_call, mean_apps[0], staff, sheets)
    mean_row = await ranking_row(client, mean_call, staff, mean_apps[0])
    assert (mean_row["score"], mean_row["passed"], mean_row["criteria"]) == (
        "24.67",
        True,
        {"K1": "10.00", "K2": "4.67"},
    )
    median_call, median_apps = await eligible_applications(1, aggregation="median", score_threshold="20")
    await score_with(client, median_call, median_apps[0], staff, sheets)
    median_row = await ranking_row(client, median_call, staff, median_apps[0])
    assert (median_row["score"], median_row["passed"], median_row["criteria"]) == (
        "22.00",
        False,
        {"K1": "10.00", "K2": "2.00"},
    )


async def test_ranking_orders_by_score_then_earlier_submission(client):
    staff = await staff_headers(client)
    call_id, apps = await eligible_applications(3)
    await score_with(client, call_id, apps[0], staff, [{"K1": 5, "K2": 5}])  # 15
    await score_with(client, call_id, apps[1], staff, [{"K1": 8, "K2": 4}])  # 20
    await score_with(
        client, call_id, apps[2], staff, [{"K1": 5, "K2": 5}]
    )  # 15, submitted later than apps[0]
    rows = (await client.get(f"/api/calls/{call_id}/ranking", headers=staff)).json()
    assert [(r["application_id"], r["score"], r["rank"]) for r in rows] == [
        (apps[1], "20.00", 1),
        (apps[0], "15.00", 2),
        (apps[2], "15.00", 3),
    ]


async def test_eligibility_check_needs_every_criterion_and_mails_a_refusal(client):
    from grants.applications.tables import Application
    from grants.core.tables import OutboxMessage

    call_id, apps = await eligible_applications(1)
    staff = await staff_headers(client)
    incomplete = await client.post(
        f"/api/applications/{apps[0]}/eligibility", json={"checks": {}}, headers=staff
    )
    assert incomplete.status_code == 422
    assert incomplete.json()["extra"] == {"checks.A1": "Answer yes or no."}
    refused = await client.post(
        f"/api/applications/{apps[0]}/eligibility",
        json={"checks": {"A1": False}, "note": "Iesniedzējs ir komersants."},
        headers=staff,
    )
    assert refused.json() == {"status": "ineligible"}
    reference = (await Application.select(Application.reference).where(Application.id == apps[0]))[0][
        "reference"
    ]
    mails = await OutboxMessage.select(OutboxMessage.subject, OutboxMessage.body_text).where(
        OutboxMessage.subject.like(f"%{reference}%") & OutboxMessage.body_text.like("%komersants%")
    )
    assert len(mails) == 1
    assert "Iesniedzējs ir komersants." in mails[0]["body_text"]
    assert "A1" in mails[0]["body_text"]


async def test_members_of_the_organisation_are_never_assigned(client, make_client):
    from grants.accounts.tables import Membership, UserRole

    call_id, apps = await eligible_applications(1)
    staff = await staff_headers(client)
    member_id = (await Membership.select(Membership.user).order_by(Membership.id, ascending=False).first())[
        "user"
    ]
    await UserRole.insert(UserRole(user=member_id, role="reviewer"))
    response = await client.post(
        f"/api/calls/{call_id}/assignments",
        json={"application_id": apps[0], "reviewer_id": member_id},
        headers=staff,
    )
    assert response.status_code == 409
    assert response.json()["detail"] == "A member of the applying organisation cannot review its application."


async def test_a_criterion_comment_without_points_is_refused_not_lost(client):
    assignment, headers = await one_open_review(client)
    response = await client.put(
        f"/api/reviews/{assignment}",
        json={"scores": {"K1": 7}, "comments": {"K2": "Budžets nav pamatots."}},
        headers=headers,
    )
    assert response.status_code == 422
    assert response.json()["extra"] == {"scores.K2": "Give points as well, so that the comment can be saved."}
    stored = (await client.get(f"/api/reviews/{assignment}", headers=headers)).json()["scores"]
    assert stored == {}


async def test_an_overall_comment_over_the_limit_is_refused_not_cut(client):
    assignment, headers = await one_open_review(client)
    response = await client.put(
        f"/api/reviews/{assignment}", json={"scores": {"K1": 7}, "comment": "ā" * 10_001}, headers=headers
    )
    assert (response.status_code, response.json()["extra"]) == (422, {"comment": "At most 10000 characters."})
    stored = (await client.get(f"/api/reviews/{assignment}", headers=headers)).json()
    assert (stored["scores"], stored["comment"]) == ({}, "")
