"""The final report of an award: the grantee's account of the whole project, and the staff's verdict.

Submitted once (review `pending`); staff approve it, and the final payment
falls due, or return it with a comment, and the grantee submits it again.
Each step moves the award through awards.lifecycle, which owns its row. Due
FINAL_REPORT_DAYS after the project's end date (see deadlines.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.awards.states import RUNNING
from grants.awards.tables import Award
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.money import MoneyError, format_cents, parse_cents
from grants.core.storage import DOCUMENT_TYPES, StoredFile, get_storage, kept_if_recorded
from grants.core.time import now
from grants.reporting import notify
from grants.reporting.deadlines import final_report_due
from grants.reporting.tables import FinalReport, FinalReportAttachment, ReviewStatus

SUBMITTABLE = RUNNING
TEXT_LIMIT = 20_000
COMMENT_LIMIT = 2000
MAX_ATTACHMENTS = 20


def _clean(data: dict[str, Any], award: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean: dict[str, Any] = {}
    for field, message in (
        ("narrative", _("Tell what the project did.")),
        ("results", _("Give the results against the objectives of the application.")),
    ):
        text = str(data.get(field) or "").strip()
        if len(text) > TEXT_LIMIT:
            errors[field] = _("At most {n} characters.").format(n=TEXT_LIMIT)
        elif not text:
            errors[field] = message
        clean[field] = text
    spent = data.get("spent")
    try:
        if not isinstance(spent, str):
            raise MoneyError("not a string")
        clean["spent_cents"] = parse_cents(spent)
    except MoneyError:
        errors["spent"] = _("Enter the amount spent in euros with at most two decimals, e.g. 4512.40.")
    else:
        if clean["spent_cents"] > award["amount_cents"]:
            errors["spent"] = _("The amount spent cannot be more than the award of {amount} EUR.").format(
                amount=format_cents(award["amount_cents"])
            )
    if errors:
        raise ValidationFailed(errors)
    return clean


async def _locked_status(award_id: int) -> str:
    row = await for_update(Award.select(Award.status).where(Award.id == award_id)).first()
    if row is None:
        raise NotFound
    return row["status"]


async def submit(award_id: int, principal: Principal, data: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """Submit the final report, or submit a returned one again; (the report, whether it is new)."""
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound
    award = await award_queries.reportable_award(award_id, principal)
    clean = _clean(data, award)
    async with write_transaction():
        status = await _locked_status(award_id)
        existing = await for_update(FinalReport.select().where(FinalReport.award == award_id)).first()
        if existing is not None and existing["review"] != ReviewStatus.returned:
            raise Conflict(
                _("The final report is approved already.")
                if existing["review"] == ReviewStatus.accepted
                else _("The final report is submitted and waits for review.")
            )
        if status not in SUBMITTABLE:
            raise Conflict(_("The final report is submitted while the project runs, after the agreement."))
        moment = now()
        values = clean | {"submitted_by": principal.user_id, "submitted_at": moment}
        if existing is None:
            created = await FinalReport.insert(
                FinalReport(award=award_id, review=ReviewStatus.pending, **values)
            ).returning(FinalReport.id)
            report_id = created[0]["id"]
        else:
            report_id = existing["id"]
            changes = {getattr(FinalReport, key): value for key, value in values.items()}
            await FinalReport.update(changes | {FinalReport.review: ReviewStatus.pending}).where(
                FinalReport.id == report_id
            )
        await audit.record(
            "submit" if existing is None else "resubmit",
            "final_report",
            report_id,
            actor=principal,
            before={"review": existing["review"]} if existing else None,
            after={"review": ReviewStatus.pending.value, "spent": format_cents(clean["spent_cents"])},
            award=award_id,
        )
        await lifecycle.final_report_submitted(award_id, principal)
    return await get_report(award_id, principal), existing is None


async def review(award_id: int, principal: Principal, decision: str, comment: str) -> dict[str, Any]:
    """Staff approve the final report (the final payment falls due) or return it with a comment."""
    if not principal.has(Role.staff):
        raise NotFound
    comment = (comment or "").strip()
    errors: dict[str, str] = {}
    if decision not in ("approve", "return"):
        errors["decision"] = _("Choose approve or return.")
    if len(comment) > COMMENT_LIMIT:
        errors["comment"] = _("At most {n} characters.").format(n=COMMENT_LIMIT)
    elif decision == "return" and not comment:
        errors["comment"] = _("Say what the grantee should correct.")
    if errors:
        raise ValidationFailed(errors)
    award = await award_queries.reportable_award(award_id, principal)
    verdict = ReviewStatus.accepted if decision == "approve" else ReviewStatus.returned
    async with write_transaction():
        await _locked_status(award_id)
        row = await for_update(FinalReport.select().where(FinalReport.award == award_id)).first()
        if row is None:
            raise NotFound
        if row["review"] != ReviewStatus.pending:
            raise Conflict(_("Only a final report waiting for review can be approved or returned."))
        moment = now()
        await FinalReport.update(
            {
                FinalReport.review: verdict,
                FinalReport.review_comment: comment,
                FinalReport.reviewed_by: principal.user_id,
                FinalReport.reviewed_at: moment,
            }
        ).where(FinalReport.id == row["id"])
        await audit.record(
            "approve" if verdict == ReviewStatus.accepted else "return",
            "final_report",
            row["id"],
            actor=principal,
            before={"review": row["review"]},
            after={"review": verdict.value},
            award=award_id,
            comment=comment,
        )
        if verdict == ReviewStatus.accepted:
            await lifecycle.final_report_approved(award_id, principal)
        else:
            await lifecycle.final_report_returned(award_id, principal)
            await notify.final_returned(award, comment, moment)
    return await get_report(award_id, principal)


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


async def _open_report(award_id: int, principal: Principal, lock: bool = False) -> dict[str, Any]:
    """The report files may be added to: submitted and not approved yet."""
    await award_queries.reportable_award(award_id, principal)
    query = FinalReport.select().where(FinalReport.award == award_id)
    row = await (for_update(query) if lock else query).first()
    if row is None:
        raise Conflict(_("Submit the final report first, then attach its files."))
    if row["review"] == ReviewStatus.accepted:
        raise Conflict(_("The final report is approved already."))
    return row


async def add_attachment(
    award_id: int, principal: Principal, filename: str, chunks: AsyncIterator[bytes]
) -> dict[str, Any]:
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound
    report = await _open_report(award_id, principal)
    if (
        await FinalReportAttachment.count().where(FinalReportAttachment.report == report["id"])
        >= MAX_ATTACHMENTS
    ):
        raise Conflict(_("A final report can have at most {n} files.").format(n=MAX_ATTACHMENTS))
    stored: StoredFile = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    async with kept_if_recorded(stored), write_transaction():
        await _open_report(award_id, principal, lock=True)
        created = await FinalReportAttachment.insert(
            FinalReportAttachment(
                report=report["id"],
                storage_key=stored.key,
                filename=stored.filename,
                content_type=stored.content_type,
                size=stored.size,
                sha256=stored.sha256,
                uploaded_by=principal.user_id,
            )
        ).returning(FinalReportAttachment.id)
        await audit.record(
            "attach",
            "final_report",
            report["id"],
            actor=principal,
            after={"file": stored.filename, "sha256": stored.sha256},
        )
    return {
        "id": created[0]["id"],
        "filename": stored.filename,
        "content_type": stored.content_type,
        "size": stored.size,
        "sha256": stored.sha256,
    }


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
