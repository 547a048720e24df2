"""A call's lifecycle in the back office: clone, preview and publish, extend the deadline (mailed to
the organisations with drafts, in their language, audited), close early, delete a draft."""

from __future__ import annotations

from datetime import UTC, timedelta

import pytest

from grants.accounts.queries import load_principal
from grants.applications.service import drafts
from grants.calls import service
from grants.calls.forms import riga_text
from grants.calls.tables import Call, CallDocument, Criterion
from grants.core.auth import Role
from grants.core.storage import get_storage
from grants.core.time import format_riga, now, riga_local
from tests.factories.accounts import login, make_user, post_form, register_applicant
from tests.factories.calls import call_payload
from tests.factories.files import pdf_bytes
from tests.factories.mail import outbox_for
from tests.factories.scoring import principal_of
from tests.html import parse, texts_of

pytestmark = pytest.mark.integration


async def staff(client):
    email = await make_user(Role.staff)
    await login(client, email)
    return await principal_of(email)


async def audit_of(call_id: int) -> list[dict]:
    from grants.core.tables import AuditEntry

    return (
        await AuditEntry.select(AuditEntry.action, AuditEntry.data)
        .where((AuditEntry.entity == "call") & (AuditEntry.entity_id == str(call_id)))
        .order_by(AuditEntry.id)
        .output(load_json=True)
    )


async def chunks(data: bytes):
    yield data


async def test_clone_copies_rules_criteria_and_documents_with_dates_a_year_on(client):
    me = await staff(client)
    earlier = await service.create_call(
        call_payload(
            appeal_route="Domei.", quota=7, review_closes_at=(now() + timedelta(days=40)).isoformat()
        ),
        me,
    )
    await service.add_document(earlier, me, "Nolikums", "nolikums.pdf", chunks(pdf_bytes("Nolikums")))
    cloned = await post_form(client, f"/admin/calls/{earlier}/clone", {})
    assert cloned.status_code == 302
    new_id = int(cloned.headers["location"].split("/")[3])
    assert cloned.headers["location"] == f"/admin/calls/{new_id}/setup?done=cloned"
    columns = (Call.title, Call.quota, Call.appeal_route, Call.status, Call.opens_at, Call.closes_at)
    old, new = [await Call.select(*columns).where(Call.id == i).first() for i in (earlier, new_id)]
    assert new["status"] == "draft"
    assert {k: new[k] for k in ("title", "quota", "appeal_route")} == {
        k: old[k] for k in ("title", "quota", "appeal_route")
    }
    assert new["closes_at"].replace(tzinfo=UTC) == old["closes_at"].replace(tzinfo=UTC).replace(
        year=old["closes_at"].year + 1
    )
    criteria = [
        await Criterion.select(Criterion.code, Criterion.kind, Criterion.max_points, Criterion.min_points)
        .where(Criterion.call == i)
        .order_by(Criterion.position)
        for i in (earlier, new_id)
    ]
    assert criteria[0] == criteria[1] and len(criteria[1]) == 3
    docs = [
        await CallDocument.select(CallDocument.title, CallDocument.storage_key, CallDocument.sha256).where(
            CallDocument.call == i
        )
        for i in (earlier, new_id)
    ]
    assert [(d["title"], d["sha256"]) for d in docs[1]] == [(d["title"], d["sha256"]) for d in docs[0]]
    assert docs[1][0]["storage_key"] != docs[0][0]["storage_key"]  # a copy of its own
    assert await get_storage().exists(docs[1][0]["storage_key"])
    assert [entry["action"] for entry in await audit_of(new_id)] == ["clone"]


async def test_preview_shows_the_public_page_and_publishing_refusals_in_words(client):
    me = await staff(client)
    call_id = await service.create_call(
        call_payload(criteria=[{"code": "A1", "title": "Biedrība", "kind": "eligibility"}]), me
    )
    preview = await client.get(f"/admin/calls/{call_id}/preview")
    assert preview.status_code == 200
    assert texts_of(preview.text, "#h-terms, #h-rules, #h-eligibility") == [
        "Terms",
        "Rules",
        "Eligibility criteria",
    ]
    refused = await post_form(client, f"/admin/calls/{call_id}/publish", {})
    assert (refused.status_code, texts_of(refused.text, "#refusal")) == (
        409,
        ["Add at least one quality criterion before publishing."],
    )
    await service.add_criterion(
        call_id, {"code": "K1", "title": "Kvalitāte", "kind": "quality", "max_points": 10}, me
    )
    published = await post_form(client, f"/admin/calls/{call_id}/publish", {})
    assert published.headers["location"] == f"/admin/calls/{call_id}/setup?done=published"
    assert (await Call.select(Call.status).where(Call.id == call_id).first())["status"] == "published"


async def test_extend_mails_the_draft_holders_in_their_language_and_audits(client, make_client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(title="Bauskas konkurss"), me)
    await service.publish(call_id, me)
    english_email, english = await register_applicant(make_client())  # registered in English
    latvian_email, latvian_ids = await register_applicant(make_client(language=None))  # the default
    latvian = await load_principal(latvian_ids["user_id"])
    await drafts.create_draft(call_id, await load_principal(english["user_id"]), "Projekts A")
    await drafts.create_draft(call_id, latvian, "Projekts B")
    bystander_email, _ = await register_applicant(make_client())  # no draft on this call
    before = (await Call.select(Call.closes_at).where(Call.id == call_id).first())["closes_at"].replace(
        tzinfo=UTC
    )
    form = await client.get(f"/admin/calls/{call_id}/extend")
    assert texts_of(form.text, "#current-deadline") == [format_riga(before, "en")]
    refused = await post_form(client, f"/admin/calls/{call_id}/extend", {"closes_at": "2020-01-01T12:00"})
    assert (refused.status_code, texts_of(refused.text, "#f-closes_at-error")) == (
        422,
        ["Choose a time later than the current deadline."],
    )
    later = riga_local((now() + timedelta(days=60)).date(), 18, 0)
    typed = format_riga(later, "en")
    not_a_time = await post_form(client, f"/admin/calls/{call_id}/extend", {"closes_at": "nākamnedēļ"})
    assert (not_a_time.status_code, texts_of(not_a_time.text, "#f-closes_at-error")) == (
        422,
        ["Enter a date and time in Riga time, e.g. 2026-03-01 12:00."],
    )
    extended = await post_form(client, f"/admin/calls/{call_id}/extend", {"closes_at": riga_text(later)})
    assert extended.headers["location"] == f"/admin/calls/{call_id}/setup?done=extended"
    stored = (await Call.select(Call.closes_at).where(Call.id == call_id).first())["closes_at"]
    assert stored.replace(tzinfo=UTC) == later
    assert (await audit_of(call_id))[-1] == {
        "action": "extend",
        "data": {"before": {"closes_at": before.isoformat()}, "after": {"closes_at": later.isoformat()}},
    }
    english_mail = await outbox_for(english_email)
    assert english_mail[-1]["subject"] == "The deadline of Bauskas konkurss is extended"
    assert typed in english_mail[-1]["body_text"]
    latvian_mail = await outbox_for(latvian_email)
    assert latvian_mail[-1]["subject"] == "Konkursa Bauskas konkurss iesniegšanas termiņš ir pagarināts"
    assert format_riga(later, "lv") in latvian_mail[-1]["body_text"]
    assert [m["subject"] for m in await outbox_for(bystander_email) if "Bauskas" in m["subject"]] == []


async def test_close_early_confirms_and_every_public_page_shows_the_real_closing_time(client, make_client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(title="Agri slēgts konkurss"), me)
    await service.publish(call_id, me)
    _email, ids = await register_applicant(make_client())
    await drafts.create_draft(call_id, await load_principal(ids["user_id"]), "Nepabeigts")
    planned = (await Call.select(Call.closes_at).where(Call.id == call_id).first())["closes_at"].replace(
        tzinfo=UTC
    )
    confirm = await client.get(f"/admin/calls/{call_id}/close")
    assert texts_of(confirm.text, "#what-happens") == [
        f"The call closes now, instead of {format_riga(planned, 'en')}. 1 draft will not be submitted."
    ]
    assert (await Call.select(Call.status).where(Call.id == call_id).first())["status"] == "published"
    closed = await post_form(client, f"/admin/calls/{call_id}/close", {})
    assert closed.headers["location"] == f"/admin/calls/{call_id}/setup?done=closed"
    row = await Call.select(Call.closes_at, Call.closed_early).where(Call.id == call_id).first()
    real = format_riga(row["closes_at"], "en")
    assert row["closed_early"] is True and row["closes_at"].replace(tzinfo=UTC) < planned
    public = make_client()
    detail = (await public.get(f"/calls/{call_id}")).text
    assert texts_of(detail, "[role=status] p") == [f"Closed early on {real}."]
    listing = parse((await public.get("/calls")).text)
    card = next(c for c in listing.select("li.card") if "Agri slēgts konkurss" in c.get_text())
    assert texts_of(card, "p")[-1] == f"Closed early: {real}"
    assert format_riga(planned, "en") not in detail + str(card)
    setup = (await client.get(f"/admin/calls/{call_id}/setup")).text
    assert texts_of(setup, "#call-status") == [f"Status: Closed · Bauskas novads · closed early on {real}"]


async def test_delete_a_draft_after_a_confirmation(client):
    me = await staff(client)
    call_id = await service.create_call(call_payload(title="Lieks melnraksts"), me)
    confirm = await client.get(f"/admin/calls/{call_id}/delete")
    assert texts_of(confirm.text, "#what-happens") == [
        "The call “Lieks melnraksts” is deleted with its criteria and documents. This cannot be undone."
    ]
    assert await Call.exists().where(Call.id == call_id)
    deleted = await post_form(client, f"/admin/calls/{call_id}/delete", {})
    assert deleted.headers["location"] == "/admin/calls?done=deleted"
    assert not await Call.exists().where(Call.id == call_id)
    published = await service.create_call(call_payload(), me)
    await service.publish(published, me)
    refused = await post_form(client, f"/admin/calls/{published}/delete", {})
    assert (refused.status_code, texts_of(refused.text, ".error-summary p")) == (
        409,
        ["This call is published; close it before deleting it."],
    )
