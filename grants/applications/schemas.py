from __future__ import annotations

from datetime import date, datetime

import msgspec
from msgspec import UNSET, UnsetType

from grants.applications.tables import Application, BudgetLine, Clarification, PlannedEvent
from grants.core.inputs import Number, either, text_of
from grants.registry.tables import School

Title = text_of(Application.title)
Summary = text_of(Application.summary)
Objectives = text_of(Application.objectives)
TargetGroup = text_of(Application.target_group)
Partners = text_of(Application.partners)
Category = text_of(BudgetLine.category)
LineDescription = text_of(BudgetLine.description)
SchoolNumber = text_of(School.registration_number)
EventKind = text_of(PlannedEvent.kind)
EventTitle = text_of(PlannedEvent.title)
Question = text_of(Clarification.question)
Answer = text_of(Clarification.answer)
# A PATCH's texts may be left out.
MaybeTitle = either(Title, UnsetType)
MaybeSummary = either(Summary, UnsetType)
MaybeObjectives = either(Objectives, UnsetType)
MaybeTargetGroup = either(TargetGroup, UnsetType)
MaybePartners = either(Partners, UnsetType)


class CreateApplicationIn(msgspec.Struct):
    title: Title


class CreatedOut(msgspec.Struct):
    id: int
    reference: str
    status: str


class BudgetLineIn(msgspec.Struct):
    category: Category
    description: LineDescription
    unit_cost: Number  # "1533.33": a decimal string, never a float
    quantity: int = 1


class PlannedEventIn(msgspec.Struct):
    school: SchoolNumber  # the school's registration number
    kind: EventKind
    title: EventTitle
    planned_date: date | None = None
    expected_participants: int = 0


class ApplicationPatch(msgspec.Struct):
    title: MaybeTitle = UNSET
    summary: MaybeSummary = UNSET
    objectives: MaybeObjectives = UNSET
    target_group: MaybeTargetGroup = UNSET
    partners: MaybePartners = UNSET
    start_date: date | None | UnsetType = UNSET
    end_date: date | None | UnsetType = UNSET
    budget_lines: list[BudgetLineIn] | UnsetType = UNSET
    planned_events: list[PlannedEventIn] | UnsetType = UNSET


class BudgetLineOut(msgspec.Struct):
    category: str
    description: str
    quantity: int
    unit_cost: str
    amount: str


class PlannedEventOut(msgspec.Struct):
    school: str
    school_name: str
    kind: str
    title: str
    planned_date: date | None
    expected_participants: int


class AttachmentOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class ClarificationOut(msgspec.Struct):
    id: int
    question: str
    due_at: datetime
    asked_at: datetime
    answer: str
    answered_at: datetime | None


class ApplicationSummaryOut(msgspec.Struct):
    id: int
    reference: str
    call_id: int
    call_title: str
    status: str
    title: str
    requested_amount: str
    submitted_at: datetime | None


class ApplicationOut(msgspec.Struct):
    id: int
    reference: str
    call_id: int
    organisation_id: int
    status: str
    title: str
    summary: str
    objectives: str
    target_group: str
    partners: str
    start_date: date | None
    end_date: date | None
    requested_amount: str
    max_amount: str
    submitted_at: datetime | None
    budget_lines: list[BudgetLineOut]
    planned_events: list[PlannedEventOut]
    attachments: list[AttachmentOut]
    clarifications: list[ClarificationOut]
    problems: dict[str, str]  # what still stops the submission, by field


class SubmittedOut(msgspec.Struct):
    status: str
    submitted_at: datetime


class StatusOut(msgspec.Struct):
    status: str


class ClarificationIn(msgspec.Struct):
    question: Question
    due_at: datetime


class ClarificationCreatedOut(msgspec.Struct):
    id: int
    status: str


class AnswerIn(msgspec.Struct):
    answer: Answer
