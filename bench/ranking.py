"""(b) The ranking of 10,000 applications × 3 reviews × 5 quality criteria, computed in the database.

A child process (`python -m bench.ranking_child --child OUT`, started with the
database's environment, so DATABASE_URL is set before any grants module is
imported) loads one call into the throwaway database in bulk (bench/ranking_data.py):
5 quality criteria with weights, one with a minimum, 10,000 applications, 3
submitted reviews each from a pool of 30 reviewers, 5 scores per review, all from
random.Random(SEED); plus some noise the ranking must ignore (pending reviews
with draft scores, declared conflicts). It then times, in-process and the way
the app calls them, grants.scoring's ranking() and breakdown(): one
warm-up call, then the median of BENCH_RANKING_RUNS runs (default 5).

Baselines in the same process on the same data: SELECT COUNT(*) and
SELECT * FROM review_score through the same engine. Every result is checked
against a plain Python computation from the raw rows (bench/ranking_check.py:
every application's score, spread, pass/fail, rank and per-criterion marks), so
the ranking cannot be fast by being wrong: a mismatch fails the benchmark.
This module is the harness side: it starts the child and turns its JSON into a Section.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from typing import Any

from rich.console import Console

from bench.databases import Database
from bench.ranking_child import GUARD, timed_runs
from bench.ranking_data import BATCH, CRITERIA, REVIEWERS, SEED, THRESHOLD
from bench.report import Section
from bench.servers import PROJECT_ROOT

TITLE = "Ranking of 10,000 applications × 3 reviews × 5 criteria"
TARGET_SECONDS = 0.5  # the target
COLUMNS = ["measurement", "runs", "median ms", "min ms", "max ms", "CPU ms", "× SELECT *", "target"]


def run(db: Database, console: Console) -> Section:
    count = timed_runs()
    out = db.tmp / "ranking.json"
    console.print(f"[bold]{TITLE}[/bold] on {db.label}: a warm-up call, then the median of {count} runs")
    env = {**db.env, GUARD: db.env["DATABASE_URL"], "BENCH_RANKING_RUNS": str(count)}
    code = subprocess.call(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.ranking_child", "--child", str(out)],
        env=env,
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        timeout=1800,
    )
    if code != 0:
        raise RuntimeError(f"the ranking benchmark's process exited with {code} (its output is above)")
    result = json.loads(out.read_text())
    if result["mismatches"]:
        shown = "; ".join(result["mismatches"][:5])
        raise RuntimeError(f"wrong results, {len(result['mismatches'])} mismatches: {shown}")
    return _section(db, result)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:,.1f}"


# (timing key, row label, whether the target applies)
_ROWS = [
    ("count", "baseline: SELECT COUNT(*) FROM review_score", False),
    ("fetch", "baseline: SELECT * FROM review_score, {scores:,} rows to dicts", False),
    ("ranking_mean", "ranking(call), mean", True),
    ("ranking_median", "ranking(call), median", True),
    ("breakdown_mean", "breakdown(call), mean", True),
    ("breakdown_median", "breakdown(call), median", True),
    ("ranking_sql", "the ranking query alone, mean", False),
    ("api", "ranking API rows: breakdown() + ranking(), mean", False),
]


def _section(db: Database, result: dict[str, Any]) -> Section:
    timings: dict[str, list[list[float]]] = result["timings"]  # key -> [[wall, cpu], …]
    fetch = statistics.median(wall for wall, _ in timings["fetch"])
    rows = []
    for key, label, has_target in _ROWS:
        walls = [wall for wall, _ in timings[key]]
        median = statistics.median(walls)
        if has_target:
            verdict = "pass" if median < TARGET_SECONDS else f"miss: ≥ {TARGET_SECONDS * 1000:.0f} ms"
        else:
            verdict = "baseline" if key in ("count", "fetch") else "detail"
        rows.append(
            [
                label.format(**result["counts"]),
                str(len(walls)),
                _ms(median),
                _ms(min(walls)),
                _ms(max(walls)),
                _ms(statistics.median(cpu for _, cpu in timings[key])),
                f"{median / fetch:.2f}",
                verdict,
            ]
        )
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=rows,
        targets=[
            f"ranking() and breakdown() each under {TARGET_SECONDS * 1000:.0f} ms (the median of the runs), "
            "with the mean and with the median, and every result equal to the Python computation"
        ],
        notes=_notes(db, result),
    )


def _notes(db: Database, result: dict[str, Any]) -> list[str]:
    counts = result["counts"]
    pooled = "the asyncpg pool started as the app starts it"
    per_query = "the app's SQLite engine: SELECTs on reused connections, the long ones in a reader thread"
    notes = [
        f"Data: 1 call with {len(CRITERIA)} quality criteria (weights "
        f"{', '.join(w for _, w, _ in CRITERIA)}; K2 has a minimum of 4 points; threshold {THRESHOLD}), "
        f"{counts['applications']:,} applications of {counts['organisations']:,} organisations, "
        f"{counts['submitted']:,} submitted reviews by {REVIEWERS} reviewers with "
        f"{counts['submitted_scores']:,} scores; noise the ranking must leave out: "
        f"{counts['pending']:,} pending reviews with {counts['draft_scores']:,} draft scores and "
        f"{counts['conflicts']:,} reviews released after a declared conflict. Points from "
        f"random.Random({SEED}); loaded in {result['load_seconds']:.1f} s with INSERTs of {BATCH:,} rows"
        + (
            ", then ANALYZE (autovacuum does the same soon after a load this size)."
            if db.kind == "postgres"
            else "; no ANALYZE (the app never runs it on SQLite)."
        ),
        "In one process, the way the app calls them (asyncio, Piccolo, "
        + (pooled if db.kind == "postgres" else per_query)
        + f"): a warm-up call, then {len(result['timings']['count'])} runs. × SELECT * is the median "
        "against the baseline's median through the same engine, which hands the same scores to Python "
        "without computing anything.",
        "CPU ms is this process's CPU time per call, median: "
        + (
            "Python and the driver; PostgreSQL's own work runs in its server process."
            if db.kind == "postgres"
            else "SQLite runs in this process too, so it is all of the work."
        ),
        f"Every result was checked against a Python computation from the raw rows: all "
        f"{counts['applications']:,} applications' score, spread, pass/fail, rank and criterion marks, "
        "with the mean and with the median.",
        "The ranking API row is grants.scoring.api.ranking_rows(): both calls and the rows "
        "the staff ranking endpoint returns.",
        f"Load average of the machine (1 min) before and after the timed runs: "
        f"{result['load'][0]:.1f}, {result['load'][1]:.1f} on {result['cores']} cores; other work on the "
        "machine lengthens the wall times, less so the CPU times.",
    ]
    return notes
