"""The evaluation committee's protocol of a call (/admin/calls/{call_id}/protocol, printable, and
/admin/calls/{call_id}/protocol.xlsx).

The protocol is an official Latvian document (the committee's "vērtēšanas komisijas protokols"):
both render in Latvian whatever the interface language, so what one staff member prints or sends
reads the same as what another does. Scoped staff reach only their municipalities' calls (the
app's MunicipalScope resolves call_id).
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Controller, get
from litestar.response import Response, Template

from grants.awards.exports import protocol as words
from grants.awards.queries.protocol import protocol
from grants.core.auth import Role, roles
from grants.core.i18n import set_language
from grants.core.params import PathId
from grants.core.time import now

PROTOCOL_LANGUAGE = "lv"


def _filename(call: dict[str, Any]) -> str:
    prefix = re.sub(r"[^A-Za-z0-9]", "", call.get("municipality_short_name") or "")
    return f"protokols-{prefix + '-' if prefix else ''}{call['id']}.xlsx"


class StaffProtocolPages(Controller):
    path = "/admin"
    guards = [roles(Role.staff)]
    include_in_schema = False

    @get("/calls/{call_id:int}/protocol")
    async def protocol_page(self, call_id: PathId) -> Template:
        set_language(PROTOCOL_LANGUAGE)
        data = await protocol(call_id)
        return Template(
            "awards/staff/protocol.html",
            context=data | {"words": words, "facts": words.call_facts(data["call"]), "printed_at": now()},
        )

    @get("/calls/{call_id:int}/protocol.xlsx")
    async def protocol_xlsx(self, call_id: PathId) -> Response[bytes]:
        set_language(PROTOCOL_LANGUAGE)
        data = await protocol(call_id)
        return Response(
            words.protocol_xlsx(data),
            media_type=words.XLSX_TYPE,
            headers={
                "Content-Disposition": f'attachment; filename="{_filename(data["call"])}"',
                "Cache-Control": "no-store",
            },
        )


handlers = [StaffProtocolPages]
