"""Calls: staff create, publish and close them; the public reads only what is published."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from grants.core.time import now
from tests.factories.accounts import bearer, make_user, staff_headers
from tests.factories.calls import call_payload, published_call
from tests.html import texts_of

pytestmark = pytest.mark.integration


async def test_staff_creates_a_draft_call_with_criteria(client):
    headers = await staff_headers(client)
    response = await client.post(
        "/api/calls", json=call_payload(title="Bauskas konkurss 2026"), headers=headers
    )
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "draft"
    assert body["municipality"] == {"code": "LV-016", "name": "Bauskas novads"}
    assert (body["budget"], body["max_amount"], body["fixed_amount"]) == ("46000.00", "4600.00", False)
    assert [
        (c["code"], c["kind"], c["max_points"], c["weight"], c["min_points"]) for c in body["criteria"]
    ] == [
        ("A1", "eligibility", 0, "1", None),
        ("K1", "quality", 10, "2", None),
        ("K2", "quality", 10, "1", 3),
    ]


async def test_draft_call_is_invisible_to_the_public_and_applicants(client, make_client):
    headers = await staff_headers(client)
    draft = (
        await client.post("/api/calls", json=call_payload(title="Slepens melnraksts"), headers=headers)
    ).json()
    anonymous = make_client()
    assert (await anonymous.get(f"/api/calls/{draft['id']}")).status_code == 404
    assert draft["id"] not in [c["id"] for c in (await anonymous.get("/api/calls")).json()]
    assert "Slepens melnraksts" not in (await anonymous.get("/calls")).text
    assert (await anonymous.get(f"/calls/{draft['id']}")).status_code == 404
    applicant = await bearer(anonymous, await make_user(Role.applicant))
    assert (await anonymous.get(f"/api/calls/{draft['id']}", headers=applicant)).status_code == 404
    # Staff see it.
    assert (await client.get(f"/api/calls/{draft['id']}", headers=headers)).json()[
        "title"
    ] == "Slepens melnraksts"


@pytest.mark.parametrize("role", [Role.applicant, Role.reviewer, Role.coordinator])
async def test_only_staff_create_calls(client, role):
    headers = await bearer(client, await make_user(role, "LV-016" if role == Role.coordinator else None))
    response = await client.post("/api/calls", json=call_payload(), headers=headers)
    assert response.status_code == 403
    assert await Call.count().where(Call.title == "never created by " + role.value) == 0


async def test_anonymous_create_call_gets_401(client):
    assert (await client.post("/api/calls", json=call_payload())).status_code == 401


async def test_call_validation_lists_each_problem(client):
    headers = await staff_headers(client)
    opens = now() + timedelta(days=5)
    response = await client.post(
        "/api/calls",
        json=call_payload(
            title="",
            budget="1000.00",
            opens_at=opens.isoformat(),
            closes_at=(opens - timedelta(hours=1)).isoformat(),
            municipality_code="LV-102",
            min_months=20,
            criteria=[
                {"code": "K1", "title": "a", "kind": "quality", "max_points": 10, "min_points": 11},
                {"code": "K1", "title": "b", "kind": "quality", "max_points": 0},
            ],
        ),
        headers=headers,
    )
    assert response.status_code == 422
    assert sorted(response.json()["extra"]) == [
        "budget",
        "closes_at",
        "criteria.0.min_points",
        "criteria.1.code",
        "criteria.1.max_points",
        "min_months",
        "municipality_code",
        "title",
    ]


@pytest.mark.parametrize("budget", [46000.0, "46000.001", "-100.00", "46 000"])
async def test_call_budget_must_be_a_decimal_string(client, budget):
    headers = await staff_headers(client)
    response = await client.post("/api/calls", json=call_payload(budget=budget), headers=headers)
    assert response.status_code in (400, 422)
    assert "budget" in str(response.json()["extra"])


# NaN and the infinities failed the comparison with zero (a 500 on both databases); 10,000 and more
# overflowed the NUMERIC(6, 2) column on PostgreSQL (a 500 there).
@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "1e999", "10000", "9999.995", 10**30])
async def test_threshold_and_weight_must_fit_their_column(client, value):
    headers = await staff_headers(client)
    criteria = call_payload()["criteria"]
    criteria[1] = criteria[1] | {"weight": value}
    payload = call_payload(score_threshold=value, criteria=criteria)
    response = await client.post("/api/calls", json=payload, headers=headers)
    assert response.status_code == 422
    assert sorted(response.json()["extra"]) == ["criteria.1.weight", "score_threshold"]


async def test_the_largest_threshold_and_weight_are_stored(client):
    headers = await staff_headers(client)
    criteria = call_payload()["criteria"]
    criteria[1] = criteria[1] | {"weight": "9999.99"}
    payload = call_payload(score_threshold="9999.99", criteria=criteria)
    response = await client.post("/api/calls", json=payload, headers=headers)
    assert response.status_code == 201
    assert (response.json()["score_threshold"], response.json()["criteria"][1]["weight"]) == (
        "9999.99",
        "9999.99",
    )


async def test_naive_times_are_refused(client):
    headers = await staff_headers(client)
    response = await client.post(
        "/api/calls", json=call_payload(opens_at="2026-12-01T10:00:00"), headers=headers
    )
    assert response.status_code == 422
    assert list(response.json()["extra"]) == ["opens_at"]


async def test_publish_needs_a_quality_criterion(client):
    headers = await staff_headers(client)
    only_eligibility = [{"code": "A1", "title": "Biedrība", "kind": "eligibility"}]
    call = (
        await client.post("/api/calls", json=call_payload(criteria=only_eligibility), headers=headers)
    ).json()
    response = await client.post(f"/api/calls/{call['id']}/publish", headers=headers)
    assert response.status_code == 409
    assert response.json()["detail"] == "Add at least one quality criterion before publishing."


async def test_publish_then_close_with_audit_and_no_double_steps(client):
    staff = await make_user(Role.staff)
    headers = await bearer(client, staff)
    call = (await client.post("/api/calls", json=call_payload(), headers=headers)).json()
    assert (await client.post(f"/api/calls/{call['id']}/close", headers=headers)).status_code == 409
    published = await client.post(f"/api/calls/{call['id']}/publish", headers=headers)
    assert published.json() == {"id": call["id"], "status": "published"}
    assert (await client.post(f"/api/calls/{call['id']}/publish", headers=headers)).status_code == 409
    public = (await client.get(f"/api/calls/{call['id']}")).json()
    assert (public["status"], public["phase"]) == ("published", "open")
    closed = await client.post(f"/api/calls/{call['id']}/close", headers=headers)
    assert closed.json() == {"id": call["id"], "status": "closed"}
    trail = await (
        AuditEntry.select(AuditEntry.action, AuditEntry.actor_email)
        .where((AuditEntry.entity == "call") & (AuditEntry.entity_id == str(call["id"])))
        .order_by(AuditEntry.id)
    )
    assert trail == [
        {"action": "create", "actor_email": staff},
        {"action": "published", "actor_email": staff},
        {"action": "closed", "actor_email": staff},
    ]


async def test_published_call_cannot_be_rewritten(client):
    headers = await staff_headers(client)
    call = await published_call(client)
    response = await client.put(
        f"/api/calls/{call['id']}", json=call_payload(title="Changed"), headers=headers
    )
    assert response.status_code == 409
    assert (await client.get(f"/api/calls/{call['id']}")).json()["title"] == call["title"]


async def test_phase_follows_the_clock(client):
    upcoming = await published_call(
        client,
        opens_at=(now() + timedelta(days=2)).isoformat(),
        closes_at=(now() + timedelta(days=9)).isoformat(),
    )
    open_call = await published_call(client)
    listed = {c["id"]: c["phase"] for c in (await client.get("/api/calls")).json()}
    assert (listed[upcoming["id"]], listed[open_call["id"]]) == ("upcoming", "open")
    # The deadline passes with nothing running: the call reads as closed at once.
    await Call.update({Call.closes_at: now() - timedelta(seconds=1)}).where(Call.id == open_call["id"])
    after = (await client.get(f"/api/calls/{open_call['id']}")).json()
    assert (after["status"], after["phase"]) == ("published", "closed")
    only_open = [c["id"] for c in (await client.get("/api/calls", params={"phase": "open"})).json()]
    assert open_call["id"] not in only_open


async def test_calls_page_filters_by_municipality(client):
    await published_call(client, title="Bauskas konkurss", municipality_code="LV-016")
    await published_call(client, title="Ogres konkurss", municipality_code="LV-067")
    page = await client.get("/calls", params={"municipality": "LV-067"})
    assert "Ogres konkurss" in texts_of(page.text, "h3")
    assert "Bauskas konkurss" not in page.text


async def test_call_page_shows_deadline_in_riga_time_and_escapes_rules(make_client):
    client = make_client(language=None)
    closes = datetime(2031, 12, 1, 10, 0, tzinfo=UTC)  # 12:00 in Riga (EET)
    call = await published_call(
        client, closes_at=closes.isoformat(), description="**Svarīgi** <script>alert('x')</script>"
    )
    page = await client.get(f"/calls/{call['id']}")
    assert "2031. gada 1. decembris 12:00" in texts_of(page.text, "dd")
    assert "Svarīgi" in texts_of(page.text, "strong")
    assert "<script>alert" not in page.text
    assert "&lt;script&gt;alert" in page.text
    assert "līdz 4\xa0600,00\xa0€" in texts_of(page.text, "dd")
