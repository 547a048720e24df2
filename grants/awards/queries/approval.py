"""National approval of award decisions, as read: the calls waiting for it, the history of each
call's approvals and returns, what a call's banner says, and who is told (the municipality's staff).

A call waits for approval while it requires it and has an award still `awarded`: a reserve awarded
after an approval makes it wait again. The last DecisionReview row says whether the decision was
returned (its comment shown until the next approval).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from piccolo.query.functions.aggregate import Count, Min, Sum

from grants.awards.tables import Award, AwardStatus, DecisionReview, DecisionReviewOutcome
from grants.calls.tables import Call

RECENT = 10  # approvals and returns shown on the approvals page


def _waiting() -> Any:
    return (Award.status == AwardStatus.awarded) & (Award.call.requires_approval.eq(True))


async def waiting_by_call(scope: frozenset[int] | None = None) -> dict[int, dict[str, Any]]:
    """Per call waiting for approval: how many awards, their sum (cents) and the oldest award's time.
    `scope`: only calls of these municipalities (None: all)."""
    condition = _waiting()
    if scope is not None:
        condition &= Award.call.municipality.is_in(list(scope) or [0])
    rows = (
        await Award.select(
            Award.call,
            Count(Award.id, alias="n"),
            Sum(Award.amount_cents, alias="cents"),
            Min(Award.decided_at, alias="since"),
        )
        .where(condition)
        .group_by(Award.call)
    )
    return {
        row["call"]: {"count": row["n"], "cents": row["cents"] or 0, "since": row["since"]} for row in rows
    }


def _moment(value: Any) -> datetime | None:
    """SQLite gives an aggregate's timestamp back as text; PostgreSQL as a datetime."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


async def waiting_calls(page: int, per_page: int) -> dict[str, Any]:
    """The calls waiting for national approval, the longest waiting first, one page of them."""
    waiting = await waiting_by_call()
    calls = {
        row["id"]: row
        for row in await Call.select(
            Call.id,
            Call.title,
            Call.budget_cents,
            Call.quota,
            Call.municipality.name.as_alias("municipality_name"),
        ).where(Call.id.is_in(list(waiting) or [0]))
    }
    rows = [
        calls[call_id] | waiting[call_id] | {"since": _moment(waiting[call_id]["since"])}
        for call_id in waiting
        if call_id in calls
    ]
    rows.sort(key=lambda r: (r["since"] is None, r["since"] or datetime.min, r["id"]))
    total = len(rows)
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    return {
        "rows": rows[(page - 1) * per_page : page * per_page],
        "page": page,
        "pages": pages,
        "total": total,
    }


def _review_columns() -> tuple[Any, ...]:
    return (
        DecisionReview.id,
        DecisionReview.call,
        DecisionReview.outcome,
        DecisionReview.comment,
        DecisionReview.awards,
        DecisionReview.decided_at,
        DecisionReview.call.title.as_alias("call_title"),
        DecisionReview.call.municipality.name.as_alias("municipality_name"),
        DecisionReview.decided_by.first_name.as_alias("first_name"),
        DecisionReview.decided_by.last_name.as_alias("last_name"),
        DecisionReview.decided_by.email.as_alias("email"),
    )


def _with_name(row: dict[str, Any]) -> dict[str, Any]:
    name = f"{row.get('first_name') or ''} {row.get('last_name') or ''}".strip()
    return row | {"decided_by_name": name or row.get("email") or ""}


async def recent_reviews(limit: int = RECENT) -> list[dict[str, Any]]:
    """The latest approvals and returns of every call, newest first."""
    rows = (
        await DecisionReview.select(*_review_columns())
        .order_by(DecisionReview.decided_at, ascending=False)
        .order_by(DecisionReview.id, ascending=False)
        .limit(limit)
    )
    return [_with_name(row) for row in rows]


async def reviews_of(call_id: int) -> list[dict[str, Any]]:
    """The call's approvals and returns, newest first."""
    rows = (
        await DecisionReview.select(*_review_columns())
        .where(DecisionReview.call == call_id)
        .order_by(DecisionReview.id, ascending=False)
    )
    return [_with_name(row) for row in rows]


async def state_of(call: dict[str, Any]) -> dict[str, Any] | None:
    """What the call's banner says: None when the call does not require approval or has nothing
    awarded yet; else {"pending": bool, "waiting": n, "last": the last approval or return or None}.
    A returned decision stays returned (with its comment) until it is approved."""
    if not call.get("requires_approval"):
        return None
    waiting = await Award.count().where((Award.call == call["id"]) & (Award.status == AwardStatus.awarded))
    reviews = await reviews_of(call["id"])
    last = reviews[0] if reviews else None
    if not waiting and last is None:
        return None
    return {
        "pending": waiting > 0,
        "waiting": waiting,
        "last": last,
        "returned": last is not None and last["outcome"] == DecisionReviewOutcome.returned,
    }


async def requiring_approval(call_ids: set[int]) -> set[int]:
    """Which of these calls require national approval before their agreements."""
    if not call_ids:
        return set()
    rows = await Call.select(Call.id).where(Call.id.is_in(list(call_ids)) & Call.requires_approval.eq(True))
    return {row["id"] for row in rows}


async def returned_calls(scope: frozenset[int] | None) -> list[dict[str, Any]]:
    """Calls (of the scope; None: all) whose last review returned the decision and that still wait:
    the municipality's staff have to look at the decision again."""
    waiting = await waiting_by_call(scope)
    if not waiting:
        return []
    last: dict[int, dict[str, Any]] = {}
    for row in (
        await DecisionReview.select(DecisionReview.id, DecisionReview.call, DecisionReview.outcome)
        .where(DecisionReview.call.is_in(list(waiting)))
        .order_by(DecisionReview.id)
    ):
        last[row["call"]] = row
    return [
        {"call": call_id, "n": info["count"]}
        for call_id, info in waiting.items()
        if call_id in last and last[call_id]["outcome"] == DecisionReviewOutcome.returned
    ]


async def state_of_call(call_id: int) -> dict[str, Any] | None:
    """state_of for a call known by its id (None for no such call)."""
    call = await Call.select(Call.id, Call.requires_approval).where(Call.id == call_id).first()
    return None if call is None else await state_of(call)
