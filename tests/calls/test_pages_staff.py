"""The back office's call set-up (/admin/calls/new, /admin/calls/{id}/setup): rules in euros and Riga
time, criteria and documents one at a time, errors next to the fields with nothing typed lost."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from grants.calls import service
from grants.calls.tables import Call, CallDocument, Criterion
from grants.core.auth import Role
from grants.core.tables import AuditEntry
from tests.factories.accounts import login, make_user, post_form, register_applicant
from tests.factories.calls import call_payload
from tests.factories.files import pdf_bytes
from tests.factories.scoring import principal_of
from tests.html import attr_of, field_error, input_value, selected_option, textarea_value, texts_of

pytestmark = pytest.mark.integration

NEW_CALL = {
    "municipality_code": "LV-016",
    "title": "Bauskas jauniešu iniciatīvas 2027",
    "description": "Konkursa **nolikums**.",
    "budget": "46 000,50",
    "max_amount": "4600",
    "fixed_amount": "on",
    "quota": "10",
    "advance_percent": "90",
    "opens_at": "2027-03-01T09:00",
    "closes_at": "2027-06-30T23:59",
    "applications_per_organisation": "1",
    "min_months": "3",
    "max_months": "18",
    "score_threshold": "30.5",
    "aggregation": "median",
    "reviewers_per_application": "2",
    "blind_review": "on",
    "review_closes_at": "2027-07-15T17:00",
    "appeal_route": "Iesniegums Bauskas novada domei mēneša laikā.",
}


async def staff(client):
    email = await make_user(Role.staff)
    await login(client, email)
    return await principal_of(email)


async def audit_of(call_id: int) -> list[dict]:
    return (
        await AuditEntry.select(AuditEntry.action, AuditEntry.data)
        .where((AuditEntry.entity == "call") & (AuditEntry.entity_id == str(call_id)))
        .order_by(AuditEntry.id)
        .output(load_json=True)
    )


async def test_new_call_in_euros_and_riga_time_stores_cents_and_utc(client):
    await staff(client)
    form = await client.get("/admin/calls/new")
    assert (form.status_code, input_value(form.text, "max_amount")) == (200, "4600.00")
    created = await post_form(client, "/admin/calls/new", NEW_CALL)
    assert created.status_code == 302, created.text
    call_id = int(created.headers["location"].split("/")[3])
    assert created.headers["location"] == f"/admin/calls/{call_id}/setup?done=created"
    row = (
        await Call.select(
            Call.budget_cents,
            Call.max_amount_cents,
            Call.fixed_amount,
            Call.blind_review,
            Call.opens_at,
            Call.closes_at,
            Call.review_closes_at,
            Call.appeal_route,
            Call.score_threshold,
            Call.aggregation,
            Call.status,
        )
        .where(Call.id == call_id)
        .first()
    )
    as_utc = {key: row[key].replace(tzinfo=UTC) for key in ("opens_at", "closes_at", "review_closes_at")}
    assert as_utc == {
        "opens_at": datetime(2027, 3, 1, 7, 0, tzinfo=UTC),  # EET, UTC+2
        "closes_at": datetime(2027, 6, 30, 20, 59, tzinfo=UTC),  # EEST, UTC+3
        "review_closes_at": datetime(2027, 7, 15, 14, 0, tzinfo=UTC),
    }
    assert {key: row[key] for key in row if key not in as_utc} == {
        "budget_cents": 4_600_050,
        "max_amount_cents": 460_000,
        "fixed_amount": True,
        "blind_review": True,
        "appeal_route": "Iesniegums Bauskas novada domei mēneša laikā.",
        "score_threshold": Decimal("30.5"),
        "aggregation": "median",
        "status": "draft",
    }
    page = (await client.get(created.headers["location"])).text
    assert [input_value(page, key) for key in ("budget", "opens_at", "closes_at", "review_closes_at")] == [
        "46000.50",
        "2027-03-01T09:00",
        "2027-06-30T23:59",
        "2027-07-15T17:00",
    ]
    assert texts_of(page, "[role=status]") == [
        "The draft call is created. Add its criteria and documents, then preview and publish it."
    ]


async def test_new_call_errors_show_next_to_fields_all_at_once_and_keep_the_input(client):
    await staff(client)
    typed = NEW_CALL | {
        "title": "",
        "budget": "46 000,505",
        "closes_at": "30.06.2027",
        "review_closes_at": "2027-06-01T12:00",
        "description": "Mans **nolikums** <b>",
    }
    refused = await post_form(client, "/admin/calls/new", typed)
    assert refused.status_code == 422
    assert {key: field_error(refused.text, key) for key in ("title", "budget", "closes_at", "opens_at")} == {
        "title": "This field is required.",
        "budget": "Enter an amount in euros with at most two decimals, e.g. 4600.00.",
        "closes_at": "Enter a date and time in Riga time, e.g. 2026-03-01 12:00.",
        "opens_at": None,
    }
    assert input_value(refused.text, "budget") == "46 000,505"
    assert input_value(refused.text, "closes_at") == "30.06.2027"
    assert textarea_value(refused.text, "description") == "Mans **nolikums** <b>"
    assert selected_option(refused.text, "municipality_code") == "LV-016"
    assert await Call.count().where(Call.title == "") == 0
    # The review deadline is checked against the closing time once that can be read.
    again = await post_form(client, "/admin/calls/new", NEW_CALL | {"review_closes_at": "2027-06-01T12:00"})
    assert (again.status_code, field_error(again.text, "review_closes_at")) == (
        422,
        "The review deadline must come after the call closes.",
    )


async def test_criteria_are_added_changed_and_removed_one_at_a_time(client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(criteria=[]), me)
    added = await post_form(
        client,
        f"/admin/calls/{call_id}/criteria",
        {"code": "K1", "title": "Atbilstība", "kind": "quality", "max_points": "10", "weight": "1.5"},
    )
    assert added.status_code == 302
    criterion = await Criterion.select().where(Criterion.call == call_id).first()
    assert (criterion["code"], criterion["max_points"], criterion["weight"]) == ("K1", 10, Decimal("1.5"))
    # A checklist item: yes or no, no points.
    await post_form(
        client, f"/admin/calls/{call_id}/criteria", {"code": "A1", "title": "Biedrība", "kind": "eligibility"}
    )
    refused = await post_form(
        client,
        f"/admin/calls/{call_id}/criteria",
        {"code": "K1", "title": "Otrs", "kind": "quality", "max_points": "daudz", "weight": "1"},
    )
    assert refused.status_code == 422
    assert (field_error(refused.text, "new-max_points"), field_error(refused.text, "new-code")) == (
        "Enter a whole number.",
        None,  # the duplicate is the service's to find: the form's own error comes first
    )
    assert attr_of(refused.text, "#new-criterion input[name=max_points]", "value") == "daudz"
    too_long = await post_form(
        client, f"/admin/calls/{call_id}/criteria", {"code": "K9", "title": "x" * 301, "kind": "eligibility"}
    )
    assert (too_long.status_code, field_error(too_long.text, "new-title")) == (422, "At most 300 characters.")
    changed = await post_form(
        client,
        f"/admin/calls/{call_id}/criteria/{criterion['id']}",
        {
            "code": "K1",
            "title": "Atbilstība mērķim",
            "kind": "quality",
            "max_points": "20",
            "min_points": "5",
        },
    )
    assert changed.status_code == 302
    row = await Criterion.select(Criterion.title, Criterion.max_points, Criterion.min_points).where(
        Criterion.id == criterion["id"]
    )
    assert row == [{"title": "Atbilstība mērķim", "max_points": 20, "min_points": 5}]
    confirm = await client.get(f"/admin/calls/{call_id}/criteria/{criterion['id']}/remove")
    assert texts_of(confirm.text, "#what-happens") == [
        "The criterion K1 “Atbilstība mērķim” is removed from the draft call."
    ]
    assert await Criterion.count().where(Criterion.call == call_id) == 2
    removed = await post_form(client, f"/admin/calls/{call_id}/criteria/{criterion['id']}/remove", {})
    assert removed.status_code == 302
    assert await Criterion.select(Criterion.code).where(Criterion.call == call_id) == [{"code": "A1"}]
    # Another call's criterion is not reached through this call's address.
    other = await service.create_call(call_payload(), me)
    foreign = (await Criterion.select(Criterion.id).where(Criterion.call == other).first())["id"]
    response = await post_form(client, f"/admin/calls/{call_id}/criteria/{foreign}/remove", {})
    assert response.status_code == 404
    assert await Criterion.count().where(Criterion.call == other) == 3


async def test_documents_are_uploaded_and_removed_after_a_confirmation(client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(), me)
    token = client.cookies["grants_csrf"]
    uploaded = await client.post(
        f"/admin/calls/{call_id}/documents",
        data={"_csrf_token": token, "title": "Nolikums"},
        files={"file": ("nolikums.pdf", pdf_bytes(), "application/pdf")},
    )
    assert uploaded.status_code == 302
    refused = await client.post(
        f"/admin/calls/{call_id}/documents",
        data={"_csrf_token": token, "title": "Programma"},
        files={"file": ("programma.exe", b"MZ" + b"\x00" * 100, "application/octet-stream")},
    )
    assert refused.status_code == 415
    assert attr_of(refused.text, "#f-doc-title", "value") == "Programma"
    assert field_error(refused.text, "doc-file") == texts_of(refused.text, "#f-doc-file-error")[0]
    document = await CallDocument.select(CallDocument.id, CallDocument.title).where(
        CallDocument.call == call_id
    )
    assert [d["title"] for d in document] == ["Nolikums"]
    removed = await post_form(client, f"/admin/calls/{call_id}/documents/{document[0]['id']}/remove", {})
    assert removed.status_code == 302
    assert await CallDocument.count().where(CallDocument.call == call_id) == 0


async def test_published_call_changes_only_words_review_deadline_and_appeal_route(client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(), me)
    await service.publish(call_id, me)
    page = (await client.get(f"/admin/calls/{call_id}/setup")).text
    assert (input_value(page, "title"), input_value(page, "budget"), input_value(page, "code")) == (
        call_payload()["title"],
        None,
        None,
    )
    saved = await post_form(
        client,
        f"/admin/calls/{call_id}/setup",
        {
            "title": "Jauns nosaukums",
            "description": "",
            "review_closes_at": "2040-01-10T12:00",
            "appeal_route": "Domei.",
            "budget": "1.00",  # not offered, so not read
        },
    )
    assert saved.status_code == 302
    row = (
        await Call.select(Call.title, Call.appeal_route, Call.budget_cents).where(Call.id == call_id).first()
    )
    assert row == {"title": "Jauns nosaukums", "appeal_route": "Domei.", "budget_cents": 4_600_000}


async def test_decided_call_setup_is_read_only(client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(), me)
    await Call.update({Call.status: "decided"}).where(Call.id == call_id)
    page = await client.get(f"/admin/calls/{call_id}/setup")
    assert texts_of(page.text, "#read-only") == [
        "This call is Decided: its set-up is kept as it was decided and can no longer change."
    ]
    assert input_value(page.text, "title") is None
    refused = await post_form(client, f"/admin/calls/{call_id}/setup", {"title": "Cits"})
    assert refused.status_code == 409
    assert texts_of(refused.text, ".error-summary p") == [
        "This call is decided: its set-up can no longer change."
    ]


async def test_non_staff_get_403_and_change_nothing(client, make_client):
    me = await principal_of(await make_user(Role.staff))
    call_id = await service.create_call(call_payload(title="SLEPENS-MELNRAKSTS"), me)
    applicant_email, _ = await register_applicant(client)
    for email in (
        await make_user(Role.reviewer),
        applicant_email,
        await make_user(Role.coordinator, "LV-016"),
    ):
        browser = make_client()
        await login(browser, email)
        for url in ("/admin/calls/new", f"/admin/calls/{call_id}/setup", f"/admin/calls/{call_id}/preview"):
            response = await browser.get(url)
            assert (response.status_code, "SLEPENS" in response.text) == (403, False), url
        for url in (f"/admin/calls/{call_id}/setup", f"/admin/calls/{call_id}/publish"):
            response = await post_form(browser, url, {"title": "Pārņemts"})
            assert response.status_code == 403
    assert await Call.select(Call.title, Call.status).where(Call.id == call_id) == [
        {"title": "SLEPENS-MELNRAKSTS", "status": "draft"}
    ]
    assert [entry["action"] for entry in await audit_of(call_id)] == ["create"]
