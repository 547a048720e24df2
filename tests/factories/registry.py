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
