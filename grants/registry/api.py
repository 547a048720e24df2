"""Registry pages and API: municipalities and their schools."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Template

from grants.core.auth import public
from grants.core.i18n import _
from grants.core.openapi import errors
from grants.registry import service
from grants.registry.schemas import MunicipalityOut, SchoolOut


def _municipality_out(row: dict) -> MunicipalityOut:
    return MunicipalityOut(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        successor_code=row["successor_code"],
        current=service.is_current(row),
    )


class RegistryApi(Controller):
    path = "/api/registry"
    guards = [public]
    tags = ["registry"]

    @get("/municipalities", summary="Municipalities with kind, validity dates and successor")
    async def municipalities(self, current: FromQuery[bool] = False) -> list[MunicipalityOut]:
        return [_municipality_out(r) for r in await service.list_municipalities(current_only=current)]

    @get("/schools", summary="Schools of the register; filter by a municipality code", responses=errors(404))
    async def schools(self, municipality: FromQuery[str | None] = None) -> list[SchoolOut]:
        if municipality and await service.get_municipality(municipality) is None:
            raise NotFoundException(_("No municipality with the code {code}").format(code=municipality))
        return [
            SchoolOut(
                registration_number=r["registration_number"],
                name=r["name"],
                municipality_code=r["municipality_code"],
                kind=r["kind"],
                pumpurs=r["pumpurs"],
                pumpurs_since=r["pumpurs_since"],
                pumpurs_until=r["pumpurs_until"],
            )
            for r in await service.list_schools(municipality)
        ]


class RegistryPages(Controller):
    guards = [public]
    include_in_schema = False

    @get("/", name="home")
    async def home(self) -> Template:
        return Template(
            "home.html", context={"municipalities": await service.list_municipalities(current_only=True)}
        )

    @get("/registry", name="municipalities")
    async def municipalities(self) -> Template:
        rows = await service.list_municipalities()
        return Template(
            "registry/municipalities.html",
            context={
                "current": [r for r in rows if service.is_current(r)],
                "former": [r for r in rows if not service.is_current(r)],
            },
        )

    @get("/registry/{code:str}", name="municipality")
    async def municipality(self, code: FromPath[str]) -> Template:
        row = await service.get_municipality(code)
        if row is None:
            raise NotFoundException(_("No municipality with the code {code}").format(code=code))
        successor = await service.get_municipality(row["successor_code"]) if row["successor_code"] else None
        return Template(
            "registry/municipality.html",
            context={
                "municipality": row,
                "current": service.is_current(row),
                "successor": successor,
                "schools": await service.list_schools(code),
            },
        )


handlers = [RegistryApi, RegistryPages]
