"""The data APIs: the staff's CSV export of event reports, and the public open data (360Giving).

The open data holds nothing of the caller: cacheable for everyone, with an ETag.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromQuery, QueryParameter
from litestar.response import Stream
from litestar.status_codes import HTTP_304_NOT_MODIFIED

from grants.core.auth import Me, Role, public, roles
from grants.core.openapi import errors
from grants.core.params import MAX_ID
from grants.reporting.exports import open_data as opendata
from grants.reporting.exports.events import CSV_TYPE, csv_stream, event_csv, export_codes
from grants.settings import Settings, get_settings

DATA_MAX_AGE = 3600
NOT_MODIFIED = {
    304: ResponseSpec(data_container=None, description="Unchanged since the ETag sent in If-None-Match")
}


class EventExportApi(Controller):
    path = "/api/reports"
    tags = ["reporting"]
    guards = [roles(Role.staff)]

    @get(
        "/events.csv",
        media_type=CSV_TYPE,
        summary="Every event report as CSV, streamed; filter by `municipality` (mergers included) or `call`",
        responses=errors(401, 403, 404),
    )
    async def events_csv(
        self,
        me: Me,
        municipality: FromQuery[str | None] = None,
        call: Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)] = None,
    ) -> Stream:
        codes = await export_codes(municipality, call)
        name = "-".join(
            ["event-reports", *([municipality] if municipality else []), *([f"call-{call}"] if call else [])]
        )
        return csv_stream(event_csv(codes, call, scope=me.staff_scope), f"{name}.csv")


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
        # The saved API contract's words (tests/test_openapi_unchanged.py): the default prefix; the
        # OPEN_DATA_PREFIX setting may name another one.
        description="Amounts are JSON numbers in EUR; identifiers start with " + Settings.open_data_prefix,
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
