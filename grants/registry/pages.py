"""The registry's public pages: municipalities and their schools (the home page is the calls' own,
grants.calls.pages.public: it lists the open calls first)."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Template

from grants.core.auth import public
from grants.core.i18n import _
from grants.registry import queries


class RegistryPages(Controller):
    guards = [public]
    include_in_schema = False

    @get("/registry", name="municipalities")
    async def municipalities(self) -> Template:
        rows = await queries.list_municipalities()
        return Template(
            "registry/public/municipalities.html",
            context={
                "current": [r for r in rows if queries.is_current(r)],
                "former": [r for r in rows if not queries.is_current(r)],
            },
        )

    @get("/registry/{code:str}", name="municipality")
    async def municipality(self, code: FromPath[str]) -> Template:
        row = await queries.get_municipality(code)
        if row is None:
            raise NotFoundException(_("No municipality with the code {code}").format(code=code))
        successor = await queries.get_municipality(row["successor_code"]) if row["successor_code"] else None
        return Template(
            "registry/public/municipality.html",
            context={
                "municipality": row,
                "current": queries.is_current(row),
                "successor": successor,
                "schools": await queries.list_schools(code),
            },
        )
