"""The report API: event reports with photos and the final report, for grantees and staff.

Thin: parse, call the service, shape the answer. Whoever is not staff nor a
member of the award's organisation gets 404 from the services, never the data.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from litestar import Controller, Request, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from grants.core.auth import Me, Role, roles
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.uploads import download_response, receive_file, upload_limit
from grants.reporting.exports.photos import thumbnail_response
from grants.reporting.queries.events import find_photo, get_event, list_events
from grants.reporting.queries.final import find_attachment, get_report
from grants.reporting.schemas.reports import (
    EventIn,
    EventOut,
    FinalAttachmentOut,
    FinalReportIn,
    FinalReportOut,
    PhotoOut,
    ReviewIn,
    event_dict,
)
from grants.reporting.service import events as service
from grants.reporting.service import final, photos
from grants.reporting.service.review import Report, review

grantee_or_staff = roles(Role.applicant, Role.staff)
CONSENT_WORDS = frozenset({"true", "1", "yes", "on"})
staff = roles(Role.staff)


def photo_out(row: dict[str, Any]) -> PhotoOut:
    return PhotoOut(
        id=row["id"],
        filename=row["filename"],
        content_type=row["content_type"],
        size=row["size"],
        width=row["width"],
        height=row["height"],
        url=f"/api/event-photos/{row['id']}",
        thumbnail_url=f"/api/event-photos/{row['id']}/thumbnail",
        consent=row["consent"],
    )


def event_out(row: dict[str, Any]) -> EventOut:
    return EventOut(
        id=row["id"],
        award_id=row["award"],
        planned_event_id=row["planned_event"],
        school=row["school"],
        school_name=row["school_name"],
        municipality_code=row["municipality_code"],
        kind=row["kind"],
        title=row["title"],
        status=row["status"],
        planned_on=row["planned_on"],
        held_on=row["held_on"],
        participants=row["participants"],
        participants_by_grade=row["participants_by_grade"],
        description=row["description"],
        cancel_reason=row["cancel_reason"],
        review=row["review"],
        review_comment=row["review_comment"],
        reviewed_at=row["reviewed_at"],
        reported_at=row["reported_at"],
        due_on=row["due_on"],
        photos=[photo_out(p) for p in row["photos"]],
        participants_at_risk=row["participants_at_risk"],
        school_rule=row["school_rule"],
        school_reason=row["school_reason"],
        school_approved_at=row["school_approved_at"],
        school_approval_reason=row["school_approval_reason"],
    )


def final_out(row: dict[str, Any]) -> FinalReportOut:
    return FinalReportOut(
        award_id=row["award"],
        narrative=row["narrative"],
        results=row["results"],
        spent=format_cents(row["spent_cents"]),
        review=row["review"],
        review_comment=row["review_comment"],
        submitted_at=row["submitted_at"],
        reviewed_at=row["reviewed_at"],
        due_on=row["due_on"],
        attachments=[FinalAttachmentOut(**a) for a in row["attachments"]],
        draft=row["draft"],
        payment_method=row["payment_method"],
    )


class EventReportApi(Controller):
    path = "/api"
    tags = ["reports"]
    guards = [grantee_or_staff]

    @post(
        "/awards/{award_id:int}/events",
        status_code=HTTP_201_CREATED,
        summary="Report an event held in a school, plan a new one, or cancel one with a reason",
        responses=errors(401, 403, 404, 409, 422),
        description=(
            "422 names the field: `participants_by_grade` when the bands do not add up to `participants`; "
            "`school` when it is not in the register. 409 unless the agreement is signed and the final "
            "report not yet submitted, or when the planned event is reported already."
        ),
    )
    async def create(self, me: Me, award_id: PathId, data: JSONBody[EventIn]) -> EventOut:
        return event_out(await service.create_event(award_id, me, event_dict(data)))

    @get(
        "/awards/{award_id:int}/events",
        summary="The award's event reports, with their photos",
        responses=errors(401, 403, 404),
    )
    async def list_events(self, me: Me, award_id: PathId) -> list[EventOut]:
        return [event_out(row) for row in await list_events(award_id, me)]

    @get("/events/{event_id:int}", summary="One event report", responses=errors(401, 403, 404))
    async def get_event(self, me: Me, event_id: PathId) -> EventOut:
        return event_out(await get_event(event_id, me))

    @patch(
        "/events/{event_id:int}",
        summary="Change an event report until it is accepted (a returned one waits for review again)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def update(self, me: Me, event_id: PathId, data: JSONBody[EventIn]) -> EventOut:
        return event_out(await service.update_event(event_id, me, event_dict(data)))

    @post(
        "/events/{event_id:int}/review",
        guards=[staff],
        status_code=HTTP_200_OK,
        summary="Accept a reported event (it is locked then) or return it with a comment (staff)",
        description=(
            'An event whose `school_rule` is "other" is accepted only with `approve_school: true` and '
            "`school_approval_reason` (else 422 on those fields). Only accepted events count anywhere."
        ),
        responses=errors(401, 403, 404, 409, 422),
    )
    async def review(self, me: Me, event_id: PathId, data: JSONBody[ReviewIn]) -> EventOut:
        await review(
            Report.event,
            event_id,
            me,
            data.decision,
            data.comment,
            approve_school=data.approve_school,
            school_approval_reason=data.school_approval_reason,
        )
        return event_out(await get_event(event_id, me))

    @post(
        "/events/{event_id:int}/photos",
        status_code=HTTP_201_CREATED,
        request_max_body_size=upload_limit(),
        summary="Add a photo of a held event (multipart field `file`): JPEG or PNG",
        responses=errors(401, 403, 404, 409, 413, 415, 422),
        description="415 for anything that is not a JPEG or PNG image by its content; 422 above 40 megapixels.",
    )
    async def add_photo(self, request: Request[Any, Any, Any], me: Me, event_id: PathId) -> PhotoOut:
        # A multipart field `consent` sent before `file` ("true", "1", "yes" or "on"): the people in
        # the photo agreed to its being shown to the municipality. Without it, they did not.
        fields: dict[str, str] = {}

        async def store(filename: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
            consent = fields.get("consent", "").strip().lower() in CONSENT_WORDS
            return await photos.add_photo(event_id, me, filename, chunks, consent=consent)

        created = await receive_file(request, store, fields=fields)
        return photo_out(created)

    @get(
        "/event-photos/{photo_id:int}",
        summary="A photo of an event",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def photo(self, me: Me, photo_id: PathId) -> Response[Any]:
        row = await find_photo(photo_id, me)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @get(
        "/event-photos/{photo_id:int}/thumbnail",
        summary="The photo's thumbnail, at most 320 pixels a side (always served by the app, never a redirect)",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def thumbnail(self, me: Me, photo_id: PathId) -> Response[Any]:
        return await thumbnail_response(await find_photo(photo_id, me))

    @delete(
        "/event-photos/{photo_id:int}",
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a photo from a report not yet accepted",
        responses=errors(401, 403, 404, 409),
    )
    async def remove_photo(self, me: Me, photo_id: PathId) -> None:
        await photos.remove_photo(photo_id, me)


class FinalReportApi(Controller):
    path = "/api"
    tags = ["reports"]
    guards = [grantee_or_staff]

    @post(
        "/awards/{award_id:int}/final-report",
        status_code=HTTP_201_CREATED,
        summary="Submit the final report (201), or submit a returned one again (200)",
        # 200 documented beside the errors: a returned report sent again, or a draft saved again.
        responses={
            200: ResponseSpec(
                data_container=FinalReportOut,
                description="A returned report submitted again, or a draft saved again",
                generate_examples=False,
            ),
            **errors(401, 403, 404, 409, 422),
        },
        # The published description stays as it was (tests/test_openapi_unchanged.py); FinalReportIn's
        # own describes the payment methods' needs and the draft.
        description=(
            "`spent` is a decimal string, at most the award. 409 while a submitted report waits for "
            "review, after approval, or before the agreement is signed."
        ),
    )
    async def submit(
        self, me: Me, award_id: PathId, data: JSONBody[FinalReportIn]
    ) -> Response[FinalReportOut]:
        payload = {"narrative": data.narrative, "results": data.results, "spent": data.spent}
        row, created = await final.submit(award_id, me, payload, draft=data.draft)
        return Response(final_out(row), status_code=HTTP_201_CREATED if created else HTTP_200_OK)

    @get(
        "/awards/{award_id:int}/final-report",
        summary="The award's final report; 404 before it is submitted",
        responses=errors(401, 403, 404),
    )
    async def get_report(self, me: Me, award_id: PathId) -> FinalReportOut:
        return final_out(await get_report(award_id, me))

    @post(
        "/awards/{award_id:int}/final-report/review",
        guards=[staff],
        status_code=HTTP_200_OK,
        summary="Approve the final report (the final payment falls due) or return it with a comment (staff)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def review(self, me: Me, award_id: PathId, data: JSONBody[ReviewIn]) -> FinalReportOut:
        await review(Report.final, award_id, me, data.decision, data.comment)
        return final_out(await get_report(award_id, me))

    @post(
        "/awards/{award_id:int}/final-report/attachments",
        status_code=HTTP_201_CREATED,
        request_max_body_size=upload_limit(),
        summary="Attach a file to the submitted final report (multipart `file`): PDF, DOCX, ODT, XLSX, ODS, JPEG, PNG",
        description="A draft of the final report (saved with `draft: true`) takes files too.",
        responses=errors(401, 403, 404, 409, 413, 415),
    )
    async def attach(self, request: Request[Any, Any, Any], me: Me, award_id: PathId) -> FinalAttachmentOut:
        async def store(filename: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
            return await final.add_attachment(award_id, me, filename, chunks)

        return FinalAttachmentOut(**await receive_file(request, store))

    @get(
        "/final-report-attachments/{attachment_id:int}",
        summary="Download a file of a final report",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def download(self, me: Me, attachment_id: PathId) -> Response[Any]:
        row = await find_attachment(attachment_id, me)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])
