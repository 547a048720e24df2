"""How the awards' codes read on pages and in exports, in the reader's language."""

from __future__ import annotations

from grants.awards.tables import AwardStatus, PaymentKind
from grants.core.i18n import _


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
