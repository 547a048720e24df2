"""Request and response models of the reporting API (event reports, photos, the final report)."""

from datetime import date, datetime
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType

from grants.core.inputs import Number, bounded, either, text_of
from grants.registry.tables import School
from grants.reporting.tables import GRADE_BANDS, EventReport, FinalReport

# An event's texts may be left out (a PATCH, or taken from the planned event).
SchoolNumber = either(text_of(School.registration_number), UnsetType)
Kind = either(text_of(EventReport.kind), UnsetType)
Title = either(text_of(EventReport.title), UnsetType)
Description = either(text_of(EventReport.description), UnsetType)
Status = either(text_of(EventReport.status), UnsetType)
CancelReason = either(text_of(EventReport.cancel_reason), UnsetType)
SchoolReason = either(text_of(EventReport.school_reason), UnsetType)
Band = bounded(max(len(band) for band in GRADE_BANDS))
Decision = text_of(EventReport.review, FinalReport.review)  # "accept" | "return", stored as the review
ReviewComment = text_of(EventReport.review_comment, FinalReport.review_comment)
SchoolApprovalReason = text_of(EventReport.school_approval_reason)
Narrative = text_of(FinalReport.narrative)
Results = text_of(FinalReport.results)


class EventIn(msgspec.Struct):
    """An event of the award. `status` "held" (the default) needs `held_on` (within the project
    period, not in the future), the counts and a description; "planned" needs no counts
    (`planned_on` optional, within the project period); "cancelled" needs `cancel_reason`.
    With `planned_event_id` (an event planned in the application) school, kind, title and the
    planned day default to that event's.

    Counts only, never personal data: `participants` at most 1000 (more is refused, 422 on
    `participants`); above 200 the request must carry `confirm_large: true` (else 422 on
    `confirm_large`; a count confirmed once stays confirmed). `participants_at_risk` is at most
    `participants`. A school neither planned in the application nor taking part in PuMPuRS on the
    day in the call's municipality needs `school_reason` (else 422 on `school_reason`); such an
    event counts only once staff approve the school when they accept it. An award takes at most
    200 event reports (409 beyond)."""

    school: SchoolNumber = UNSET  # the school's registration number
    kind: Kind = UNSET
    title: Title = UNSET
    held_on: date | None | UnsetType = UNSET
    participants: int | UnsetType = UNSET
    # {"1-4": n, "5-9": n, "10-12": n, "vocational": n}: counts only, adding up to `participants`
    participants_by_grade: dict[Band, int] | UnsetType = UNSET
    description: Description = UNSET
    planned_event_id: int | None | UnsetType = UNSET
    status: Status = UNSET
    planned_on: date | None | UnsetType = UNSET
    cancel_reason: CancelReason = UNSET
    participants_at_risk: Annotated[
        int | UnsetType,
        Meta(
            description="Of the participants, how many are at risk of early school leaving: at most `participants`."
        ),
    ] = UNSET
    school_reason: Annotated[
        SchoolReason,
        Meta(
            description=(
                "Why the event is held at a school neither planned in the application nor taking part in "
                "PuMPuRS on the day in the call's municipality (merged ones included); required then (422), "
                "and the event counts only once staff approve the school."
            )
        ),
    ] = UNSET
    confirm_large: Annotated[
        bool | UnsetType,
        Meta(
            description=(
                "`true` confirms a count above 200 participants (without it: 422 on `confirm_large`); "
                "more than 1000 are refused (422 on `participants`). A count confirmed once stays confirmed."
            )
        ),
    ] = UNSET


class PhotoOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    width: int
    height: int
    url: str
    thumbnail_url: str
    consent: Annotated[
        bool,
        Meta(
            description=(
                "The people in it agreed to its being shown to the municipality: the upload's multipart field "
                '`consent` ("true"), sent before `file`; false without it.'
            )
        ),
    ] = False


class EventOut(msgspec.Struct):
    id: int
    award_id: int
    planned_event_id: int | None
    school: str
    school_name: str
    municipality_code: str
    kind: str
    title: str
    status: str  # planned | held | cancelled
    planned_on: date | None
    held_on: date | None
    participants: int
    participants_by_grade: dict[str, int]
    description: str
    cancel_reason: str
    review: str  # pending | accepted | returned
    review_comment: str
    reviewed_at: datetime | None
    reported_at: datetime | None
    due_on: date | None  # the report is expected by this day (30 days after the event)
    photos: list[PhotoOut]
    participants_at_risk: int = 0
    school_rule: Annotated[
        str,
        Meta(
            description=(
                'Why the school counts: "planned" (the application planned an event there), "pumpurs" (a '
                'PuMPuRS school of the call\'s municipality on the day) or "other" (`school_reason`; staff '
                "approve the school when they accept the event)."
            )
        ),
    ] = "planned"
    school_reason: str = ""
    school_approved_at: datetime | None = None
    school_approval_reason: str = ""


class ReviewIn(msgspec.Struct):
    decision: Decision  # "accept" | "return" (states.DECISIONS; the final report's "approve" is "accept")
    comment: ReviewComment = ""
    approve_school: Annotated[
        bool,
        Meta(
            description=(
                'Accepting an event whose `school_rule` is "other" needs `true` and `school_approval_reason` '
                "(else 422 on these fields)."
            )
        ),
    ] = False
    school_approval_reason: SchoolApprovalReason = ""


class FinalReportIn(msgspec.Struct):
    """The final report. What it needs follows the call's payment method: `results` always; `spent`,
    the eligible costs, in a costs call (a lump sum asks for none; an amount sent is kept). With
    `draft: true` it is only saved, nothing required yet: files can be attached to the draft, and
    a POST without `draft` submits it."""

    narrative: Narrative = ""
    results: Results = ""  # results against the objectives of the application
    spent: Number | None = None  # a decimal string, "4512.40"; at most 10 times the award
    draft: bool = False


class FinalAttachmentOut(msgspec.Struct):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str


class FinalReportOut(msgspec.Struct):
    award_id: int
    narrative: str
    results: str
    spent: str
    review: str  # pending | accepted | returned
    review_comment: str
    submitted_at: datetime
    reviewed_at: datetime | None
    due_on: date | None  # the project's end date + 30 days
    attachments: list[FinalAttachmentOut]
    draft: bool = False  # saved by the grantee, not submitted yet (only the grantee sees a draft)
    payment_method: str = "lump_sum"  # the call's: "lump_sum" | "costs" (then `spent` are the eligible costs)


def event_dict(data: EventIn) -> dict[str, Any]:
    """The fields the client sent, as plain values for the service."""
    return {k: v for k, v in msgspec.structs.asdict(data).items() if v is not UNSET}


# OpenAPI names clashing components by their module paths (schemas_EventOut, reporting_schemas_ReviewIn):
# these two keep the path they were published under. No string annotations here, so none is resolved there.
EventOut.__module__ = ReviewIn.__module__ = "grants.reporting.schemas"
