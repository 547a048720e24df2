"""The accounts API: registration, bearer tokens, and the caller."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_202_ACCEPTED

from grants.accounts.schemas import (
    MeOut,
    PasswordResetConfirmIn,
    PasswordResetIn,
    RegisterIn,
    RegisterOut,
    TokenIn,
    TokenOut,
)
from grants.accounts.service import logins, registration, resets, sessions
from grants.core.auth import Me, authenticated, public
from grants.core.errors import Conflict
from grants.core.i18n import _
from grants.core.openapi import errors


class AccountsApi(Controller):
    path = "/api"
    tags = ["accounts"]

    @post(
        "/auth/register",
        guards=[public],
        status_code=HTTP_201_CREATED,
        summary="Register an applicant and their organisation",
        responses=errors(409, 422),
    )
    async def register(self, data: JSONBody[RegisterIn]) -> RegisterOut:
        org = {
            "name": data.organisation.name,
            "registration_number": data.organisation.registration_number,
            "legal_form": data.organisation.legal_form,
            "municipality_code": data.organisation.municipality_code,
            "address": data.organisation.address,
            "email": data.organisation.email,
            "phone": data.organisation.phone,
        }
        user_id, org_id = await registration.register(data.email, data.password, data.name, org)
        return RegisterOut(user_id=user_id, organisation_id=org_id)

    @post(
        "/auth/token",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Exchange e-mail and password for a bearer token",
        responses=errors(401, 429),
    )
    async def token(self, request: Request[Any, Any, Any], data: JSONBody[TokenIn]) -> TokenOut:
        client_ip = request.client.host if request.client else "unknown"
        user_id = await logins.authenticate(data.email, data.password, client_ip)
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

    @post(
        "/auth/password-reset",
        guards=[public],
        status_code=HTTP_202_ACCEPTED,
        summary="Mail a password-reset link, if an active account has this address",
        description="The answer is the same for any address: 202, or 429 over the limit of requests.",
        responses=errors(429),
    )
    async def password_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[PasswordResetIn]
    ) -> dict[str, str]:
        client_ip = request.client.host if request.client else "unknown"
        await resets.request_reset(data.email, client_ip)
        return {
            "detail": _(
                "If an account has this address, we have sent it a link to choose a new password. "
                "The link works once, for one hour."
            )
        }

    @post(
        "/auth/password-reset/confirm",
        guards=[public],
        status_code=HTTP_200_OK,
        summary="Set a new password with the token of a reset link",
        description="Ends every session and bearer token of the user. 409 when the link expired or was used.",
        responses=errors(409, 422),
    )
    async def password_reset_confirm(self, data: JSONBody[PasswordResetConfirmIn]) -> dict[str, str]:
        try:
            await resets.complete_reset(data.token, data.password)
        except resets.ResetLinkInvalid:
            raise Conflict(
                _("The link has expired or was used already. A link works once, for one hour."), "token"
            ) from None
        return {
            "detail": _(
                "Your password is changed and every session of your account was ended. "
                "Log in with the new password."
            )
        }
