"""The award's states in one place: how each reads (pages, exports, mails) and which group it is in."""

from __future__ import annotations

from grants.awards.tables import AwardStatus, PaymentKind
from grants.core.i18n import _

# A running project: its agreement is signed and it is not finished. The grantee reports events and
# the final report, and the reminders go out, only while the award is in one of these.
RUNNING = (AwardStatus.agreement_signed.value, AwardStatus.in_progress.value)


def award_statuses() -> dict[str, str]:
    return {
        AwardStatus.awarded: _("Awarded, agreement not signed yet"),
        AwardStatus.agreement_signed: _("Agreement signed"),
        AwardStatus.in_progress: _("In progress"),
        AwardStatus.final_report_submitted: _("Final report submitted"),
        AwardStatus.closed: _("Completed"),
        AwardStatus.declined: _("Declined"),
        AwardStatus.terminated: _("Terminated"),
    }


def payment_kinds() -> dict[str, str]:
    return {PaymentKind.advance: _("Advance"), PaymentKind.final: _("Final payment")}
