"""The back-office home (/admin/): staff see their work queues, reviewers their assignments.

A reviewer who is not staff lands on "My reviews" (/admin/reviews), which is their work; staff who
also review see both. The addresses the back-office pages had before they moved under /admin
(/staff/…, /reviews/…) answer with a permanent redirect, so bookmarks and old mails still work.
"""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_301_MOVED_PERMANENTLY

from admin.queues import staff_queues
from admin.queues_approval import approval_queues
from grants.core.auth import Me, Role, public, roles
from grants.registry.queries import list_municipalities


class BackOfficeHome(Controller):
    path = "/admin"
    include_in_schema = False

    @get("/", name="back_office", guards=[roles(Role.staff, Role.reviewer)])
    async def home(self, me: Me) -> Template | Redirect:
        if not me.has(Role.staff):
            return Redirect("/admin/reviews")
        queues = await staff_queues(me.staff_scope)
        queues = [*await approval_queues(me), *queues]  # national approval (issue 14)
        context = {
            "queues": queues,
            "reviewer": me.has(Role.reviewer),
            "works_for": await works_for(me.staff_scope),
        }
        return Template("admin/home.html", context=context)


async def works_for(scope: frozenset[int] | None) -> list[str] | None:
    """The names of the municipalities a municipal staff member runs calls of (today's, not the ones
    merged into them); None for national staff."""
    if scope is None:
        return None
    return [row["name"] for row in await list_municipalities(current_only=True) if row["id"] in scope]


def _moved(request: Request[Any, Any, Any], target: str) -> Redirect:
    query = request.url.query
    return Redirect(target + (f"?{query}" if query else ""), status_code=HTTP_301_MOVED_PERMANENTLY)


class MovedPages(Controller):
    """GETs only: a form posted to an old address is refused (404) rather than replayed elsewhere."""

    include_in_schema = False

    @get("/staff", guards=[public])
    async def staff_home(self, request: Request[Any, Any, Any]) -> Redirect:
        return _moved(request, "/admin/")

    @get("/staff/{rest:path}", guards=[public])
    async def staff(self, request: Request[Any, Any, Any], rest: FromPath[str]) -> Redirect:
        return _moved(request, "/admin" + rest)

    @get("/reviews", guards=[public])
    async def reviews_home(self, request: Request[Any, Any, Any]) -> Redirect:
        return _moved(request, "/admin/reviews")

    @get("/reviews/{rest:path}", guards=[public])
    async def reviews(self, request: Request[Any, Any, Any], rest: FromPath[str]) -> Redirect:
        return _moved(request, "/admin/reviews" + rest)
