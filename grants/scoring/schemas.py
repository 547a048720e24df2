from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType


class EligibilityIn(msgspec.Struct):
    checks: dict[str, bool]
    note: str = ""


class StatusOut(msgspec.Struct):
    status: str


class AssignmentIn(msgspec.Struct):
    application_id: int | UnsetType = UNSET
    reviewer_id: int | UnsetType = UNSET
    auto: bool = False
    reviewer_ids: list[int] | UnsetType = (
        UNSET  # with auto: the panel for this call (default: every reviewer)
    )


class AssignmentOut(msgspec.Struct):
    id: int
    application_id: int
    call_id: int
    status: str


class AssignmentsCreatedOut(msgspec.Struct):
    created: list[int]


class RankingRow(msgspec.Struct):
    application_id: int
    reference: str
    score: str | None
    scores_count: int
    spread: str | None
    passed: bool
    rank: int
    status: str
    requested_amount: str
    criteria: dict[str, str | None]


class ConflictIn(msgspec.Struct):
    conflict: bool
    reason: str = ""


class ReviewIn(msgspec.Struct):
    scores: dict[str, int]
    comment: str = ""
    comments: dict[str, str] = {}
    submit: bool = False


class ReviewOut(msgspec.Struct):
    id: int
    application_id: int
    call_id: int
    status: str
    conflict: str | None
    application: dict
    criteria: list[dict]
    scores: dict[str, dict]
    comment: str
    others: list[dict]
    submitted_at: datetime | None
