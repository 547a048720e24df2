from __future__ import annotations

from datetime import datetime

import msgspec
from msgspec import UNSET, UnsetType

from grants.calls.tables import Criterion
from grants.core.inputs import text_of, texts_by
from grants.scoring.tables import Assignment, EligibilityCheck, Score

Code = text_of(Criterion.code)
Note = text_of(EligibilityCheck.note)
ConflictReason = text_of(Assignment.conflict_reason)
OverallComment = text_of(Assignment.comment)
Comments = texts_by(Code, text_of(Score.comment))  # a comment by criterion code


class EligibilityIn(msgspec.Struct):
    checks: dict[Code, bool]
    note: Note = ""


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
    reason: ConflictReason = ""


class ReviewIn(msgspec.Struct):
    scores: dict[Code, int]
    comment: OverallComment = ""
    comments: Comments = {}
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
