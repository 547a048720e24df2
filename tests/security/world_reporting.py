"""The world after the awards: signed agreements, payments, event reports with photos, a final report.

A's award `award_a` runs (agreement signed, one held event waiting for review with a photo, one
returned with a comment, one accepted with a photo that can no longer be removed); `award_a_fin` has its final report submitted with a file; B's award
`award_b` runs with a held event of its own.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

from tests.security.world import World, chunks_of, pdf

REPORTING_SECRETS: dict[str, frozenset[str]] = {
    # A's award is under an LV-016 call (its municipal staff "m" sees it), B's under LV-022's (not "m").
    "LEAK-A-AGREEMENT": frozenset({"a", "s", "m"}),
    "LEAK-B-AGREEMENT": frozenset({"b", "s"}),
    "LEAK-A-EVDESC": frozenset({"a", "s", "m"}),  # the public and coordinators see titles and counts only
    # An accepted event's description: its municipality's coordinator sees it too (issue 14).
    "LEAK-A-ACCDESC": frozenset({"a", "s", "c", "m"}),
    "LEAK-A-RETURNED": frozenset({"a", "s", "m"}),
    "LEAK-A-PHOTO": frozenset({"a", "s", "m"}),
    "LEAK-A-FINAL": frozenset({"a", "s", "m"}),
    "LEAK-A-FINALFILE": frozenset({"a", "s", "m"}),
    "LEAK-B-EVDESC": frozenset({"b", "s"}),
}


def photo_png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (48, 32), (180, 40, 40)).save(out, format="PNG")
    return out.getvalue()


async def sign_agreement(award_id: int, staff: Any, number: str, marker: str) -> None:
    from grants.awards.service import lifecycle
    from grants.core.storage import get_storage
    from grants.core.time import now

    stored = await get_storage().save(chunks_of(pdf(marker)), f"{marker}.pdf")
    # Numbers are unique: the award's id in it lets a second world (the back office's axe test) be built.
    number = f"{number}/{award_id}"
    signed_on = now().date() - timedelta(days=1)
    await lifecycle.sign_agreement(award_id, staff, number=number, signed_on=signed_on, document=stored)


def held_event(school: str, title: str, description: str) -> dict[str, Any]:
    from grants.core.time import now

    return {
        "school": school,
        "kind": "workshop",
        "title": title,
        "status": "held",
        "held_on": now().date() - timedelta(days=3),
        "participants": 12,
        "participants_by_grade": {"1-4": 0, "5-9": 12, "10-12": 0, "vocational": 0},
        "description": description,
    }


async def build_reporting(world: World, staff: Any, a: Any, b: Any) -> None:
    from grants.accounts.queries import load_principal
    from grants.awards.tables import Payment
    from grants.reporting.service import events as service
    from grants.reporting.service import final, photos
    from grants.reporting.service.review import Report, review

    world.secrets |= REPORTING_SECRETS
    ids = world.ids
    await sign_agreement(ids["award_a"], staff, "SEC-A-1", "LEAK-A-AGREEMENT")
    await sign_agreement(ids["award_a_fin"], staff, "SEC-A-2", "LEAK-A-AGREEMENT")
    await sign_agreement(ids["award_b"], staff, "SEC-B-1", "LEAK-B-AGREEMENT")
    payment = await Payment.select(Payment.id).where(Payment.award == ids["award_a"]).first()
    ids["payment_a"] = payment["id"]
    payment = await Payment.select(Payment.id).where(Payment.award == ids["award_b"]).first()
    ids["payment_b"] = payment["id"]

    # Reporting moves the award to in_progress: the principals are read again for nothing stale.
    a = await load_principal(a.user_id)
    event = await service.create_event(
        ids["award_a"], a, held_event(ids["school16"], "Held workshop Alfa", "LEAK-A-EVDESC what happened")
    )
    ids["event_a"] = event["id"]
    photo = await photos.add_photo(event["id"], a, "LEAK-A-PHOTO.png", chunks_of(photo_png()))
    ids["photo_a"] = photo["id"]
    returned = await service.create_event(
        ids["award_a"], a, held_event(ids["school16"], "Returned workshop Alfa", "LEAK-A-EVDESC again")
    )
    ids["event_a_returned"] = returned["id"]
    await review(Report.event, returned["id"], staff, "return", "LEAK-A-RETURNED: count again")

    locked = await service.create_event(
        ids["award_a"], a, held_event(ids["school16"], "Accepted workshop Alfa", "LEAK-A-ACCDESC accepted")
    )
    ids["event_a_accepted"] = locked["id"]
    kept = await photos.add_photo(locked["id"], a, "LEAK-A-PHOTO kept.png", chunks_of(photo_png()))
    ids["photo_a_locked"] = kept["id"]
    await review(Report.event, locked["id"], staff, "accept", "")

    await final.submit(
        ids["award_a_fin"],
        a,
        {"narrative": "LEAK-A-FINAL narrative", "results": "LEAK-A-FINAL results", "spent": "4000.00"},
    )
    attached = await final.add_attachment(
        ids["award_a_fin"], a, "LEAK-A-FINALFILE.pdf", chunks_of(pdf("LEAK-A-FINALFILE"))
    )
    ids["final_file_a"] = attached["id"]

    event_b = await service.create_event(
        ids["award_b"], b, held_event(ids["school22"], "Held workshop Beta", "LEAK-B-EVDESC what happened")
    )
    ids["event_b"] = event_b["id"]
    planned = await _planned_event_of(ids["a_won"])
    ids["planned_a"] = planned


async def _planned_event_of(application_id: int) -> int:
    from grants.applications.tables import PlannedEvent

    row = await PlannedEvent.select(PlannedEvent.id).where(PlannedEvent.application == application_id).first()
    return row["id"]
