"""A call's lifecycle in the back office: clone, preview and publish, extend the deadline, close
early, delete a draft. Each step that changes something has its page (GET) that says what will
happen, and a form that does it (POST) through the calls service.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, get, post
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.calls import forms, queries, service, states
from grants.calls.pages.staff import Form, confirm_page, refused_page
from grants.calls.queries import visible_call
from grants.calls.tables import CallStatus
from grants.core.auth import Me, Role, roles
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _, get_language, ngettext
from grants.core.params import PathId
from grants.core.time import format_riga, now


async def _preview(call: dict[str, Any], refusal: Refusal | None = None) -> Template:
    """The public call page as applicants will read it (its template's body, reused), and Publish."""
    criteria = await queries.criteria_of(call["id"])
    return Template(
        "calls/staff/preview.html",
        context={
            "call": call,
            "phase": states.phase(call | {"status": CallStatus.published}),
            "remaining": call["closes_at"] - now(),
            "documents": await queries.list_documents(call["id"]),
            "eligibility": [c for c in criteria if c["kind"] == "eligibility"],
            "quality": [c for c in criteria if c["kind"] == "quality"],
            "message": refusal.message if refusal else None,
        },
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


async def _extend_page(call: dict[str, Any], typed: str = "", refusal: Refusal | None = None) -> Template:
    return Template(
        "calls/staff/extend.html",
        context={
            "call": call,
            "value": typed or forms.riga_text(call["closes_at"]),
            "drafts": await queries.draft_count(call["id"]),
            "errors": refusal.errors if refusal else {},
            "message": refusal.message if refusal else None,
        },
        status_code=refusal.status_code if refusal else HTTP_200_OK,
    )


class CallLifecyclePages(Controller):
    path = "/admin/calls"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @post("/{call_id:int}/clone", status_code=HTTP_200_OK)
    async def clone(self, me: Me, call_id: PathId) -> Response[Any]:
        call = await visible_call(call_id, me)
        return await submit_form(
            service.clone_call(call_id, me),
            done=lambda new_id: f"/admin/calls/{new_id}/setup?done=cloned",
            again=lambda refusal: refused_page(call, refusal),
        )

    @get("/{call_id:int}/preview")
    async def preview(self, me: Me, call_id: PathId) -> Template:
        return await _preview(await visible_call(call_id, me))

    @post("/{call_id:int}/publish", status_code=HTTP_200_OK)
    async def publish(self, me: Me, call_id: PathId) -> Response[Any]:
        call = await visible_call(call_id, me)
        return await submit_form(
            service.publish(call_id, me),
            done=f"/admin/calls/{call_id}/setup?done=published",
            again=lambda refusal: _preview(call, refusal),
        )

    @get("/{call_id:int}/extend")
    async def extend_form(self, me: Me, call_id: PathId) -> Template:
        return await _extend_page(await visible_call(call_id, me))

    @post("/{call_id:int}/extend", status_code=HTTP_200_OK)
    async def extend(self, me: Me, call_id: PathId, data: Form) -> Response[Any]:
        call = await visible_call(call_id, me)
        typed = str(data.get("closes_at", ""))[:100]
        return await submit_form(
            forms.extend(call_id, {"closes_at": typed}, me),
            done=f"/admin/calls/{call_id}/setup?done=extended",
            again=lambda refusal: _extend_page(call, typed, refusal),
        )

    @get("/{call_id:int}/close")
    async def close_form(self, me: Me, call_id: PathId) -> Template:
        call = await visible_call(call_id, me)
        return _close_page(call, await queries.draft_count(call_id))

    @post("/{call_id:int}/close", status_code=HTTP_200_OK)
    async def close(self, me: Me, call_id: PathId) -> Response[Any]:
        call = await visible_call(call_id, me)
        drafts = await queries.draft_count(call_id)
        return await submit_form(
            service.close(call_id, me),
            done=f"/admin/calls/{call_id}/setup?done=closed",
            again=lambda refusal: _close_page(call, drafts, refusal),
        )

    @get("/{call_id:int}/delete")
    async def delete_form(self, me: Me, call_id: PathId) -> Template:
        call = await visible_call(call_id, me)
        return confirm_page(
            call,
            _("Delete the call"),
            _("The call “%(title)s” is deleted with its criteria and documents. This cannot be undone.")
            % {"title": call["title"]},
            f"/admin/calls/{call_id}/delete",
            _("Delete the call"),
        )

    @post("/{call_id:int}/delete", status_code=HTTP_200_OK)
    async def delete(self, me: Me, call_id: PathId) -> Response[Any]:
        call = await visible_call(call_id, me)
        return await submit_form(
            service.delete_call(call_id, me),
            done="/admin/calls?done=deleted",
            again=lambda refusal: refused_page(call, refusal),
        )


def _close_page(call: dict[str, Any], drafts: int, refusal: Refusal | None = None) -> Template:
    """What closing does now: early (instead of the deadline, drafts left unsubmitted) or on time."""
    language = get_language()
    if now() < call["closes_at"]:
        text = _("The call closes now, instead of %(deadline)s.") % {
            "deadline": format_riga(call["closes_at"], language)
        }
        text += " " + ngettext(
            "%(num)d draft will not be submitted.", "%(num)d drafts will not be submitted.", drafts
        ) % {"num": drafts}
    else:
        text = _("The deadline, %(deadline)s, has passed: closing ends the applications' phase.") % {
            "deadline": format_riga(call["closes_at"], language)
        }
    return confirm_page(
        call,
        _("Close the call"),
        text,
        f"/admin/calls/{call['id']}/close",
        _("Close the call"),
        refusal=refusal,
    )
