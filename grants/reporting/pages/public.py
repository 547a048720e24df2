"""Public results, school pages and open data; `handlers` also carries the municipality dashboard
and the event export (their own modules), so app.py wires all of this with one line.

Public pages and data hold nothing of the caller: the pages are cacheable for anonymous
visitors (the site's navigation names a signed-in user, so theirs stay private), the open data
for everyone, with an ETag.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from litestar.response import Template
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from grants.applications.forms import event_kinds
from grants.core.auth import current, public
from grants.core.errors import NotFound
from grants.core.params import PathId
from grants.registry.queries import list_municipalities
from grants.reporting.exports import open_data as opendata
from grants.reporting.exports.events import EventExportApi
from grants.reporting.pages.municipality import MunicipalityApi, MunicipalityPages
from grants.reporting.queries import results
from grants.reporting.states import award_statuses, band_labels
from grants.settings import get_settings

PAGE_MAX_AGE = 300
DATA_MAX_AGE = 3600
NOT_MODIFIED = {
    304: ResponseSpec(data_container=None, description="Unchanged since the ETag sent in If-None-Match")
}


def public_page(request: Request[Any, Any, Any], template: str, context: dict[str, Any]) -> Template:
    """A public page: shared caches may keep the anonymous version for a few minutes."""
    anonymous = current(request) is None
    return Template(
        template,
        context={
            "statuses": award_statuses(),
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
    async def index(self, request: Request[Any, Any, Any]) -> Template:
        return public_page(request, "results/index.html", {"calls": await results.calls_with_results()})

    @get("/results/calls/{call_id:int}", name="results_call")
    async def call(self, request: Request[Any, Any, Any], call_id: PathId) -> Template:
        call = await results.call_results(call_id)
        if call is None:
            raise NotFound
        return public_page(request, "results/call.html", {"call": call})

    @get("/results/projects", name="results_projects")
    async def projects(
        self,
        request: Request[Any, Any, Any],
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
            request,
            "results/projects.html",
            {
                "found": found,
                "selected": selected,
                "municipalities": await list_municipalities(current_only=True),
                "link": link,
            },
        )

    @get("/results/projects/{award_id:int}", name="results_project")
    async def project(self, request: Request[Any, Any, Any], award_id: PathId) -> Template:
        project = await results.project(award_id)
        if project is None:
            raise NotFound
        return public_page(request, "results/project.html", {"project": project})

    @get("/registry/schools/{registration_number:str}", name="registry_school")
    async def school(self, request: Request[Any, Any, Any], registration_number: FromPath[str]) -> Template:
        school = await results.school_activity(registration_number)
        if school is None:
            raise NotFound
        return public_page(request, "registry/public/school.html", {"school": school})

    @get("/open-data", name="open_data")
    async def open_data(self, request: Request[Any, Any, Any]) -> Template:
        return public_page(
            request,
            "results/open_data.html",
            {"prefix": opendata.IDENTIFIER_PREFIX, "scheme": opendata.RECIPIENT_SCHEME},
        )


def _cached(request: Request[Any, Any, Any], body: bytes, media_type: str, filename: str) -> Response[Any]:
    tag = opendata.etag(body)
    headers = {
        "Cache-Control": f"public, max-age={DATA_MAX_AGE}",
        "ETag": tag,
        "Content-Disposition": f'inline; filename="{filename}"',
    }
    if tag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]:
        return Response(b"", status_code=HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


class OpenDataApi(Controller):
    path = "/api/open-data"
    guards = [public]
    tags = ["open data"]

    @get(
        "/360giving.json",
        media_type="application/json",
        summary="Every funded project as a 360Giving data package (schema 1.4)",
        description="Amounts are JSON numbers in EUR; identifiers start with " + opendata.IDENTIFIER_PREFIX,
        responses=NOT_MODIFIED,
    )
    async def package_json(self, request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
        body = await opendata.package_json(get_settings().base_url)
        return _cached(request, body, "application/json", "360giving.json")

    @get(
        "/360giving.csv",
        media_type="text/csv",
        summary="The same grants flattened to CSV with 360Giving's column titles",
        responses=NOT_MODIFIED,
    )
    async def package_csv(self, request: Request[Any, Any, Any]) -> Response[bytes]:
        body = await opendata.package_csv(get_settings().base_url)
        return _cached(request, body, "text/csv", "360giving.csv")


handlers = [ResultsPages, OpenDataApi, MunicipalityPages, MunicipalityApi, EventExportApi]
