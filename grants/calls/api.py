"""Call pages for the public and the calls API (reading for all, writing for staff)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery, JSONBody
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from grants.calls import documents, service
from grants.calls.schemas import CallDetailOut, CallIn, CallOut, CallStatusOut, CriterionOut, MunicipalityRef
from grants.core.auth import Role, current, public, roles
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.storage import TooLarge, UnsupportedType
from grants.core.time import now
from grants.core.uploads import download_response, receive_file, upload_limit
from grants.registry.queries import list_municipalities

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
        "phase": service.phase(row),
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
        criteria=[criterion_out(c) for c in await service.criteria_of(row["id"])],
    )


def _is_staff(request: Request[Any, Any, Any]) -> bool:
    principal = current(request)
    return principal is not None and principal.has(Role.staff)


async def _visible_call(request: Request[Any, Any, Any], call_id: int) -> dict[str, Any]:
    row = await service.get_call(call_id, include_draft=_is_staff(request))
    if row is None:
        raise NotFoundException(_("No such call."))
    return row


def _as_dict(data: CallIn) -> dict[str, Any]:
    return msgspec.structs.asdict(data) | {"criteria": [msgspec.structs.asdict(c) for c in data.criteria]}


class CallsApi(Controller):
    path = "/api/calls"
    tags = ["calls"]

    @get("/", guards=[public], summary="Calls visible to the caller: published ones (staff: drafts too)")
    async def list_calls(
        self,
        request: Request[Any, Any, Any],
        municipality: FromQuery[str | None] = None,
        phase: FromQuery[str | None] = None,
    ) -> list[CallOut]:
        rows = await service.list_calls(municipality, phase, include_draft=_is_staff(request))
        return [call_out(row) for row in rows]

    @get("/{call_id:int}", guards=[public], summary="One call with its criteria", responses=errors(404))
    async def get_call(self, request: Request[Any, Any, Any], call_id: PathId) -> CallDetailOut:
        return await call_detail(await _visible_call(request, call_id))

    @post(
        "/",
        guards=[staff_only],
        status_code=HTTP_201_CREATED,
        summary="Create a draft call (staff)",
        responses=errors(401, 403, 422),
    )
    async def create(self, request: Request[Any, Any, Any], data: JSONBody[CallIn]) -> CallDetailOut:
        call_id = await service.create_call(_as_dict(data), current(request))
        return await call_detail(await _visible_call(request, call_id))

    @put(
        "/{call_id:int}",
        guards=[staff_only],
        summary="Replace a draft call's rules and criteria (staff)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def update(
        self, request: Request[Any, Any, Any], call_id: PathId, data: JSONBody[CallIn]
    ) -> CallDetailOut:
        await _visible_call(request, call_id)
        await service.update_call(call_id, _as_dict(data), current(request))
        return await call_detail(await _visible_call(request, call_id))

    @post(
        "/{call_id:int}/publish",
        guards=[staff_only],
        status_code=HTTP_200_OK,
        summary="Publish a draft call",
        responses=errors(401, 403, 404, 409),
    )
    async def publish(self, request: Request[Any, Any, Any], call_id: PathId) -> CallStatusOut:
        await _visible_call(request, call_id)
        return CallStatusOut(id=call_id, status=await service.publish(call_id, current(request)))

    @post(
        "/{call_id:int}/close",
        guards=[staff_only],
        status_code=HTTP_200_OK,
        summary="Close a published call",
        responses=errors(401, 403, 404, 409),
    )
    async def close(self, request: Request[Any, Any, Any], call_id: PathId) -> CallStatusOut:
        await _visible_call(request, call_id)
        return CallStatusOut(id=call_id, status=await service.close(call_id, current(request)))


class DocumentOut(msgspec.Struct):
    id: int
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str


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
        self, request: Request[Any, Any, Any], call_id: PathId, title: FromQuery[str] = ""
    ) -> DocumentOut:
        async def store(filename: str, chunks: AsyncIterator[bytes]) -> dict[str, Any]:
            return await documents.add_document(call_id, current(request), title, filename, chunks)

        return DocumentOut(**await receive_file(request, store))

    @get("/", guards=[public], summary="The call's documents", responses=errors(404))
    async def list_documents(self, request: Request[Any, Any, Any], call_id: PathId) -> list[DocumentOut]:
        await _visible_call(request, call_id)
        return [DocumentOut(**row) for row in await documents.list_documents(call_id)]

    @get(
        "/{document_id:int}",
        guards=[public],
        summary="Download one of the call's documents",
        responses=file_download(404),
    )
    async def download(
        self, request: Request[Any, Any, Any], call_id: PathId, document_id: PathId
    ) -> Response[Any]:
        row = await documents.find_document(call_id, document_id, include_draft=_is_staff(request))
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @delete(
        "/{document_id:int}",
        guards=[staff_only],
        status_code=HTTP_204_NO_CONTENT,
        summary="Remove a document from a call",
        responses=errors(401, 403, 404),
    )
    async def remove(self, request: Request[Any, Any, Any], call_id: PathId, document_id: PathId) -> None:
        await documents.remove_document(call_id, document_id, current(request))


class CallPages(Controller):
    guards = [public]
    include_in_schema = False

    @get("/calls", name="calls")
    async def calls(
        self, municipality: FromQuery[str | None] = None, phase: FromQuery[str | None] = None
    ) -> Template:
        rows = await service.list_calls(municipality or None, phase or None)
        return Template(
            "calls/list.html",
            context={
                "groups": [
                    (name, [r for r in rows if r["phase"] == name]) for name in ("open", "upcoming", "closed")
                ],
                "municipalities": await list_municipalities(current_only=True),
                "selected": {"municipality": municipality or "", "phase": phase or ""},
            },
        )

    @get("/calls/{call_id:int}", name="call")
    async def call(self, request: Request[Any, Any, Any], call_id: PathId) -> Template:
        row = await _visible_call(request, call_id)
        criteria = await service.criteria_of(call_id)
        return Template(
            "calls/detail.html",
            context={
                "call": row,
                "phase": service.phase(row),
                "remaining": row["closes_at"] - now(),
                "documents": await documents.list_documents(call_id),
                "eligibility": [c for c in criteria if c["kind"] == "eligibility"],
                "quality": [c for c in criteria if c["kind"] == "quality"],
            },
        )

    @post(
        "/calls/{call_id:int}/documents",
        guards=[staff_only],
        status_code=HTTP_200_OK,
        request_max_body_size=upload_limit(),
    )
    async def add_document(self, request: Request[Any, Any, Any], call_id: PathId) -> Response[Any]:
        """The staff's upload form on the call page (the CSRF check has already read the form)."""
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return Redirect(f"/calls/{call_id}?document=missing")

        async def chunks() -> AsyncIterator[bytes]:
            while block := await upload.read(256 * 1024):
                yield block

        try:
            await documents.add_document(
                call_id, current(request), str(form.get("title", "")), upload.filename, chunks()
            )
        except (TooLarge, UnsupportedType) as exc:
            return Redirect(f"/calls/{call_id}?document=refused&reason={quote(exc.message)}")
        return Redirect(f"/calls/{call_id}?document=added")


handlers = [CallsApi, CallDocumentsApi, CallPages]
