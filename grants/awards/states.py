"""The award's states in one place: how each reads (pages, exports, mails), its groups, and which
state each move starts from. Pages, the API and the services all read these tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from grants.applications.tables import ApplicationStatus
from grants.awards.tables import AwardStatus, PaymentKind
from grants.calls.tables import CallStatus
from grants.core.i18n import _

# A running project: its agreement is signed and it is not finished. The grantee reports events and
# the final report, and the reminders go out, only while the award is in one of these.
RUNNING = (AwardStatus.agreement_signed.value, AwardStatus.in_progress.value)

# Awards that no longer take a share of the call's budget and quota.
RELEASED = (AwardStatus.declined.value, AwardStatus.terminated.value)

# Awards whose payments may still be added, paid or lowered.
PAYABLE = (*RUNNING, AwardStatus.final_report_submitted.value)

# The allowed moves: (the states a move starts from, the state it leads to). Approving the final
# report is a move that keeps the state: the award closes once it is also paid ("close").
# Before signing, an award is "awarded" and, where its call requires national approval, "approved"
# by national staff first: the service refuses "sign" from "awarded" in such a call.
BEFORE_SIGNING = (AwardStatus.awarded.value, AwardStatus.approved.value)

TRANSITIONS: dict[str, tuple[tuple[str, ...], AwardStatus]] = {
    "approve": ((AwardStatus.awarded.value,), AwardStatus.approved),
    "sign": (BEFORE_SIGNING, AwardStatus.agreement_signed),
    "decline": (BEFORE_SIGNING, AwardStatus.declined),
    "start": ((AwardStatus.agreement_signed.value,), AwardStatus.in_progress),
    "final_report_submitted": (RUNNING, AwardStatus.final_report_submitted),
    "final_report_returned": ((AwardStatus.final_report_submitted.value,), AwardStatus.in_progress),
    "final_report_approved": (
        (AwardStatus.final_report_submitted.value,),
        AwardStatus.final_report_submitted,
    ),
    "close": ((AwardStatus.final_report_submitted.value,), AwardStatus.closed),
    "terminate": (PAYABLE, AwardStatus.terminated),
}

# From these staff may terminate: the agreement is signed and the award not yet closed.
TERMINABLE = TRANSITIONS["terminate"][0]
# Once started, reporting again does not move the award.
STARTED = (
    AwardStatus.in_progress.value,
    AwardStatus.final_report_submitted.value,
    AwardStatus.closed.value,
)

# Applications that can be awarded, and the call states in which awards are made.
AWARDABLE = (ApplicationStatus.eligible, ApplicationStatus.in_review, ApplicationStatus.reserve)
AWARDABLE_VALUES = frozenset(s.value for s in AWARDABLE)
CALL_STATUSES = (CallStatus.published, CallStatus.closed, CallStatus.in_review, CallStatus.decided)


def award_statuses() -> dict[str, str]:
    return {
        AwardStatus.awarded: _("Awarded, agreement not signed yet"),
        AwardStatus.approved: _("Approved nationally, agreement not signed yet"),
        AwardStatus.agreement_signed: _("Agreement signed"),
        AwardStatus.in_progress: _("In progress"),
        AwardStatus.final_report_submitted: _("Final report submitted"),
        AwardStatus.closed: _("Completed"),
        AwardStatus.declined: _("Declined"),
        AwardStatus.terminated: _("Terminated"),
    }


def status_label(award: Mapping[str, Any], labels: Mapping[str, str] | None = None) -> str:
    """How an award's state reads (`labels`: award_statuses() or a page's own version of them). An
    award whose final report is approved stays final_report_submitted until its payments are settled
    ("close"): it reads as such, a label and no state of its own (the award row needs its
    final_report_approved_at)."""
    status = award["status"]
    if status == AwardStatus.final_report_submitted and award.get("final_report_approved_at") is not None:
        return _("Final report approved, payments to settle")
    return (award_statuses() if labels is None else labels).get(status, status)


def payment_kinds() -> dict[str, str]:
    return {
        PaymentKind.advance: _("Advance"),
        PaymentKind.final: _("Final payment"),
        PaymentKind.refund: _("Refund due from the grantee"),
    }


def register_filters() -> dict[str, str]:
    """The payment register's filters by payment state."""
    return {"unpaid": _("Unpaid"), "paid": _("Paid"), "overdue": _("Overdue")}
