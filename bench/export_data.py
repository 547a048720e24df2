"""The export benchmark's data: 100,000 event reports in bulk, the database's sums, the file check."""

from __future__ import annotations

import csv
import random
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

EVENTS = 100_000
PROJECTS = 2_000
CALLS = 20
SCHOOLS = 400
SEED = 20261124
BATCH = 1_000  # rows per INSERT while loading
SUMMED = (
    "participants",
    "participants_1_4",
    "participants_5_9",
    "participants_10_12",
    "participants_vocational",
)


async def _insert(table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """INSERTs of BATCH rows; the new ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        ids += [r["id"] for r in await table.insert(*(table(**row) for row in batch)).returning(table.id)]
    return ids


async def load(rng: random.Random) -> dict[str, int]:
    from grants.accounts.tables import Organisation
    from grants.applications.tables import Application, EventKind
    from grants.awards.tables import Award
    from grants.calls.tables import Call
    from grants.core.db import write_transaction
    from grants.registry.tables import Municipality, School
    from grants.reporting.tables import EventReport

    places = {r["code"]: r["id"] for r in await Municipality.select(Municipality.id, Municipality.code)}
    codes = sorted(places)  # current and former ones: schools registered before a merger too
    start = datetime(2026, 3, 1, 9, tzinfo=UTC)
    kinds = [k.value for k in EventKind]
    async with write_transaction():
        schools = await _insert(
            School,
            [
                {
                    "registration_number": f"8{n:09d}",
                    "name": f"Bench skola Nr. {n} “Ābele”, {codes[n % len(codes)]}",
                    "municipality": places[codes[n % len(codes)]],
                }
                for n in range(SCHOOLS)
            ],
        )
        calls = await _insert(
            Call,
            [
                {
                    "title": f"Bench call {n}",
                    "municipality": places[codes[n % len(codes)]],
                    "status": "decided",
                    "budget_cents": 460_000 * PROJECTS,
                    "quota": PROJECTS,
                    "opens_at": start - timedelta(days=60),
                    "closes_at": start - timedelta(days=30),
                }
                for n in range(CALLS)
            ],
        )
        orgs = await _insert(
            Organisation,
            [
                {
                    "name": f"Biedrība “Bench {n}”",
                    "registration_number": f"6{n:010d}",
                    "legal_form": "association",
                    "municipality": places["LV-016"],
                }
                for n in range(PROJECTS)
            ],
        )
        applications = await _insert(
            Application,
            [
                {
                    "call": calls[n % CALLS],
                    "organisation": orgs[n],
                    "reference": f"BEX-2026-{n + 1:05d}",  # not the ranking benchmark's BEN-…: both load into one database
                    "status": "awarded",
                    "title": f"Bench project {n + 1}",
                    "requested_cents": 460_000,
                }
                for n in range(PROJECTS)
            ],
        )
        awards = await _insert(
            Award,
            [
                {
                    "call": calls[n % CALLS],
                    "application": app,
                    "amount_cents": 460_000,
                    "status": "in_progress",
                }
                for n, app in enumerate(applications)
            ],
        )
        events: list[dict[str, Any]] = []
        counts = {"held": 0, "cancelled": 0, "planned": 0}
        for n in range(EVENTS):
            status = rng.choices(("held", "cancelled", "planned"), (90, 5, 5))[0]
            counts[status] += 1
            bands = [rng.randrange(0, 12) for _ in range(4)] if status == "held" else [0, 0, 0, 0]
            day = date(2026, 3, 1) + timedelta(days=rng.randrange(300))
            events.append(
                {
                    "award": awards[n % len(awards)],
                    "school": rng.choice(schools),
                    "kind": rng.choice(kinds),
                    "title": f"Pasākums Nr. {n}, “{rng.choice(['Saliedēšanās', 'Darbnīca', 'Nometne'])}”",
                    "status": status,
                    "planned_on": day,
                    "held_on": day if status == "held" else None,
                    "participants": sum(bands),
                    "participants_1_4": bands[0],
                    "participants_5_9": bands[1],
                    "participants_10_12": bands[2],
                    "participants_vocational": bands[3],
                    "review": rng.choice(("pending", "accepted", "accepted", "returned")),
                }
            )
        await _insert(EventReport, events)
    return {"events": EVENTS, **counts}


async def expected_totals() -> dict[str, Any]:
    from piccolo.query.functions.aggregate import Count, Sum

    from grants.reporting.tables import EventReport

    row = await EventReport.select(
        Count(alias="rows"), *(Sum(getattr(EventReport, key), alias=key) for key in SUMMED)
    ).first()
    return {"rows": row["rows"], "sums": {key: row[key] or 0 for key in SUMMED}}


def check(path: Path, expected: dict[str, Any]) -> str:
    """What is wrong with an exported file, or an empty string."""
    sums = dict.fromkeys(SUMMED, 0)
    ids = 0
    last = 0
    with path.open(encoding="utf-8-sig", newline="") as file:
        for row in csv.DictReader(file):
            ids += 1
            current = int(row["id"])
            if current <= last:
                return f"id {current} after {last}: rows repeated or out of order"
            last = current
            for key in SUMMED:
                sums[key] += int(row[key])
    if ids != expected["rows"]:
        return f"{ids:,} rows, the database has {expected['rows']:,}"
    if sums != expected["sums"]:
        return f"sums {sums} ≠ the database's {expected['sums']}"
    return ""
