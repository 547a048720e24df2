"""What the calls service's writers share: the check of a call's data, and the call's row locked."""

from __future__ import annotations

from typing import Any

from grants.calls import rules
from grants.calls.rules import CriterionData
from grants.calls.tables import Call
from grants.core.auth import Principal
from grants.core.db import for_update
from grants.registry.tables import Municipality


def fixed_approval(actor: Principal | None, current: bool | None = None) -> bool | None:
    """The requires_approval a municipal staff member's call has whatever they send: a new call's
    True, an existing call's its current value (only national staff change it); None for national
    staff and the system's own writes, who decide it."""
    if actor is None or actor.staff_scope is None:
        return None
    return True if current is None else current


async def check(
    data: dict[str, Any], actor: Principal | None, *, current_approval: bool | None = None
) -> tuple[dict[str, Any], list[CriterionData]]:
    """The call's values and criteria, or ValidationFailed; a municipal staff member's call must be
    of their municipalities (the system's own writes, actor None, of any), and requires national
    approval unless national staff decided otherwise (`current_approval`: an existing call's)."""
    code = str(data.get("municipality_code") or "")
    municipality = (
        await Municipality.select(Municipality.id, Municipality.valid_to)
        .where(Municipality.code == code)
        .first()
    )
    return rules.check_call(
        data,
        municipality,
        actor.staff_scope if actor is not None else None,
        fixed_approval(actor, current_approval),
    )


async def get_for_update(call_id: int) -> dict[str, Any]:
    """The call's row, locked until the transaction ends: an edit and a publish at once queue on it."""
    call = await for_update(
        Call.select(Call.id, Call.status, Call.closes_at).where(Call.id == call_id)
    ).first()
    if call is None:
        raise LookupError(call_id)
    return call
