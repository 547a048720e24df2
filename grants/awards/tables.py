from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from grants.applications.tables import Application
from grants.calls.tables import Call


class AwardStatus(StrEnum):
    awarded = "awarded"
    approved = "approved"  # by national staff, where the call requires it; then the agreement
    agreement_signed = "agreement_signed"
    in_progress = "in_progress"
    final_report_submitted = "final_report_submitted"
    closed = "closed"
    declined = "declined"  # by the grantee, before the agreement
    terminated = "terminated"


class Award(Table, tablename="award"):
    """One grant: an application's share of its call's budget and quota while not declined or terminated."""

    # Money records outlive a careless delete: the call and the application cannot go while awarded.
    call = ForeignKey(Call, index=True, on_delete=OnDelete.restrict)
    application = ForeignKey(Application, unique=True, on_delete=OnDelete.restrict)
    amount_cents = Integer()
    status = Varchar(length=30, choices=AwardStatus, default=AwardStatus.awarded, index=True)
    decided_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(default=TimestamptzNow())
    reason = Text(default="")  # why the amount or the choice differs from the ranking
    decline_reason = Text(default="")  # why the grantee or staff declined it before signing
    termination_reason = Text(default="")
    final_report_approved_at = Timestamptz(null=True, default=None)


class Agreement(Table, tablename="agreement"):
    """The signed grant agreement of one award; the signed document lives in the storage."""

    award = ForeignKey(Award, unique=True, on_delete=OnDelete.restrict)
    number = Varchar(length=50, unique=True)
    signed_on = Date()
    storage_key = Varchar(length=200, unique=True, secret=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    recorded_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    recorded_at = Timestamptz(default=TimestamptzNow())


class PaymentKind(StrEnum):
    advance = "advance"  # due when the agreement is signed: the call's advance_percent of the award
    final = "final"  # due when the final report is approved: the rest (by the call's payment method)
    refund = "refund"  # owed back by the grantee: a costs call's advance above the eligible costs


class Payment(Table, tablename="payment"):
    """A tranche of an award: due on a day, paid on a day. All tranches of an award sum to at most its amount."""

    award = ForeignKey(Award, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=10, choices=PaymentKind)
    amount_cents = Integer()
    due_on = Date(index=True)
    paid_on = Date(null=True, default=None, index=True)
    paid_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    note = Varchar(length=300, default="")  # e.g. the bank transfer's reference
    created_at = Timestamptz(default=TimestamptzNow())


class DecisionReviewOutcome(StrEnum):
    approved = "approved"
    returned = "returned"


class DecisionReview(Table, tablename="decision_review"):
    """National staff's approval (saskaņojums) of a call's award decision, or its return to the
    municipality with a comment: one row per approval or return, the history of the decision."""

    call = ForeignKey(Call, index=True, on_delete=OnDelete.restrict)
    outcome = Varchar(length=10, choices=DecisionReviewOutcome)
    comment = Text(default="")
    awards = Integer(default=0)  # how many awards the approval covered
    decided_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(default=TimestamptzNow())
