"""Reads of the registry: municipalities (with their mergers) and schools."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from grants.core.db import frozen
from grants.core.i18n import sort_key
from grants.core.time import now
from grants.registry.tables import Municipality, School

MUNICIPALITY_COLUMNS = (
    Municipality.id,
    Municipality.code,
    Municipality.name,
    Municipality.short_name,
    Municipality.kind,
    Municipality.valid_from,
    Municipality.valid_to,
    Municipality.successor.code.as_alias("successor_code"),
)


def is_current(row: dict[str, Any], today: date | None = None) -> bool:
    today = today or now().date()
    return row["valid_to"] is None or row["valid_to"] > today


_ALL_MUNICIPALITIES = frozen(lambda: Municipality.select(*MUNICIPALITY_COLUMNS))

# The municipality list is on most public pages and changes a few times a decade (by `grants migrate`
# or a staff edit in the admin panel): a copy read in the last few seconds serves. This process's
# own sync forgets it at once; another process's change shows within the TTL.
MUNICIPALITIES_TTL = 10.0
_municipalities: tuple[float, list[dict[str, Any]]] | None = None


def forget_municipalities() -> None:
    global _municipalities
    _municipalities = None


async def list_municipalities(current_only: bool = False) -> list[dict[str, Any]]:
    global _municipalities
    if _municipalities is None or time.monotonic() - _municipalities[0] > MUNICIPALITIES_TTL:
        read_at = time.monotonic()
        rows = sorted(await _ALL_MUNICIPALITIES().run(), key=lambda row: sort_key(row["name"]))
        _municipalities = (read_at, rows)
    rows = _municipalities[1]
    if current_only:
        today = now().date()
        rows = [row for row in rows if is_current(row, today)]
    return [dict(row) for row in rows]  # copies: the caller's to change


async def get_municipality(code: str) -> dict[str, Any] | None:
    return await Municipality.select(*MUNICIPALITY_COLUMNS).where(Municipality.code == code).first()


def successor_map(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Each code to the code of the municipality that exists today (itself if it still does)."""
    direct = {row["code"]: row["successor_code"] for row in rows}
    resolved: dict[str, str] = {}
    for code in direct:
        seen = {code}
        target = code
        while direct.get(target):
            target = direct[target]
            if target in seen:  # a loop in the data must not hang a request
                break
            seen.add(target)
        resolved[code] = target
    return resolved


async def codes_merged_into(code: str) -> list[str]:
    """The code itself and every former municipality that now resolves to it."""
    rows = await Municipality.select(
        Municipality.code, Municipality.successor.code.as_alias("successor_code")
    )
    resolved = successor_map(rows)
    return sorted(c for c, target in resolved.items() if target == code or c == code)


def school_row(row: dict[str, Any], today: date | None = None) -> dict[str, Any]:
    today = today or now().date()
    since, until = row["pumpurs_since"], row["pumpurs_until"]
    row["pumpurs"] = since is not None and since <= today and (until is None or until >= today)
    return row


async def list_schools(municipality_code: str | None = None) -> list[dict[str, Any]]:
    query = School.select(
        School.id,
        School.registration_number,
        School.name,
        School.kind,
        School.pumpurs_since,
        School.pumpurs_until,
        School.municipality.code.as_alias("municipality_code"),
        School.municipality.name.as_alias("municipality_name"),
    )
    if municipality_code:
        query = query.where(School.municipality.code.is_in(await codes_merged_into(municipality_code)))
    today = now().date()
    rows = sorted(await query, key=lambda row: sort_key(row["name"]))
    return [school_row(row, today) for row in rows]


async def ids_with_merged(municipality_ids: set[int]) -> frozenset[int]:
    """These municipalities and every former one merged into them (Varakļāni with Madona): a
    municipal staff member of today's municipality runs what its predecessors ran too."""
    rows = await list_municipalities()
    code_of = {row["id"]: row["code"] for row in rows}
    wanted = {code_of[i] for i in municipality_ids if i in code_of}
    resolved = successor_map(rows)
    return frozenset(row["id"] for row in rows if row["code"] in wanted or resolved[row["code"]] in wanted)


async def municipality_id_of_code(code: Any) -> int | None:
    """The municipal scope's resolver for a municipality code in the path (/municipality/{code})."""
    if not isinstance(code, str) or len(code) > 10:
        return None
    return next((row["id"] for row in await list_municipalities() if row["code"] == code), None)
