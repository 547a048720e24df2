"""National approval of a call's award decision is IKVD's oversight: only national staff switch a
call's requires_approval. A municipal staff member's new call requires it; on their set-up form it is
a fact, not a switch; the service and the API refuse a change from them (422 on the field)."""

from __future__ import annotations

import pytest

from grants.calls import service
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.errors import ValidationFailed
from tests.factories.accounts import bearer, login, make_user, post_form
from tests.factories.calls import call_payload
from tests.factories.scoring import principal_of
from tests.html import attr_of, field_error, text_of, texts_of

pytestmark = pytest.mark.integration

FORM = {
    "municipality_code": "LV-016",
    "title": "Bauskas jauniešu iniciatīvas 2027",
    "budget": "46000",
    "max_amount": "4600",
    "quota": "10",
    "advance_percent": "90",
    "opens_at": "2027-03-01T09:00",
    "closes_at": "2027-06-30T23:59",
    "applications_per_organisation": "1",
    "min_months": "3",
    "max_months": "18",
    "score_threshold": "30",
    "aggregation": "mean",
    "reviewers_per_application": "2",
    "payment_method": "lump_sum",
}


async def requires_approval(call_id: int) -> bool:
    row = await Call.select(Call.requires_approval).where(Call.id == call_id).first()
    return row["requires_approval"]


async def browser(make_client, municipality: str | None = None, language: str = "en"):
    client = make_client(language=language)
    email = await make_user(Role.staff, municipality)
    await login(client, email)
    return client, await principal_of(email)


async def test_municipal_staff_read_national_approval_as_a_fact_and_their_new_call_requires_it(make_client):
    municipal, _ = await browser(make_client, "LV-016")
    form = await municipal.get("/admin/calls/new")
    assert form.status_code == 200
    assert attr_of(form.text, "#f-requires_approval", "type") is None  # no switch
    assert texts_of(form.text, "#requires-approval-fact p") == [
        "National approval",
        "National staff (IKVD) approve the award decision before agreements are signed.",
        "Only national staff (IKVD) change this.",
    ]
    # A switch posted all the same (a crafted form) changes nothing: the form does not read it.
    created = await post_form(municipal, "/admin/calls/new", FORM | {"requires_approval": ""})
    assert created.status_code == 302, created.text
    call_id = int(created.headers["location"].split("/")[3])
    assert await requires_approval(call_id) is True
    setup = await municipal.get(f"/admin/calls/{call_id}/setup")
    assert attr_of(setup.text, "#f-requires_approval", "type") is None
    assert text_of(setup.text, "#requires-approval-fact p:nth-of-type(2)") == (
        "National staff (IKVD) approve the award decision before agreements are signed."
    )
    saved = await post_form(municipal, f"/admin/calls/{call_id}/setup", FORM | {"title": "Jauns nosaukums"})
    assert saved.status_code == 302, saved.text
    assert await requires_approval(call_id) is True


async def test_national_staff_switch_approval_off_and_municipal_staff_keep_it_so(make_client):
    municipal, municipal_principal = await browser(make_client, "LV-016")
    created = await post_form(municipal, "/admin/calls/new", FORM)
    call_id = int(created.headers["location"].split("/")[3])
    national, _ = await browser(make_client)
    setup = await national.get(f"/admin/calls/{call_id}/setup")
    assert attr_of(setup.text, "#f-requires_approval", "checked") == ""  # a switch, on
    saved = await post_form(national, f"/admin/calls/{call_id}/setup", FORM)  # switched off
    assert saved.status_code == 302, saved.text
    assert await requires_approval(call_id) is False
    setup = await municipal.get(f"/admin/calls/{call_id}/setup")
    assert text_of(setup.text, "#requires-approval-fact p:nth-of-type(2)") == (
        "The award decision of this call needs no national approval."
    )
    # Municipal staff's edit keeps national staff's decision.
    assert (await post_form(municipal, f"/admin/calls/{call_id}/setup", FORM)).status_code == 302
    assert await requires_approval(call_id) is False
    # The service refuses a change from them, with every other error at once.
    with pytest.raises(ValidationFailed) as refused:
        await service.edit_call(call_id, {"requires_approval": True, "title": ""}, municipal_principal)
    assert set(refused.value.errors) == {"requires_approval", "title"}
    assert await requires_approval(call_id) is False


async def test_a_municipal_clone_requires_approval(make_client):
    national, national_principal = await browser(make_client)
    call_id = await service.create_call(call_payload(requires_approval=False), national_principal)
    _, municipal = await browser(make_client, "LV-016")
    national_clone = await service.clone_call(call_id, national_principal)
    municipal_clone = await service.clone_call(call_id, municipal)
    assert (await requires_approval(national_clone), await requires_approval(municipal_clone)) == (
        False,
        True,
    )


async def test_the_api_forces_approval_on_a_municipal_call_and_refuses_a_false(client):
    municipal = await bearer(client, await make_user(Role.staff, "LV-016"))
    created = await client.post("/api/calls", json=call_payload(), headers=municipal)
    assert created.status_code == 201, created.text
    assert created.json()["requires_approval"] is True
    call_id = created.json()["id"]
    refused = await client.post("/api/calls", json=call_payload(requires_approval=False), headers=municipal)
    assert refused.status_code == 422
    assert refused.json()["extra"] == {
        "requires_approval": (
            "Only national programme staff (IKVD) decide whether a call's award decision needs "
            "national approval."
        )
    }
    refused = await client.put(
        f"/api/calls/{call_id}", json=call_payload(requires_approval=False), headers=municipal
    )
    assert (refused.status_code, list(refused.json()["extra"])) == (422, ["requires_approval"])
    assert await requires_approval(call_id) is True
    national = await bearer(client, await make_user(Role.staff))
    changed = await client.put(
        f"/api/calls/{call_id}", json=call_payload(requires_approval=False), headers=national
    )
    assert (changed.status_code, changed.json()["requires_approval"]) == (200, False)
    # Left out, an edit keeps the value; municipal staff may send it unchanged.
    kept = await client.put(f"/api/calls/{call_id}", json=call_payload(title="Cits"), headers=municipal)
    assert (kept.status_code, kept.json()["requires_approval"]) == (200, False)
    same = await client.put(
        f"/api/calls/{call_id}", json=call_payload(requires_approval=False), headers=municipal
    )
    assert same.status_code == 200, same.text
    fresh = await client.post("/api/calls", json=call_payload(), headers=national)
    assert fresh.json()["requires_approval"] is False  # national staff's default


async def test_the_form_labels_the_fixed_amount_apart_from_the_lump_sum_payment_in_latvian(make_client):
    national, _ = await browser(make_client, language="lv")
    form = await national.get("/admin/calls/new")
    assert (
        text_of(form.text, "label[for=f-fixed_amount]")
        == "Katrs projekts saņem tieši šo summu (fiksēta summa)"
    )
    assert text_of(form.text, "#f-payment_method option[value=lump_sum]").startswith("Vienreizējs maksājums")
    assert text_of(form.text, "#f-budget-hint") == "Eiro, piemēram, 4\xa0600,00"
    english, _ = await browser(make_client)
    form = await english.get("/admin/calls/new")
    assert text_of(form.text, "label[for=f-fixed_amount]") == (
        "Every project receives exactly this amount (fixed amount)"
    )
    assert text_of(form.text, "#f-budget-hint") == "In euros, e.g. 4600.00"
    # What the Latvian hint shows is accepted as typed.
    created = await post_form(
        national, "/admin/calls/new", FORM | {"budget": "46\xa0000,00", "max_amount": "4 600,00"}
    )
    assert created.status_code == 302, created.text
    call_id = int(created.headers["location"].split("/")[3])
    row = await Call.select(Call.budget_cents, Call.max_amount_cents).where(Call.id == call_id).first()
    assert row == {"budget_cents": 4_600_000, "max_amount_cents": 460_000}
    assert field_error(created.text, "budget") is None
