"""The registry's rules: loading municipalities, resolving mergers, importing schools."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from grants.core.db import frozen, write_transaction
from grants.core.i18n import _, sort_key
from grants.core.time import now
from grants.registry.data import all_municipalities
from grants.registry.rules import SchoolRow, check_row, read_rows
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


async def sync_municipalities() -> int:
    """Insert or update the built-in list; returns how many rows changed. Idempotent."""
    changed = 0
    async with write_transaction():
        existing = {row["code"]: row for row in await Municipality.select(*MUNICIPALITY_COLUMNS)}
        ids = {code: row["id"] for code, row in existing.items()}
        for code, name, short, kind, valid_from, valid_to, _ in all_municipalities():
            values = {
                "name": name,
                "short_name": short,
                "kind": kind,
                "valid_from": valid_from,
                "valid_to": valid_to,
            }
            row = existing.get(code)
            if row is None:
                created = await Municipality.insert(Municipality(code=code, **values)).returning(
                    Municipality.id
                )
                ids[code] = created[0]["id"]
                changed += 1
            elif any(row[key] != value for key, value in values.items()):
                await Municipality.update(values).where(Municipality.code == code)
                changed += 1
        for code, *_, successor in all_municipalities():
            current = existing.get(code, {}).get("successor_code")
            if successor != current:
                await Municipality.update(
                    {Municipality.successor: ids[successor] if successor else None}
                ).where(Municipality.code == code)
                changed += 1
    forget_municipalities()
    return changed


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


async def resolve_current(code: str) -> str:
    rows = await Municipality.select(
        Municipality.code, Municipality.successor.code.as_alias("successor_code")
    )
    return successor_map(rows).get(code, code)


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


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] | None = None

    @property
    def loaded(self) -> int:
        return self.created + self.updated + self.unchanged


async def import_schools(
    path: Path, on_progress: Callable[[int], None] | None = None, batch_size: int = 500
) -> ImportReport:
    """Load a school CSV: good rows are inserted or updated by registration number,
    bad rows are reported with their line and reason. Re-importing changes nothing."""
    report = ImportReport(errors=[])
    codes = {row["code"]: row["id"] for row in await Municipality.select(Municipality.id, Municipality.code)}
    seen: dict[str, int] = {}
    batch: list[SchoolRow] = []
    for line, raw in read_rows(path):
        try:
            row = check_row(line, raw, set(codes))
            if row.registration_number in seen:
                raise ValueError(
                    _("registration_number {value} repeats line {line}").format(
                        value=row.registration_number, line=seen[row.registration_number]
                    )
                )
            seen[row.registration_number] = line
            batch.append(row)
        except ValueError as exc:
            report.errors.append((line, str(exc)))
        if len(batch) >= batch_size:
            await _store_schools(batch, codes, report)
            batch = []
        if on_progress:
            on_progress(1)
    if batch:
        await _store_schools(batch, codes, report)
    return report


async def _store_schools(rows: list[SchoolRow], codes: dict[str, int], report: ImportReport) -> None:
    async with write_transaction():
        existing = {
            row["registration_number"]: row
            for row in await School.select(
                School.id,
                School.registration_number,
                School.name,
                School.municipality,
                School.kind,
                School.pumpurs_since,
                School.pumpurs_until,
            ).where(School.registration_number.is_in([r.registration_number for r in rows]))
        }
        new: list[School] = []
        for row in rows:
            values = {
                "name": row.name,
                "municipality": codes[row.municipality_code],
                "kind": row.kind,
                "pumpurs_since": row.pumpurs_since,
                "pumpurs_until": row.pumpurs_until,
            }
            current = existing.get(row.registration_number)
            if current is None:
                new.append(School(registration_number=row.registration_number, **values))
            elif any(current[key] != value for key, value in values.items()):
                await School.update(values).where(School.id == current["id"])
                report.updated += 1
            else:
                report.unchanged += 1
        if new:
            await School.insert(*new)
            report.created += len(new)
