"""The home page (/) with the open calls first, the public call pages (/calls), and the staff's
document upload form on a call's page."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Controller, Request, get, post
from litestar.params import FromQuery
from litestar.response import Redirect, Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.calls import queries, service, states
from grants.calls.queries import visible_call
from grants.calls.states import PHASES
from grants.calls.tables import DEFAULT_MAX_AMOUNT_CENTS
from grants.core.auth import Me, Role, Viewer, public, roles
from grants.core.params import PathId
from grants.core.storage import TooLarge, UnsupportedType
from grants.core.time import now
from grants.core.uploads import form_file, page_upload_limit
from grants.registry.queries import list_municipalities


class CallPages(Controller):
    guards = [public]
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Template:
        """Open calls first, the soonest deadline on top, each with the time left; then the
        municipalities of the registry."""
        at = now()
        open_calls = sorted(
            await queries.list_calls(phase_filter="open"), key=lambda r: (r["closes_at"], r["id"])
        )
        for row in open_calls:
            row["time_left"] = states.time_left(row["closes_at"] - at)
        return Template(
            "home.html",
            context={
                "open_calls": open_calls,
                "municipalities": await list_municipalities(current_only=True),
                "grant_cap_cents": DEFAULT_MAX_AMOUNT_CENTS,
            },
        )

    @get("/calls", name="calls")
    async def calls(
        self, municipality: FromQuery[str | None] = None, phase: FromQuery[str | None] = None
    ) -> Template:
        rows = await queries.list_calls(municipality or None, phase or None)
        return Template(
            "calls/public/list.html",
            context={
                "groups": [(name, [r for r in rows if r["phase"] == name]) for name in PHASES],
                "municipalities": await list_municipalities(current_only=True),
                "selected": {"municipality": municipality or "", "phase": phase or ""},
            },
        )

    @get("/calls/{call_id:int}", name="call")
    async def call(self, viewer: Viewer, call_id: PathId) -> Template:
        row = await visible_call(call_id, viewer)
        criteria = await queries.criteria_of(call_id)
        # Apply is offered only to whom the service would let start a draft now.
        organisation = viewer.organisation_id if viewer and viewer.has(Role.applicant) else None
        taken = await queries.places_taken(call_id, organisation) if organisation else 0
        return Template(
            "calls/public/detail.html",
            context={
                "call": row,
                "phase": states.phase(row),
                "apply_refusal": states.apply_refusal(row, taken) if taken else None,
                "remaining": row["closes_at"] - now(),
                "documents": await queries.list_documents(call_id),
                "eligibility": [c for c in criteria if c["kind"] == "eligibility"],
                "quality": [c for c in criteria if c["kind"] == "quality"],
            },
        )

    @post(
        "/calls/{call_id:int}/documents",
        guards=[roles(Role.staff)],
        status_code=HTTP_200_OK,
        request_max_body_size=page_upload_limit(),
    )
    async def add_document(self, request: Request[Any, Any, Any], me: Me, call_id: PathId) -> Response[Any]:
        """The staff's upload form on the call's page (the CSRF check has already read the form)."""
        upload = await form_file(request)
        if upload is None:
            return Redirect(f"/calls/{call_id}?document=missing")
        title = str((await request.form()).get("title", ""))
        try:
            await service.add_document(call_id, me, title, *upload)
        except (TooLarge, UnsupportedType) as exc:
            # Not a form drawn again: the call's page says why the file was refused.
            return Redirect(f"/calls/{call_id}?document=refused&reason={quote(exc.message)}")
        return Redirect(f"/calls/{call_id}?document=added")
