"""The organisation's page in the account (/account/organisation): its members and bank account (IBAN)
for every member; for its owners also the requests to join (approve, or refuse after a confirmation),
the open invitations (revoke) and the form that changes the bank account. Every member may invite colleagues as members; only an owner invites an owner. A member who
is not an owner gets 403 on every other action."""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.pages import Form
from grants.accounts.queries import organisations as queries
from grants.accounts.rules import group_iban
from grants.accounts.service import invitations, organisations
from grants.accounts.states import member_roles, request_statuses
from grants.core.auth import Me, Principal, authenticated
from grants.core.errors import NotFound, TooManyAttempts
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _
from grants.core.params import PathId

PAGE = "/account/organisation"
NOTICES = {
    "approved": lambda: _("The request is approved: the person is now a member."),
    "refused": lambda: _("The request is refused."),
    "invited": lambda: _("The invitation is sent."),
    "revoked": lambda: _("The invitation is revoked; its link no longer works."),
    "joined": lambda: _("Welcome: you are now a member of the organisation."),
    "iban": lambda: _("The bank account is saved."),
}


async def _organisation_page(
    me: Principal,
    *,
    notice: str | None = None,
    message: str | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, str] | None = None,
    status_code: int = HTTP_200_OK,
) -> Template:
    membership = await queries.membership_of(me.user_id)
    context: dict[str, Any] = {
        "membership": membership,
        "notice": NOTICES[notice]() if notice in NOTICES else None,
        "message": message,
        "errors": errors or {},
        "form": form or {"role": "member"},
        "roles": dict(member_roles()),
        "statuses": dict(request_statuses()),
    }
    if membership is None:
        context["my_requests"] = await queries.requests_by(me.user_id)
    else:
        organisation_id = membership["organisation"]
        summary = await queries.organisation_summary(organisation_id)
        context["organisation"] = summary
        context["iban"] = group_iban(summary["iban"]) if summary else ""
        context["members"] = await queries.members_of(organisation_id)
        if membership["role"] == "owner":
            context["requests"] = await queries.join_requests_of(organisation_id, pending_only=True)
            context["invitations"] = await queries.open_invitations(organisation_id)
    return Template("accounts/portal/organisation.html", context=context, status_code=status_code)


async def _owned(me: Principal) -> int:
    """The organisation the caller owns; 403 for anyone else (a member, or nobody's member)."""
    membership = await queries.membership_of(me.user_id)
    if membership is None or membership["role"] != "owner":
        raise PermissionDeniedException(_("Only the organisation's owners can do this."))
    return int(membership["organisation"])


async def _member(me: Principal) -> int:
    """The organisation the caller belongs to (as owner or member); 403 for nobody's member."""
    membership = await queries.membership_of(me.user_id)
    if membership is None:
        raise PermissionDeniedException(_("Only the organisation's members can do this."))
    return int(membership["organisation"])


def _again(me: Principal, form: dict[str, str] | None = None) -> Any:
    def again(refusal: Refusal) -> Any:
        return _organisation_page(
            me, message=refusal.message, errors=refusal.errors, form=form, status_code=refusal.status_code
        )

    return again


class PortalOrganisationPages(Controller):
    path = PAGE
    guards = [authenticated]
    include_in_schema = False

    @get("", name="account_organisation")
    async def organisation(self, me: Me, done: FromQuery[str | None] = None) -> Template:
        return await _organisation_page(me, notice=done)

    @post("/requests/{request_id:int}/approve", status_code=HTTP_200_OK)
    async def approve(self, me: Me, request_id: PathId) -> Response[Any]:
        organisation_id = await _owned(me)
        return await submit_form(
            organisations.decide_request(request_id, organisation_id, True, me),
            done=f"{PAGE}?done=approved",
            again=_again(me),
        )

    @get("/requests/{request_id:int}/refuse", name="account_refuse_request")
    async def refuse_form(self, me: Me, request_id: PathId) -> Template:
        organisation_id = await _owned(me)
        pending = await queries.join_requests_of(organisation_id, pending_only=True)
        request = next((r for r in pending if r["id"] == request_id), None)
        if request is None:
            raise NotFound
        return Template("accounts/portal/refuse_request.html", context={"join_request": request})

    @post("/requests/{request_id:int}/refuse", status_code=HTTP_200_OK)
    async def refuse(self, me: Me, request_id: PathId) -> Response[Any]:
        organisation_id = await _owned(me)
        return await submit_form(
            organisations.decide_request(request_id, organisation_id, False, me),
            done=f"{PAGE}?done=refused",
            again=_again(me),
        )

    @post("/invitations", status_code=HTTP_200_OK)
    async def invite(self, me: Me, data: Form) -> Response[Any]:
        organisation_id = await _member(me)  # a member invites members; only an owner invites an owner
        form = {"email": data.get("email", "")[:300], "role": data.get("role", "")[:20]}
        try:
            return await submit_form(
                invitations.invite(organisation_id, data.get("email", ""), data.get("role", ""), me),
                done=f"{PAGE}?done=invited",
                again=_again(me, form),
            )
        except TooManyAttempts:
            message = _("Your organisation has sent as many invitations as it may today. Try again tomorrow.")
            return await _organisation_page(me, message=message, form=form, status_code=429)

    @post("/iban", status_code=HTTP_200_OK)
    async def iban(self, me: Me, data: Form) -> Response[Any]:
        """The owner saves the bank account the grant's payments go to."""
        organisation_id = await _owned(me)
        typed = data.get("iban", "")
        return await submit_form(
            organisations.set_iban(organisation_id, me, typed),
            done=f"{PAGE}?done=iban#bank-account",
            again=_again(me, {"iban": typed[:100]}),
        )

    @post("/invitations/{invitation_id:int}/revoke", status_code=HTTP_200_OK)
    async def revoke(self, me: Me, invitation_id: PathId) -> Response[Any]:
        organisation_id = await _owned(me)
        return await submit_form(
            invitations.revoke(invitation_id, organisation_id, me),
            done=f"{PAGE}?done=revoked",
            again=_again(me),
        )
