"""Panel forms for what must go through a service: granting and revoking roles.

The user_role table is read-only in the panel, so the admin/superuser flags
that piccolo-admin checks always follow the roles (see accounts.service).
"""

from __future__ import annotations

from typing import Literal

from piccolo_admin.endpoints import FormConfig
from pydantic import Field
from starlette.requests import Request

from admin.inputs import PanelForm
from grants.accounts import queries as account_queries
from grants.accounts.rules import MAX_EMAIL
from grants.accounts.service import users
from grants.core.auth import Principal, Role
from grants.core.errors import ValidationFailed
from grants.core.i18n import _

RoleName = Literal["staff", "reviewer", "coordinator", "applicant"]


class GrantRole(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")
    role: RoleName = "reviewer"
    municipality_code: str = Field(
        "",
        max_length=10,
        description=(
            "coordinators: required, e.g. LV-016; staff: the municipality whose calls they run "
            "(grant again for another), empty for national staff"
        ),
    )


class RevokeRole(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")
    role: RoleName = "reviewer"


async def panel_actor(request: Request) -> Principal | None:
    """The staff member behind a panel request, for the audit log."""
    return await account_queries.load_principal(request.user.user.id, via="admin")


async def user_id_by_email(email: str) -> int:
    """The user's id, or a ValueError the panel shows."""
    user_id = await account_queries.user_id_by_email(email)
    if user_id is None:
        # piccolo-admin shows a ValueError's message to the user.
        raise ValueError(_("No user has the e-mail address {email}.").format(email=email))
    return user_id


async def grant_role(request: Request, data: GrantRole) -> str:
    user_id = await user_id_by_email(data.email)
    role = Role(data.role)
    try:
        municipality_id = await account_queries.municipality_id_for_role(
            role, data.municipality_code.strip().upper()
        )
    except ValidationFailed as exc:
        raise ValueError(" ".join(exc.errors.values())) from None
    new = await users.grant_role(user_id, role, municipality_id, actor=await panel_actor(request))
    if not new:
        return _("{email} already has this role.").format(email=data.email)
    return _("{email} now has the role {role}.").format(email=data.email, role=role.value)


async def revoke_role(request: Request, data: RevokeRole) -> str:
    user_id = await user_id_by_email(data.email)
    ended = await users.revoke_role(user_id, Role(data.role), actor=await panel_actor(request))
    if not ended:
        return _("{email} did not have this role.").format(email=data.email)
    return _("{email} no longer has the role {role}.").format(email=data.email, role=data.role)


FORMS = [
    FormConfig(
        name="Grant a role",
        pydantic_model=GrantRole,
        endpoint=grant_role,
        description="Give a user the role of staff, reviewer, municipality coordinator or applicant.",
        form_group="Accounts",
    ),
    FormConfig(
        name="Revoke a role",
        pydantic_model=RevokeRole,
        endpoint=revoke_role,
        description="Take a role away from a user (a coordinator or municipal staff member loses every municipality).",
        form_group="Accounts",
    ),
]
