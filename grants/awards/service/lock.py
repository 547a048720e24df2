"""The award row under lock and its status moves, shared by the lifecycle and the payments.

Every change after the decision (the agreement, a payment, a report's step, the
termination) first locks the award's row in a write transaction, so two staff
members acting on one award at the same moment queue on it: the second sees
what the first committed. Each move writes one audit row.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from grants.awards.tables import Award, AwardStatus, Payment, PaymentKind
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update
from grants.core.errors import NotFound
from grants.core.tables import AuditEntry
from grants.core.time import now, to_riga

FINAL_APPROVED = "final_report_approved"  # the audit action that marks the final report approved


def today() -> date:
    """Today on the clocks of Riga: due and paid dates are Latvian calendar days."""
    return to_riga(now()).date()


def award_columns() -> tuple[Any, ...]:
    return (
        Award.all_columns(),
        Award.application.organisation.as_alias("organisation"),
        Award.application.reference.as_alias("reference"),
        Award.application.title.as_alias("title"),
        Award.application.start_date.as_alias("start_date"),
        Award.application.end_date.as_alias("end_date"),
        Award.call.advance_percent.as_alias("advance_percent"),
        Award.call.title.as_alias("call_title"),
    )


async def locked_award(award_id: int) -> dict[str, Any]:
    """The award with its application's organisation and dates, locked until the transaction ends."""
    row = await for_update(Award.select(*award_columns()).where(Award.id == award_id)).first()
    if row is None:
        raise NotFound
    return row


async def move(
    row: dict[str, Any], to: AwardStatus, actor: Principal | None, action: str, **extra: Any
) -> None:
    """Set the locked award's status (the row dict too) and write the audit row."""
    before = row["status"]
    values: dict[Any, Any] = {Award.status: to}
    if "termination_reason" in extra:
        values[Award.termination_reason] = extra["termination_reason"]
    await Award.update(values).where((Award.id == row["id"]) & (Award.status == before))
    await audit.record(
        action,
        "award",
        row["id"],
        actor=actor,
        before={"status": before},
        after={"status": to.value},
        **extra,
    )
    row["status"] = to.value


async def final_approved(award_id: int) -> bool:
    """Whether the final report was approved: the final payment exists, or the approval was logged
    (when nothing was left to pay, there is no final payment row)."""
    if await Payment.exists().where((Payment.award == award_id) & (Payment.kind == PaymentKind.final)):
        return True
    return await AuditEntry.exists().where(
        (AuditEntry.entity == "award")
        & (AuditEntry.entity_id == str(award_id))
        & (AuditEntry.action == FINAL_APPROVED)
    )


async def close_if_settled(row: dict[str, Any], actor: Principal | None) -> bool:
    """Close the locked award once its final report is approved and every payment of it is paid."""
    if row["status"] != AwardStatus.final_report_submitted or not await final_approved(row["id"]):
        return False
    if await Payment.exists().where((Payment.award == row["id"]) & Payment.paid_on.is_null()):
        return False
    await move(row, AwardStatus.closed, actor, "close")
    return True
