"""The world of the coordinator's view: in each municipality an accepted event with a photo whose
people consented to its being shown, a planned event ahead in A's school, and a calendar link of
LV-016 made by a coordinator the table does not act as (its requests cannot replace the link).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.security.world import World, chunks_of
from tests.security.world_reporting import held_event, photo_png

COORDINATOR_SECRETS: dict[str, frozenset[str]] = {
    "LEAK-A-SHOWNDESC": frozenset({"a", "s", "c", "m"}),  # LV-016's coordinator reads it
    "LEAK-B-SHOWNDESC": frozenset({"b", "s", "c2"}),
}


async def _shown_event(
    world: World, key: str, award: int, who: Any, staff: Any, school: str, marker: str
) -> None:
    from grants.reporting.service import events as service
    from grants.reporting.service import photos
    from grants.reporting.service.review import Report, review
    from grants.reporting.tables import EventPhoto

    event = await service.create_event(
        award, who, held_event(school, f"Shown workshop {key}", f"{marker} text")
    )
    shown = await photos.add_photo(event["id"], who, "workshop.png", chunks_of(photo_png()))
    await review(Report.event, event["id"], staff, "accept", "")
    await EventPhoto.update({EventPhoto.consent: True}).where(EventPhoto.id == shown["id"])
    world.ids[f"photo_{key}_shown"] = shown["id"]


async def build_coordinator(world: World, staff: Any, a: Any, b: Any) -> None:
    from grants.accounts.queries import load_principal
    from grants.core.auth import Role
    from grants.core.time import now
    from grants.registry.queries import municipality_id_of_code
    from grants.registry.tables import School
    from grants.reporting.service.follow import replace_feed
    from grants.reporting.tables import EventReport
    from tests.security.world import _user

    world.secrets |= COORDINATOR_SECRETS
    ids = world.ids
    a, b = await load_principal(a.user_id), await load_principal(b.user_id)
    await _shown_event(world, "a", ids["award_a"], a, staff, ids["school16"], "LEAK-A-SHOWNDESC")
    await _shown_event(world, "b", ids["award_b"], b, staff, ids["school22"], "LEAK-B-SHOWNDESC")
    school = await School.select(School.id).where(School.registration_number == ids["school16"]).first()
    await EventReport.insert(
        EventReport(
            award=ids["award_a"],
            school=school["id"],
            kind="camp",
            title="Planned camp Alfa",
            status="planned",
            planned_on=now().date() + timedelta(days=20),
        )
    )
    owner = await _user(World(), "feed", Role.coordinator, "LV-016")
    ids["feed_c"] = await replace_feed(owner, await municipality_id_of_code("LV-016"))
