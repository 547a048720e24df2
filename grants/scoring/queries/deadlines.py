"""The review deadline's reads: the reviewer's home (their assignments by call, what is left, what is
overdue), each reviewer's progress in a call for staff, and who is to be reminded before a deadline.

An assignment's step is what its reviewer does next: "declare" (no answer to the conflict-of-interest
question yet), "score" (declared no conflict, not submitted), "submitted", or "conflict" (released).
It is overdue when it is still to declare or to score after its call's review deadline
(Call.review_closes_at); a call without a deadline has nothing overdue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from grants.calls.tables import CallStatus
from grants.core.auth import Principal
from grants.core.time import from_db, now
from grants.scoring.queries.progress import display_name
from grants.scoring.tables import Assignment, AssignmentStatus

STEPS = ("declare", "score", "submitted", "conflict")
# Calls whose reviews are still wanted: a decided or archived call reminds nobody.
REVIEWING = [CallStatus.published.value, CallStatus.closed.value, CallStatus.in_review.value]


def step_of(row: dict[str, Any]) -> str:
    if row["status"] == AssignmentStatus.coi_declared:
        return "conflict"
    if row["status"] == AssignmentStatus.submitted:
        return "submitted"
    return "declare" if row["conflict"] is None else "score"


def is_overdue(step: str, deadline: datetime | None, moment: datetime) -> bool:
    return step in ("declare", "score") and deadline is not None and from_db(deadline) < moment


@dataclass
class CallGroup:
    """One call on the reviewer's home: its deadline, its counts over all pages, the rows of this page."""

    call_id: int
    title: str
    deadline: datetime | None
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STEPS, 0))
    overdue: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)
    continued: bool = False  # its first rows are on an earlier page

    @property
    def left(self) -> int:
        return self.counts["declare"] + self.counts["score"]


def _call_order(group: CallGroup) -> tuple[Any, ...]:
    """Calls with work left first, the nearest deadline first, calls without one after; then newest."""
    deadline = group.deadline.timestamp() if group.deadline is not None else float("inf")
    return (group.left == 0, deadline, -group.call_id)


async def reviewer_home(reviewer: Principal, page: int, per_page: int) -> dict[str, Any]:
    """The reviewer's assignments grouped by call, `per_page` rows a page (a call's rows may continue
    on the next page; its counts are always the whole call's).

    A reviewer's workload is a few dozen assignments, read in one query and paged here: the order
    (deadline first, calls without one last) is the same on SQLite and PostgreSQL that way.
    """
    rows = (
        await Assignment.select(
            Assignment.id,
            Assignment.status,
            Assignment.conflict,
            Assignment.call.id.as_alias("call_id"),
            Assignment.call.title.as_alias("call_title"),
            Assignment.call.review_closes_at.as_alias("deadline"),
            Assignment.application.reference.as_alias("reference"),
            Assignment.application.title.as_alias("title"),
        )
        .where(Assignment.reviewer == reviewer.user_id)
        .order_by(Assignment.id)
    )
    moment = now()
    groups: dict[int, CallGroup] = {}
    for row in rows:
        deadline = from_db(row["deadline"]) if row["deadline"] is not None else None
        group = groups.setdefault(row["call_id"], CallGroup(row["call_id"], row["call_title"], deadline))
        step = step_of(row)
        row |= {"step": step, "overdue": is_overdue(step, deadline, moment)}
        if step == "conflict":
            row["title"] = ""  # released: the application is not theirs to read any more
        group.counts[step] += 1
        group.overdue += row["overdue"]
    by_call: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        by_call.setdefault(row["call_id"], []).append(row)
    ordered = sorted(groups.values(), key=_call_order)
    flat = [(group, row) for group in ordered for row in sorted(by_call[group.call_id], key=_row_order)]
    pages = max(1, -(-len(flat) // per_page))
    page = min(max(page, 1), pages)
    start = (page - 1) * per_page
    shown: dict[int, CallGroup] = {}
    for group, row in flat[start : start + per_page]:
        if group.call_id not in shown:
            continued = start > 0 and flat[start - 1][0] is group and not shown
            shown[group.call_id] = CallGroup(
                group.call_id, group.title, group.deadline, group.counts, group.overdue, continued=continued
            )
        shown[group.call_id].rows.append(row)
    return {"groups": list(shown.values()), "page": page, "pages": pages, "total": len(flat)}


def _row_order(row: dict[str, Any]) -> tuple[int, int]:
    """What is left to do first (declare, then score), then the rest, each in the order given."""
    return (STEPS.index(row["step"]), row["id"])


async def reviewer_progress(call_id: int) -> list[dict[str, Any]]:
    """Each reviewer of the call: their counts per step, how many are overdue, and the applications
    still open with them (to reassign or to ask about), by name."""
    rows = (
        await Assignment.select(
            Assignment.id,
            Assignment.status,
            Assignment.conflict,
            Assignment.submitted_at,
            Assignment.application.id.as_alias("application"),
            Assignment.application.reference.as_alias("reference"),
            Assignment.call.review_closes_at.as_alias("deadline"),
            Assignment.reviewer.id.as_alias("reviewer"),
            Assignment.reviewer.email.as_alias("email"),
            Assignment.reviewer.first_name.as_alias("first_name"),
            Assignment.reviewer.last_name.as_alias("last_name"),
        )
        .where(Assignment.call == call_id)
        .order_by(Assignment.id)
    )
    moment = now()
    people: dict[int, dict[str, Any]] = {}
    for row in rows:
        person = people.setdefault(
            row["reviewer"],
            {
                "id": row["reviewer"],
                "label": display_name(row),
                "assigned": 0,
                "overdue": 0,
                "open": [],
                "last_submitted_at": None,
            }
            | dict.fromkeys(STEPS, 0),
        )
        step = step_of(row)
        deadline = from_db(row["deadline"]) if row["deadline"] is not None else None
        overdue = is_overdue(step, deadline, moment)
        person["assigned"] += 1
        person[step] += 1
        person["overdue"] += overdue
        if step in ("declare", "score"):
            person["open"].append(
                {
                    "application": row["application"],
                    "reference": row["reference"],
                    "step": step,
                    "overdue": overdue,
                }
            )
        if row["submitted_at"] is not None:
            submitted = from_db(row["submitted_at"])
            if person["last_submitted_at"] is None or submitted > person["last_submitted_at"]:
                person["last_submitted_at"] = submitted
    return sorted(people.values(), key=lambda p: (p["label"].casefold(), p["id"]))


@dataclass(frozen=True)
class Pending:
    """What one reviewer still has to do in one call."""

    reviewer: int
    call_id: int
    call_title: str
    deadline: datetime | None
    declare: int
    score: int


def _pending(rows: list[dict[str, Any]]) -> list[Pending]:
    by_pair: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        pair = by_pair.setdefault((row["reviewer"], row["call_id"]), {"row": row, "declare": 0, "score": 0})
        pair[step_of(row)] += 1
    return [
        Pending(
            reviewer,
            call_id,
            pair["row"]["call_title"],
            from_db(pair["row"]["deadline"]) if pair["row"]["deadline"] is not None else None,
            pair["declare"],
            pair["score"],
        )
        for (reviewer, call_id), pair in sorted(by_pair.items())
    ]


def _pending_select() -> Any:
    return Assignment.select(
        Assignment.reviewer,
        Assignment.status,
        Assignment.conflict,
        Assignment.call.id.as_alias("call_id"),
        Assignment.call.title.as_alias("call_title"),
        Assignment.call.review_closes_at.as_alias("deadline"),
    )


async def pending_before_deadline(days: int) -> list[Pending]:
    """Active reviewers with assignments still open in a call whose review deadline is within `days`
    from now (and not past), one row per reviewer and call."""
    moment = now()
    rows = await _pending_select().where(
        (Assignment.status == AssignmentStatus.pending)
        & Assignment.reviewer.active.eq(True)
        & Assignment.call.status.is_in(REVIEWING)
        & (Assignment.call.review_closes_at > moment)
        & (Assignment.call.review_closes_at <= moment + timedelta(days=days))
    )
    return _pending(rows)


async def pending_of(call_id: int, reviewer_id: int) -> Pending | None:
    """What this reviewer still has to do in this call, or None when nothing is open."""
    rows = await _pending_select().where(
        (Assignment.call == call_id)
        & (Assignment.reviewer == reviewer_id)
        & (Assignment.status == AssignmentStatus.pending)
    )
    found = _pending(rows)
    return found[0] if found else None
