from enum import StrEnum

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.table import Table

from grants.accounts.tables import Organisation
from grants.calls.tables import Call
from grants.registry.tables import School


class ApplicationStatus(StrEnum):
    draft = "draft"
    submitted = "submitted"
    clarification = "clarification"
    eligible = "eligible"
    ineligible = "ineligible"
    in_review = "in_review"
    awarded = "awarded"
    reserve = "reserve"
    rejected = "rejected"
    withdrawn = "withdrawn"


class EventKind(StrEnum):
    team_building = "team_building"
    workshop = "workshop"
    camp = "camp"
    excursion = "excursion"
    lecture = "lecture"
    mentoring = "mentoring"
    other = "other"


class BudgetCategory(StrEnum):
    personnel = "personnel"
    services = "services"
    materials = "materials"
    transport = "transport"
    catering = "catering"
    premises = "premises"
    other = "other"


class Application(Table, tablename="application"):
    call = ForeignKey(Call, index=True, on_delete=OnDelete.restrict)
    organisation = ForeignKey(Organisation, index=True, on_delete=OnDelete.restrict)
    reference = Varchar(length=30, unique=True, index=True)  # "BAU-2026-001"
    status = Varchar(length=20, choices=ApplicationStatus, default=ApplicationStatus.draft, index=True)
    title = Varchar(length=300)
    summary = Text(default="")
    objectives = Text(default="")
    target_group = Text(default="")  # pupils reached and the early-school-leaving risks addressed
    partners = Text(default="")
    start_date = Date(null=True, default=None)
    end_date = Date(null=True, default=None)
    requested_cents = Integer(default=0)  # always the sum of the budget lines
    created_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    created_at = Timestamptz(default=TimestamptzNow())
    updated_at = Timestamptz(default=TimestamptzNow())
    submitted_at = Timestamptz(null=True, default=None)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.reference, cls.title])


class ReferenceCounter(Table, tablename="reference_counter"):
    """The last number given out per prefix ("BAU-2026"), so references never repeat."""

    prefix = Varchar(length=20, unique=True)
    last = Integer(default=0)


class BudgetLine(Table, tablename="budget_line"):
    application = ForeignKey(Application, index=True, on_delete=OnDelete.cascade)  # part of the application
    position = Integer(default=0)
    category = Varchar(length=20, choices=BudgetCategory)
    description = Varchar(length=300)
    quantity = Integer(default=1)
    unit_cost_cents = Integer()
    amount_cents = Integer()  # quantity × unit cost, exact in cents


class PlannedEvent(Table, tablename="planned_event"):
    application = ForeignKey(Application, index=True, on_delete=OnDelete.cascade)  # part of the application
    position = Integer(default=0)
    school = ForeignKey(School, index=True, on_delete=OnDelete.restrict)
    kind = Varchar(length=20, choices=EventKind)
    title = Varchar(length=300)
    planned_date = Date(null=True, default=None)
    expected_participants = Integer(default=0)


class Clarification(Table, tablename="clarification"):
    """A question from staff (precizēšana) and the applicant's answer."""

    application = ForeignKey(Application, index=True, on_delete=OnDelete.restrict)
    question = Text()
    due_at = Timestamptz()
    asked_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    asked_at = Timestamptz(default=TimestamptzNow())
    answer = Text(default="")
    answered_at = Timestamptz(null=True, default=None)


class Attachment(Table, tablename="attachment"):
    """A file of an application; the bytes live in the storage under a random key."""

    application = ForeignKey(Application, index=True, on_delete=OnDelete.restrict)
    storage_key = Varchar(length=200, unique=True, secret=True)
    filename = Varchar(length=255)  # sanitised original name, for display and download
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    uploaded_by = ForeignKey(BaseUser, null=True, default=None, on_delete=OnDelete.set_null)
    uploaded_at = Timestamptz(default=TimestamptzNow())
