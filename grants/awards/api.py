"""The API after the award: the agreement, payments, termination, and the payment register."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromQuery, JSONBody
from litestar.response import Response, Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.awards import queries as register
from grants.awards.schemas import (
    AgreementOut,
    LowerIn,
    PaidIn,
    PaidOut,
    PaymentOut,
    RegisterPage,
    RegisterRow,
    TerminatedOut,
    TerminateIn,
)
from grants.awards.service import lifecycle, payments
from grants.core.auth import Principal, Role, current, roles
from grants.core.filetypes import content_disposition
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.uploads import download_response, receive_form, upload_limit

staff = roles(Role.staff)
applicant_or_staff = roles(Role.applicant, Role.staff)
AGREEMENT_FIELDS = ("number", "signed_on")


def _me(request: Request[Any, Any, Any]) -> Principal:
    principal = current(request)
    assert principal is not None  # the guards ran first
    return principal


def _check(fields: dict[str, str]) -> None:
    lifecycle.check_agreement(fields.get("number"), fields.get("signed_on"))


async def record_agreement(request: Request[Any, Any, Any], award_id: int) -> dict[str, Any]:
    """Read the multipart form (number, signed_on, file), store the document, record the agreement."""
    me = _me(request)
    await lifecycle.reportable_award(award_id, me)  # 404 before the upload is read
    stored, fields = await receive_form(request, _check, AGREEMENT_FIELDS)
    return await lifecycle.sign_agreement(
        award_id,
        me,
        number=fields.get("number", ""),
        signed_on=fields.get("signed_on", ""),  # type: ignore[arg-type]  # checked and parsed there
        document=stored,
    )


class AgreementApi(Controller):
    path = "/api/awards"
    tags = ["awards"]

    @post(
        "/{award_id:int}/agreement",
        guards=[staff],
        status_code=HTTP_201_CREATED,
        request_max_body_size=upload_limit(),
        summary="Record the signed agreement (multipart: number, signed_on YYYY-MM-DD, file); the advance falls due",
        responses=errors(401, 403, 404, 409, 413, 415, 422),
    )
    async def agreement(self, request: Request[Any, Any, Any], award_id: PathId) -> AgreementOut:
        result = await record_agreement(request, award_id)
        advance = result.pop("advance")
        return AgreementOut(
            id=result["id"],
            award_id=result["award"],
            number=result["number"],
            signed_on=result["signed_on"],
            filename=result["filename"],
            content_type=result["content_type"],
            size=result["size"],
            sha256=result["sha256"],
            status=result["status"],
            advance=PaymentOut(**advance) if advance else None,
        )

    @get(
        "/{award_id:int}/agreement/document",
        guards=[applicant_or_staff],
        summary="Download the signed agreement (staff and the grantee)",
        response_class=None,
        responses=file_download(401, 403, 404),
    )
    async def document(self, request: Request[Any, Any, Any], award_id: PathId) -> Response[Any]:
        row = await lifecycle.agreement_document(award_id, _me(request))
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @post(
        "/{award_id:int}/terminate",
        guards=[staff],
        status_code=HTTP_200_OK,
        summary="Terminate a signed award with a reason; its unpaid payments are removed",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def terminate(
        self, request: Request[Any, Any, Any], award_id: PathId, data: JSONBody[TerminateIn]
    ) -> TerminatedOut:
        result = await lifecycle.terminate(award_id, _me(request), data.reason)
        removed = [PaymentOut(**p) for p in result.pop("removed_payments")]
        return TerminatedOut(**result, removed_payments=removed)


class PaymentApi(Controller):
    path = "/api/payments"
    tags = ["payments"]
    guards = [staff]

    @get(
        "/",
        summary="The payment register, due date first (filters: status=unpaid|paid|overdue, call_id)",
        responses=errors(401, 403, 422),
    )
    async def register(
        self,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[int | None] = None,
        page: FromQuery[int | None] = None,
        per_page: FromQuery[int | None] = None,
    ) -> RegisterPage:
        selected = register.parse_filter(status, call_id)
        number, size = register.paging(page, per_page)
        result = await register.page_of(selected, number, size)
        fields = RegisterRow.__struct_fields__
        items = [RegisterRow(**{k: row[k] for k in fields}) for row in result.pop("items")]
        return RegisterPage(items=items, **result)

    @post(
        "/{payment_id:int}/paid",
        status_code=HTTP_200_OK,
        summary="Record a payment as paid: {paid_on, note}",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def paid(
        self, request: Request[Any, Any, Any], payment_id: PathId, data: JSONBody[PaidIn]
    ) -> PaidOut:
        return PaidOut(**await payments.mark_paid(payment_id, _me(request), data.paid_on, data.note))

    @patch(
        "/{payment_id:int}",
        status_code=HTTP_200_OK,
        summary="Lower an unpaid payment: {amount, note}",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def lower(
        self, request: Request[Any, Any, Any], payment_id: PathId, data: JSONBody[LowerIn]
    ) -> PaymentOut:
        return PaymentOut(**await payments.lower_amount(payment_id, _me(request), data.amount, data.note))


class PaymentExportApi(Controller):
    path = "/api"
    tags = ["payments"]
    guards = [staff]

    @get(
        "/payments.csv",
        media_type="text/csv",
        summary="The payment register as CSV (the same filters), streamed",
        responses=errors(401, 403, 422),
    )
    async def export(
        self, status: FromQuery[str | None] = None, call_id: FromQuery[int | None] = None
    ) -> Stream:
        selected = register.parse_filter(status, call_id)
        return Stream(
            register.csv_stream(selected),
            media_type="text/csv",
            headers={
                "Content-Disposition": content_disposition("payments.csv"),
                "Cache-Control": "private, no-store",
            },
        )


handlers = [AgreementApi, PaymentApi, PaymentExportApi]
