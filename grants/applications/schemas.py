from __future__ import annotations

from datetime import date, datetime

import msgspec
from msgspec import UNSET, UnsetType


class CreateApplicationIn(msgspec.Struct):
    title: str


class CreatedOut(msgspec.Struct):
    id: int
    reference: str
    status: str


class BudgetLineIn(msgspec.Struct):
    category: str
    description: str
    unit_cost: str  # "1533.33": a decimal string, never a float
    quantity: int = 1


class PlannedEventIn(msgspec.Struct):
    school: str  # the school's registration number
    kind: str
    title: str
    planned_date: date | None = None
    expected_participants: int = 0


class ApplicationPatch(msgspec.Struct):
    title: str | UnsetType = UNSET
    summary: str | UnsetType = UNSET
    objectives: str | UnsetType = UNSET
    target_group: str | UnsetType = UNSET
    partners: str | UnsetType = UNSET
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
    question: str
    due_at: datetime


class ClarificationCreatedOut(msgspec.Struct):
    id: int
    status: str


class AnswerIn(msgspec.Struct):
    answer: str
