"""Reporting: what a grantee did with an award. Event reports (held in schools) and the final report."""

from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Boolean, Date, ForeignKey, Integer, Text, Timestamptz, Varchar
from piccolo.columns.base import OnDelete
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from grants.applications.tables import PlannedEvent
from grants.awards.tables import Award
from grants.registry.tables import Municipality, School


class EventStatus(StrEnum):
    planned = "planned"
    held = "held"
    cancelled = "cancelled"


class ReviewStatus(StrEnum):
    """Staff's view of a report: waiting, accepted, or returned to the grantee with a comment."""

    pending = "pending"
    accepted = "accepted"
    returned = "returned"


GRADE_BANDS = ("1-4", "5-9", "10-12", "vocational")


class EventReport(Table, tablename="event_report"):
    """One event of a funded project in one school: planned, then held (with counts) or cancelled.

    Counts only: no personal data of pupils is ever stored.
    """

    award = ForeignKey(Award, index=True, on_delete=OnDelete.restrict)
    planned_event = ForeignKey(PlannedEvent, null=True, default=None, on_delete=OnDelete.set_null)
    school = ForeignKey(School, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20)  # applications.tables.EventKind
    title = Varchar(length=300)
    status = Varchar(length=10, choices=EventStatus, default=EventStatus.planned, index=True)
    planned_on = Date(null=True, default=None)
    held_on = Date(null=True, default=None, index=True)
    participants = Integer(default=0)
    participants_1_4 = Integer(default=0)
    participants_5_9 = Integer(default=0)
    participants_10_12 = Integer(default=0)
    participants_vocational = Integer(default=0)
    participants_at_risk = Integer(default=0)  # of the participants, at risk of early school leaving
    description = Text(default="")
    cancel_reason = Text(default="")
    # A school that is neither planned nor a PuMPuRS school of the call's municipality on the day:
    # the grantee says why, and staff approve it (with their own reason) before it counts.
    school_reason = Text(default="")
    school_approved_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    school_approved_at = Timestamptz(null=True, default=None)
    school_approval_reason = Text(default="")
    review = Varchar(length=10, choices=ReviewStatus, default=ReviewStatus.pending, index=True)
    review_comment = Text(default="")
    reviewed_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)
    reported_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    reported_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz(default=TimestamptzNow())


class EventPhoto(Table, tablename="event_photo"):
    """A photo of a held event; the image and its thumbnail live in the storage under random keys."""

    event = ForeignKey(EventReport, index=True, on_delete=OnDelete.restrict)
    storage_key = Varchar(length=200, unique=True, secret=True)
    thumbnail_key = Varchar(length=200, unique=True, secret=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    width = Integer(default=0)
    height = Integer(default=0)
    consent = Boolean(default=False)  # the people in it agreed to its being shown to the municipality
    uploaded_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class FinalReport(Table, tablename="final_report"):
    """The grantee's account of the whole project; approving it makes the final payment due."""

    award = ForeignKey(Award, unique=True, on_delete=OnDelete.restrict)
    narrative = Text(default="")
    results = Text(default="")  # results against the objectives of the application
    spent_cents = Integer(default=0)  # reported eligible costs (a costs call)
    draft = Boolean(default=False)  # saved, files attached, not yet submitted
    review = Varchar(length=10, choices=ReviewStatus, default=ReviewStatus.pending, index=True)
    review_comment = Text(default="")
    submitted_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    submitted_at = Timestamptz(default=TimestamptzNow())
    reviewed_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    reviewed_at = Timestamptz(null=True, default=None)


class FinalReportAttachment(Table, tablename="final_report_attachment"):
    report = ForeignKey(FinalReport, index=True, on_delete=OnDelete.restrict)
    storage_key = Varchar(length=200, unique=True, secret=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz(default=TimestamptzNow())


class CalendarFeed(Table, tablename="calendar_feed"):
    """A coordinator's secret iCalendar link to a municipality's planned and held events: only the
    SHA-256 of its token is stored; a new link replaces the old one."""

    user = ForeignKey(BaseUser, index=True, on_delete=OnDelete.cascade)  # access, not history
    municipality = ForeignKey(Municipality, index=True, on_delete=OnDelete.cascade)
    token_hash = Varchar(length=64, unique=True, index=True, secret=True)
    created_at = Timestamptz(default=TimestamptzNow())


class WeeklyDigest(Table, tablename="weekly_digest"):
    """A coordinator who asked for the weekly e-mail of their municipalities' events."""

    user = ForeignKey(BaseUser, unique=True, index=True, on_delete=OnDelete.cascade)
    subscribed_at = Timestamptz(default=TimestamptzNow())
    last_sent_at = Timestamptz(null=True, default=None)
