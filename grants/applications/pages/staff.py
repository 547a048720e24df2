"""The staff's pages of the applications (/admin/…): a call's applications, filtered, searched,
sorted and paged, and the same list as a CSV file. The one-application view needs every domain and
lives in admin/pages/applications.py.

Drafts are not listed (see queries.StaffFilter): the page counts them and says so.
"""

from __future__ import annotations

from urllib.parse import urlencode

from litestar import Controller, get
from litestar.params import FromQuery
from litestar.response import Stream, Template

from grants.applications import exports, queries
from grants.applications.states import statuses
from grants.applications.tables import ApplicationStatus
from grants.calls import queries as calls
from grants.core.auth import Role, roles
from grants.core.errors import NotFound
from grants.core.filetypes import content_disposition
from grants.core.params import PathId, page_number
from grants.core.spreadsheet import CSV_TYPE, csv_lines


async def _call(call_id: int) -> dict[str, object]:
    call = await calls.get_call(call_id, include_draft=True)
    if call is None:
        raise NotFound
    return call


class StaffApplicationPages(Controller):
    path = "/admin/calls"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/{call_id:int}/applications", name="staff_applications")
    async def applications(
        self,
        call_id: PathId,
        status: FromQuery[str | None] = None,
        organisation: FromQuery[str | None] = None,
        school: FromQuery[str | None] = None,
        municipality: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
        page: FromQuery[str | None] = None,
    ) -> Template:
        call = await _call(call_id)
        selected = queries.parse_staff_filter(status, organisation, school, municipality, q, sort)
        found = await queries.staff_page(call_id, selected, page_number(page))
        params = selected.params()
        labels = statuses()
        context = {
            **found,
            "call": call,
            "filters": selected,
            "choices": await queries.staff_choices(call_id),
            "statuses": labels,
            "status_choices": [
                (s.value, labels[s]) for s in ApplicationStatus if s != ApplicationStatus.draft
            ],
            "csv_href": f"/admin/calls/{call_id}/applications.csv"
            + (f"?{urlencode(params)}" if params else ""),
            "query": lambda **changes: urlencode(
                {k: v for k, v in (params | {k: str(v) for k, v in changes.items()}).items() if v}
            ),
        }
        return Template("applications/staff/list.html", context=context)

    @get("/{call_id:int}/applications.csv")
    async def applications_csv(
        self,
        call_id: PathId,
        status: FromQuery[str | None] = None,
        organisation: FromQuery[str | None] = None,
        school: FromQuery[str | None] = None,
        municipality: FromQuery[str | None] = None,
        q: FromQuery[str | None] = None,
        sort: FromQuery[str | None] = None,
    ) -> Stream:
        call = await _call(call_id)
        selected = queries.parse_staff_filter(status, organisation, school, municipality, q, sort)
        head, records = await exports.applications_export(call_id, selected)
        return Stream(
            csv_lines(head, records),
            media_type=CSV_TYPE,
            headers={
                "Content-Disposition": content_disposition(exports.filename(call)),
                "Cache-Control": "private, no-store",
            },
        )
