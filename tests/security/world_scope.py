"""The world's records under LV-022's calls that the municipal staff member of LV-016 ("m") must never
see, whatever the route: a draft call of LV-022 with a document, and an open call of LV-022 where B
submitted an application and staff asked a question (still unanswered). B's award in LV-022
(`award_b`, its payment, agreement and event) comes from world.py and world_reporting.py.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.security.world import World, _application, _call, chunks_of, pdf

SCOPE_SECRETS: dict[str, frozenset[str]] = {
    "LEAK-DRAFT22-CALL": frozenset({"s"}),
    "LEAK-DRAFT22DOC": frozenset({"s"}),
    "LEAK-B22-SUB": frozenset({"b", "s"}),
    "LEAK-B22-CLAR": frozenset({"b", "s"}),
}

OPEN_CALL_22 = "Cēsu security call"  # its title: in the national staff's queues, never in m's


async def build_scope(world: World, staff: Any, b: Any) -> None:
    from grants.applications.service import clarifications, submission
    from grants.calls import service as calls
    from grants.core.time import now

    draft = await _call(staff, "LV-022", title="LEAK-DRAFT22-CALL title")
    world.ids["call_draft22"] = draft
    world.ids["doc_draft22"] = (
        await calls.add_document(draft, staff, "LEAK-DRAFT22DOC", "LEAK-DRAFT22DOC.pdf", chunks_of(pdf()))
    )["id"]

    open22 = await _call(staff, "LV-022", title=OPEN_CALL_22)
    await calls.publish(open22, staff)
    world.ids["call_open22"] = open22
    b22 = await _application(open22, b, world.ids["school22"], "LEAK-B22-SUB")
    await submission.submit(b22, b)
    world.ids["b22_sub"] = b22
    asked = await clarifications.ask_clarification(
        b22, staff, "LEAK-B22-CLAR question", now() + timedelta(days=3)
    )
    world.ids["clar_b22"] = asked["id"]
    world.secrets |= SCOPE_SECRETS
