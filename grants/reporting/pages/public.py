"""Public results: calls, funded projects, school pages and the open-data page.

Public pages hold nothing of the caller: they are cacheable for anonymous visitors (the site's
navigation names a signed-in user, so theirs stay private).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from grants.applications.forms import event_kinds
from grants.awards.states import status_label
from grants.core.auth import Principal, Viewer, public
from grants.core.errors import NotFound
from grants.core.params import PathId
from grants.registry.queries import list_municipalities
from grants.reporting.exports import open_data as opendata
from grants.reporting.queries import results
from grants.reporting.states import award_statuses, band_labels

PAGE_MAX_AGE = 300


def public_page(viewer: Principal | None, template: str, context: dict[str, Any]) -> Template:
    """A public page: shared caches may keep the anonymous version for a few minutes."""
    anonymous = viewer is None
    return Template(
        template,
        context={
            "statuses": award_statuses(),
            "award_status": status_label,
            "kinds": dict(event_kinds()),
            "bands": band_labels(),
            **context,
        },
        headers={
            "Cache-Control": f"public, max-age={PAGE_MAX_AGE}" if anonymous else "private, no-cache",
            "Vary": "Cookie, Accept-Language",
        },
    )


class ResultsPages(Controller):
    guards = [public]
    include_in_schema = False

    @get("/results", name="results")
    async def index(self, viewer: Viewer) -> Template:
        return public_page(
            viewer, "reporting/public/index.html", {"calls": await results.calls_with_results()}
        )

    @get("/results/calls/{call_id:int}", name="results_call")
    async def call(self, viewer: Viewer, call_id: PathId) -> Template:
        call = await results.call_results(call_id)
        if call is None:
            raise NotFound
        return public_page(viewer, "reporting/public/call.html", {"call": call})

    @get("/results/projects", name="results_projects")
    async def projects(
        self,
        viewer: Viewer,
        municipality: FromQuery[str | None] = None,
        year: FromQuery[int | None] = None,
        page: FromQuery[int] = 1,
    ) -> Template:
        found = await results.funded_projects(municipality or None, year, page)
        selected = {"municipality": municipality or "", "year": year if year in found.years else None}

        def link(number: int) -> str:
            query = {k: v for k, v in selected.items() if v} | ({"page": number} if number > 1 else {})
            return "/results/projects" + (f"?{urlencode(query)}" if query else "")

        return public_page(
            viewer,
            "reporting/public/projects.html",
            {
                "found": found,
                "selected": selected,
                "municipalities": await list_municipalities(current_only=True),
                "link": link,
            },
        )

    @get("/results/projects/{award_id:int}", name="results_project")
    async def project(self, viewer: Viewer, award_id: PathId) -> Template:
        project = await results.project(award_id)
        if project is None:
            raise NotFound
        return public_page(viewer, "reporting/public/project.html", {"project": project})

    @get("/registry/schools/{registration_number:str}", name="registry_school")
    async def school(self, viewer: Viewer, registration_number: FromPath[str]) -> Template:
        school = await results.school_activity(registration_number)
        if school is None:
            raise NotFound
        return public_page(viewer, "registry/public/school.html", {"school": school})

    @get("/open-data", name="open_data")
    async def open_data(self, viewer: Viewer) -> Template:
        return public_page(
            viewer,
            "reporting/public/open_data.html",
            {"prefix": opendata.identifier_prefix(), "scheme": opendata.RECIPIENT_SCHEME},
        )
