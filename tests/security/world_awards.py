"""The world's decided application for the awards' decision page: A's application in the open call that
staff found ineligible, with a note only A and staff may read."""

from __future__ import annotations

from typing import Any

from tests.security.world import World, _application

AWARDS_SECRETS: dict[str, frozenset[str]] = {
    "LEAK-A-INELIGIBLE": frozenset({"a", "s", "m"}),  # its title and the staff's note from the check
}


async def build_awards(world: World, staff: Any, a: Any) -> None:
    from grants.applications.service import submission
    from grants.scoring import service as scoring

    app_id = await _application(world.ids["call_open"], a, world.ids["school16"], "LEAK-A-INELIGIBLE")
    await submission.submit(app_id, a)
    await scoring.check_eligibility(app_id, staff, {"A1": False}, "LEAK-A-INELIGIBLE note")
    world.ids["a_inel"] = app_id
    world.secrets |= AWARDS_SECRETS
