"""The link of an invitation, /invitations/{token}: what its visitor may do with it.

- nobody has an account with the invited address: a form to make one (name, password twice), which
  joins the organisation and signs the new person in;
- the address has an account: log in as it (if not signed in), then Accept;
- someone else is signed in: a refusal (403), never a join with someone else's invitation;
- the invitation was used, revoked or has expired: a page that says so (410); an unknown link 404.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.params import FromPath
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.pages import AnyRequest, Form, with_session
from grants.accounts.queries import organisations as queries
from grants.accounts.queries import user_id_by_email
from grants.accounts.service import invitations, sessions
from grants.accounts.states import member_roles
from grants.core.auth import SESSION_COOKIE, Me, Principal, Viewer, authenticated, public
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _

MAX_TOKEN = 100  # tokens are 43 characters; a longer path is no invitation's
JOINED = "/account/organisation?done=joined"
STATUS = {"unknown": 404, "accepted": 410, "revoked": 410, "expired": 410, "wrong_user": 403}


async def _situation(token: str, viewer: Principal | None) -> tuple[dict[str, Any] | None, str]:
    """The invitation and what its visitor can do: unknown, accepted, revoked, expired (nothing);
    create (an account), login, accept, or wrong_user (someone else is signed in)."""
    invitation = await queries.invitation_by_token(token) if len(token) <= MAX_TOKEN else None
    if invitation is None:
        return None, "unknown"
    if invitation["state"] != "open":
        return invitation, invitation["state"]
    account = await user_id_by_email(invitation["email"])
    if viewer is not None:
        return invitation, "accept" if viewer.user_id == account else "wrong_user"
    return invitation, "create" if account is None else "login"


def _page(
    token: str,
    invitation: dict[str, Any] | None,
    situation: str,
    *,
    errors: dict[str, str] | None = None,
    name: str = "",
    message: str | None = None,
    status_code: int | None = None,
) -> Template:
    context = {
        "token": token,
        "invitation": invitation,
        "situation": situation,
        "roles": dict(member_roles()),
        "errors": errors or {},
        "name": name,
        "message": message,
    }
    code = status_code or STATUS.get(situation, HTTP_200_OK)
    return Template("accounts/public/invitation.html", context=context, status_code=code)


class PublicInvitationPages(Controller):
    path = "/invitations"
    include_in_schema = False

    @get("/{token:str}", guards=[public], name="invitation")
    async def invitation(self, token: FromPath[str], viewer: Viewer) -> Template:
        invitation, situation = await _situation(token, viewer)
        return _page(token, invitation, situation)

    @post("/{token:str}", guards=[public], status_code=HTTP_200_OK)
    async def create_account(
        self, request: AnyRequest, token: FromPath[str], viewer: Viewer, data: Form
    ) -> Response[Any]:
        invitation, situation = await _situation(token, viewer)
        if situation != "create":
            return _page(token, invitation, situation)
        name, password = data.get("name", ""), data.get("password", "")
        mismatch = (
            {} if password == data.get("password2", "") else {"password2": _("The passwords do not match.")}
        )
        started: list[str] = []

        async def join() -> None:
            user_id = await invitations.accept_as_new_person(token, name, password, also=mismatch)
            started.append(await sessions.start_session(user_id, request.cookies.get(SESSION_COOKIE)))

        def again(refusal: Refusal) -> Template:
            return _page(
                token,
                invitation,
                situation,
                errors=refusal.errors,
                name=name[:200],
                message=refusal.message,
                status_code=refusal.status_code,
            )

        response = await submit_form(join(), done=JOINED, again=again)
        return with_session(response, request, started[0]) if started else response

    @post("/{token:str}/accept", guards=[authenticated], status_code=HTTP_200_OK)
    async def accept(self, token: FromPath[str], me: Me) -> Response[Any]:
        invitation, situation = await _situation(token, me)
        if situation != "accept":
            return _page(token, invitation, situation)

        def again(refusal: Refusal) -> Template:
            return _page(
                token, invitation, situation, message=refusal.message, status_code=refusal.status_code
            )

        return await submit_form(invitations.accept(token, me), done=JOINED, again=again)
