"""Panel forms for what is never a plain row delete: a call (refused once anyone applied) and a user
(deactivated, never deleted, so what they did stays theirs)."""

from __future__ import annotations

from piccolo_admin.endpoints import FormConfig
from pydantic import Field
from starlette.requests import Request

from admin.forms import panel_actor, user_id_by_email
from admin.inputs import PanelForm
from grants.accounts.rules import MAX_EMAIL
from grants.accounts.service import users
from grants.calls import service as calls
from grants.core.errors import Conflict, NotFound
from grants.core.i18n import _


class DeleteCall(PanelForm):
    call_id: int = Field(
        description="the number in its row's address in Grant Call, e.g. 5 in #/grant_call/5"
    )


class DeactivateUser(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")


class ReactivateUser(PanelForm):
    email: str = Field(max_length=MAX_EMAIL, description="the user's e-mail address")


async def delete_call(request: Request, data: DeleteCall) -> str:
    try:
        await calls.delete_call(data.call_id, await panel_actor(request))
    except NotFound:
        raise ValueError(_("No call has the number {id}.").format(id=data.call_id)) from None
    except Conflict as exc:
        # piccolo-admin shows a ValueError's message to the user.
        raise ValueError(exc.message) from None
    return _("The call {id} is deleted.").format(id=data.call_id)


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
        name="Delete a call",
        pydantic_model=DeleteCall,
        endpoint=delete_call,
        description="Delete a call nobody has applied to; a call with applications is closed instead.",
        form_group="Calls",
    ),
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
