"""The registry's public pages: the home page's municipality list, municipalities and their schools."""

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

    @get("/", name="home")
    async def home(self) -> Template:
        return Template(
            "home.html", context={"municipalities": await queries.list_municipalities(current_only=True)}
        )

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
