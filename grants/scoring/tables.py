from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import JSONB, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from grants.applications.tables import Application
from grants.calls.tables import Call, Criterion


class AssignmentStatus(StrEnum):
    pending = "pending"
    coi_declared = "coi_declared"  # the reviewer declared a conflict: released, staff see it
    submitted = "submitted"


class EligibilityCheck(Table, tablename="eligibility_check"):
    """Staff's yes/no answers to the call's eligibility criteria for one application."""

    application = ForeignKey(Application, unique=True, on_delete=OnDelete.restrict)
    checks = JSONB(default="{}")  # {criterion code: true | false}
    note = Text(default="")
    result = Varchar(length=20)  # "eligible" | "ineligible"
    checked_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    checked_at = Timestamptz(default=TimestamptzNow())


class Assignment(Table, tablename="review_assignment"):
    call = ForeignKey(Call, index=True, on_delete=OnDelete.restrict)
    application = ForeignKey(Application, index=True, on_delete=OnDelete.restrict)
    reviewer = ForeignKey(BaseUser, index=True, on_delete=OnDelete.restrict)  # deactivate, never delete
    status = Varchar(length=20, choices=AssignmentStatus, default=AssignmentStatus.pending, index=True)
    # None until the reviewer answers the conflict-of-interest question; "no" opens the application.
    conflict = Varchar(length=3, null=True, default=None)
    conflict_reason = Text(default="")
    comment = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())
    declared_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)


class Score(Table, tablename="review_score"):
    assignment = ForeignKey(Assignment, index=True, on_delete=OnDelete.restrict)
    criterion = ForeignKey(Criterion, index=True, on_delete=OnDelete.restrict)
    points = Integer()
    comment = Text(default="")
