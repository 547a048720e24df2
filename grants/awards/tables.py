from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from grants.applications.tables import Application
from grants.calls.tables import Call


class AwardStatus(StrEnum):
    awarded = "awarded"
    agreement_signed = "agreement_signed"
    in_progress = "in_progress"
    final_report_submitted = "final_report_submitted"
    closed = "closed"
    declined = "declined"  # by the grantee, before the agreement
    terminated = "terminated"


# Awards that no longer take a share of the call's budget and quota.
RELEASED = (AwardStatus.declined.value, AwardStatus.terminated.value)


class Award(Table, tablename="award"):
    """One grant: an application's share of its call's budget and quota while not declined or terminated."""

    # Money records outlive a careless delete: the call and the application cannot go while awarded.
    call = ForeignKey(Call, index=True, on_delete=OnDelete.restrict)
    application = ForeignKey(Application, unique=True, on_delete=OnDelete.restrict)
    amount_cents = Integer()
    status = Varchar(length=30, choices=AwardStatus, default=AwardStatus.awarded, index=True)
    decided_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    decided_at = Timestamptz(default=TimestamptzNow())
    reason = Text(default="")  # why the amount or the choice differs from the ranking, or the decline
