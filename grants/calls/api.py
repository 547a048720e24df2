"""The calls API: reading for all (drafts for staff too), writing for staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.params import FromQuery, JSONBody
from litestar.response import Response
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from grants.calls import queries, service, states
from grants.calls.queries import draft_scope, sees_drafts, visible_call
from grants.calls.schemas import (
    CallDetailOut,
    CallIn,
    CallOut,
    CallStatusOut,
    CriterionOut,
    DocumentOut,
    MunicipalityRef,
)
from grants.core.auth import Me, Role, Viewer, public, roles
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.time import from_db
from grants.core.uploads import download_response, receive_file, upload_limit

staff_only = roles(Role.staff)


def _decimal_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else str(value)


def call_out(row: dict[str, Any]) -> CallOut:
    return CallOut(**_call_fields(row))


def _call_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "municipality": MunicipalityRef(code=row["municipality_code"], name=row["municipality_name"]),
        "status": row["status"],
        "phase": states.phase(row),
        "opens_at": row["opens_at"],
        "closes_at": row["closes_at"],
        "max_amount": format_cents(row["max_amount_cents"]),
        "fixed_amount": row["fixed_amount"],
        "budget": format_cents(row["budget_cents"]),
        "quota": row["quota"],
    }


def criterion_out(row: dict[str, Any]) -> CriterionOut:
    return CriterionOut(
        code=row["code"],
        title=row["title"],
        kind=row["kind"],
        max_points=row["max_points"],
        weight=_decimal_text(row["weight"]),
        min_points=row["min_points"],
        description=row["description"],
    )


async def call_detail(row: dict[str, Any]) -> CallDetailOut:
    return CallDetailOut(
        **_call_fields(row),
        description=row["description"],
        applications_per_organisation=row["applications_per_organisation"],
        min_months=row["min_months"],
        max_months=row["max_months"],
        score_threshold=_decimal_text(row["score_threshold"]),
        aggregation=row["aggregation"],
        reviewers_per_application=row["reviewers_per_application"],
        blind_review=row["blind_review"],
        advance_percent=row["advance_percent"],
        criteria=[criterion_out(c) for c in await queries.criteria_of(row["id"])],
        review_closes_at=from_db(row["review_closes_at"]) if row["review_closes_at"] else None,
        appeal_route=row["appeal_route"],
        payment_method=row["payment_method"],
        requires_approval=row["requires_approval"],
    )


def _as_dict(data: CallIn) -> dict[str, Any]:
    """The body as the service's data; a field left out (UNSET) is not there at all."""
    body = msgspec.structs.asdict(data) | {"criteria": [msgspec.structs.asdict(c) for c in data.criteria]}
    return {key: value for key, value in body.items() if value is not msgspec.UNSET}


class CallsApi(Controller):
    path = "/api/calls"
    tags = ["calls"]

    @get("/", guards=[public], summary="Calls visible to the caller: published ones (staff: drafts too)")
    async def list_calls(
        self,
        viewer: Viewer,
        municipality: FromQuery[str | None] = None,
        phase: FromQuery[str | None] = None,
    ) -> list[CallOut]:
        rows = await queries.list_calls(
            municipality, phase, include_draft=sees_drafts(viewer), scope=draft_scope(viewer)
        )
        return [call_out(row) for row in rows]

    @get("/{call_id:int}", guards=[public], summary="One call with its criteria", responses=errors(404))
    async def get_call(self, viewer: Viewer, call_id: PathId) -> CallDetailOut:
        return await call_detail(await visible_call(call_id, viewer))

    @post(
        "/",
        guards=[staff_only],
        status_code=HTTP_201_CREATED,
        summary="Create a draft call (staff)",
        responses=errors(401, 403, 422),
    )
    async def create(self, me: Me, data: JSONBody[CallIn]) -> CallDetailOut:
        call_id = await service.create_call(_as_dict(data), me)
        return await call_detail(await visible_call(call_id, me))

    @put(
        "/{call_id:int}",
        guards=[staff_only],
        summary="Replace a draft call's rules and criteria (staff)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def update(self, me: Me, call_id: PathId, data: JSONBody[CallIn]) -> CallDetailOut:
        await visible_call(call_id, me)
        await service.update_call(call_id, _as_dict(data), me)
        return await call_detail(await visible_call(call_id, me))

    @post(
        "/{call_id:int}/publish",
        guards=[staff_only],
        status_code=HTTP_200_OK,
        summary="Publish a draft call",
        responses=errors(401, 403, 404, 409),
    )
    async def publish(self, me: Me, call_id: PathId) -> CallStatusOut:
        await visible_call(call_id, me)
        return CallStatusOut(id=call_id, status=await service.publish(call_id, me))

    @post(
        "/{call_id:int}/close",
        guards=[staff_only],
        status_code=HTTP_200_OK,
        summary="Close a published call",
        responses=errors(401, 403, 404, 409),
    )
    async def close(self, me: Me, call_id: PathId) -> CallStatusOut:
        await visible_call(call_id, me)
        return CallStatusOut(id=call_id, status=await service.close(call_id, me))


class CallDocumentsApi(Controller):
    path = "/api/calls/{call_id:int}/documents"
    tags = ["calls"]

    @post(
        "/",
        guards=[staff_only],
        status_code=HTTP_201_CREATED,
        request_max_body_size=upload_limit(),
        summary="Attach a document to a call (multipart `file`, optional query `title`)",
        responses=errors(401, 403, 404, 413, 415, 422),
    )
    async def add(
        self, request: Request[Any, Any, Any], me: Me, call_id: PathId, title: FromQuery[str] = ""
    ) -> DocumentOut:
        async def store(filename: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
            return await service.add_document(call_id, me, title, filename, chunks)

        return DocumentOut(**await receive_file(request, store))

    @get("/", guards=[public], summary="The call's documents", responses=errors(404))
    async def list_documents(self, viewer: Viewer, call_id: PathId) -> list[DocumentOut]:
        await visible_call(call_id, viewer)
        return [DocumentOut(**row) for row in await queries.list_documents(call_id)]

    @get(
        "/{document_id:int}",
        guards=[public],
        summary="Download one of the call's documents",
        responses=file_download(404),
    )
    async def download(self, viewer: Viewer, call_id: PathId, document_id: PathId) -> Response[Any]:
        row = await queries.find_document(
            call_id, document_id, include_draft=sees_drafts(viewer), scope=draft_scope(viewer)
        )
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @delete(
        "/{document_id:int}",
        guards=[staff_only],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a document from a call",
        responses=errors(401, 403, 404),
    )
    async def remove(self, me: Me, call_id: PathId, document_id: PathId) -> None:
        await service.remove_document(call_id, document_id, me)
