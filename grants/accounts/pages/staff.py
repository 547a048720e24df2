"""Staff resolve a disputed organisation (/admin/organisations), linked from the admin panel.

A searchable list of organisations with their members and pending requests to join; an
organisation's page with its members, requests and open invitations. Staff approve or refuse a
request, make a member the owner (the owner before becomes a member), or remove a member (the user
stays). Each action is a page that asks for confirmation, then a form that posts to the same
address; the services audit it with the staff member as the actor. Staff are not scoped to
municipalities in Grants (only coordinators are), so every organisation is theirs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Response, Template
from litestar.status_codes import HTTP_200_OK

from grants.accounts.queries import organisations as queries
from grants.accounts.service import organisations
from grants.accounts.states import legal_forms, member_roles, request_statuses
from grants.core.auth import Me, Role, national_staff, roles
from grants.core.errors import NotFound
from grants.core.forms import Refusal, submit_form
from grants.core.i18n import _
from grants.core.params import PathId, page_number

BASE = "/admin/organisations"
PER_PAGE = 25
MAX_SEARCH = 200
NOTICES = {
    "approve": lambda: _("The request is approved: the person is now a member."),
    "refuse": lambda: _("The request is refused."),
    "make-owner": lambda: _("The member is now the owner; the owner before is a member."),
    "remove": lambda: _("The member is removed from the organisation."),
}
REQUEST_ACTIONS = ("approve", "refuse")
MEMBER_ACTIONS = ("make-owner", "remove")


async def _organisation_page(
    organisation_id: int, *, notice: str | None = None, message: str | None = None, status_code: int = 200
) -> Template:
    organisation = await queries.organisation_summary(organisation_id)
    if organisation is None:
        raise NotFound
    context = {
        "organisation": organisation,
        "members": await queries.members_of(organisation_id),
        "requests": await queries.join_requests_of(organisation_id, pending_only=False),
        "invitations": await queries.open_invitations(organisation_id),
        "roles": dict(member_roles()),
        "statuses": dict(request_statuses()),
        "legal_forms": dict(legal_forms()),
        "notice": NOTICES[notice]() if notice in NOTICES else None,
        "message": message,
    }
    return Template("accounts/staff/organisation.html", context=context, status_code=status_code)


async def _target(organisation_id: int, kind: str, target_id: int, action: str) -> dict[str, Any]:
    """The request (pending) or membership an action is about, in this organisation; else 404."""
    if kind == "request":
        rows = await queries.join_requests_of(organisation_id, pending_only=True)
        allowed = REQUEST_ACTIONS
    else:
        rows = await queries.members_of(organisation_id)
        allowed = MEMBER_ACTIONS
    found = next((r for r in rows if r["id"] == target_id), None)
    if found is None or action not in allowed:
        raise NotFound
    return found


def _confirm_text(action: str, name: str, organisation: str) -> tuple[str, str]:
    texts = {
        "approve": (
            _("Approve the request"),
            _("%(name)s becomes a member of %(organisation)s and is told by e-mail."),
        ),
        "refuse": (_("Refuse the request"), _("%(name)s is told by e-mail that the request was refused.")),
        "make-owner": (
            _("Make the owner"),
            _("%(name)s becomes the owner of %(organisation)s; whoever owns it now becomes a member."),
        ),
        "remove": (
            _("Remove the member"),
            _("%(name)s no longer belongs to %(organisation)s. The account and its history stay."),
        ),
    }
    title, text = texts[action]
    return title, text % {"name": name, "organisation": organisation}


async def _confirm(organisation_id: int, kind: str, target_id: int, action: str) -> Template:
    target = await _target(organisation_id, kind, target_id, action)
    organisation = await queries.organisation_summary(organisation_id)
    if organisation is None:
        raise NotFound
    title, text = _confirm_text(action, target["name"], organisation["name"])
    context = {
        "organisation": organisation,
        "target": target,
        "title": title,
        "text": text,
        "action_url": f"{BASE}/{organisation_id}/{kind}s/{target_id}/{action}",
        "danger": action in {"refuse", "remove"},
    }
    return Template("accounts/staff/confirm.html", context=context)


def _act(organisation_id: int, action: str, run: Callable[[], Awaitable[None]]) -> Awaitable[Response[Any]]:
    def again(refusal: Refusal) -> Any:
        return _organisation_page(organisation_id, message=refusal.message, status_code=refusal.status_code)

    return submit_form(run(), done=f"{BASE}/{organisation_id}?done={action}", again=again)


class StaffOrganisationPages(Controller):
    path = BASE
    guards = [roles(Role.staff), national_staff]  # organisations are national, not municipal
    include_in_schema = False

    @get("", name="staff_organisations")
    async def organisations(
        self,
        q: FromQuery[str | None] = None,
        pending: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        search = (q or "")[:MAX_SEARCH]
        pending_only = pending == "1"
        found = await queries.organisations_page(search, pending_only, page_number(page), PER_PAGE)
        filters = {"q": search, "pending": "1" if pending_only else ""}
        context = {
            **found,
            "filters": filters,
            "query": lambda **changes: urlencode({k: v for k, v in (filters | changes).items() if v}),
        }
        return Template("accounts/staff/organisations.html", context=context)

    @get("/{organisation_id:int}", name="staff_organisation")
    async def organisation(self, organisation_id: PathId, done: FromQuery[str | None] = None) -> Template:
        return await _organisation_page(organisation_id, notice=done)

    @get("/{organisation_id:int}/requests/{request_id:int}/{action:str}")
    async def confirm_request(
        self, organisation_id: PathId, request_id: PathId, action: FromPath[str]
    ) -> Template:
        return await _confirm(organisation_id, "request", request_id, action)

    @post("/{organisation_id:int}/requests/{request_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def decide(
        self, me: Me, organisation_id: PathId, request_id: PathId, action: FromPath[str]
    ) -> Response[Any]:
        if action not in REQUEST_ACTIONS:
            raise NotFound
        approve = action == "approve"
        return await _act(
            organisation_id,
            action,
            lambda: organisations.decide_request(request_id, organisation_id, approve, me),
        )

    @get("/{organisation_id:int}/members/{membership_id:int}/{action:str}")
    async def confirm_member(
        self, organisation_id: PathId, membership_id: PathId, action: FromPath[str]
    ) -> Template:
        return await _confirm(organisation_id, "member", membership_id, action)

    @post("/{organisation_id:int}/members/{membership_id:int}/{action:str}", status_code=HTTP_200_OK)
    async def change_member(
        self, me: Me, organisation_id: PathId, membership_id: PathId, action: FromPath[str]
    ) -> Response[Any]:
        if action not in MEMBER_ACTIONS:
            raise NotFound
        change = organisations.make_owner if action == "make-owner" else organisations.remove_member
        return await _act(organisation_id, action, lambda: change(membership_id, organisation_id, me))
