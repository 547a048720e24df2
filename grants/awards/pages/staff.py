"""The staff's pages after the award (/admin/awards, /admin/payments), linked from the admin panel.

Every action is a form that posts, goes through the lifecycle or payments service
and redirects back to the award; a refused action renders the list again, showing
that award with the messages next to its fields, and 422 (or 409).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, get, post
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.awards import forms, queries
from grants.awards.queries import approval, register, register_totals
from grants.awards.service import lifecycle, payments
from grants.awards.states import TERMINABLE, award_statuses, payment_kinds, register_filters, status_label
from grants.awards.tables import PaymentKind
from grants.core.auth import Me, Principal, Role, roles
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _
from grants.core.params import PathId, text_id
from grants.core.time import riga_today
from grants.core.uploads import form_file, page_upload_limit

Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]
PER_PAGE = 20
REGISTER_PER_PAGE = 50

NOTICES = {
    "signed": lambda: _(
        "The agreement is recorded and the grantee is told by e-mail. Any advance is now due: mark it paid below once it is paid."
    ),
    "paid": lambda: _("The payment is recorded as paid."),
    "received": lambda: _("The refund is recorded as received."),
    "lowered": lambda: _("The payment's amount is lowered."),
    "terminated": lambda: _("The award is terminated."),
}


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
    scope: frozenset[int] | None = None,
) -> Template:
    """The awards of the calls in `scope` (the staff member's municipalities; None: all)."""
    found = await queries.awards_page(status, call_id, award_id, page, PER_PAGE, scope)
    filters = {"status": found["status"] or "", "call_id": str(call_id or "")}
    context = {
        "awards": found["awards"],
        "agreements": found["agreements"],
        "payments": found["payments"],
        "statuses": award_statuses(),
        "award_status": status_label,
        "kinds": payment_kinds(),
        "terminable": list(TERMINABLE),
        "calls": await queries.calls_with_awards(scope),
        "filters": filters,
        "single": award_id,
        "page": found["page"],
        "pages": found["pages"],
        "total": found["total"],
        "query": lambda **changes: urlencode({k: v for k, v in (filters | changes).items() if v}),
        "today": riga_today().isoformat(),
        "errors": errors or {},
        "message": message,
        "form": form or {},
        "notice": notice,
        # National approval: the calls whose awards wait for it before the agreement, and the banner
        # of the call the list is filtered by.
        "needs_approval": await approval.requiring_approval({a["call_id"] for a in found["awards"]}),
        "approval": await approval.state_of_call(call_id) if call_id is not None else None,
    }
    return Template("awards/staff/awards.html", context=context, status_code=code)


def _award_again(
    me: Principal, award_id: int, key: int, kept: dict[str, str], rename: Callable[[str], str] = str
) -> Callable[[Refusal], Any]:
    """The award's list again after a refused form: a clash's message (409), or the field errors
    named for the form of `key` (an award's or a payment's) on a page of many (422)."""

    def again(refusal: Refusal) -> Any:
        errors = {f"{rename(field)}.{key}": text for field, text in refusal.errors.items()}
        code = 409 if refusal.status_code == 409 else 422  # a refused file too: the form is at fault
        return _awards_page(
            award_id=award_id,
            errors=errors,
            message=refusal.message,
            form=kept,
            code=code,
            scope=me.staff_scope,
        )

    return again


class StaffAwardPages(Controller):
    path = "/admin"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/awards", name="staff_awards")
    async def awards(
        self,
        me: Me,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[str | None] = None,
        award: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
        done: FromQuery[str | None] = None,
    ) -> Template:
        notice = NOTICES[done]() if done in NOTICES else None
        return await _awards_page(
            status=status,
            call_id=text_id(call_id),
            award_id=text_id(award),
            page=text_id(page) or 1,
            notice=notice,
            scope=me.staff_scope,
        )

    @post(
        "/awards/{award_id:int}/agreement", status_code=HTTP_200_OK, request_max_body_size=page_upload_limit()
    )
    async def agreement(self, request: Request[Any, Any, Any], me: Me, award_id: PathId) -> Response[Any]:
        """The upload form (the CSRF check has already read the form)."""
        await queries.reportable_award(award_id, me)
        form = await request.form()
        number, signed_on = str(form.get("number", "")), str(form.get("signed_on", ""))
        upload = await form_file(request)

        kept = {f"number.{award_id}": number, f"signed_on.{award_id}": signed_on}
        return await submit_form(
            forms.sign_agreement(award_id, me, number, signed_on, upload),
            done=f"/admin/awards?award={award_id}&done=signed",
            again=_award_again(me, award_id, award_id, kept),
            file_field="file",
        )

    @post("/payments/{payment_id:int}/paid", status_code=HTTP_200_OK)
    async def paid(self, me: Me, payment_id: PathId, data: Form) -> Response[Any]:
        award_id = await queries.award_of_payment(payment_id)
        kept = {f"paid_on.{payment_id}": data.get("paid_on", ""), f"note.{payment_id}": data.get("note", "")}
        return await submit_form(
            forms.mark_paid(payment_id, me, data.get("paid_on", ""), data.get("note", "")),
            done=lambda paid: (
                f"/admin/awards?award={award_id}&done="
                + ("received" if paid["kind"] == PaymentKind.refund else "paid")
            ),
            again=_award_again(me, award_id, payment_id, kept),
        )

    @post("/payments/{payment_id:int}/lower", status_code=HTTP_200_OK)
    async def lower(self, me: Me, payment_id: PathId, data: Form) -> Response[Any]:
        award_id = await queries.award_of_payment(payment_id)
        kept = {f"amount.{payment_id}": data.get("amount", ""), f"reason.{payment_id}": data.get("note", "")}
        return await submit_form(
            payments.lower_amount(payment_id, me, data.get("amount", ""), data.get("note", "")),
            done=f"/admin/awards?award={award_id}&done=lowered",
            # The lowering form's note is named "reason" on the page: the mark-paid form has a note too.
            again=_award_again(
                me, award_id, payment_id, kept, lambda field: "reason" if field == "note" else field
            ),
        )

    @get("/awards/{award_id:int}/terminate")
    async def terminate_form(self, me: Me, award_id: PathId) -> Template:
        return await _terminate_page(me, award_id)

    @post("/awards/{award_id:int}/terminate", status_code=HTTP_200_OK)
    async def terminate(self, me: Me, award_id: PathId, data: Form) -> Response[Any]:
        reason = data.get("reason", "")
        return await submit_form(
            lifecycle.terminate(award_id, me, reason),
            done=f"/admin/awards?award={award_id}&done=terminated",
            again=lambda refusal: _terminate_page(
                me,
                award_id,
                reason=reason,
                errors=refusal.errors,
                message=refusal.message,
                code=refusal.status_code,
            ),
        )

    @get("/payments", name="staff_payments")
    async def payment_register(
        self,
        me: Me,
        status: FromQuery[str | None] = None,
        call_id: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        chosen = status if status in register.FILTERS else ""
        selected = register.Filter(chosen, text_id(call_id), me.staff_scope)
        number = max(text_id(page) or 1, 1)
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
            "calls": await register.calls_with_payments(me.staff_scope),
            "kinds": payment_kinds(),
            "statuses": award_statuses(),
            "query": lambda **changes: urlencode({k: v for k, v in (filters | changes).items() if v}),
            "totals": await register_totals.totals(selected.call_id, scope=me.staff_scope),
        }
        return Template("awards/staff/payments.html", context=context)


async def _terminate_page(
    me: Principal,
    award_id: int,
    *,
    reason: str = "",
    errors: dict[str, str] | None = None,
    message: str | None = None,
    code: int = HTTP_200_OK,
) -> Template:
    award = await queries.reportable_award(award_id, me)
    unpaid = [p for p in (await queries.payments_of([award_id])).get(award_id, []) if p["paid_on"] is None]
    context = {
        "award": award,
        "unpaid": unpaid,
        "kinds": payment_kinds(),
        "statuses": award_statuses(),
        "can_terminate": award["status"] in TERMINABLE,
        "reason": reason,
        "errors": errors or {},
        "message": message,
    }
    return Template("awards/staff/awards_terminate.html", context=context, status_code=code)


handlers = [StaffAwardPages]
