"""Writes of the registry: the built-in municipality list and the school register import."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from grants.core.db import write_transaction
from grants.core.i18n import _
from grants.registry.queries import MUNICIPALITY_COLUMNS, forget_municipalities
from grants.registry.rules import SchoolRow, check_row, read_rows
from grants.registry.tables import Municipality, School

# Latvia's municipalities since the 2021 reform, and the mergers we must resolve:
# (code, name, short name, kind, valid_from, valid_to, successor code). valid_to is exclusive: the
# first day the municipality no longer existed; valid_from is None where it existed before the 2021
# reform under the same code.
REFORM_2021 = date(2021, 7, 1)

STATE_CITIES = [
    ("LV-RIX", "Rīga", "RIX"),
    ("LV-DGV", "Daugavpils", "DGV"),
    ("LV-JEL", "Jelgava", "JEL"),
    ("LV-JUR", "Jūrmala", "JUR"),
    ("LV-LPX", "Liepāja", "LPX"),
    ("LV-REZ", "Rēzekne", "REZ"),
    ("LV-VEN", "Ventspils", "VEN"),
]

NOVADI = [
    ("LV-011", "Ādažu novads", "ADA"),
    ("LV-002", "Aizkraukles novads", "AIZ"),
    ("LV-007", "Alūksnes novads", "ALU"),
    ("LV-111", "Augšdaugavas novads", "AUG"),
    ("LV-015", "Balvu novads", "BAL"),
    ("LV-016", "Bauskas novads", "BAU"),
    ("LV-022", "Cēsu novads", "CES"),
    ("LV-112", "Dienvidkurzemes novads", "DKN"),
    ("LV-026", "Dobeles novads", "DOB"),
    ("LV-033", "Gulbenes novads", "GUL"),
    ("LV-041", "Jelgavas novads", "JNO"),
    ("LV-042", "Jēkabpils novads", "JEK"),
    ("LV-047", "Krāslavas novads", "KRA"),
    ("LV-050", "Kuldīgas novads", "KUL"),
    ("LV-052", "Ķekavas novads", "KEK"),
    ("LV-054", "Limbažu novads", "LIM"),
    ("LV-056", "Līvānu novads", "LIV"),
    ("LV-058", "Ludzas novads", "LUD"),
    ("LV-059", "Madonas novads", "MAD"),
    ("LV-062", "Mārupes novads", "MAR"),
    ("LV-067", "Ogres novads", "OGR"),
    ("LV-068", "Olaines novads", "OLA"),
    ("LV-073", "Preiļu novads", "PRE"),
    ("LV-077", "Rēzeknes novads", "RNO"),
    ("LV-080", "Ropažu novads", "ROP"),
    ("LV-087", "Salaspils novads", "SAL"),
    ("LV-088", "Saldus novads", "SLD"),
    ("LV-089", "Saulkrastu novads", "SAU"),
    ("LV-091", "Siguldas novads", "SIG"),
    ("LV-094", "Smiltenes novads", "SMI"),
    ("LV-097", "Talsu novads", "TAL"),
    ("LV-099", "Tukuma novads", "TUK"),
    ("LV-101", "Valkas novads", "VLK"),
    ("LV-113", "Valmieras novads", "VLM"),
    ("LV-106", "Ventspils novads", "VNO"),
]

# Municipalities that no longer exist, with the one that took them over.
FORMER = [
    ("LV-102", "Varakļānu novads", "VAR", None, date(2025, 7, 1), "LV-059"),
    ("LV-105", "Vecumnieku novads", "VEC", None, REFORM_2021, "LV-016"),
    ("LV-046", "Kokneses novads", "KOK", None, REFORM_2021, "LV-002"),
    ("LV-069", "Ozolnieku novads", "OZO", None, REFORM_2021, "LV-041"),
    ("LV-107", "Viesītes novads", "VIE", None, REFORM_2021, "LV-042"),
]


# Municipalities' own registration numbers (the State Revenue Service's taxpayer register, 11 digits
# from 9000…): the funder's identifier in the 360Giving open data. Only numbers read in a municipality's
# own published acts; the others stay empty until staff enter them in the Data section.
REGISTRATION_NUMBERS = {
    # Jūrmalas pilsētas dome, "vienotais reģistrācijas Nr. 90000056357": its binding regulation No. 36
    # of 17 September 2015 (dokumenti.jurmala.lv/docs/j15/s/j15s036.htm); the state city's
    # municipality kept its legal person through the 2021 reform.
    "LV-JUR": "90000056357",
}


def all_municipalities() -> list[tuple[str, str, str, str, date | None, date | None, str | None]]:
    rows: list[tuple[str, str, str, str, date | None, date | None, str | None]] = []
    rows += [(c, n, s, "state_city", None, None, None) for c, n, s in STATE_CITIES]
    rows += [(c, n, s, "novads", REFORM_2021, None, None) for c, n, s in NOVADI]
    rows += [(c, n, s, "novads", f, t, succ) for c, n, s, f, t, succ in FORMER]
    return rows


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
        numbers = {
            row["code"]: row["registration_number"]
            for row in await Municipality.select(Municipality.code, Municipality.registration_number)
        }
        for code, number in REGISTRATION_NUMBERS.items():
            # Fills in what we know; a number staff entered for another municipality stays as it is.
            if numbers.get(code) != number:
                await Municipality.update({Municipality.registration_number: number}).where(
                    Municipality.code == code
                )
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
