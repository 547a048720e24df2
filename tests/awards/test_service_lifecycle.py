"""The award's life through the service: it moves only along its states, and a reportable award is
for staff and the grantee only."""

from __future__ import annotations

import pytest

from grants.accounts.queries import load_principal, member_recipients, user_id_by_email
from grants.applications.tables import Application
from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.core.errors import Conflict, NotFound
from grants.core.tables import AuditEntry
from tests.factories.awards import (
    award_status,
    awarded_application,
    sign,
    signed_award,
    staff_principal,
    today,
)

pytestmark = pytest.mark.integration


async def test_the_award_moves_only_along_its_states(client):
    award = await awarded_application(client)
    award_id = award["award_id"]
    staff = await staff_principal()
    for step in (
        lifecycle.mark_in_progress,
        lifecycle.final_report_submitted,
        lifecycle.final_report_approved,
    ):
        with pytest.raises(Conflict):
            await step(award_id, staff)
    terminate_early = await client.post(
        f"/api/awards/{award_id}/terminate", json={"reason": "Nav līguma."}, headers=award["staff"]
    )
    assert terminate_early.status_code == 409
    assert (await sign(client, award)).status_code == 201
    with pytest.raises(Conflict):
        await lifecycle.final_report_returned(award_id, staff)
    assert await lifecycle.mark_in_progress(award_id, staff) is True
    assert await lifecycle.mark_in_progress(award_id, staff) is False
    await lifecycle.final_report_submitted(award_id, staff)
    with pytest.raises(Conflict):
        await lifecycle.final_report_submitted(award_id, staff)
    await lifecycle.final_report_returned(award_id, staff)
    assert await award_status(award_id) == "in_progress"
    await lifecycle.final_report_submitted(award_id, staff)
    final = await lifecycle.final_report_approved(award_id, staff)
    assert (final["kind"], final["amount"], final["due_on"].isoformat()) == (
        "final",
        "460.00",
        today().isoformat(),
    )
    for step in (lifecycle.final_report_approved, lifecycle.final_report_returned):
        with pytest.raises(Conflict):
            await step(award_id, staff)
    assert await lifecycle.mark_in_progress(award_id, staff) is False
    actions = (
        await AuditEntry.select(AuditEntry.action)
        .where((AuditEntry.entity == "award") & (AuditEntry.entity_id == str(award_id)))
        .order_by(AuditEntry.id)
    )
    assert [a["action"] for a in actions] == [
        "award",
        "sign",
        "start",
        "final_report_submitted",
        "final_report_returned",
        "final_report_submitted",
        "final_report_approved",
    ]


async def test_reportable_award_is_for_staff_and_the_grantee_only(client):
    award = await signed_award(client)
    grantee_id = (
        await Application.select(Application.organisation)
        .where(Application.id == award["application_id"])
        .first()
    )["organisation"]
    grantee = await load_principal(await user_id_by_email((await member_recipients(grantee_id))[0].email))
    row = await award_queries.reportable_award(award["award_id"], grantee)
    assert (row["id"], row["application"], row["organisation"], row["amount_cents"], row["status"]) == (
        award["award_id"],
        award["application_id"],
        grantee_id,
        460_000,
        "agreement_signed",
    )
    assert (row["start_date"].isoformat(), row["end_date"].isoformat()) == ("2027-03-01", "2027-05-31")
    other = await signed_award(client)
    other_org = (
        await Application.select(Application.organisation)
        .where(Application.id == other["application_id"])
        .first()
    )["organisation"]
    stranger = await load_principal(await user_id_by_email((await member_recipients(other_org))[0].email))
    with pytest.raises(NotFound):
        await award_queries.reportable_award(award["award_id"], stranger)
    assert (await award_queries.reportable_award(award["award_id"], await staff_principal()))["id"] == award[
        "award_id"
    ]
