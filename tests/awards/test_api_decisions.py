"""Awards: budget and quota under concurrency, automatic award down the ranking, overrides,
declines and the reserve list, who sees which award, and the decision e-mails."""

from __future__ import annotations

import asyncio
from collections import Counter

import pytest

from grants.accounts.queries import language_of
from grants.applications.tables import Application
from grants.core.auth import Role
from grants.core.money import display_cents
from grants.core.tables import AuditEntry, OutboxMessage
from tests.factories.accounts import applicant_headers, bearer, make_user, user_id_of
from tests.factories.awards import (
    FAILS,
    REVIEWER_NAME,
    SECOND,
    THIRD,
    TOP,
    live_awards,
    member_of,
    scored_call,
    statuses,
)

pytestmark = pytest.mark.integration


async def award(client, call_id, headers, **body):
    return await client.post(f"/api/calls/{call_id}/awards", json=body, headers=headers)


async def test_twenty_concurrent_awards_with_budget_for_one_make_exactly_one(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP] * 20, budget="4600.00", quota=5)
    responses = await asyncio.gather(*(award(client, call_id, staff, application_id=a) for a in apps))
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}
    winner = next(r.json() for r in responses if r.status_code == 201)
    assert winner["amount"] == "4600.00"
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        "An award of €4,600.00 would exceed the call's budget: €0.00 of €4,600.00 remain."
    }
    assert await live_awards(call_id) == [(winner["application_id"], 460_000)]
    assert Counter(await statuses(apps)) == {"awarded": 1, "in_review": 19}


async def test_twenty_concurrent_awards_with_quota_for_one_make_exactly_one(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP] * 20, budget="92000.00", quota=1)
    responses = await asyncio.gather(*(award(client, call_id, staff, application_id=a) for a in apps))
    assert Counter(r.status_code for r in responses) == {201: 1, 409: 19}
    assert {r.json()["detail"] for r in responses if r.status_code == 409} == {
        "The call's quota of 1 award(s) is used up."
    }
    awards = await live_awards(call_id)
    assert len(awards) == 1
    assert sum(cents for _, cents in awards) <= 9_200_000


async def test_auto_awards_down_the_ranking_then_reserve_and_rejected(client):
    call_id, apps, staff, _ = await scored_call(
        client, [FAILS, TOP, THIRD, SECOND], budget="9200.00", quota=4
    )
    response = await award(client, call_id, staff, auto=True)
    assert response.status_code == 201, response.text
    result = response.json()
    assert [(a["application_id"], a["amount"], a["status"]) for a in result["awarded"]] == [
        (apps[1], "4600.00", "awarded"),
        (apps[3], "4600.00", "awarded"),
    ]
    assert (result["reserve"], result["rejected"]) == ([apps[2]], [apps[0]])
    assert await statuses(apps) == ["rejected", "awarded", "reserve", "awarded"]
    assert await live_awards(call_id) == [(apps[1], 460_000), (apps[3], 460_000)]
    assert (await client.get(f"/api/calls/{call_id}")).json()["status"] == "decided"
    # Running it again decides nothing new and awards nothing twice.
    again = (await award(client, call_id, staff, auto=True)).json()
    assert again == {"awarded": [], "reserve": [apps[2]], "rejected": []}
    assert await live_awards(call_id) == [(apps[1], 460_000), (apps[3], 460_000)]


async def test_auto_stops_at_the_first_passed_application_that_does_not_fit(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND, THIRD], budget="7600.00", quota=3)
    # The third asks for less (set directly: the shared helper makes every application 4600.00).
    await Application.update({Application.requested_cents: 300_000}).where(Application.id == apps[2])
    result = (await award(client, call_id, staff, auto=True)).json()
    # 3000.00 are left: the second does not fit, and the cheaper third is not funded ahead of it.
    assert [a["application_id"] for a in result["awarded"]] == [apps[0]]
    assert (result["reserve"], result["rejected"]) == ([apps[1], apps[2]], [])
    # Staff fill the rest by hand: the first reserve application that fits.
    filled = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert (filled.json()["application_id"], filled.json()["amount"]) == (apps[2], "3000.00")
    assert await live_awards(call_id) == [(apps[0], 460_000), (apps[2], 300_000)]


async def test_an_amount_or_a_choice_off_the_ranking_needs_a_reason(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP, FAILS], budget="9200.00", quota=2, close=False)
    early = await award(client, call_id, staff, application_id=apps[0])
    assert early.status_code == 409
    assert early.json()["detail"] == "Awards are made after the call's deadline and before it is archived."
    await client.post(f"/api/calls/{call_id}/close", headers=staff)

    above = await award(client, call_id, staff, application_id=apps[0], amount="4600.01", reason="Kļūda")
    assert above.status_code == 422
    assert above.json()["extra"] == {"amount": "The award can be at most €4,600.00, the requested amount."}
    bare = await award(client, call_id, staff, application_id=apps[0], amount="3000.00")
    assert bare.json()["extra"] == {"reason": "Give the reason for changing the amount."}
    not_passed = await award(client, call_id, staff, application_id=apps[1])
    assert not_passed.status_code == 422
    assert not_passed.json()["extra"] == {
        "reason": "The application did not pass the evaluation: give the reason for awarding it."
    }
    assert await live_awards(call_id) == []

    reason = "Budžetā divreiz ieskaitīts autobuss."
    lowered = await award(client, call_id, staff, application_id=apps[0], amount="3000.00", reason=reason)
    assert lowered.status_code == 201
    assert (lowered.json()["application_id"], lowered.json()["amount"]) == (apps[0], "3000.00")
    logged = (
        await AuditEntry.select(AuditEntry.data)
        .where((AuditEntry.entity == "award") & (AuditEntry.entity_id == str(lowered.json()["id"])))
        .output(load_json=True)
        .first()
    )
    assert (logged["data"]["how"], logged["data"]["reason"], logged["data"]["requested"]) == (
        "override",
        reason,
        "4600.00",
    )
    chosen = await award(
        client, call_id, staff, application_id=apps[1], reason="Vienīgais projekts Misas pagastā."
    )
    assert chosen.status_code == 201
    assert await live_awards(call_id) == [(apps[0], 300_000), (apps[1], 460_000)]
    twice = await award(client, call_id, staff, application_id=apps[0])
    assert twice.status_code == 409
    other_call, other_apps, _, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    assert (await award(client, call_id, staff, application_id=other_apps[0])).status_code == 404
    assert await live_awards(other_call) == []


async def test_decline_gives_the_place_to_the_next_reserve(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND, THIRD], budget="9200.00", quota=3)
    result = (await award(client, call_id, staff, auto=True)).json()
    first, second = result["awarded"]
    assert result["reserve"] == [apps[2]]
    full = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert full.status_code == 409
    assert full.json()["detail"] == "No application on the reserve list fits the remaining budget."

    grantee = await bearer(client, await member_of(apps[0]))
    stranger = await bearer(client, await member_of(apps[1]))
    assert (
        await client.post(f"/api/awards/{first['id']}/decline", json={}, headers=stranger)
    ).status_code == 404
    no_reason = await client.post(f"/api/awards/{first['id']}/decline", json={}, headers=staff)
    assert no_reason.json()["extra"] == {"reason": "Give the reason for declining the award."}
    declined = await client.post(f"/api/awards/{first['id']}/decline", headers=grantee)  # no body
    assert declined.status_code == 200
    assert declined.json() == {
        "id": first["id"],
        "application_id": apps[0],
        "amount": "4600.00",
        "status": "declined",
    }
    again = await client.post(f"/api/awards/{first['id']}/decline", json={}, headers=grantee)
    assert again.status_code == 409
    assert await statuses(apps) == ["rejected", "awarded", "reserve"]
    logged = (
        await AuditEntry.select(AuditEntry.data)
        .where(
            (AuditEntry.entity == "application")
            & (AuditEntry.entity_id == str(apps[0]))
            & (AuditEntry.action == "rejected")
        )
        .output(load_json=True)
    )
    assert [e["data"]["reason"] for e in logged] == ["declined by the applicant"]

    moved_up = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert moved_up.status_code == 201
    assert (moved_up.json()["application_id"], moved_up.json()["amount"]) == (apps[2], "4600.00")
    assert await statuses(apps) == ["rejected", "awarded", "awarded"]
    assert await live_awards(call_id) == [(apps[1], 460_000), (apps[2], 460_000)]
    assert second["application_id"] == apps[1]
    empty = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert empty.status_code == 409


async def test_awards_list_shows_the_own_organisation_only(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND], budget="9200.00", quota=2)
    result = (await award(client, call_id, staff, auto=True)).json()
    mine = result["awarded"][0]
    reference = (await Application.select(Application.reference).where(Application.id == apps[0]).first())[
        "reference"
    ]
    grantee = await bearer(client, await member_of(apps[0]))
    assert (await client.get("/api/awards", headers=grantee)).json() == [
        {
            "id": mine["id"],
            "call_id": call_id,
            "application_id": apps[0],
            "reference": reference,
            "amount": "4600.00",
            "status": "awarded",
            "payments": [],
            "agreement": None,
        }
    ]
    outsider = await applicant_headers(client)
    assert (await client.get("/api/awards", headers=outsider)).json() == []
    reviewer = await bearer(client, await make_user(Role.reviewer))
    assert (await client.get("/api/awards", headers=reviewer)).json() == []
    everything = (await client.get("/api/awards", headers=staff)).json()
    assert [a["application_id"] for a in everything if a["call_id"] == call_id] == apps
    assert (await client.get("/api/awards")).status_code == 401


async def test_only_staff_award(client):
    call_id, apps, _staff, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    applicant = await bearer(client, await member_of(apps[0]))
    reviewer = await bearer(client, await make_user(Role.reviewer))
    for headers in (applicant, reviewer):
        for body in ({"application_id": apps[0]}, {"auto": True}):
            refused = await award(client, call_id, headers, **body)
            assert refused.status_code == 403
        next_one = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=headers)
        assert next_one.status_code == 403
    assert (await award(client, call_id, {}, auto=True)).status_code == 401
    assert await live_awards(call_id) == []
    assert await statuses(apps) == ["in_review"]


async def test_decision_mails_carry_score_and_comments_but_not_the_reviewer(client):
    comments = ["Izcils projekts, skaidrs budžets.", "Labs mērķis.", "Vājš pamatojums."]
    call_id, apps, staff, reviewer_email = await scored_call(
        client, [TOP, SECOND, FAILS], budget="4600.00", quota=1, comments=comments
    )
    assert (await award(client, call_id, staff, auto=True)).status_code == 201
    expected = [("awarded", "26.00"), ("reserve", "22.00"), ("rejected", "15.00")]
    for application_id, comment, (decision, score) in zip(apps, comments, expected, strict=True):
        address = await member_of(application_id)
        mails = await OutboxMessage.select(
            OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.dedupe_key, OutboxMessage.language
        ).where(OutboxMessage.dedupe_key.like(f"decision:{application_id}:%"))
        # In the member's own language (their profile's: registration stores the request's language).
        language = await language_of(await user_id_of(address))
        assert [(m["dedupe_key"], m["language"]) for m in mails] == [
            (f"decision:{application_id}:{decision}:{address}", language)
        ]
        body = mails[0]["body_text"]
        assert score in body
        assert f"- {comment}" in body
        assert [c for c in comments if c in body] == [comment]  # no other application's comments
        for leak in (REVIEWER_NAME, "Ilze", reviewer_email):
            assert leak not in body
            assert leak not in mails[0]["subject"]
    awarded = (
        await OutboxMessage.select(OutboxMessage.body_text, OutboxMessage.language)
        .where(OutboxMessage.dedupe_key.like(f"decision:{apps[0]}:awarded:%"))
        .first()
    )
    # The amount as the reader's language writes money: "4 600,00 €" or "€4,600.00".
    assert display_cents(460_000, awarded["language"]) in awarded["body_text"]
    assert "EUR" not in awarded["body_text"]


async def test_award_of_an_application_id_beyond_the_id_columns_is_404_not_a_500(client):
    call_id, apps, staff, _ = await scored_call(client, [TOP], budget="4600.00", quota=1)
    response = await award(client, call_id, staff, application_id=9_999_999_999)
    assert (response.status_code, response.json()["detail"]) == (404, "Not found.")
    assert await live_awards(call_id) == []
