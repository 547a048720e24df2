"""National approval of a call's award decision through the service and the API: approve, return,
nothing to approve, only national staff, a reserve awarded after an approval, agreements waiting for
it, and a call without approval unchanged; the mails it sends."""

from __future__ import annotations

import pytest

from grants.accounts.queries import load_principal, user_id_by_email
from grants.accounts.service.profiles import set_language
from grants.awards.service import approval
from grants.awards.tables import DecisionReview
from grants.core.auth import Role
from grants.core.errors import Conflict, Forbidden, ValidationFailed
from grants.core.tables import AuditEntry
from tests.factories.accounts import make_user
from tests.factories.awards import (
    award_status,
    awarded_application,
    member_of,
    sign,
    staff_principal,
)
from tests.factories.mail import outbox_for

pytestmark = pytest.mark.integration


async def principal(email: str):
    return await load_principal(await user_id_by_email(email))


async def reviews(call_id: int) -> list[tuple[str, str, int]]:
    rows = (
        await DecisionReview.select(DecisionReview.outcome, DecisionReview.comment, DecisionReview.awards)
        .where(DecisionReview.call == call_id)
        .order_by(DecisionReview.id)
    )
    return [(r["outcome"], r["comment"], r["awards"]) for r in rows]


async def call_audit(call_id: int) -> list[str]:
    rows = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity == "call") & (AuditEntry.entity_id == str(call_id)))
        .order_by(AuditEntry.id)
    )
    return [r["action"] for r in rows if r["action"] in ("approve_decision", "return_decision")]


async def test_approving_moves_every_awarded_award_to_approved_and_records_it(client):
    award = await awarded_application(client, requires_approval=True)
    national = await staff_principal()
    result = await approval.approve_decision(award["call_id"], national, "  Saskaņots.  ")
    assert (result["outcome"], result["comment"]) == ("approved", "Saskaņots.")
    assert [(a["id"], a["status"]) for a in result["awards"]] == [(award["award_id"], "approved")]
    assert await award_status(award["award_id"]) == "approved"
    assert await reviews(award["call_id"]) == [("approved", "Saskaņots.", 1)]
    assert await call_audit(award["call_id"]) == ["approve_decision"]
    moves = await AuditEntry.select(AuditEntry.action).where(
        (AuditEntry.entity == "award") & (AuditEntry.entity_id == str(award["award_id"]))
    )
    assert [m["action"] for m in moves] == ["award", "approve"]


async def test_returning_needs_a_comment_and_keeps_the_awards_awarded(client):
    award = await awarded_application(client, requires_approval=True)
    national = await staff_principal()
    with pytest.raises(ValidationFailed) as refused:
        await approval.return_decision(award["call_id"], national, "   ")
    assert refused.value.errors == {"comment": "Say why the decision is returned."}
    assert await reviews(award["call_id"]) == []
    result = await approval.return_decision(award["call_id"], national, "Pārbaudiet 2. vietas punktus.")
    assert (result["outcome"], [a["status"] for a in result["awards"]]) == ("returned", ["awarded"])
    assert await award_status(award["award_id"]) == "awarded"
    assert await reviews(award["call_id"]) == [("returned", "Pārbaudiet 2. vietas punktus.", 1)]
    assert await call_audit(award["call_id"]) == ["return_decision"]


async def test_nothing_to_approve_is_a_conflict(client):
    national = await staff_principal()
    plain = await awarded_application(client)  # the call does not require approval
    with pytest.raises(Conflict) as refused:
        await approval.approve_decision(plain["call_id"], national)
    assert refused.value.message == "This call does not require national approval of its award decision."
    award = await awarded_application(client, requires_approval=True)
    await approval.approve_decision(award["call_id"], national)
    for step in (approval.approve_decision, approval.return_decision):
        with pytest.raises(Conflict) as refused:
            await step(award["call_id"], national, "Vēlreiz")
        assert refused.value.message == (
            "Nothing waits for approval: the call has no award that is not approved yet."
        )
    assert await reviews(award["call_id"]) == [("approved", "", 1)]
    assert await reviews(plain["call_id"]) == []


async def test_only_national_staff_approve(client):
    award = await awarded_application(client, requires_approval=True)
    municipal = await principal(await make_user(Role.staff, "LV-016"))
    for step in (approval.approve_decision, approval.return_decision):
        with pytest.raises(Forbidden):
            await step(award["call_id"], municipal, "Mēģinu pats")
    assert await award_status(award["award_id"]) == "awarded"
    assert await reviews(award["call_id"]) == []


async def test_agreement_is_refused_while_approval_is_pending_and_accepted_after_it(client):
    award = await awarded_application(client, requires_approval=True)
    refused = await sign(client, award)
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "National approval of the award decision is pending: the agreement can be recorded once "
        "national programme staff approve the decision."
    )
    assert await award_status(award["award_id"]) == "awarded"
    await approval.approve_decision(award["call_id"], await staff_principal())
    signed = await sign(client, award)
    assert signed.status_code == 201, signed.text
    assert signed.json()["status"] == "agreement_signed"


async def test_a_call_without_approval_signs_from_awarded_as_before(client):
    award = await awarded_application(client)
    signed = await sign(client, award)
    assert (signed.status_code, signed.json()["status"]) == (201, "agreement_signed")


async def test_an_approved_award_can_still_be_declined(client):
    award = await awarded_application(client, requires_approval=True)
    await approval.approve_decision(award["call_id"], await staff_principal())
    declined = await client.post(
        f"/api/awards/{award['award_id']}/decline", json={"reason": "Nevar īstenot."}, headers=award["staff"]
    )
    assert (declined.status_code, declined.json()["status"]) == (200, "declined")


async def test_a_reserve_awarded_after_the_approval_needs_approval_again(client):
    from tests.factories.awards import SECOND, TOP, scored_call

    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND], budget="4600.00", quota=1)
    from grants.calls.tables import Call

    await Call.update({Call.requires_approval: True}).where(Call.id == call_id)
    auto = await client.post(f"/api/calls/{call_id}/awards", json={"auto": True}, headers=staff)
    first = auto.json()["awarded"][0]
    national = await staff_principal()
    await approval.approve_decision(call_id, national)
    assert await award_status(first["id"]) == "approved"
    declined = await client.post(
        f"/api/awards/{first['id']}/decline", json={"reason": "Atsakās."}, headers=staff
    )
    assert declined.status_code == 200, declined.text
    reserve = await client.post(f"/api/calls/{call_id}/awards/next-reserve", headers=staff)
    assert (reserve.status_code, reserve.json()["application_id"], reserve.json()["status"]) == (
        201,
        apps[1],
        "awarded",
    )
    second = {"award_id": reserve.json()["id"], "staff": staff}
    assert (await sign(client, second)).status_code == 409
    result = await approval.approve_decision(call_id, national)
    assert [a["id"] for a in result["awards"]] == [reserve.json()["id"]]
    assert await reviews(call_id) == [("approved", "", 1), ("approved", "", 1)]
    assert (await sign(client, second)).status_code == 201


async def test_the_api_approves_and_returns_for_national_staff_only(client):
    award = await awarded_application(client, requires_approval=True)
    from tests.factories.accounts import bearer

    municipal = await bearer(client, await make_user(Role.staff, "LV-016"))
    refused = await client.post(
        f"/api/calls/{award['call_id']}/approval", json={"outcome": "approved"}, headers=municipal
    )
    assert refused.status_code == 403
    no_comment = await client.post(
        f"/api/calls/{award['call_id']}/approval", json={"outcome": "returned"}, headers=award["staff"]
    )
    assert (no_comment.status_code, no_comment.json()["extra"]) == (
        422,
        {"comment": "Say why the decision is returned."},
    )
    returned = await client.post(
        f"/api/calls/{award['call_id']}/approval",
        json={"outcome": "returned", "comment": "Trūkst protokola."},
        headers=award["staff"],
    )
    assert returned.status_code == 200, returned.text
    assert {k: returned.json()[k] for k in ("call_id", "outcome", "comment")} == {
        "call_id": award["call_id"],
        "outcome": "returned",
        "comment": "Trūkst protokola.",
    }
    approved = await client.post(
        f"/api/calls/{award['call_id']}/approval", json={"outcome": "approved"}, headers=award["staff"]
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["awards"] == [
        {
            "id": award["award_id"],
            "application_id": award["application_id"],
            "amount": "4600.00",
            "status": "approved",
        }
    ]
    again = await client.post(
        f"/api/calls/{award['call_id']}/approval", json={"outcome": "approved"}, headers=award["staff"]
    )
    assert again.status_code == 409
    listed = await client.get("/api/awards", headers=award["applicant"])
    assert [(a["id"], a["status"]) for a in listed.json()] == [(award["award_id"], "approved")]


async def test_approval_mails_the_municipal_staff_and_the_grantee_each_in_their_language(client):
    award = await awarded_application(client, requires_approval=True)
    ours = await make_user(Role.staff, "LV-016")
    theirs = await make_user(Role.staff, "LV-022")
    await set_language(await user_id_by_email(ours), "en")
    grantee = await member_of(award["application_id"])
    await set_language(await user_id_by_email(grantee), "lv")
    await approval.approve_decision(award["call_id"], await staff_principal(), "Viss kārtībā.")
    staff_mail = await outbox_for(ours)
    assert [m["subject"] for m in staff_mail] == [
        "The award decision of Jauniešu iniciatīvu projektu konkurss is approved"
    ]
    body = staff_mail[0]["body_text"]
    assert "National programme staff approved the award decision" in body
    assert "Viss kārtībā." in body
    assert f"/admin/awards?call_id={award['call_id']}" in body
    assert await outbox_for(theirs) == []
    grantee_mail = [m for m in await outbox_for(grantee) if (m["dedupe_key"] or "").startswith("approval:")]
    assert len(grantee_mail) == 1
    assert grantee_mail[0]["subject"].startswith("Finansējums pieteikumam ")
    assert "saskaņoja lēmumu piešķirt pieteikumam" in grantee_mail[0]["body_text"]
    assert "finansējumu 4\u00a0600,00\u00a0€ apmērā." in grantee_mail[0]["body_text"]


async def test_a_return_mails_the_comment_to_the_municipal_staff_only(client):
    award = await awarded_application(client, requires_approval=True)
    ours = await make_user(Role.staff, "LV-016")
    await set_language(await user_id_by_email(ours), "en")
    grantee = await member_of(award["application_id"])
    await approval.return_decision(award["call_id"], await staff_principal(), "Pārrēķiniet budžetu.")
    mail = await outbox_for(ours)
    assert [m["subject"] for m in mail] == [
        "The award decision of Jauniešu iniciatīvu projektu konkurss is returned"
    ]
    assert "Pārrēķiniet budžetu." in mail[0]["body_text"]
    assert f"/admin/calls/{award['call_id']}/ranking" in mail[0]["body_text"]
    assert [m for m in await outbox_for(grantee) if "returned" in (m["dedupe_key"] or "")] == []


async def test_without_municipal_staff_national_staff_are_told(client):
    award = await awarded_application(client, requires_approval=True, municipality_code="LV-091")
    national_email = await make_user(Role.staff)
    await approval.return_decision(award["call_id"], await principal(national_email), "Nav protokola.")
    assert [m["dedupe_key"].split(":")[0] for m in await outbox_for(national_email)] == ["returned"]


async def test_an_approval_covers_only_the_awards_the_approver_read(client):
    """An award made after national staff read the decision is not approved unseen: the approval
    names the awards it read, and is refused when what waits is no longer exactly those."""
    from grants.calls.tables import Call
    from tests.factories.awards import SECOND, TOP, scored_call

    call_id, apps, staff, _ = await scored_call(client, [TOP, SECOND], budget="9200.00", quota=2)
    await Call.update({Call.requires_approval: True}).where(Call.id == call_id)
    first = await client.post(f"/api/calls/{call_id}/awards", json={"application_id": apps[0]}, headers=staff)
    read = [first.json()["id"]]  # what the approver read
    second = await client.post(
        f"/api/calls/{call_id}/awards", json={"application_id": apps[1]}, headers=staff
    )
    assert second.status_code == 201, second.text

    national = await staff_principal()
    with pytest.raises(Conflict) as refused:
        await approval.approve_decision(call_id, national, "", read)
    assert refused.value.message == (
        "The decision changed after you read it (an award was made or declined). Read it again."
    )
    assert await award_status(read[0]) == "awarded" and await reviews(call_id) == []

    from tests.factories.accounts import staff_headers

    national_headers = await staff_headers(client)  # a staff member without a municipality: national
    stale = await client.post(
        f"/api/calls/{call_id}/approval",
        json={"outcome": "approved", "award_ids": read},
        headers=national_headers,
    )
    assert stale.status_code == 409
    both = sorted([read[0], second.json()["id"]])
    approved = await client.post(
        f"/api/calls/{call_id}/approval",
        json={"outcome": "approved", "award_ids": both},
        headers=national_headers,
    )
    assert approved.status_code == 200, approved.text
    assert [a["id"] for a in approved.json()["awards"]] == both
