"""Panel forms for what is never a plain row delete: a user (deactivated, never deleted, so what they
did stays theirs). A call is deleted from the back office (/admin/calls/{id}/delete), after a
confirmation, and only while nobody has applied."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import Field
from starlette.requests import Request

from admin.forms import panel_actor, user_id_by_email
from admin.inputs import PanelForm
from grants.accounts.rules import MAX_EMAIL
from grants.accounts.service import users
from grants.core.errors import Conflict
from grants.core.i18n import _


class DeactivateUser(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")


class ReactivateUser(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")


async def deactivate_user(request: Request, data: DeactivateUser) -> str:
    user_id = await user_id_by_email(data.email)
    try:
        await users.deactivate_user(user_id, await panel_actor(request))
    except Conflict as exc:
        raise ValueError(exc.message) from None
    return _("{email} is deactivated and logged out everywhere.").format(email=data.email)


async def reactivate_user(request: Request, data: ReactivateUser) -> str:
    if not await users.reactivate_user(await user_id_by_email(data.email), await panel_actor(request)):
        return _("{email} is active already.").format(email=data.email)
    return _("{email} can log in again.").format(email=data.email)


DELETION_FORMS = [
    FormConfig(
        name="Deactivate a user",
        pydantic_model=DeactivateUser,
        endpoint=deactivate_user,
        description="A user who left: they can no longer log in; everything they did is kept.",
        form_group="Accounts",
    ),
    FormConfig(
        name="Reactivate a user",
        pydantic_model=ReactivateUser,
        endpoint=reactivate_user,
        description="A deactivated user who returns: they can log in again.",
        form_group="Accounts",
    ),
]
