"""The ranking benchmark's child process: `python -m bench.ranking_child --child OUT`.

Started by bench/ranking.py with the database's environment, so DATABASE_URL is
set before any grants module is imported. Loads the data, times the calls and
checks every result; writes the timings and any mismatches to OUT as JSON.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.ranking_check import compare, expected_ranking
from bench.ranking_data import APPLICATIONS, CRITERIA, REVIEWS, SEED, load

GUARD = "BENCH_RANKING_DATABASE"  # the child writes only into the database the harness made for it


def timed_runs() -> int:
    raw = os.environ.get("BENCH_RANKING_RUNS", "").strip()
    runs = int(raw) if raw else 5
    if not 1 <= runs <= 100:
        raise ValueError(f"BENCH_RANKING_RUNS must be 1 to 100, not {raw!r}")
    return runs


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


async def _time(runs: int, fn: Callable[[], Awaitable[Any]]) -> tuple[list[list[float]], Any]:
    """A warm-up call, then `runs` timed calls: [wall, CPU] seconds of each, and the last result."""
    result = await fn()
    seconds = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = await fn()
        seconds.append([time.perf_counter() - wall, time.process_time() - cpu])
    return seconds, result


async def _child() -> dict[str, Any]:
    from grants.calls.tables import Call
    from grants.core.db import configure, engine
    from grants.scoring.api import ranking_rows
    from grants.scoring.queries import ranking
    from grants.scoring.tables import Score
    from grants.settings import get_settings

    settings = get_settings()
    configure(settings)
    db = engine()
    pooled = settings.database_kind == "postgres" and settings.db_pool
    if pooled:  # as the app does at start-up
        await db.start_connection_pool()
    try:
        began = time.perf_counter()
        _say(f"loading {APPLICATIONS:,} applications × {REVIEWS} reviews × {len(CRITERIA)} criteria …")
        call, counts = await load(random.Random(SEED))
        if settings.database_kind == "postgres":
            await Score.raw("ANALYZE")
        load_seconds = time.perf_counter() - began
        _say(f"loaded in {load_seconds:.1f} s; timing …")
        runs = timed_runs()
        query = ranking._RANKING["mean"]  # the one query ranking() sends, without its Python side
        timings: dict[str, list[list[float]]] = {}
        load_before = os.getloadavg()[0]
        timings["count"], _ = await _time(runs, lambda: Score.raw("SELECT COUNT(*) AS n FROM review_score"))
        timings["fetch"], fetched = await _time(runs, lambda: Score.raw("SELECT * FROM review_score"))
        if len(fetched) != counts["scores"]:
            raise RuntimeError(f"fetched {len(fetched)} scores, loaded {counts['scores']}")
        del fetched
        timings["ranking_mean"], ranked_mean = await _time(runs, lambda: ranking.ranking(call))
        timings["breakdown_mean"], marks_mean = await _time(runs, lambda: ranking.breakdown(call))
        timings["ranking_sql"], _ = await _time(runs, lambda: Score.raw(query, *[call] * query.count("{}")))
        timings["api"], _ = await _time(runs, lambda: ranking_rows(call))
        await Call.update({Call.aggregation: "median"}).where(Call.id == call)
        timings["ranking_median"], ranked_median = await _time(runs, lambda: ranking.ranking(call))
        timings["breakdown_median"], marks_median = await _time(runs, lambda: ranking.breakdown(call))
        load_after = os.getloadavg()[0]
        _say("checking every result against the Python computation …")
        mismatches: list[str] = []
        for aggregation, ranked, marks in (
            ("mean", ranked_mean, marks_mean),
            ("median", ranked_median, marks_median),
        ):
            expected, expected_marks = await expected_ranking(call, aggregation)
            mismatches += compare(aggregation, ranked, marks, expected, expected_marks)
        passed = sum(r.passed for r in ranked_mean)
        _say(
            f"{f'{len(mismatches)} MISMATCHES' if mismatches else 'all results match'}; "
            f"{passed:,} of {len(ranked_mean):,} applications pass with the mean"
        )
    finally:
        if pooled:
            await db.close_connection_pool()
    return {
        "counts": counts,
        "load_seconds": load_seconds,
        "timings": timings,
        "mismatches": mismatches,
        "load": [load_before, load_after],
        "cores": len(os.sched_getaffinity(0)),
    }


def _main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] != "--child":
        print("Run it through the harness: python -m bench ranking [--db sqlite|postgres]", file=sys.stderr)
        return 2
    # Loading 10,000 applications into someone's real database would be a bad surprise.
    if not os.environ.get(GUARD) or os.environ.get("DATABASE_URL") != os.environ[GUARD]:
        print(f"refusing: {GUARD} must name the DATABASE_URL the harness created", file=sys.stderr)
        return 2
    Path(argv[1]).write_text(json.dumps(asyncio.run(_child())))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
