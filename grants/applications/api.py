"""The applicant API: drafts, their parts, submission, withdrawal and clarification."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, patch, post
from litestar.params import JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from grants.applications import queries
from grants.applications.schemas import (
    AnswerIn,
    ApplicationOut,
    ApplicationPatch,
    ApplicationSummaryOut,
    AttachmentOut,
    BudgetLineOut,
    ClarificationCreatedOut,
    ClarificationIn,
    ClarificationOut,
    CreateApplicationIn,
    CreatedOut,
    PlannedEventOut,
    StatusOut,
    SubmittedOut,
)
from grants.applications.service import attachments, clarifications, drafts, submission
from grants.core.auth import Me, Role, roles
from grants.core.errors import ValidationFailed
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.time import to_utc
from grants.core.uploads import download_response, receive_file, upload_limit

applicant = roles(Role.applicant)
applicant_or_staff = roles(Role.applicant, Role.staff)
staff = roles(Role.staff)


def application_out(row: dict[str, Any]) -> ApplicationOut:
    return ApplicationOut(
        id=row["id"],
        reference=row["reference"],
        call_id=row["call"],
        organisation_id=row["organisation"],
        status=row["status"],
        title=row["title"],
        summary=row["summary"],
        objectives=row["objectives"],
        target_group=row["target_group"],
        partners=row["partners"],
        start_date=row["start_date"],
        end_date=row["end_date"],
        requested_amount=format_cents(row["requested_cents"]),
        max_amount=format_cents(row["call_row"]["max_amount_cents"]),
        submitted_at=row["submitted_at"],
        budget_lines=[
            BudgetLineOut(
                category=line["category"],
                description=line["description"],
                quantity=line["quantity"],
                unit_cost=format_cents(line["unit_cost_cents"]),
                amount=format_cents(line["amount_cents"]),
            )
            for line in row["budget_lines"]
        ],
        planned_events=[
            PlannedEventOut(
                school=e["school"],
                school_name=e["school_name"],
                kind=e["kind"],
                title=e["title"],
                planned_date=e["planned_date"],
                expected_participants=e["expected_participants"],
            )
            for e in row["planned_events"]
        ],
        attachments=[AttachmentOut(**a) for a in row["attachments"]],
        clarifications=[
            ClarificationOut(
                id=c["id"],
                question=c["question"],
                due_at=c["due_at"],
                asked_at=c["asked_at"],
                answer=c["answer"],
                answered_at=c["answered_at"],
            )
            for c in row["clarifications"]
        ],
        problems=row["problems"],
    )


def patch_dict(data: ApplicationPatch) -> dict[str, Any]:
    """The fields the client sent, as plain values for the service."""
    given = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
    for key in ("budget_lines", "planned_events"):
        if key in given:
            given[key] = [msgspec.structs.asdict(item) for item in given[key]]
    return given


class ApplicationsApi(Controller):
    path = "/api"
    tags = ["applications"]

    @post(
        "/calls/{call_id:int}/applications",
        guards=[applicant],
        status_code=HTTP_201_CREATED,
        summary="Start a draft application to an open call",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def create(self, me: Me, call_id: PathId, data: JSONBody[CreateApplicationIn]) -> CreatedOut:
        return CreatedOut(**await drafts.create_draft(call_id, me, data.title))

    @get(
        "/applications",
        guards=[applicant_or_staff],
        summary="The caller's organisation's applications",
        responses=errors(401, 403),
    )
    async def list_applications(self, me: Me) -> list[ApplicationSummaryOut]:
        return [
            ApplicationSummaryOut(
                id=r["id"],
                reference=r["reference"],
                call_id=r["call"],
                call_title=r["call_title"],
                status=r["status"],
                title=r["title"],
                requested_amount=format_cents(r["requested_cents"]),
                submitted_at=r["submitted_at"],
            )
            for r in await queries.list_applications(me)
        ]

    @get(
        "/applications/{application_id:int}",
        guards=[applicant_or_staff],
        summary="One application, whole",
        responses=errors(401, 403, 404),
    )
    async def get_application(self, me: Me, application_id: PathId) -> ApplicationOut:
        return application_out(await queries.get_application(application_id, me))

    @patch(
        "/applications/{application_id:int}",
        guards=[applicant],
        summary="Change a draft (or an application under clarification)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def update(
        self, me: Me, application_id: PathId, data: JSONBody[ApplicationPatch]
    ) -> ApplicationOut:
        await drafts.update_application(application_id, me, patch_dict(data))
        return application_out(await queries.get_application(application_id, me))

    @post(
        "/applications/{application_id:int}/submit",
        guards=[applicant],
        status_code=HTTP_200_OK,
        summary="Submit a complete draft before the deadline",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def submit(self, me: Me, application_id: PathId) -> SubmittedOut:
        return SubmittedOut(**await submission.submit(application_id, me))

    @post(
        "/applications/{application_id:int}/withdraw",
        guards=[applicant],
        status_code=HTTP_200_OK,
        summary="Withdraw a draft or submitted application before the deadline",
        responses=errors(401, 403, 404, 409),
    )
    async def withdraw(self, me: Me, application_id: PathId) -> StatusOut:
        return StatusOut(**await submission.withdraw(application_id, me))

    @post(
        "/applications/{application_id:int}/clarifications",
        guards=[staff],
        status_code=HTTP_201_CREATED,
        summary="Ask the applicant a question; the application goes to clarification",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def ask(
        self, me: Me, application_id: PathId, data: JSONBody[ClarificationIn]
    ) -> ClarificationCreatedOut:
        if data.due_at.tzinfo is None:
            raise ValidationFailed({"due_at": _("Give the due time with a time zone offset.")})
        return ClarificationCreatedOut(
            **await clarifications.ask_clarification(application_id, me, data.question, to_utc(data.due_at))
        )

    @post(
        "/applications/{application_id:int}/clarifications/{clarification_id:int}/answer",
        guards=[applicant],
        status_code=HTTP_200_OK,
        summary="Answer a clarification question; the application is submitted again",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def answer(
        self,
        me: Me,
        application_id: PathId,
        clarification_id: PathId,
        data: JSONBody[AnswerIn],
    ) -> StatusOut:
        return StatusOut(
            **await clarifications.answer_clarification(application_id, clarification_id, me, data.answer)
        )


class AttachmentsApi(Controller):
    path = "/api"
    tags = ["attachments"]

    @post(
        "/applications/{application_id:int}/attachments",
        guards=[applicant],
        status_code=HTTP_201_CREATED,
        request_max_body_size=upload_limit(),
        summary="Upload a file (multipart field `file`): PDF, JPEG, PNG, DOCX, ODT, XLSX or ODS",
        responses=errors(401, 403, 404, 409, 413, 415),
    )
    async def upload(self, request: Request[Any, Any, Any], me: Me, application_id: PathId) -> AttachmentOut:
        async def store(filename: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
            return await attachments.add_attachment(application_id, me, filename, chunks)

        return AttachmentOut(**await receive_file(request, store))

    @get(
        "/attachments/{attachment_id:int}",
        guards=[applicant_or_staff],
        summary="Download a file",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def download(self, me: Me, attachment_id: PathId) -> Response[Any]:
        row = await queries.find_attachment(attachment_id, me)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @delete(
        "/attachments/{attachment_id:int}",
        guards=[applicant],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a file from a draft",
        responses=errors(401, 403, 404, 409),
    )
    async def remove(self, me: Me, attachment_id: PathId) -> None:
        await attachments.remove_attachment(attachment_id, me)
