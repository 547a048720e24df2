"""The accounts API: registration, bearer tokens, and the caller."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED

from grants.accounts.queries import email_confirmed
from grants.accounts.schemas import MeOut, RegisterIn, RegisterOut, TokenIn, TokenOut
from grants.accounts.service import logins, registration, sessions
from grants.core.auth import Me, authenticated, public
from grants.core.i18n import _
from grants.core.openapi import errors


def check_your_email() -> str:
    """The answer to every valid registration, in the request's language."""
    return _("Check your e-mail: we sent a message to the address you gave, with what to do next.")


class AccountsApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @post(
        "/auth/register",
        guards=[public],
        status_code=HTTP_201_CREATED,
        summary="Register an applicant and their organisation",
        description=(
            "Always 201 with the same answer for valid input: a confirmation link goes to the address "
            "(or, if it already has an account, a notice to its owner; with the registration number of "
            "an organisation already here, a request to join it). `user_id` and `organisation_id` are "
            "always null. 429 with Retry-After past REGISTER_MAX_PER_HOUR per client address."
        ),
        responses=errors(422, 429),
    )
    async def register(self, request: Request[Any, Any, Any], data: JSONBody[RegisterIn]) -> RegisterOut:
        org = {
            "name": data.organisation.name,
            "registration_number": data.organisation.registration_number,
            "legal_form": data.organisation.legal_form,
            "municipality_code": data.organisation.municipality_code,
            "address": data.organisation.address,
            "email": data.organisation.email,
            "phone": data.organisation.phone,
        }
        client_ip = request.client.host if request.client else "unknown"
        await registration.register(data.email, data.password, data.name, org, client_ip)
        return RegisterOut(user_id=None, organisation_id=None, detail=check_your_email())

    @post(
        "/auth/token",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Exchange e-mail and password for a bearer token",
        responses=errors(401, 403, 429),
    )
    async def token(self, request: Request[Any, Any, Any], data: JSONBody[TokenIn]) -> TokenOut:
        client_ip = request.client.host if request.client else "unknown"
        user_id = await logins.authenticate(data.email, data.password, client_ip)
        if not await email_confirmed(user_id):  # only after the right password: it tells nothing new
            raise PermissionDeniedException(
                _("Confirm your e-mail address first: open the link in the mail we sent you.")
            )
        token, expires_at = await sessions.issue_token(user_id)
        return TokenOut(token=token, expires_at=expires_at)

    @get(
        "/me",
        guards=[authenticated],
        summary="The caller: id, e-mail, roles, organisation",
        responses=errors(401),
    )
    async def me(self, me: Me) -> MeOut:
        return MeOut(
            id=me.user_id,
            email=me.email,
            name=me.name,
            roles=sorted(r.value for r in me.roles),
            organisation_id=me.organisation_id,
            municipalities=sorted(me.municipalities),
        )
