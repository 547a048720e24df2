"""The staff's review of a report, one transition for event reports and the final report alike.

A report waiting for review (`pending`) is accepted or returned to the grantee
with a comment. An accepted event report can no longer change; an accepted
final report makes the final payment due (awards.service.lifecycle). A returned report
mails the grantee, who corrects it and it waits again.

An event at a school the programme does not count by itself (rules.SchoolBasis.other) is
accepted only together with the staff's approval of the school, with their reason
(rules.school_approval): who approved it, when and why are kept on the report.
"""

from __future__ import annotations

from enum import StrEnum

from grants.awards import queries as award_queries
from grants.awards.service import lifecycle
from grants.awards.service.lock import locked_award
from grants.awards.states import RUNNING
from grants.core import audit
from grants.core.auth import Principal, Role
from grants.core.db import for_update, write_transaction
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _
from grants.core.time import now
from grants.reporting import notify
from grants.reporting.queries.events import event_row, get_event
from grants.reporting.rules import SchoolBasis, review_verdict, school_approval
from grants.reporting.service.events import lock_event
from grants.reporting.states import ACCEPT, RETURN
from grants.reporting.tables import EventReport, EventStatus, FinalReport, ReviewStatus


class Report(StrEnum):
    event = "event_report"  # found by the event report's id
    final = "final_report"  # found by the award's id


async def review(
    report: Report,
    key: int,
    principal: Principal,
    decision: str,
    comment: str,
    approve_school: bool = False,
    school_approval_reason: str = "",
) -> None:
    """Staff accept a report or return it to the grantee with a comment (states.DECISIONS); an
    event at an "other" school is accepted with `approve_school` and the approval's reason."""
    if not principal.has(Role.staff):
        raise NotFound
    verdict, comment = review_verdict(decision, comment)
    table = EventReport if report == Report.event else FinalReport
    approval = ""
    async with write_transaction():
        if report == Report.event:
            _event, award = await event_row(key, principal)
            running = (await locked_award(award["id"]))["status"] in RUNNING
            row = await lock_event(key)
            if row["status"] == EventStatus.planned or row["review"] != ReviewStatus.pending:
                raise Conflict(_("Only a reported event waiting for review can be accepted or returned."))
            if verdict == ReviewStatus.returned and not running:
                raise Conflict(
                    _("The award no longer takes event reports, so the report cannot be returned.")
                )
            basis = SchoolBasis((await get_event(key, principal))["school_rule"])
            approval = school_approval(basis, verdict, approve_school, school_approval_reason)
        else:
            award = await award_queries.reportable_award(key, principal)
            await locked_award(key)
            row = await for_update(FinalReport.select().where(FinalReport.award == key)).first()
            if row is None or row["draft"]:  # a draft is the grantee's until submitted
                raise NotFound
            if row["review"] != ReviewStatus.pending:
                raise Conflict(_("Only a final report waiting for review can be approved or returned."))
        moment = now()
        changes = {
            table.review: verdict,
            table.review_comment: comment,
            table.reviewed_by: principal.user_id,
            table.reviewed_at: moment,
        }
        if approval:
            changes |= {
                EventReport.school_approved_by: principal.user_id,
                EventReport.school_approved_at: moment,
                EventReport.school_approval_reason: approval,
            }
        await table.update(changes).where(table.id == row["id"])
        await audit.record(
            ACCEPT if verdict == ReviewStatus.accepted else RETURN,
            report.value,
            row["id"],
            actor=principal,
            before={"review": row["review"]},
            after={"review": verdict.value},
            comment=comment,
            **({"award": key} if report == Report.final else {}),
            **({"school_approved": approval} if approval else {}),
        )
        if report == Report.event:
            if verdict == ReviewStatus.returned:
                await notify.event_returned(row, award, comment, moment)
        elif verdict == ReviewStatus.accepted:
            await lifecycle.final_report_approved(key, principal, row["spent_cents"])
        else:
            await lifecycle.final_report_returned(key, principal)
            await notify.final_returned(award, comment, moment)
