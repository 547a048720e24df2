"""Reads of the final report and its files, behind the award's visibility (NotFound, never 403).

A draft (saved, not submitted yet) is the grantee's own: only members of the award's organisation
see it and its files; for staff there is no report until it is submitted.
"""

from __future__ import annotations

from typing import Any

from piccolo.query.functions.aggregate import Sum

from grants.applications.tables import PlannedEvent
from grants.awards import queries as award_queries
from grants.awards.states import RUNNING
from grants.core.auth import Principal, Role
from grants.core.errors import NotFound
from grants.reporting.queries.events import unreported_planned
from grants.reporting.rules import final_report_due
from grants.reporting.tables import EventReport, EventStatus, FinalReport, FinalReportAttachment, ReviewStatus


def _own(award: dict[str, Any], principal: Principal) -> bool:
    """Whether the principal is a member of the organisation the award went to."""
    return principal.has(Role.applicant) and award["organisation"] == principal.organisation_id


async def find_report(award_id: int, principal: Principal) -> dict[str, Any] | None:
    """The award's final report with its files, or None before the first submission (for anyone
    but the grantee, a draft is not there yet)."""
    award = await award_queries.reportable_award(award_id, principal)
    row = await FinalReport.select().where(FinalReport.award == award_id).first()
    if row is None or (row["draft"] and not _own(award, principal)):
        return None
    row["attachments"] = (
        await FinalReportAttachment.select(
            FinalReportAttachment.id,
            FinalReportAttachment.filename,
            FinalReportAttachment.content_type,
            FinalReportAttachment.size,
            FinalReportAttachment.sha256,
        )
        .where(FinalReportAttachment.report == row["id"])
        .order_by(FinalReportAttachment.id)
    )
    row["due_on"] = final_report_due(award["end_date"])
    row["payment_method"] = award["payment_method"]
    return row


async def get_report(award_id: int, principal: Principal) -> dict[str, Any]:
    row = await find_report(award_id, principal)
    if row is None:
        raise NotFound
    return row


async def find_attachment(attachment_id: int, principal: Principal) -> dict[str, Any]:
    """The file if its award is visible to the caller (a draft's: to the grantee only); NotFound
    otherwise (never 403)."""
    row = await (
        FinalReportAttachment.select(
            FinalReportAttachment.all_columns(),
            FinalReportAttachment.report.award.as_alias("award"),
            FinalReportAttachment.report.draft.as_alias("draft"),
        )
        .where(FinalReportAttachment.id == attachment_id)
        .first()
    )
    if row is None:
        raise NotFound
    award = await award_queries.reportable_award(row["award"], principal)
    if row["draft"] and not _own(award, principal):
        raise NotFound
    return row


async def submittable(award: dict[str, Any]) -> bool:
    """Whether the award's final report can be submitted now: the project runs, and the report is
    none yet, a draft or returned (the service decides under its locks; this is for the pages)."""
    if award["status"] not in RUNNING:
        return False
    report = (
        await FinalReport.select(FinalReport.draft, FinalReport.review)
        .where(FinalReport.award == award["id"])
        .first()
    )
    return report is None or report["draft"] or report["review"] == ReviewStatus.returned


async def against_plan(award: dict[str, Any]) -> dict[str, Any]:
    """The project against its plan (the award already checked): the events planned in the
    application (`planned`), how many of them have a held report (`held`: a planned event counts
    once, whatever its report's review), the held events that were not in the plan (`unplanned`),
    the planned events with no report at all (`unreported`, their titles in `unreported_titles`),
    and the pupils reached and the pupils at risk reached, summed over the held events staff
    accepted (only those count)."""
    planned = await PlannedEvent.count().where(PlannedEvent.application == award["application"])
    held_rows = await EventReport.select(EventReport.planned_event).where(
        (EventReport.award == award["id"]) & (EventReport.status == EventStatus.held)
    )
    held_planned = {r["planned_event"] for r in held_rows if r["planned_event"] is not None}
    sums = await (
        EventReport.select(
            Sum(EventReport.participants, alias="participants"),
            Sum(EventReport.participants_at_risk, alias="at_risk"),
        )
        .where(
            (EventReport.award == award["id"])
            & (EventReport.status == EventStatus.held)
            & (EventReport.review == ReviewStatus.accepted)
        )
        .first()
    )
    unreported = await unreported_planned(award)
    return {
        "planned": planned,
        "held": len(held_planned),
        "unplanned": sum(1 for r in held_rows if r["planned_event"] is None),
        "unreported": len(unreported),
        "unreported_titles": [r["title"] for r in unreported],
        "participants": int((sums or {}).get("participants") or 0),
        "participants_at_risk": int((sums or {}).get("at_risk") or 0),
    }
