"""The registry: schools in the register, and school register CSV files for the import and CLI tests.

Registration numbers are unique within the test process (a counter) and
differ between runs (a random run prefix), so tests never load each other's
schools, whichever database and however often the suite runs.
"""

from __future__ import annotations

import itertools
import secrets
from pathlib import Path

HEADER = ("registration_number", "name", "municipality_code", "kind", "pumpurs_since", "pumpurs_until")

_RUN = secrets.randbelow(900) + 100  # three digits, never a leading zero
_batches = itertools.count(1)


def registration_numbers(count: int) -> list[str]:
    """`count` fresh 10-digit registration numbers sharing a prefix no other test uses."""
    batch = next(_batches)
    assert count < 1000 and batch < 10_000
    return [f"{_RUN}{batch:04d}{i:03d}" for i in range(1, count + 1)]


def write_csv(path: Path, rows: list[tuple[str, ...]], header=HEADER, delimiter: str = ",") -> Path:
    """A CSV as a person would save it: a header line, then one line per row."""
    lines = [delimiter.join(header), *(delimiter.join(row) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def make_school(municipality_code: str = "LV-016", name: str = "Testa pamatskola") -> str:
    """A school in the register; returns its registration number."""
    import uuid

    from grants.registry.tables import Municipality, School

    number = f"9{uuid.uuid4().int % 10**9:09d}"
    municipality = (await Municipality.select(Municipality.id).where(Municipality.code == municipality_code))[
        0
    ]
    await School.insert(School(registration_number=number, name=name, municipality=municipality["id"]))
    return number


# DESIGN.md: the 7 state cities and the 35 novadi since the 2021 reform (Varakļāni merged in 2025).
CURRENT = {
    "LV-RIX": ("Rīga", "state_city"),
    "LV-DGV": ("Daugavpils", "state_city"),
    "LV-JEL": ("Jelgava", "state_city"),
    "LV-JUR": ("Jūrmala", "state_city"),
    "LV-LPX": ("Liepāja", "state_city"),
    "LV-REZ": ("Rēzekne", "state_city"),
    "LV-VEN": ("Ventspils", "state_city"),
    "LV-011": ("Ādažu novads", "novads"),
    "LV-002": ("Aizkraukles novads", "novads"),
    "LV-007": ("Alūksnes novads", "novads"),
    "LV-111": ("Augšdaugavas novads", "novads"),
    "LV-015": ("Balvu novads", "novads"),
    "LV-016": ("Bauskas novads", "novads"),
    "LV-022": ("Cēsu novads", "novads"),
    "LV-112": ("Dienvidkurzemes novads", "novads"),
    "LV-026": ("Dobeles novads", "novads"),
    "LV-033": ("Gulbenes novads", "novads"),
    "LV-041": ("Jelgavas novads", "novads"),
    "LV-042": ("Jēkabpils novads", "novads"),
    "LV-047": ("Krāslavas novads", "novads"),
    "LV-050": ("Kuldīgas novads", "novads"),
    "LV-052": ("Ķekavas novads", "novads"),
    "LV-054": ("Limbažu novads", "novads"),
    "LV-056": ("Līvānu novads", "novads"),
    "LV-058": ("Ludzas novads", "novads"),
    "LV-059": ("Madonas novads", "novads"),
    "LV-062": ("Mārupes novads", "novads"),
    "LV-067": ("Ogres novads", "novads"),
    "LV-068": ("Olaines novads", "novads"),
    "LV-073": ("Preiļu novads", "novads"),
    "LV-077": ("Rēzeknes novads", "novads"),
    "LV-080": ("Ropažu novads", "novads"),
    "LV-087": ("Salaspils novads", "novads"),
    "LV-088": ("Saldus novads", "novads"),
    "LV-089": ("Saulkrastu novads", "novads"),
    "LV-091": ("Siguldas novads", "novads"),
    "LV-094": ("Smiltenes novads", "novads"),
    "LV-097": ("Talsu novads", "novads"),
    "LV-099": ("Tukuma novads", "novads"),
    "LV-101": ("Valkas novads", "novads"),
    "LV-113": ("Valmieras novads", "novads"),
    "LV-106": ("Ventspils novads", "novads"),
}


# Former municipalities and the one each was merged into.
FORMER = {
    "LV-102": "LV-059",  # Varakļānu novads → Madonas novads, 2025-07-01
    "LV-105": "LV-016",  # Vecumnieku novads → Bauskas novads, 2021-07-01
    "LV-046": "LV-002",  # Kokneses novads → Aizkraukles novads
    "LV-069": "LV-041",  # Ozolnieku novads → Jelgavas novads
    "LV-107": "LV-042",  # Viesītes novads → Jēkabpils novads
}
