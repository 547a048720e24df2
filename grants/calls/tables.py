from decimal import Decimal
from enum import StrEnum

from piccolo.columns import Boolean, ForeignKey, Integer, Numeric, OnDelete, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.columns.readable import Readable
from piccolo.table import Table

from grants.registry.tables import Municipality

DEFAULT_MAX_AMOUNT_CENTS = 460_000  # 4600.00 EUR, the PuMPuRS lump sum


class CallStatus(StrEnum):
    draft = "draft"
    published = "published"
    closed = "closed"
    in_review = "in_review"
    decided = "decided"
    archived = "archived"


class Aggregation(StrEnum):
    mean = "mean"
    median = "median"


class CriterionKind(StrEnum):
    eligibility = "eligibility"
    quality = "quality"


class PaymentMethod(StrEnum):
    """How the grant is paid out (DESIGN.md, Payments)."""

    lump_sum = "lump_sum"  # PuMPuRS: for delivering the planned activities, whatever was spent
    costs = "costs"  # capped: the final payment is min(eligible costs, award) - advance


class Call(Table, tablename="grant_call"):
    title = Varchar(length=200)
    description = Text(default="")  # Markdown, rendered without raw HTML
    municipality = ForeignKey(Municipality, index=True, on_delete=OnDelete.restrict)
    status = Varchar(length=20, choices=CallStatus, default=CallStatus.draft, index=True)
    budget_cents = Integer(default=0)
    max_amount_cents = Integer(default=DEFAULT_MAX_AMOUNT_CENTS)
    fixed_amount = Boolean(default=False)
    quota = Integer(default=1)  # how many projects may be funded
    applications_per_organisation = Integer(default=1)
    opens_at = Timestamptz(index=True)
    closes_at = Timestamptz(index=True)
    min_months = Integer(default=3)
    max_months = Integer(default=18)
    score_threshold = Numeric(digits=(6, 2), default=Decimal(30))
    aggregation = Varchar(length=10, choices=Aggregation, default=Aggregation.mean)
    reviewers_per_application = Integer(default=2)
    blind_review = Boolean(default=False)
    advance_percent = Integer(default=90)
    payment_method = Varchar(length=10, choices=PaymentMethod, default=PaymentMethod.lump_sum)
    # IKVD approves (saskaņo) the award decision before any agreement is recorded.
    requires_approval = Boolean(default=False)
    created_at = Timestamptz(default=TimestamptzNow())
    published_at = Timestamptz(null=True, default=None)
    # Closing before closes_at moves closes_at to the moment of closing (every page then shows the
    # real closing time); this marks that it happened, the audit log keeps the planned one.
    closed_early = Boolean(default=False)
    review_closes_at = Timestamptz(null=True, default=None)  # reviewers' deadline; reminders before it
    appeal_route = Text(default="")  # how to contest a decision, shown with ineligible and rejected ones

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s", columns=[cls.title])


class Criterion(Table, tablename="call_criterion"):
    call = ForeignKey(Call, index=True, on_delete=OnDelete.cascade)  # part of the call; scores restrict
    code = Varchar(length=20)
    title = Varchar(length=300)
    description = Text(default="")
    kind = Varchar(length=20, choices=CriterionKind)
    max_points = Integer(default=0)  # 0 for eligibility (yes/no) criteria
    weight = Numeric(digits=(6, 2), default=Decimal(1))
    min_points = Integer(null=True, default=None)  # below it the application fails, whatever the total
    position = Integer(default=0)

    @classmethod
    def get_readable(cls) -> Readable:
        return Readable(template="%s %s", columns=[cls.code, cls.title])


class CallDocument(Table, tablename="call_document"):
    """A file published with a call (rules, forms); the bytes live in the storage."""

    call = ForeignKey(Call, index=True, on_delete=OnDelete.cascade)
    title = Varchar(length=200)
    storage_key = Varchar(length=200, unique=True, secret=True)
    filename = Varchar(length=255)
    content_type = Varchar(length=100)
    size = Integer()
    sha256 = Varchar(length=64)
    uploaded_at = Timestamptz(default=TimestamptzNow())
