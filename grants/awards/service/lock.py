"""The award row under lock and its status moves, shared by the lifecycle, the payments and reporting.

Every change after the decision (the agreement, a payment, a report's step, the
termination) first locks the award's row in a write transaction, so two staff
members acting on one award at the same moment queue on it: the second sees
what the first committed. Each move writes one audit row.
"""

from __future__ import annotations

from typing import Any

from grants.awards.queries import award_columns
from grants.awards.states import TRANSITIONS
from grants.awards.tables import Award, AwardStatus, Payment
from grants.core import audit
from grants.core.auth import Principal
from grants.core.db import for_update
from grants.core.errors import NotFound


async def locked_award(award_id: int) -> dict[str, Any]:
    """The award with its application's organisation and dates, locked until the transaction ends."""
    row = await for_update(Award.select(*award_columns()).where(Award.id == award_id)).first()
    if row is None:
        raise NotFound
    return row


async def move(
    row: dict[str, Any],
    to: AwardStatus,
    actor: Principal | None,
    action: str,
    *,
    columns: dict[Any, Any] | None = None,
    **extra: Any,
) -> None:
    """Set the locked award's status (the row dict too), and the move's own `columns` (a decline's or a
    termination's reason), and write the audit row with `extra`."""
    before = row["status"]
    values: dict[Any, Any] = {Award.status: to, **(columns or {})}
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


def final_approved(row: dict[str, Any]) -> bool:
    """Whether the award's final report is approved (its row, e.g. from locked_award)."""
    return row["final_report_approved_at"] is not None


async def close_if_settled(row: dict[str, Any], actor: Principal | None) -> bool:
    """Close the locked award once its final report is approved and every payment of it is paid."""
    if row["status"] not in TRANSITIONS["close"][0] or not final_approved(row):
        return False
    if await Payment.exists().where((Payment.award == row["id"]) & Payment.paid_on.is_null()):
        return False
    await move(row, TRANSITIONS["close"][1], actor, "close")
    return True
