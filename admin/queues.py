"""The staff's work queues on the back-office home: what waits for them, counted per call.

Each queue is one read of the domains' tables (admin sits above every domain, so it may read them
all). A queue names where the work is done; the home page shows only queues with work in them first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from piccolo.query.functions.aggregate import Count

from grants.applications.tables import Application, ApplicationStatus, Clarification
from grants.awards.tables import Agreement, Award, AwardStatus, Payment
from grants.calls.tables import Call, CallStatus
from grants.core.auth import scoped
from grants.core.i18n import _
from grants.core.time import now, riga_today
from grants.reporting.tables import EventReport, EventStatus, FinalReport, ReviewStatus
from grants.scoring.tables import Assignment, AssignmentStatus


@dataclass
class QueueRow:
    label: str  # usually the call's title
    count: int
    href: str


@dataclass
class Queue:
    key: str  # stable, for tests and anchors
    title: str
    hint: str  # what to do about it
    rows: list[QueueRow] = field(default_factory=list)
    overdue: int = 0  # of the total, how many are past their due date (shown as a warning)

    @property
    def total(self) -> int:
        return sum(row.count for row in self.rows)


Scope = frozenset[int] | None  # the staff member's municipalities (Principal.staff_scope); None: all


async def _call_titles(scope: Scope = None) -> dict[int, str]:
    rows = await scoped(Call.select(Call.id, Call.title), Call.municipality, scope)
    return {row["id"]: row["title"] for row in rows}


def _per_call(rows: list[dict[str, Any]], titles: dict[int, str], href: str) -> list[QueueRow]:
    return [
        QueueRow(titles.get(row["call"], str(row["call"])), row["n"], href.format(call=row["call"]))
        for row in sorted(rows, key=lambda r: titles.get(r["call"], "").casefold())
        if row["n"]
    ]


async def to_screen(titles: dict[int, str], scope: Scope = None) -> Queue:
    """Submitted applications of calls past their deadline: eligibility is checked next."""
    query = Application.select(Application.call, Count(Application.id, alias="n")).where(
        (Application.status == ApplicationStatus.submitted) & (Application.call.closes_at <= now())
    )
    rows = await scoped(query, Application.call.municipality, scope).group_by(Application.call)
    return Queue(
        "screen",
        _("Applications to screen"),
        _("Check eligibility, or ask the applicant for a clarification."),
        _per_call(rows, titles, "/admin/calls/{call}"),
    )


async def clarifications(titles: dict[int, str], scope: Scope = None) -> Queue:
    """Questions asked and not answered yet; the overdue ones are counted apart."""
    open_questions = Clarification.answered_at.is_null() & (
        Clarification.application.status == ApplicationStatus.clarification
    )
    mine = Clarification.application.call.municipality
    query = Clarification.select(
        Clarification.application.call.as_alias("call"), Count(Clarification.id, alias="n")
    ).where(open_questions)
    rows = await scoped(query, mine, scope).group_by(Clarification.application.call)
    overdue = await scoped(
        Clarification.count().where(open_questions & (Clarification.due_at < now())), mine, scope
    )
    return Queue(
        "clarifications",
        _("Clarifications awaiting answers"),
        _("The applicants have been asked; an overdue one may need a reminder or a decision."),
        _per_call(rows, titles, "/admin/calls/{call}/applications?status=clarification"),
        overdue=overdue,
    )


async def reviews_overdue(titles: dict[int, str], scope: Scope = None) -> Queue:
    """Assignments still open after their call's review deadline."""
    query = Assignment.select(Assignment.call, Count(Assignment.id, alias="n")).where(
        (Assignment.status == AssignmentStatus.pending)
        & Assignment.call.review_closes_at.is_not_null()
        & (Assignment.call.review_closes_at < now())
    )
    rows = await scoped(query, Assignment.call.municipality, scope).group_by(Assignment.call)
    return Queue(
        "reviews",
        _("Reviews overdue"),
        _("Remind the reviewers, or reassign their applications."),
        _per_call(rows, titles, "/admin/calls/{call}/reviews"),
    )


async def calls_to_close(titles: dict[int, str], scope: Scope = None) -> Queue:
    """Published calls past their deadline (to close) and closed ones still to decide."""
    query = Call.select(Call.id, Call.status, Call.closes_at).where(
        ((Call.status == CallStatus.published) & (Call.closes_at <= now()))
        | Call.status.is_in([CallStatus.closed, CallStatus.in_review])
    )
    rows = await scoped(query, Call.municipality, scope)
    return Queue(
        "calls",
        _("Calls past their deadline"),
        _("Close the call, screen and review its applications, then decide the awards."),
        [
            QueueRow(titles.get(row["id"], ""), 1, f"/admin/calls/{row['id']}/ranking")
            for row in sorted(rows, key=lambda r: titles.get(r["id"], "").casefold())
        ],
    )


async def agreements_to_record(titles: dict[int, str], scope: Scope = None) -> Queue:
    """Awards whose agreement may be recorded now: approved nationally, or awarded in a call that
    needs no national approval (one still waiting for approval is the national staff's queue)."""
    signed = Agreement.select(Agreement.award)
    ready = (Award.status == AwardStatus.approved) | (
        (Award.status == AwardStatus.awarded) & Award.call.requires_approval.eq(False)
    )
    query = Award.select(Award.call, Count(Award.id, alias="n")).where(ready & Award.id.not_in(signed))
    rows = await scoped(query, Award.call.municipality, scope).group_by(Award.call)
    return Queue(
        "agreements",
        _("Agreements to record"),
        _("Record the signed agreement; the advance payment falls due with it."),
        _per_call(rows, titles, "/admin/awards?call_id={call}"),
    )


async def payments_due(titles: dict[int, str], scope: Scope = None) -> Queue:
    open_payments = Payment.paid_on.is_null()
    mine = Payment.award.call.municipality
    query = Payment.select(Payment.award.call.as_alias("call"), Count(Payment.id, alias="n")).where(
        open_payments
    )
    rows = await scoped(query, mine, scope).group_by(Payment.award.call)
    overdue = await scoped(
        Payment.count().where(open_payments & (Payment.due_on < riga_today())), mine, scope
    )
    return Queue(
        "payments",
        _("Payments due"),
        _("Make the transfer and mark the payment as paid."),
        _per_call(rows, titles, "/admin/payments?call_id={call}&status=unpaid"),
        overdue=overdue,
    )


async def reports_to_review(titles: dict[int, str], scope: Scope = None) -> Queue:
    events = await scoped(
        EventReport.select(EventReport.award.call.as_alias("call"), Count(EventReport.id, alias="n")).where(
            (EventReport.status == EventStatus.held) & (EventReport.review == ReviewStatus.pending)
        ),
        EventReport.award.call.municipality,
        scope,
    ).group_by(EventReport.award.call)
    finals = await scoped(
        FinalReport.select(FinalReport.award.call.as_alias("call"), Count(FinalReport.id, alias="n")).where(
            (FinalReport.review == ReviewStatus.pending) & (FinalReport.draft == False)  # noqa: E712
        ),
        FinalReport.award.call.municipality,
        scope,
    ).group_by(FinalReport.award.call)
    merged: dict[int, int] = {}
    for row in [*events, *finals]:
        merged[row["call"]] = merged.get(row["call"], 0) + row["n"]
    return Queue(
        "reports",
        _("Reports to review"),
        _("Accept an event or final report, or return it with a comment."),
        _per_call([{"call": k, "n": v} for k, v in merged.items()], titles, "/admin/reports?call={call}"),
    )


async def staff_queues(scope: Scope = None) -> list[Queue]:
    """The queues of the calls of the municipalities in `scope` (a municipal staff member's); None: all."""
    titles = await _call_titles(scope)
    return [
        await to_screen(titles, scope),
        await clarifications(titles, scope),
        await reviews_overdue(titles, scope),
        await calls_to_close(titles, scope),
        await agreements_to_record(titles, scope),
        await payments_due(titles, scope),
        await reports_to_review(titles, scope),
    ]
