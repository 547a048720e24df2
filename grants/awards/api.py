"""The award API: staff award (one, automatically, the next reserve); grantees list and decline;
after the award the agreement, payments, termination and the payment register."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, patch, post
from litestar.params import FromQuery, JSONBody
from litestar.response import Response, Stream
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.awards import exports, queries, rules
from grants.awards.queries import register
from grants.awards.schemas import (
    AgreementBrief,
    AgreementOut,
    ApprovalIn,
    ApprovalOut,
    AutoAwardOut,
    AwardIn,
    AwardListOut,
    AwardOut,
    DeclineIn,
    LowerIn,
    PaidIn,
    PaidOut,
    PaymentOut,
    RegisterPage,
    RegisterRow,
    TerminatedOut,
    TerminateIn,
)
from grants.awards.service import approval, lifecycle, payments
from grants.awards.service import decision as service
from grants.core.auth import Me, Role, authenticated, national_staff, roles
from grants.core.errors import ValidationFailed
from grants.core.filetypes import content_disposition
from grants.core.i18n import _
from grants.core.money import format_cents
from grants.core.openapi import errors, file_download
from grants.core.params import PathId
from grants.core.uploads import download_response, receive_form, upload_limit

staff = roles(Role.staff)
applicant_or_staff = roles(Role.applicant, Role.staff)
AGREEMENT_FIELDS = ("number", "signed_on")


class AwardStaffApi(Controller):
    path = "/api/calls"
    tags = ["awards"]
    guards = [staff]

    @post(
        "/{call_id:int}/awards",
        status_code=HTTP_201_CREATED,
        summary="Award an application, or {auto: true} down the ranking within the budget and quota",
        description=(
            "409 when the budget or the quota would be exceeded. An `amount` below the requested one, "
            "or an application that did not pass, needs a `reason`."
        ),
        responses=errors(401, 403, 404, 409, 422),
    )
    async def award(self, me: Me, call_id: PathId, data: JSONBody[AwardIn]) -> AwardOut | AutoAwardOut:
        if data.auto:
            result = await service.auto_award(call_id, me)
            return AutoAwardOut(
                awarded=[AwardOut(**a) for a in result["awarded"]],
                reserve=result["reserve"],
                rejected=result["rejected"],
            )
        if not isinstance(data.application_id, int):
            raise ValidationFailed({"application_id": _("Give application_id, or auto: true.")})
        amount = data.amount if isinstance(data.amount, str) else None
        return AwardOut(**await service.award(call_id, me, data.application_id, amount, data.reason))

    @post(
        "/{call_id:int}/awards/next-reserve",
        status_code=HTTP_201_CREATED,
        summary="Award the best ranked reserve application that fits the remaining budget and quota",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def next_reserve(self, me: Me, call_id: PathId) -> AwardOut:
        return AwardOut(**await service.next_reserve(call_id, me))


class AwardApi(Controller):
    path = "/api/awards"
    tags = ["awards"]

    @get(
        "/",
        guards=[authenticated],
        summary="The caller's organisation's awards (staff: all), with their payments and agreement",
        responses=errors(401),
    )
    async def list_awards(self, me: Me) -> list[AwardListOut]:
        rows = await queries.list_awards(me)
        if not rows:
            return []
        # One query each for all the payments and agreements, never one per award.
        organisation = None if me.has(Role.staff) else me.organisation_id
        paid = await queries.payments_by_award(organisation)
        agreements = await queries.agreements_by_award(organisation)
        return [
            AwardListOut(
                id=row["id"],
                call_id=row["call"],
                application_id=row["application"],
                reference=row["reference"],
                amount=format_cents(row["amount_cents"]),
                status=row["status"],
                payments=[PaymentOut(**p) for p in paid.get(row["id"], [])],
                agreement=(
                    AgreementBrief(number=a["number"], signed_on=a["signed_on"])
                    if (a := agreements.get(row["id"]))
                    else None
                ),
            )
            for row in rows
        ]

    @post(
        "/{award_id:int}/decline",
        guards=[applicant_or_staff],
        status_code=HTTP_200_OK,
        summary="Decline an award before the agreement (the grantee; staff with a reason)",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def decline(self, me: Me, award_id: PathId, data: JSONBody[DeclineIn | None] = None) -> AwardOut:
        reason = data.reason if data is not None else ""
        return AwardOut(**await service.decline(award_id, me, reason))


def _check(fields: dict[str, str]) -> None:
    rules.check_agreement(fields.get("number"), fields.get("signed_on"))


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
    async def agreement(self, request: Request[Any, Any, Any], me: Me, award_id: PathId) -> AgreementOut:
        await queries.reportable_award(award_id, me)  # 404 before the upload is read
        stored, fields = await receive_form(request, _check, AGREEMENT_FIELDS)
        result = await lifecycle.sign_agreement(
            award_id,
            me,
            number=fields.get("number", ""),
            signed_on=fields.get("signed_on", ""),  # type: ignore[arg-type]  # checked and parsed there
            document=stored,
        )
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
    async def document(self, me: Me, award_id: PathId) -> Response[Any]:
        row = await queries.agreement_document(award_id, me)
        return await download_response(row["storage_key"], row["filename"], row["content_type"])

    @post(
        "/{award_id:int}/terminate",
        guards=[staff],
        status_code=HTTP_200_OK,
        summary="Terminate a signed award with a reason; its unpaid payments are removed",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def terminate(self, me: Me, award_id: PathId, data: JSONBody[TerminateIn]) -> TerminatedOut:
        result = await lifecycle.terminate(award_id, me, data.reason)
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
        me: Me,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[int | None] = None,
        page: FromQuery[int | None] = None,
        per_page: FromQuery[int | None] = None,
    ) -> RegisterPage:
        selected = register.parse_filter(status, call_id, me.staff_scope)
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
    async def paid(self, me: Me, payment_id: PathId, data: JSONBody[PaidIn]) -> PaidOut:
        return PaidOut(**await payments.mark_paid(payment_id, me, data.paid_on, data.note))

    @patch(
        "/{payment_id:int}",
        status_code=HTTP_200_OK,
        summary="Lower an unpaid payment: {amount, note}",
        responses=errors(401, 403, 404, 409, 422),
    )
    async def lower(self, me: Me, payment_id: PathId, data: JSONBody[LowerIn]) -> PaymentOut:
        return PaymentOut(**await payments.lower_amount(payment_id, me, data.amount, data.note))


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
        self, me: Me, status: FromQuery[str | None] = None, call_id: FromQuery[int | None] = None
    ) -> Stream:
        selected = register.parse_filter(status, call_id, me.staff_scope)
        return Stream(
            exports.csv_stream(selected),
            media_type="text/csv",
            headers={
                "Content-Disposition": content_disposition("payments.csv"),
                "Cache-Control": "private, no-store",
            },
        )


class ApprovalApi(Controller):
    path = "/api/calls"
    tags = ["awards"]
    guards = [national_staff]

    @post(
        "/{call_id:int}/approval",
        status_code=HTTP_200_OK,
        summary="National staff approve the call's award decision, or return it with a comment",
        description=(
            "`approved`: every award of the call still `awarded` becomes `approved`, and its agreement "
            "may be recorded. `returned` (a `comment` is required): the awards stay `awarded`. 409 when "
            "the call does not require approval or no award waits for it."
        ),
        responses=errors(401, 403, 404, 409, 422),
    )
    async def review(self, me: Me, call_id: PathId, data: JSONBody[ApprovalIn]) -> ApprovalOut:
        result = await approval.review_decision(call_id, me, data.outcome, data.comment, data.award_ids)
        return ApprovalOut(**(result | {"awards": [AwardOut(**a) for a in result["awards"]]}))


handlers = [AwardStaffApi, ApprovalApi, AwardApi, AgreementApi, PaymentApi, PaymentExportApi]
