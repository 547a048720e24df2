"""The work queues of national approval on the back-office home: for national staff the award
decisions waiting for their approval, for municipal staff the decisions national staff returned
(of their municipalities), each counted per call in awards."""

from __future__ import annotations

from admin.queues import Queue, QueueRow
from grants.awards.queries import approval
from grants.calls.tables import Call
from grants.core.auth import Principal
from grants.core.i18n import _


async def _titles(call_ids: list[int]) -> dict[int, str]:
    rows = await Call.select(Call.id, Call.title).where(Call.id.is_in(call_ids or [0]))
    return {row["id"]: row["title"] for row in rows}


def _rows(counts: dict[int, int], titles: dict[int, str], href: str) -> list[QueueRow]:
    return [
        QueueRow(titles.get(call, str(call)), n, href.format(call=call))
        for call, n in sorted(counts.items(), key=lambda item: titles.get(item[0], "").casefold())
        if n
    ]


async def awaiting_approval() -> Queue:
    """Calls whose awards wait for national approval (national staff)."""
    counts = {call: info["count"] for call, info in (await approval.waiting_by_call()).items()}
    return Queue(
        "approvals",
        _("Decisions awaiting approval"),
        _("Approve the municipality's award decision, or return it with a comment."),
        _rows(counts, await _titles(list(counts)), "/admin/calls/{call}/approval"),
    )


async def returned_decisions(me: Principal) -> Queue:
    """Calls of the staff member's municipalities whose decision national staff returned."""
    counts = {row["call"]: row["n"] for row in await approval.returned_calls(me.staff_scope)}
    return Queue(
        "returned",
        _("Decisions returned by national staff"),
        _("Read the comment on the call's ranking, correct the decision and ask for approval again."),
        _rows(counts, await _titles(list(counts)), "/admin/calls/{call}/ranking"),
    )


async def approval_queues(me: Principal) -> list[Queue]:
    """The approval queue of this staff member: national staff approve, municipal staff correct."""
    return [await awaiting_approval()] if me.national else [await returned_decisions(me)]
