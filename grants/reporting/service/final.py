"""The final report of an award: the grantee's account of the whole project, and its files.

Saved as a draft first if the grantee likes (`draft`: files can be attached, staff see nothing yet),
submitted once (review `pending`); staff accept it, and the final payment
falls due, or return it with a comment (service/review.py), and the grantee
submits it again. Each step moves the award through awards.service.lifecycle, which
owns its row. Due FINAL_REPORT_DAYS after the project's end date (rules.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.awards.service.lock import locked_award
from grants.awards.states import RUNNING
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.storage import DOCUMENT_TYPES, StoredFile, get_storage, kept_if_recorded
from grants.core.time import now
from grants.reporting.queries.final import get_report
from grants.reporting.rules import clean_final
from grants.reporting.tables import FinalReport, FinalReportAttachment, ReviewStatus

MAX_ATTACHMENTS = 20


async def submit(
    award_id: int, principal: Principal, data: dict[str, Any], *, draft: bool = False
) -> tuple[dict[str, Any], bool]:
    """Submit the final report, or submit a returned one again; (the report, whether it is new).

    With `draft` the report is only saved (files can be attached to it, rules.clean_final checks
    what it holds and requires nothing yet); the award moves to final_report_submitted only on a
    submission. A returned report saved again stays returned until it is submitted."""
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound
    award = await award_queries.reportable_award(award_id, principal)
    clean = clean_final(data, award, draft=draft)
    async with write_transaction():
        status = (await locked_award(award_id))["status"]
        existing = await for_update(FinalReport.select().where(FinalReport.award == award_id)).first()
        own = principal.has(Role.applicant) and award["organisation"] == principal.organisation_id
        if not own and (draft or (existing is not None and existing["draft"])):
            # a draft is the grantee's own: staff neither see nor write one
            raise Conflict(
                _("Only the grantee saves a draft; staff see the final report once it is submitted.")
            )
        if existing is not None and not existing["draft"] and existing["review"] != ReviewStatus.returned:
            raise Conflict(
                _("The final report is approved already.")
                if existing["review"] == ReviewStatus.accepted
                else _("The final report is submitted and waits for review.")
            )
        if status not in RUNNING:
            raise Conflict(_("The final report is submitted while the project runs, after the agreement."))
        first = existing is None or existing["draft"]
        values = dict(clean)
        if not draft:
            values |= {
                "submitted_by": principal.user_id,
                "submitted_at": now(),
                "draft": False,
                "review": ReviewStatus.pending,
            }
        elif existing is None:
            values |= {"submitted_by": principal.user_id, "draft": True}
        if existing is None:
            created = await FinalReport.insert(
                FinalReport(award=award_id, **({"review": ReviewStatus.pending} | values))
            ).returning(FinalReport.id)
            report_id = created[0]["id"]
        else:
            report_id = existing["id"]
            changes = {getattr(FinalReport, key): value for key, value in values.items()}
            await FinalReport.update(changes).where(FinalReport.id == report_id)
        after = (existing or {"review": ReviewStatus.pending.value, "spent_cents": 0}) | values
        await audit.record(
            "save_draft" if draft else "submit" if first else "resubmit",
            "final_report",
            report_id,
            actor=principal,
            before={"review": existing["review"], "draft": existing["draft"]} if existing else None,
            after={
                "review": str(after["review"]),
                "draft": bool(after.get("draft", False)),
                "spent": format_cents(after["spent_cents"]),
            },
            award=award_id,
        )
        if not draft:
            await lifecycle.final_report_submitted(award_id, principal)
    return await get_report(award_id, principal), existing is None


async def _open_report(award_id: int, principal: Principal, lock: bool = False) -> dict[str, Any]:
    """The report files may be added to: saved as a draft (by the grantee) or submitted, and not
    approved yet."""
    award = await award_queries.reportable_award(award_id, principal)
    query = FinalReport.select().where(FinalReport.award == award_id)
    row = await (for_update(query) if lock else query).first()
    own = principal.has(Role.applicant) and award["organisation"] == principal.organisation_id
    if row is None or (row["draft"] and not own):
        raise Conflict(_("Save the final report as a draft or submit it first, then attach its files."))
    if row["review"] == ReviewStatus.accepted:
        raise Conflict(_("The final report is approved already."))
    return row


async def _check_room(report: dict[str, Any]) -> None:
    if (
        await FinalReportAttachment.count().where(FinalReportAttachment.report == report["id"])
        >= MAX_ATTACHMENTS
    ):
        raise Conflict(_("A final report can have at most {n} files.").format(n=MAX_ATTACHMENTS))


async def add_attachment(
    award_id: int, principal: Principal, filename: str, chunks: AsyncIterator[bytes]
) -> dict[str, Any]:
    if not principal.has(Role.applicant, Role.staff):
        raise NotFound
    await _check_room(await _open_report(award_id, principal))  # refused before anything is stored
    stored: StoredFile = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
    async with kept_if_recorded(stored), write_transaction():
        await locked_award(award_id)  # every writer of reports locks the award first, then the report
        report = await _open_report(award_id, principal, lock=True)
        await _check_room(report)  # again under the locks: two uploads at once cannot both pass
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
