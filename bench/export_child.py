"""The export benchmark's child process: `python -m bench.export_child --child MODE OUT`.

Started by bench/export.py with the database's environment. MODE load fills the
database; fetch and export each measure one export in this fresh process, so the
peak memory is its own. Writes the result to OUT as JSON (export also writes OUT.csv).
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import resource
import sys
import time
from pathlib import Path
from typing import Any

from bench.export_data import EVENTS, SEED, check, expected_totals, load

GUARD = "BENCH_EXPORT_DATABASE"  # the child writes only into the database the harness made for it


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


def _peak_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kilobytes on Linux


async def _measure(mode: str, out: Path) -> dict[str, Any]:
    from grants.reporting.exports import events as exports
    from grants.reporting.tables import EventReport

    await EventReport.select(EventReport.id).limit(1)  # the connection and the imports, before the clock
    before_kb, file = _peak_kb(), out.with_suffix(".csv")
    wall, cpu = time.perf_counter(), time.process_time()
    written = 0
    if mode == "fetch":
        rows = await EventReport.select(*exports.COLUMNS).order_by(EventReport.id)
        written = len(rows)
    else:
        with file.open("wb") as sink:
            async for chunk in exports.event_csv():
                sink.write(chunk)
                written += len(chunk)
    result = {
        "seconds": time.perf_counter() - wall,
        "cpu": time.process_time() - cpu,
        "peak_kb": _peak_kb(),
        "before_kb": before_kb,
        "batch": exports.BATCH,
        "bytes": written,
    }
    if mode == "fetch":
        result["check"] = "" if written == (await expected_totals())["rows"] else f"fetched {written:,} rows"
    else:
        result["check"] = check(file, await expected_totals())
    return result


async def _main_async(mode: str, out: Path) -> dict[str, Any]:
    from grants.core.db import configure, engine
    from grants.settings import get_settings

    settings = get_settings()
    configure(settings)
    pooled = settings.database_kind == "postgres" and settings.db_pool
    if pooled:  # as the app does at start-up
        await engine().start_connection_pool()
    try:
        if mode == "load":
            began = time.perf_counter()
            _say(f"loading {EVENTS:,} event reports …")
            counts = await load(random.Random(SEED))
            if settings.database_kind == "postgres":
                from grants.reporting.tables import EventReport

                await EventReport.raw("ANALYZE")
            return {
                "counts": counts,
                "seconds": time.perf_counter() - began,
                "expected": await expected_totals(),
            }
        return await _measure(mode, out)
    finally:
        if pooled:
            await engine().close_connection_pool()


def _main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "--child" or argv[1] not in ("load", "fetch", "export"):
        print("Run it through the harness: python -m bench export [--db sqlite|postgres]", file=sys.stderr)
        return 2
    # Loading 100,000 reports into someone's real database would be a bad surprise.
    if not os.environ.get(GUARD) or os.environ.get("DATABASE_URL") != os.environ[GUARD]:
        print(f"refusing: {GUARD} must name the DATABASE_URL the harness created", file=sys.stderr)
        return 2
    Path(argv[2]).write_text(json.dumps(asyncio.run(_main_async(argv[1], Path(argv[2])))))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
