"""The staff's review queue: event and final reports by review state and call, a page at a time."""

from __future__ import annotations

from typing import Any

from grants.core.auth import within
from grants.reporting.tables import EventReport, EventStatus, FinalReport

PAGE_SIZE = 25


def _event_filter(review: str, call_id: int | None, scope: frozenset[int] | None = None) -> Any:
    where = EventReport.status != EventStatus.planned  # a plan is not a report yet
    if review != "all":
        where &= EventReport.review == review
    if call_id is not None:
        where &= EventReport.award.call == call_id
    if (mine := within(EventReport.award.call.municipality, scope)) is not None:
        where &= mine
    return where


def _final_filter(review: str, call_id: int | None, scope: frozenset[int] | None = None) -> Any:
    where = FinalReport.draft == False  # noqa: E712 - a draft is the grantee's, not staff's work yet
    if review != "all":
        where &= FinalReport.review == review
    if call_id is not None:
        where &= FinalReport.award.call == call_id
    if (mine := within(FinalReport.award.call.municipality, scope)) is not None:
        where &= mine
    return where


async def _event_rows(where: Any, page: int) -> list[dict[str, Any]]:
    return await (
        EventReport.select(
            EventReport.id,
            EventReport.award,
            EventReport.title,
            EventReport.kind,
            EventReport.status,
            EventReport.held_on,
            EventReport.participants,
            EventReport.review,
            EventReport.reported_at,
            EventReport.school.name.as_alias("school_name"),
            EventReport.award.application.reference.as_alias("reference"),
            EventReport.award.application.organisation.name.as_alias("organisation_name"),
        )
        .where(where)
        .order_by(EventReport.reported_at)
        .order_by(EventReport.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


async def _final_rows(where: Any, page: int) -> list[dict[str, Any]]:
    return await (
        FinalReport.select(
            FinalReport.id,
            FinalReport.award,
            FinalReport.review,
            FinalReport.submitted_at,
            FinalReport.spent_cents,
            FinalReport.award.amount_cents.as_alias("amount_cents"),
            FinalReport.award.application.reference.as_alias("reference"),
            FinalReport.award.application.title.as_alias("title"),
            FinalReport.award.application.organisation.name.as_alias("organisation_name"),
        )
        .where(where)
        .order_by(FinalReport.submitted_at)
        .order_by(FinalReport.id)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    )


async def queue_page(
    kind: str, review: str, call_id: int | None, page: int, scope: frozenset[int] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """(how many reports match, this page of them); `kind` "events" or "final", `review` a state or "all";
    of the calls of the municipalities in `scope` (Principal.staff_scope; None: all)."""
    if kind == "events":
        where = _event_filter(review, call_id, scope)
        return await EventReport.count().where(where), await _event_rows(where, page)
    where = _final_filter(review, call_id, scope)
    return await FinalReport.count().where(where), await _final_rows(where, page)


async def pending_counts(scope: frozenset[int] | None = None) -> dict[str, int]:
    """How many event and final reports wait for review, over every call (of `scope`)."""
    return {
        "events": await EventReport.count().where(_event_filter("pending", None, scope)),
        "final": await FinalReport.count().where(_final_filter("pending", None, scope)),
    }
