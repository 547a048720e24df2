"""Calls change in the panel only through its forms, which call the calls service: the same rules
and the same audit as the API (the grant_call and call_criterion tables are read-only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from grants.calls.tables import Call, Criterion
from grants.core.time import now
from tests.factories.calls import published_call
from tests.factories.panel import audit_rows, panel_staff

pytestmark = pytest.mark.integration


def _new_call(**overrides) -> dict:
    opens = now() + timedelta(days=3)
    return {
        "municipality_code": "LV-016",
        "title": "Panel call",
        "budget": "46000.00",
        "max_amount": "4600.00",
        "quota": 10,
        "opens_at": opens.isoformat(),
        "closes_at": (opens + timedelta(days=30)).isoformat(),
    } | overrides


async def _form(client, headers, slug: str, data: dict):
    return await client.post(f"/admin/data/api/forms/{slug}/", json=data, headers=headers)


async def _draft(client, headers, **overrides) -> int:
    response = await _form(client, headers, "create-a-call", _new_call(**overrides))
    assert response.status_code == 200, response.text
    return (await Call.select(Call.id).order_by(Call.id, ascending=False).first())["id"]


async def test_panel_form_creates_a_draft_call_with_an_audit_row(client):
    headers = await panel_staff(client)
    call_id = await _draft(client, headers, title="Jauns konkurss")
    row = await Call.select(Call.title, Call.status, Call.budget_cents, Call.quota).where(Call.id == call_id)
    assert row == [{"title": "Jauns konkurss", "status": "draft", "budget_cents": 4_600_000, "quota": 10}]
    entries = [e for e in await audit_rows("call") if e["entity_id"] == str(call_id)]
    assert [e["action"] for e in entries] == ["create"]


async def test_panel_form_refuses_a_call_that_closes_before_it_opens(client):
    headers = await panel_staff(client)
    opens = now() + timedelta(days=3)
    response = await _form(
        client,
        headers,
        "create-a-call",
        _new_call(title="Backwards call", closes_at=(opens - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 422
    assert response.json() == {"custom_form_error": "closes_at: The call must close after it opens."}
    assert await Call.count().where(Call.title == "Backwards call") == 0


async def test_panel_form_edits_a_draft_call_and_audits_the_change(client):
    headers = await panel_staff(client)
    call_id = await _draft(client, headers)
    response = await _form(client, headers, "edit-a-call", {"call_id": call_id, "budget": "92000.00"})
    assert response.json() == {"custom_form_success": f"The call {call_id} is changed."}
    assert await Call.select(Call.budget_cents).where(Call.id == call_id) == [{"budget_cents": 9_200_000}]
    entries = [e for e in await audit_rows("call") if e["entity_id"] == str(call_id)]
    assert entries[-1]["action"] == "update"
    assert entries[-1]["data"] == {
        "before": {"budget_cents": 4_600_000},
        "after": {"budget_cents": 9_200_000},
    }


async def test_panel_form_cannot_change_rules_of_a_published_call(client):
    call = await published_call(client, title="Published rules")
    headers = await panel_staff(client)
    budget = await _form(client, headers, "edit-a-call", {"call_id": call["id"], "budget": "92000.00"})
    assert budget.status_code == 422
    assert budget.json() == {
        "custom_form_error": "Only the title, description, review deadline and appeal route of a published call can change."
    }
    renamed = await _form(client, headers, "edit-a-call", {"call_id": call["id"], "title": "Renamed"})
    assert renamed.status_code == 200, renamed.text
    row = await Call.select(Call.status, Call.title, Call.budget_cents).where(Call.id == call["id"]).first()
    assert row == {"status": "published", "title": "Renamed", "budget_cents": 4_600_000}


async def test_panel_forms_add_change_and_remove_a_criterion_of_a_draft(client):
    headers = await panel_staff(client)
    call_id = await _draft(client, headers)
    added = await _form(
        client,
        headers,
        "add-a-criterion",
        {"call_id": call_id, "code": "K1", "title": "Atbilstība", "kind": "quality", "max_points": 10},
    )
    assert added.status_code == 200, added.text
    twice = await _form(
        client,
        headers,
        "add-a-criterion",
        {"call_id": call_id, "code": "K1", "title": "Otrs", "kind": "quality", "max_points": 5},
    )
    assert twice.json() == {"custom_form_error": "code: The code K1 is used twice."}
    criterion = await Criterion.select(Criterion.id).where(Criterion.call == call_id).first()
    changed = await _form(
        client, headers, "change-a-criterion", {"criterion_id": criterion["id"], "weight": "2.5"}
    )
    assert changed.status_code == 200, changed.text
    stored = await Criterion.select(Criterion.code, Criterion.weight, Criterion.max_points).where(
        Criterion.call == call_id
    )
    assert [(r["code"], str(r["weight"].normalize()), r["max_points"]) for r in stored] == [("K1", "2.5", 10)]
    removed = await _form(client, headers, "remove-a-criterion", {"criterion_id": criterion["id"]})
    assert removed.status_code == 200, removed.text
    assert await Criterion.count().where(Criterion.call == call_id) == 0
    actions = [e["action"] for e in await audit_rows("call") if e["entity_id"] == str(call_id)]
    assert actions == ["create", "add_criterion", "change_criterion", "remove_criterion"]


async def test_panel_forms_refuse_criterion_changes_of_a_published_call(client):
    call = await published_call(client)
    headers = await panel_staff(client)
    criteria = await Criterion.select().where(Criterion.call == call["id"]).order_by(Criterion.id)
    message = {"custom_form_error": "The criteria of a published call cannot change."}
    for slug, data in (
        ("add-a-criterion", {"call_id": call["id"], "code": "K9", "title": "Vēl", "kind": "quality"}),
        ("change-a-criterion", {"criterion_id": criteria[1]["id"], "weight": "9"}),
        ("remove-a-criterion", {"criterion_id": criteria[1]["id"]}),
    ):
        response = await _form(client, headers, slug, data)
        assert response.status_code == 422, slug
        assert response.json() == message, slug
    assert await Criterion.select().where(Criterion.call == call["id"]).order_by(Criterion.id) == criteria


async def test_panel_form_closes_a_call(client):
    call = await published_call(client)
    headers = await panel_staff(client)
    response = await _form(client, headers, "close-a-call", {"call_id": call["id"]})
    assert response.json() == {"custom_form_success": f"The call {call['id']} is now “Closed”."}
    again = await _form(client, headers, "close-a-call", {"call_id": call["id"]})
    assert again.status_code == 422
    assert again.json() == {"custom_form_error": "The call is closed; this step needs it published."}


async def test_form_labels_say_what_to_type_and_where_the_call_id_is(client):
    """piccolo-admin's forms show a field's title and not its description: the hint is in the title,
    and the id the forms ask for is said to be the number in the row's address (piccolo-admin's list
    cannot show the primary key as a column: its page breaks on a column outside the row schema)."""
    await panel_staff(client)
    schema = (await client.get("/admin/data/api/forms/create-a-call/schema/")).json()
    titles = {name: field["title"] for name, field in schema["properties"].items()}
    assert titles["budget"] == "Budget (in euros, e.g. 46000.00)"
    assert titles["opens_at"] == "Opens At (Riga time)"
    assert titles["municipality_code"] == "Municipality Code (e.g. LV-016)"
    edit = (await client.get("/admin/data/api/forms/edit-a-call/schema/")).json()
    assert edit["properties"]["call_id"]["title"] == (
        "Call Id (the number in its row's address in Grant Call, e.g. 5 in #/grant_call/5)"
    )
    table = (await client.get("/admin/data/api/tables/grant_call/schema/")).json()
    assert set(table["extra"]["visible_column_names"]) <= set(table["properties"])


async def test_panel_form_names_the_new_status_in_latvian(make_client):
    """The status in the form's answer is the word the staff pages use, not the stored value."""
    latvian = make_client(language=None)
    headers = await panel_staff(latvian)
    call_id = await _draft(latvian, headers)
    added = {"call_id": call_id, "code": "K1", "title": "Kvalitāte", "kind": "quality", "max_points": 10}
    assert (await _form(latvian, headers, "add-a-criterion", added)).status_code == 200
    response = await _form(latvian, headers, "publish-a-call", {"call_id": call_id})
    assert response.json() == {"custom_form_success": f"Konkursa Nr. {call_id} statuss tagad ir “Publicēts”."}
