"""The registry API: municipalities and their schools."""

from __future__ import annotations

from litestar import Controller, get
from litestar.exceptions import NotFoundException
from litestar.params import FromQuery

from grants.core.auth import public
from grants.core.i18n import _
from grants.core.openapi import errors
from grants.registry import queries
from grants.registry.schemas import MunicipalityOut, SchoolOut


def _municipality_out(row: dict) -> MunicipalityOut:
    return MunicipalityOut(
        code=row["code"],
        name=row["name"],
        kind=row["kind"],
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        successor_code=row["successor_code"],
        current=queries.is_current(row),
    )


class RegistryApi(Controller):
    path = "/api/registry"
    guards = [public]
    tags = ["registry"]

    @get("/municipalities", summary="Municipalities with kind, validity dates and successor")
    async def municipalities(self, current: FromQuery[bool] = False) -> list[MunicipalityOut]:
        return [_municipality_out(r) for r in await queries.list_municipalities(current_only=current)]

    @get("/schools", summary="Schools of the register; filter by a municipality code", responses=errors(404))
    async def schools(self, municipality: FromQuery[str | None] = None) -> list[SchoolOut]:
        if municipality and await queries.get_municipality(municipality) is None:
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
            for r in await queries.list_schools(municipality)
        ]
