"""The world's call that requires national approval (issue 14): A's award in LV-016 still waiting for
it, its decision returned once by national staff with a comment only staff may read."""

from __future__ import annotations

from typing import Any

from tests.security.world import World, decided_call

APPROVAL_SECRETS: dict[str, frozenset[str]] = {
    # The return's comment: national staff wrote it, the municipality's staff read it; never applicants.
    "LEAK-APPROVAL-COMMENT": frozenset({"s", "m"}),
}


async def build_approval(world: World, staff: Any, a: Any) -> None:
    from grants.awards.service import approval
    from grants.calls.tables import Call

    call_id, won = await decided_call(staff, "LV-016", [(a, world.ids["school16"], "Approval project Alfa")])
    await Call.update({Call.requires_approval: True}).where(Call.id == call_id)
    await approval.return_decision(call_id, staff, "LEAK-APPROVAL-COMMENT recount the points")
    world.ids |= {"call_approval": call_id, "a_appr": won[0][0], "award_a_appr": won[0][1]}
    world.secrets |= APPROVAL_SECRETS
