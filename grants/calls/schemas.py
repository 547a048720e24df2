from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from grants.calls.tables import Call, Criterion
from grants.core.inputs import Number, either, text_of
from grants.registry.tables import Municipality

CallTitle = text_of(Call.title)
CallDescription = text_of(Call.description)
AppealRoute = text_of(Call.appeal_route)
MunicipalityCode = text_of(Municipality.code)
Aggregation = text_of(Call.aggregation)
PaymentMethodName = text_of(Call.payment_method)
Code = text_of(Criterion.code)
CriterionTitle = text_of(Criterion.title)
CriterionKind = text_of(Criterion.kind)
CriterionDescription = text_of(Criterion.description)
NumberOrInt = either(Number, int)  # a decimal string or an int; never a float


class CriterionIn(msgspec.Struct):
    code: Code
    title: CriterionTitle
    kind: CriterionKind  # "eligibility" | "quality"
    max_points: int = 0
    weight: NumberOrInt = "1"  # a decimal string or an int; never a float
    min_points: int | None = None
    description: CriterionDescription = ""


class CallIn(msgspec.Struct):
    title: CallTitle
    municipality_code: MunicipalityCode
    budget: Number  # "46000.00"
    opens_at: datetime
    closes_at: datetime
    description: CallDescription = ""
    max_amount: Number = "4600.00"
    fixed_amount: bool = False
    quota: int = 1
    applications_per_organisation: int = 1
    min_months: int = 3
    max_months: int = 18
    score_threshold: NumberOrInt = "30"
    aggregation: Aggregation = "mean"
    reviewers_per_application: int = 2
    blind_review: bool = False
    advance_percent: int = 90
    criteria: list[CriterionIn] = []
    review_closes_at: datetime | None = None  # the reviewers' deadline, after closes_at
    appeal_route: AppealRoute = ""  # how to contest a decision, shown with a refusal
    payment_method: PaymentMethodName = "lump_sum"  # "lump_sum" (PuMPuRS) | "costs" (a capped call)
    requires_approval: Annotated[
        bool | UnsetType,
        msgspec.Meta(
            description=(
                "National staff approve the award decision before agreements are signed. Only national "
                "staff (IKVD) decide it. Left out: false for a new call of national staff, true for a "
                "municipal staff member's new call, unchanged on an edit. A municipal staff member who "
                "sends another value than that gets 422 on `requires_approval`."
            )
        ),
    ] = UNSET


class MunicipalityRef(msgspec.Struct):
    code: str
    name: str


class CriterionOut(msgspec.Struct):
    code: str
    title: str
    kind: str
    max_points: int
    weight: str
    min_points: int | None
    description: str


class CallOut(msgspec.Struct):
    id: int
    title: str
    municipality: MunicipalityRef
    status: str
    phase: str  # "upcoming" | "open" | "closed", from the clock at the moment of the request
    opens_at: datetime
    closes_at: datetime
    max_amount: str
    fixed_amount: bool
    budget: str
    quota: int


class CallDetailOut(CallOut):
    description: str = ""
    applications_per_organisation: int = 1
    min_months: int = 3
    max_months: int = 18
    score_threshold: str = "0"
    aggregation: str = "mean"
    reviewers_per_application: int = 2
    blind_review: bool = False
    advance_percent: int = 90
    criteria: list[CriterionOut] = []
    review_closes_at: datetime | None = None
    appeal_route: str = ""
    payment_method: str = "lump_sum"
    requires_approval: bool = False


class CallStatusOut(msgspec.Struct):
    id: int
    status: str


class DocumentOut(msgspec.Struct):
    id: int
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str
