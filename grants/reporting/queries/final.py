"""Reads of the final report and its files, behind the award's visibility (NotFound, never 403)."""

from __future__ import annotations

from typing import Any

from grants.awards import queries as award_queries
from grants.core.auth import Principal
from grants.core.errors import NotFound
from grants.reporting.rules import final_report_due
from grants.reporting.tables import FinalReport, FinalReportAttachment


async def find_report(award_id: int, principal: Principal) -> dict[str, Any] | None:
    """The award's final report with its files, or None before the first submission."""
    award = await award_queries.reportable_award(award_id, principal)
    row = await FinalReport.select().where(FinalReport.award == award_id).first()
    if row is None:
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
    return row


async def get_report(award_id: int, principal: Principal) -> dict[str, Any]:
    row = await find_report(award_id, principal)
    if row is None:
        raise NotFound
    return row


async def find_attachment(attachment_id: int, principal: Principal) -> dict[str, Any]:
    """The file if its award is visible to the caller; NotFound otherwise (never 403)."""
    row = await (
        FinalReportAttachment.select(
            FinalReportAttachment.all_columns(), FinalReportAttachment.report.award.as_alias("award")
        )
        .where(FinalReportAttachment.id == attachment_id)
        .first()
    )
    if row is None:
        raise NotFound
    await award_queries.reportable_award(row["award"], principal)
    return row
