from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from grants.awards.tables import Award, DecisionReview, DecisionReviewOutcome, Payment
from grants.core.inputs import Number, either, text_of

Reason = text_of(Award.reason)
DeclineReason = text_of(Award.decline_reason)
TerminationReason = text_of(Award.termination_reason)
Note = text_of(Payment.note)
MaybeAmount = either(Number, UnsetType)
ReviewComment = text_of(DecisionReview.comment)


class AwardIn(msgspec.Struct):
    """One application (`amount` below the requested one, or a not-passed choice, needs a `reason`),
    or `auto: true` for the whole call."""

    application_id: int | UnsetType = UNSET
    amount: MaybeAmount = UNSET  # decimal string, "4000.00"
    reason: Reason = ""
    auto: bool = False


class DeclineIn(msgspec.Struct):
    reason: DeclineReason = ""  # required from staff


class AwardOut(msgspec.Struct):
    id: int
    application_id: int
    amount: str
    status: str


class AutoAwardOut(msgspec.Struct):
    """What one automatic run decided: the new awards, and the application ids put on the
    reserve list or rejected."""

    awarded: list[AwardOut]
    reserve: list[int]
    rejected: list[int]


class PaymentOut(msgspec.Struct):
    id: int
    kind: str  # "advance" | "final" | "refund" (owed back by the grantee; the amount is never negative)
    amount: str
    due_on: date
    paid_on: date | None


class AgreementBrief(msgspec.Struct):
    number: str
    signed_on: date


class AwardListOut(msgspec.Struct):
    """An award as its grantee (or staff) sees it, with its payments in the order they fall due and
    its agreement (null until signed)."""

    id: int
    call_id: int
    application_id: int
    reference: str
    amount: str
    status: str
    payments: list[PaymentOut] = msgspec.field(default_factory=list)
    agreement: AgreementBrief | None = None


class AgreementOut(msgspec.Struct):
    """The recorded agreement, and the advance that fell due with it (null when the call pays none)."""

    id: int
    award_id: int
    number: str
    signed_on: date
    filename: str
    content_type: str
    size: int
    sha256: str
    status: str
    advance: PaymentOut | None


class PaidIn(msgspec.Struct):
    paid_on: Number = ""  # YYYY-MM-DD, not in the future
    note: Note = ""  # e.g. the bank transfer's reference


class LowerIn(msgspec.Struct):
    amount: Number = ""  # decimal string below the current amount
    note: Note = ""  # why: required


class TerminateIn(msgspec.Struct):
    reason: TerminationReason = ""


class PaidOut(msgspec.Struct):
    id: int
    kind: str
    amount: str
    due_on: date
    paid_on: date | None
    award_status: str


class TerminatedOut(msgspec.Struct):
    id: int
    application_id: int
    amount: str
    status: str
    reason: str
    removed_payments: list[PaymentOut]


class RegisterRow(msgspec.Struct):
    """One line of the payment register. A refund (`kind` "refund") is owed by the grantee: its
    amount is what comes back, never negative, and `paid_on` is the day it was received."""

    id: int
    kind: str  # "advance" | "final" | "refund"
    amount: str
    due_on: date
    paid_on: date | None
    overdue: bool
    note: str
    award_id: int
    award_status: str
    reference: str
    organisation: str
    registration_number: str
    call_id: int
    call: str
    municipality: str
    iban: str = ""  # the payee's bank account, without spaces; empty when the organisation gave none


class RegisterPage(msgspec.Struct):
    items: list[RegisterRow]
    page: int
    per_page: int
    total: int
    pages: int


class ApprovalIn(msgspec.Struct):
    """National staff's review of a call's award decision: approve it, or return it with a comment."""

    outcome: DecisionReviewOutcome
    comment: ReviewComment = ""  # required when returned
    # The awards the approver read (their ids): an approval is refused (409) when what waits for it
    # is no longer exactly these. Left out: whatever waits at the moment is approved.
    award_ids: Annotated[list[Annotated[int, msgspec.Meta(ge=1)]], msgspec.Meta(max_length=1000)] | None = (
        None
    )


class ApprovalOut(msgspec.Struct):
    """One approval or return: the awards it covered, with their status after it."""

    id: int
    call_id: int
    outcome: str  # "approved" | "returned"
    comment: str
    awards: list[AwardOut]
    decided_at: datetime
