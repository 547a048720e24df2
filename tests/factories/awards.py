"""Awards: an awarded application, its agreement signed, calls scored for the award decision, payments."""

from __future__ import annotations

from datetime import date

import httpx

from grants.accounts.queries import load_principal, member_recipients, user_id_by_email
from grants.applications.tables import Application
from grants.awards.service import lifecycle
from grants.awards.tables import Award, Payment
from grants.calls.tables import Call
from grants.core.auth import Role
from grants.core.money import parse_cents
from grants.core.time import now, to_riga
from grants.scoring import service as scoring
from grants.scoring.tables import Assignment
from tests.factories.accounts import bearer, make_user, register_applicant, staff_headers
from tests.factories.applications import complete_application, eligible_applications
from tests.factories.calls import published_call
from tests.factories.files import pdf_bytes
from tests.factories.registry import make_school


async def awarded_application(client: httpx.AsyncClient, amount: str | None = None, **call_overrides) -> dict:
    """An application awarded through the API: a call published, one organisation's application
    submitted and found eligible, the call closed, the award made (at `amount` with a reason, or the
    requested 4600.00). Returns {award_id, application_id, call_id, applicant, staff, school}."""
    school = await make_school()
    call = await published_call(client, **call_overrides)
    staff = await staff_headers(client)
    email, _ = await register_applicant(client)
    applicant = await bearer(client, email)
    draft = await client.post(
        f"/api/calls/{call['id']}/applications", json={"title": "Projekts"}, headers=applicant
    )
    assert draft.status_code == 201, draft.text
    application_id = draft.json()["id"]
    patched = await client.patch(
        f"/api/applications/{application_id}", json=complete_application(school), headers=applicant
    )
    assert patched.status_code == 200, patched.text
    submitted = await client.post(f"/api/applications/{application_id}/submit", headers=applicant)
    assert submitted.status_code == 200, submitted.text
    checked = await client.post(
        f"/api/applications/{application_id}/eligibility", json={"checks": {"A1": True}}, headers=staff
    )
    assert checked.status_code == 200, checked.text
    closed = await client.post(f"/api/calls/{call['id']}/close", headers=staff)
    assert closed.status_code == 200, closed.text
    body = {"application_id": application_id, "reason": "Piešķirts bez vērtēšanas testam."}
    if amount is not None:
        body["amount"] = amount
    awarded = await client.post(f"/api/calls/{call['id']}/awards", json=body, headers=staff)
    assert awarded.status_code == 201, awarded.text
    return {
        "award_id": awarded.json()["id"],
        "application_id": application_id,
        "call_id": call["id"],
        "applicant": applicant,
        "staff": staff,
        "school": school,
    }


async def sign(
    client: httpx.AsyncClient, award: dict, number: str | None = None, signed_on: str | None = None
):
    """POST the agreement of `award` (from awarded_application) as staff, with a small PDF."""
    import uuid

    from grants.core.time import now, to_riga

    return await client.post(
        f"/api/awards/{award['award_id']}/agreement",
        data={
            "number": number or f"L-{uuid.uuid4().hex[:8]}",
            "signed_on": signed_on or to_riga(now()).date().isoformat(),
        },
        files={"file": ("ligums.pdf", pdf_bytes("Ligums"), "application/pdf")},
        headers=award["staff"],
    )


async def signed_award(client: httpx.AsyncClient, amount: str | None = None, **call_overrides) -> dict:
    """An application awarded through the API and its agreement signed today through the API
    (the advance falls due). Same keys as awarded_application."""
    award = await awarded_application(client, amount, **call_overrides)
    signed = await sign(client, award)
    assert signed.status_code == 201, signed.text
    return award


REVIEWER_NAME = "Ilze Vērtētāja"
# Totals with K1 weight 2 (threshold 20): 2×9+8 = 26, 2×8+6 = 22, 2×7+7 = 21, 2×5+5 = 15.
TOP, SECOND, THIRD, FAILS = {"K1": 9, "K2": 8}, {"K1": 8, "K2": 6}, {"K1": 7, "K2": 7}, {"K1": 5, "K2": 5}


async def scored_call(
    client,
    sheets: list[dict[str, int]],
    *,
    budget: str,
    quota: int,
    comments: list[str] | None = None,
    close: bool = True,
) -> tuple[int, list[int], dict[str, str], str]:
    """A call whose applications one reviewer scored with `sheets` (in order); closed unless told not.

    Returns (call id, application ids, staff headers, the reviewer's e-mail).
    """
    call_id, apps = await eligible_applications(
        len(sheets), score_threshold="20", reviewers_per_application=1
    )
    # eligible_applications sizes the call for all of them, and a published call's rules are fixed
    # through the API: set the limits under test directly.
    await Call.update({Call.budget_cents: parse_cents(budget), Call.quota: quota}).where(Call.id == call_id)
    staff = await staff_headers(client)
    reviewer_email = await make_user(Role.reviewer, name=REVIEWER_NAME)
    reviewer_id = await user_id_by_email(reviewer_email)
    assigned = await client.post(
        f"/api/calls/{call_id}/assignments", json={"auto": True, "reviewer_ids": [reviewer_id]}, headers=staff
    )
    assert assigned.status_code == 201, assigned.text
    reviewer = await load_principal(reviewer_id)
    for index, (application_id, sheet) in enumerate(zip(apps, sheets, strict=True)):
        row = await Assignment.select(Assignment.id).where(Assignment.application == application_id).first()
        await scoring.declare_conflict(row["id"], reviewer, False, "")
        comment = comments[index] if comments else ""
        await scoring.save_scores(row["id"], reviewer, sheet, {}, comment, True)
    if close:
        closed = await client.post(f"/api/calls/{call_id}/close", headers=staff)
        assert closed.json()["status"] == "closed"
    return call_id, apps, staff, reviewer_email


async def member_of(application_id: int) -> str:
    row = await Application.select(Application.organisation).where(Application.id == application_id).first()
    return (await member_recipients(row["organisation"]))[0].email


async def statuses(apps: list[int]) -> list[str]:
    rows = await Application.select(Application.id, Application.status).where(Application.id.is_in(apps))
    by_id = {r["id"]: r["status"] for r in rows}
    return [by_id[a] for a in apps]


async def live_awards(call_id: int) -> list[tuple[int, int]]:
    rows = (
        await Award.select(Award.application, Award.amount_cents)
        .where((Award.call == call_id) & (Award.status == "awarded"))
        .order_by(Award.id)
    )
    return [(r["application"], r["amount_cents"]) for r in rows]


def today() -> date:
    return to_riga(now()).date()


async def staff_principal():
    return await load_principal(await user_id_by_email(await make_user(Role.staff)))


async def award_payments(award_id: int) -> list[dict]:
    return await Payment.select().where(Payment.award == award_id).order_by(Payment.id)


async def award_status(award_id: int) -> str:
    return (await Award.select(Award.status).where(Award.id == award_id).first())["status"]


async def pay(client, payment_id: int, headers, paid_on: str | None = None, note: str = "LV-TRX-1"):
    return await client.post(
        f"/api/payments/{payment_id}/paid",
        json={"paid_on": paid_on or today().isoformat(), "note": note},
        headers=headers,
    )


async def final_approved(award_id: int) -> dict:
    staff = await staff_principal()
    await lifecycle.final_report_submitted(award_id, staff)
    return await lifecycle.final_report_approved(award_id, staff)
