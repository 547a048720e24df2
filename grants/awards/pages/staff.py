"""The staff's pages after the award (/staff/awards, /staff/payments), linked from the admin panel.

Every action is a form that posts, goes through the lifecycle or payments service
and redirects back to the award; a refused action renders the list again, showing
that award with the messages next to its fields, and 422 (or 409).
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import queries as register
from grants.awards.pages.staff_decision import AwardDecisionPages
from grants.awards.service import lifecycle, payments
from grants.awards.states import award_statuses, payment_kinds
from grants.awards.tables import Award
from grants.core.auth import Principal, Role, current, roles
from grants.core.errors import Conflict, NotFound, ValidationFailed
from grants.core.i18n import _
from grants.core.params import MAX_ID, PathId
from grants.core.storage import DOCUMENT_TYPES, TooLarge, UnsupportedType, get_storage
from grants.core.uploads import form_file, upload_limit

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
AnyRequest = Request[Any, Any, Any]
PER_PAGE = 20
REGISTER_PER_PAGE = 50


def _me(request: AnyRequest) -> Principal:
    principal = current(request)
    assert principal is not None  # the guard ran first
    return principal


def register_filters() -> dict[str, str]:
    return {"unpaid": _("Unpaid"), "paid": _("Paid"), "overdue": _("Overdue")}


def _int(value: str | None) -> int | None:
    """A positive id or page number from the query; anything else (or too big for the id columns) is none."""
    if not value or len(value) > 10 or not (value.isascii() and value.isdigit()):
        return None
    return int(value) if 0 < int(value) <= MAX_ID else None


async def _awards_page(
    *,
    status: str | None = None,
    call_id: int | None = None,
    award_id: int | None = None,
    page: int = 1,
    errors: dict[str, str] | None = None,
    message: str | None = None,
    form: dict[str, str] | None = None,
    notice: str | None = None,
    code: int = HTTP_200_OK,
) -> Template:
    condition: Any = Award.id.is_not_null()
    if status in award_statuses():
        condition &= Award.status == status
    else:
        status = None
    if call_id is not None:
        condition &= Award.call == call_id
    if award_id is not None:
        condition &= Award.id == award_id
    total = await Award.count().where(condition)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = (
        await Award.select(
            Award.id,
            Award.status,
            Award.amount_cents,
            Award.termination_reason,
            Award.call.as_alias("call_id"),
            Award.call.title.as_alias("call_title"),
            Award.call.municipality.name.as_alias("municipality"),
            Award.application.as_alias("application_id"),
            Award.application.reference.as_alias("reference"),
            Award.application.title.as_alias("title"),
            Award.application.organisation.name.as_alias("organisation"),
        )
        .where(condition)
        .order_by(Award.id, ascending=False)
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    )
    ids = [r["id"] for r in rows]
    # Two queries for the whole page, not two per award.
    agreements = await lifecycle.agreements_of(ids)
    paid = await payments.payments_of(ids)
    filters = {"status": status or "", "call_id": str(call_id or "")}
    context = {
        "awards": rows,
        "agreements": agreements,
        "payments": paid,
        "statuses": award_statuses(),
        "kinds": payment_kinds(),
        "terminable": list(lifecycle.TERMINABLE),
        "calls": await register.calls_with_awards(),
        "filters": filters,
        "single": award_id,
        "page": page,
        "pages": pages,
        "total": total,
        "query": lambda **changes: urlencode({k: v for k, v in (filters | changes).items() if v}),
        "today": lifecycle.state.today().isoformat(),
        "errors": errors or {},
        "message": message,
        "form": form or {},
        "notice": notice,
    }
    return Template("staff/awards.html", context=context, status_code=code)


def _keyed(errors: dict[str, str], key: int) -> dict[str, str]:
    """Field errors named for one award's or payment's form on a page of many."""
    return {f"{field}.{key}": text for field, text in errors.items()}


NOTICES = {
    "signed": lambda: _("The agreement is recorded; the advance is due."),
    "paid": lambda: _("The payment is recorded as paid."),
    "lowered": lambda: _("The payment's amount is lowered."),
    "terminated": lambda: _("The award is terminated."),
}


async def _award_of_payment(payment_id: int) -> int:
    rows = await payments.award_of_payment(payment_id)
    if rows is None:
        raise NotFound
    return rows


class StaffAwardPages(Controller):
    path = "/staff"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/awards", name="staff_awards")
    async def awards(
        self,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[str | None] = None,
        award: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        notice = NOTICES[done]() if done in NOTICES else None
        return await _awards_page(
            status=status, call_id=_int(call_id), award_id=_int(award), page=_int(page) or 1, notice=notice
        )

    @post("/awards/{award_id:int}/agreement", status_code=HTTP_200_OK, request_max_body_size=upload_limit())
    async def agreement(self, request: AnyRequest, award_id: PathId) -> Response[Any]:
        """The upload form (the CSRF check has already read the form)."""
        me = _me(request)
        await lifecycle.reportable_award(award_id, me)
        form = await request.form()
        number, signed_on = str(form.get("number", "")), str(form.get("signed_on", ""))
        upload = await form_file(request)
        kept = {f"number.{award_id}": number, f"signed_on.{award_id}": signed_on}
        errors: dict[str, str] = {}
        try:
            lifecycle.check_agreement(number, signed_on)
        except ValidationFailed as exc:
            errors = exc.errors
        if upload is None:
            errors["file"] = _("Choose the signed agreement's file.")
        if errors:
            return await _awards_page(award_id=award_id, errors=_keyed(errors, award_id), form=kept, code=422)
        assert upload is not None
        filename, chunks = upload
        try:
            stored = await get_storage().save(chunks, filename, allowed=DOCUMENT_TYPES)
            await lifecycle.sign_agreement(award_id, me, number=number, signed_on=signed_on, document=stored)  # type: ignore[arg-type]
        except (TooLarge, UnsupportedType) as exc:
            errors = {"file": exc.message}
        except ValidationFailed as exc:
            errors = exc.errors
        except Conflict as exc:
            return await _awards_page(award_id=award_id, message=exc.message, form=kept, code=409)
        if errors:
            return await _awards_page(award_id=award_id, errors=_keyed(errors, award_id), form=kept, code=422)
        return Redirect(f"/staff/awards?award={award_id}&done=signed")

    @post("/payments/{payment_id:int}/paid", status_code=HTTP_200_OK)
    async def paid(self, request: AnyRequest, payment_id: PathId, data: Form) -> Response[Any]:
        award_id = await _award_of_payment(payment_id)
        kept = {f"paid_on.{payment_id}": data.get("paid_on", ""), f"note.{payment_id}": data.get("note", "")}
        try:
            await payments.mark_paid(payment_id, _me(request), data.get("paid_on", ""), data.get("note", ""))
        except ValidationFailed as exc:
            errors = _keyed(exc.errors, payment_id)
            return await _awards_page(award_id=award_id, errors=errors, form=kept, code=422)
        except Conflict as exc:
            return await _awards_page(award_id=award_id, message=exc.message, form=kept, code=409)
        return Redirect(f"/staff/awards?award={award_id}&done=paid")

    @post("/payments/{payment_id:int}/lower", status_code=HTTP_200_OK)
    async def lower(self, request: AnyRequest, payment_id: PathId, data: Form) -> Response[Any]:
        award_id = await _award_of_payment(payment_id)
        kept = {f"amount.{payment_id}": data.get("amount", ""), f"reason.{payment_id}": data.get("note", "")}
        try:
            await payments.lower_amount(
                payment_id, _me(request), data.get("amount", ""), data.get("note", "")
            )
        except ValidationFailed as exc:
            # The lowering form's note is named "reason" on the page: the mark-paid form has a note too.
            errors = {("reason" if k == "note" else k): v for k, v in exc.errors.items()}
            return await _awards_page(
                award_id=award_id, errors=_keyed(errors, payment_id), form=kept, code=422
            )
        except Conflict as exc:
            return await _awards_page(award_id=award_id, message=exc.message, form=kept, code=409)
        return Redirect(f"/staff/awards?award={award_id}&done=lowered")

    @get("/awards/{award_id:int}/terminate")
    async def terminate_form(self, request: AnyRequest, award_id: PathId) -> Template:
        return await _terminate_page(request, award_id)

    @post("/awards/{award_id:int}/terminate", status_code=HTTP_200_OK)
    async def terminate(self, request: AnyRequest, award_id: PathId, data: Form) -> Response[Any]:
        reason = data.get("reason", "")
        try:
            await lifecycle.terminate(award_id, _me(request), reason)
        except ValidationFailed as exc:
            return await _terminate_page(request, award_id, reason=reason, errors=exc.errors, code=422)
        except Conflict as exc:
            return await _terminate_page(request, award_id, reason=reason, message=exc.message, code=409)
        return Redirect(f"/staff/awards?award={award_id}&done=terminated")

    @get("/payments", name="staff_payments")
    async def payment_register(
        self,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        chosen = status if status in register.FILTERS else ""
        selected = register.Filter(chosen, _int(call_id))
        number = max(_int(page) or 1, 1)
        result = await register.page_of(selected, number, REGISTER_PER_PAGE)
        if number > result["pages"]:  # past the end: the last page
            number = result["pages"]
            result = await register.page_of(selected, number, REGISTER_PER_PAGE)
        filters = {"status": chosen, "call_id": str(selected.call_id or "")}
        context = {
            "rows": result["items"],
            "page": number,
            "pages": result["pages"],
            "total": result["total"],
            "filters": filters,
            "choices": register_filters(),
            "calls": await register.calls_with_payments(),
            "kinds": payment_kinds(),
            "statuses": award_statuses(),
            "query": lambda **changes: urlencode({k: v for k, v in (filters | changes).items() if v}),
        }
        return Template("staff/payments.html", context=context)


async def _terminate_page(
    request: AnyRequest,
    award_id: int,
    *,
    reason: str = "",
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = HTTP_200_OK,
) -> Template:
    award = await lifecycle.reportable_award(award_id, _me(request))
    unpaid = [p for p in (await payments.payments_of([award_id])).get(award_id, []) if p["paid_on"] is None]
    context = {
        "award": award,
        "unpaid": unpaid,
        "kinds": payment_kinds(),
        "statuses": award_statuses(),
        "can_terminate": award["status"] in lifecycle.TERMINABLE,
        "reason": reason,
        "errors": errors or {},
        "message": message,
    }
    return Template("staff/awards_terminate.html", context=context, status_code=code)


handlers = [StaffAwardPages, AwardDecisionPages]
