"""The calls service's edit functions: one for the API's PUT and the panel's forms, with the rules of
which fields may change in which state, and the criteria of a draft one at a time."""

from __future__ import annotations

import pytest

from grants.calls import service
from grants.calls.tables import Call, Criterion
from grants.core.errors import Conflict, ValidationFailed
from grants.core.tables import AuditEntry
from tests.factories.accounts import staff_headers
from tests.factories.calls import call_payload, published_call

pytestmark = pytest.mark.integration


async def _draft(client) -> int:
    created = await client.post("/api/calls", json=call_payload(), headers=await staff_headers(client))
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def test_edit_of_a_published_call_changes_words_only_and_audits_the_change(client):
    call = await published_call(client)
    with pytest.raises(Conflict) as refused:
        await service.edit_call(call["id"], {"quota": 99, "title": "Jauns nosaukums"}, None)
    assert (
        refused.value.message
        == "Only the title, description, review deadline and appeal route of a published call can change."
    )
    await service.edit_call(call["id"], {"title": "Jauns nosaukums"}, None)
    row = await Call.select(Call.title, Call.quota, Call.status).where(Call.id == call["id"]).first()
    assert row == {"title": "Jauns nosaukums", "quota": 10, "status": "published"}
    entry = (
        await AuditEntry.select(AuditEntry.action, AuditEntry.data)
        .where((AuditEntry.entity == "call") & (AuditEntry.entity_id == str(call["id"])))
        .order_by(AuditEntry.id, ascending=False)
        .output(load_json=True)
        .first()
    )
    assert entry == {
        "action": "update",
        "data": {"before": {"title": call["title"]}, "after": {"title": "Jauns nosaukums"}},
    }


async def test_edit_sending_a_published_call_its_own_values_is_no_rule_change(client):
    call = await published_call(client)
    await service.edit_call(call["id"], {"budget": "46000.00", "quota": 10, "description": "Cits."}, None)
    assert await Call.select(Call.description).where(Call.id == call["id"]) == [{"description": "Cits."}]


async def test_api_put_of_a_published_call_is_refused_by_the_same_function(client):
    call = await published_call(client)
    headers = await staff_headers(client)
    response = await client.put(
        f"/api/calls/{call['id']}", json=call_payload(title="Renamed"), headers=headers
    )
    assert response.status_code == 409
    assert await Call.select(Call.title).where(Call.id == call["id"]) == [{"title": call["title"]}]


async def test_edit_checks_the_whole_call_and_lists_each_problem(client):
    call_id = await _draft(client)
    with pytest.raises(ValidationFailed) as invalid:
        await service.edit_call(call_id, {"budget": "10.00", "min_months": 20}, None)
    assert invalid.value.errors == {
        "min_months": "The shortest project cannot be longer than the longest.",
        "budget": "The budget must cover at least one grant of the maximum amount.",
    }
    assert await Call.select(Call.budget_cents).where(Call.id == call_id) == [{"budget_cents": 4_600_000}]


async def test_edit_of_a_missing_call_or_criterion_is_a_lookup_error(client):
    with pytest.raises(LookupError):
        await service.edit_call(2_000_000_000, {"title": "Nav"}, None)
    for step in (
        service.change_criterion(2_000_000_000, {"title": "Nav"}, None),
        service.remove_criterion(2_000_000_000, None),
    ):
        with pytest.raises(LookupError):
            await step


async def test_criterion_change_keeps_the_other_criteria_and_their_ids(client):
    call_id = await _draft(client)
    before = (
        await Criterion.select(Criterion.id, Criterion.code)
        .where(Criterion.call == call_id)
        .order_by(Criterion.id)
    )
    await service.change_criterion(before[1]["id"], {"max_points": 20}, None)
    after = (
        await Criterion.select(Criterion.id, Criterion.code, Criterion.max_points)
        .where(Criterion.call == call_id)
        .order_by(Criterion.id)
    )
    assert [(r["id"], r["code"]) for r in after] == [(r["id"], r["code"]) for r in before]
    assert [r["max_points"] for r in after] == [0, 20, 10]
    with pytest.raises(ValidationFailed) as invalid:
        await service.change_criterion(before[2]["id"], {"min_points": 50}, None)
    assert invalid.value.errors == {
        "criteria.2.min_points": "The minimum must lie between 0 and the maximum points."
    }
