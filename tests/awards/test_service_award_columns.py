"""State stored on the award: the final report's approval and a decline's reason are columns, and the
migration that added them back-fills them from the audit log and the final payments."""

from __future__ import annotations

import importlib

import pytest

from grants.awards.service import lifecycle
from grants.awards.tables import Award
from tests.factories.awards import awarded_application, signed_award, staff_principal

pytestmark = pytest.mark.integration

DECISION_REASON = "Piešķirts bez vērtēšanas testam."  # what awarded_application gives
BACK_FILL = importlib.import_module("grants.awards.piccolo_migrations.awards_2026_12_07t10_30_01_000000")
back_fill, put_back = BACK_FILL.back_fill, BACK_FILL.put_back


async def columns(award_id: int) -> dict:
    return await (
        Award.select(Award.reason, Award.decline_reason, Award.final_report_approved_at)
        .where(Award.id == award_id)
        .first()
    )


async def test_a_decline_keeps_the_decisions_reason(client):
    award = await awarded_application(client)
    declined = await client.post(
        f"/api/awards/{award['award_id']}/decline", json={"reason": "Atsauca pats."}, headers=award["staff"]
    )
    assert declined.status_code == 200, declined.text
    row = await columns(award["award_id"])
    assert (row["reason"], row["decline_reason"]) == (DECISION_REASON, "Atsauca pats.")


async def test_the_final_approval_is_stored_on_the_award(client):
    award = await signed_award(client)
    staff = await staff_principal()
    await lifecycle.final_report_submitted(award["award_id"], staff)
    assert (await columns(award["award_id"]))["final_report_approved_at"] is None
    await lifecycle.final_report_approved(award["award_id"], staff)
    assert (await columns(award["award_id"]))["final_report_approved_at"] is not None


async def test_the_migration_back_fills_from_the_audit_log(client):
    approved = await signed_award(client)
    staff = await staff_principal()
    await lifecycle.final_report_submitted(approved["award_id"], staff)
    await lifecycle.final_report_approved(approved["award_id"], staff)
    declined = await awarded_application(client)
    await client.post(
        f"/api/awards/{declined['award_id']}/decline",
        json={"reason": "Atsauca pats."},
        headers=declined["staff"],
    )
    # The rows as they were before the columns: no approval, the decline's reason over the decision's.
    await Award.update({Award.final_report_approved_at: None}).where(Award.id == approved["award_id"])
    await Award.update({Award.reason: "Atsauca pats.", Award.decline_reason: ""}).where(
        Award.id == declined["award_id"]
    )
    await back_fill()
    assert (await columns(approved["award_id"]))["final_report_approved_at"] is not None
    row = await columns(declined["award_id"])
    assert (row["reason"], row["decline_reason"]) == (DECISION_REASON, "Atsauca pats.")
    # Approved: returning the report is refused, as before the column.
    with pytest.raises(Exception, match="not approved"):
        await lifecycle.final_report_returned(approved["award_id"], staff)


async def test_the_migration_backwards_puts_the_declines_reason_back(client):
    declined = await awarded_application(client)
    await client.post(
        f"/api/awards/{declined['award_id']}/decline",
        json={"reason": "Atsauca pats."},
        headers=declined["staff"],
    )
    await put_back()
    # As the rows were before the column: `reason` holds the decline's reason, so nothing is lost
    # when the migration before drops `decline_reason`.
    assert (await columns(declined["award_id"]))["reason"] == "Atsauca pats."
