"""(b) The ranking of 10,000 applications × 3 reviews × 5 quality criteria, computed in the database.

A child process (`python -m bench.ranking --child`, started with the
database's environment, so DATABASE_URL is set before any grants module is
imported) loads one call into the throwaway database in bulk: 5 quality
criteria with weights, one with a minimum, 10,000 applications, 3 submitted
reviews each from a pool of 30 reviewers, 5 scores per review, all from
random.Random(SEED); plus some noise the ranking must ignore (pending reviews
with draft scores, declared conflicts). It then times, in-process and the way
the app calls them, grants.scoring.ranking.ranking() and .breakdown(): one
warm-up call, then the median of BENCH_RANKING_RUNS runs (default 5).

Baselines in the same process on the same data: SELECT COUNT(*) and
SELECT * FROM review_score through the same engine. Every result is checked
against a plain Python computation from the raw rows (every application's
score, spread, pass/fail, rank and per-criterion marks), so the ranking cannot
be fast by being wrong: a mismatch fails the benchmark.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import random
import statistics
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from rich.console import Console

from bench.databases import Database
from bench.report import Section
from bench.servers import PROJECT_ROOT

TITLE = "Ranking of 10,000 applications × 3 reviews × 5 criteria"
TARGET_SECONDS = 0.5  # the target
APPLICATIONS = 10_000
REVIEWS = 3
REVIEWERS = 30
ORGANISATIONS = 1_000  # 10 applications each
SEED = 20261123
BATCH = 1_000  # rows per INSERT
# (code, weight, min_points): weights sum to 6, so a total is 0–60 and the threshold 30 is the middle.
CRITERIA = [("K1", "2", None), ("K2", "1.5", 4), ("K3", "1", None), ("K4", "1", None), ("K5", "0.5", None)]
THRESHOLD = "30"
PENDING_EVERY = 10  # every 10th application also has a pending review with draft scores
CONFLICT_EVERY = 25  # every 25th one a review released after a declared conflict
_GUARD = "BENCH_RANKING_DATABASE"  # the child writes only into the database the harness made for it
COLUMNS = ["measurement", "runs", "median ms", "min ms", "max ms", "CPU ms", "× SELECT *", "target"]


def _runs() -> int:
    raw = os.environ.get("BENCH_RANKING_RUNS", "").strip()
    runs = int(raw) if raw else 5
    if not 1 <= runs <= 100:
        raise ValueError(f"BENCH_RANKING_RUNS must be 1 to 100, not {raw!r}")
    return runs


# ---------------------------------------------------------------- the harness side


def run(db: Database, console: Console) -> Section:
    runs = _runs()
    out = db.tmp / "ranking.json"
    console.print(f"[bold]{TITLE}[/bold] on {db.label}: a warm-up call, then the median of {runs} runs")
    env = {**db.env, _GUARD: db.env["DATABASE_URL"], "BENCH_RANKING_RUNS": str(runs)}
    code = subprocess.call(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.ranking", "--child", str(out)],
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
        "The ranking API row is grants.scoring.controllers.ranking_rows(): both calls and the rows "
        "the staff ranking endpoint returns.",
        f"Load average of the machine (1 min) before and after the timed runs: "
        f"{result['load'][0]:.1f}, {result['load'][1]:.1f} on {result['cores']} cores; other work on the "
        "machine lengthens the wall times, less so the CPU times.",
    ]
    return notes


# ---------------------------------------------------------------- the child process


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


async def _insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), BATCH):
        await table.insert(*(table(**row) for row in rows[start : start + BATCH]))


async def _load(rng: random.Random) -> tuple[int, dict[str, int]]:
    """One call with its applications, reviews and scores; returns the call's id and row counts."""
    from piccolo.apps.user.tables import BaseUser

    from grants.accounts.tables import Organisation, UserRole
    from grants.applications.tables import Application
    from grants.calls.tables import Call, Criterion
    from grants.core.auth import Role
    from grants.core.db import write_transaction
    from grants.registry.tables import Municipality
    from grants.scoring.tables import Assignment, Score

    municipality = (await Municipality.select(Municipality.id).where(Municipality.code == "LV-016").first())[
        "id"
    ]
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    async with write_transaction():
        await _insert(
            BaseUser,
            [
                {
                    "username": f"bench-reviewer-{i}@bench.grants.lv",
                    "email": f"bench-reviewer-{i}@bench.grants.lv",
                    "password": "pbkdf2_sha256$1$bench$no-login",  # not a usable hash: nobody logs in
                    "first_name": "Bench",
                    "last_name": f"Reviewer {i}",
                    "active": True,
                }
                for i in range(REVIEWERS)
            ],
        )
        reviewers = [
            row["id"]
            for row in await BaseUser.select(BaseUser.id)
            .where(BaseUser.username.like("bench-reviewer-%"))
            .order_by(BaseUser.id)
        ]
        await _insert(UserRole, [{"user": uid, "role": Role.reviewer} for uid in reviewers])
        call = (
            await Call.insert(
                Call(
                    title="Benchmark call",
                    municipality=municipality,
                    status="in_review",
                    budget_cents=4_600_000_00,
                    quota=1_000,
                    applications_per_organisation=APPLICATIONS // ORGANISATIONS,
                    opens_at=start - timedelta(days=30),
                    closes_at=start + timedelta(days=31),
                    score_threshold=Decimal(THRESHOLD),
                    aggregation="mean",
                    reviewers_per_application=REVIEWS,
                )
            )
        )[0]["id"]
        await _insert(
            Criterion,
            [
                {"call": call, "code": f"E{i}", "title": f"Eligibility {i}", "kind": "eligibility"}
                for i in (1, 2)
            ]
            + [
                {
                    "call": call,
                    "code": code,
                    "title": f"Quality {code}",
                    "kind": "quality",
                    "max_points": 10,
                    "weight": Decimal(weight),
                    "min_points": minimum,
                    "position": position,
                }
                for position, (code, weight, minimum) in enumerate(CRITERIA)
            ],
        )
        criteria = [
            row["id"]
            for row in await Criterion.select(Criterion.id)
            .where((Criterion.call == call) & (Criterion.kind == "quality"))
            .order_by(Criterion.position)
        ]
        await _insert(
            Organisation,
            [
                {
                    "name": f"Bench NGO {i}",
                    "registration_number": f"5{i:010d}",
                    "legal_form": "association",
                    "municipality": municipality,
                }
                for i in range(ORGANISATIONS)
            ],
        )
        organisations = [
            row["id"]
            for row in await Organisation.select(Organisation.id)
            .where(Organisation.registration_number.like("5%"))
            .order_by(Organisation.id)
        ]
        await _insert(
            Application,
            [
                {
                    "call": call,
                    "organisation": organisations[i % ORGANISATIONS],
                    "reference": f"BEN-2026-{i + 1:05d}",
                    "status": "in_review",
                    "title": f"Bench project {i + 1}",
                    "requested_cents": 460_000,
                    # a random second in 30 days: a few applications share one, so the id breaks the tie
                    "submitted_at": start + timedelta(seconds=rng.randrange(30 * 24 * 3600)),
                }
                for i in range(APPLICATIONS)
            ],
        )
        applications = [
            row["id"]
            for row in await Application.select(Application.id)
            .where(Application.call == call)
            .order_by(Application.id)
        ]
        assignments: list[dict[str, Any]] = []
        quality: dict[tuple[int, int], float] = {}  # (application, reviewer) -> the review's level
        for n, app in enumerate(applications):
            level = rng.uniform(2.0, 9.0)  # how good the application is
            panel = rng.sample(reviewers, REVIEWS + 2)
            extra: list[tuple[int, str]] = []
            if n % PENDING_EVERY == 0:
                extra.append((panel[REVIEWS], "pending"))
            if n % CONFLICT_EVERY == 0:
                extra.append((panel[REVIEWS + 1], "coi_declared"))
            for reviewer, status in [(r, "submitted") for r in panel[:REVIEWS]] + extra:
                when = start + timedelta(days=40, seconds=rng.randrange(14 * 24 * 3600))
                assignments.append(
                    {
                        "call": call,
                        "application": app,
                        "reviewer": reviewer,
                        "status": status,
                        "conflict": "yes" if status == "coi_declared" else "no",
                        "declared_at": when,
                        "submitted_at": when if status == "submitted" else None,
                    }
                )
                quality[app, reviewer] = level
        await _insert(Assignment, assignments)
        scores: list[dict[str, Any]] = []
        rows = await Assignment.select(
            Assignment.id, Assignment.application, Assignment.reviewer, Assignment.status
        ).where(Assignment.call == call)
        for row in sorted(rows, key=lambda r: r["id"]):
            if row["status"] == "coi_declared":
                continue
            level = quality[row["application"], row["reviewer"]]
            scored = criteria if row["status"] == "submitted" else criteria[:2]  # a draft: two so far
            for criterion in scored:
                points = min(10, max(0, round(rng.gauss(level, 1.5))))
                scores.append({"assignment": row["id"], "criterion": criterion, "points": points})
        await _insert(Score, scores)
    submitted = sum(1 for a in assignments if a["status"] == "submitted")
    pending = sum(1 for a in assignments if a["status"] == "pending")
    return call, {
        "applications": len(applications),
        "organisations": len(organisations),
        "submitted": submitted,
        "pending": pending,
        "conflicts": sum(1 for a in assignments if a["status"] == "coi_declared"),
        "submitted_scores": submitted * len(criteria),
        "draft_scores": pending * 2,
        "scores": len(scores),
    }


async def _time(runs: int, fn: Callable[[], Awaitable[Any]]) -> tuple[list[list[float]], Any]:
    """A warm-up call, then `runs` timed calls: [wall, CPU] seconds of each, and the last result."""
    result = await fn()
    seconds = []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = await fn()
        seconds.append([time.perf_counter() - wall, time.process_time() - cpu])
    return seconds, result


def _round(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _middle(values: list[Fraction]) -> Fraction:
    ordered = sorted(values)
    n = len(ordered)
    return ordered[n // 2] if n % 2 else (ordered[n // 2 - 1] + ordered[n // 2]) / 2


async def _expected(
    call: int, aggregation: str
) -> tuple[list[dict[str, Any]], dict[int, dict[str, Decimal]]]:
    """The ranking and breakdown computed in Python from the raw rows, step by step."""
    from grants.applications.tables import Application
    from grants.calls.tables import Call, Criterion
    from grants.scoring.tables import Assignment, Score

    threshold = Fraction(
        str((await Call.select(Call.score_threshold).where(Call.id == call).first())["score_threshold"])
    )
    criteria = {
        row["id"]: row
        for row in await Criterion.select().where((Criterion.call == call) & (Criterion.kind == "quality"))
    }
    reviews = {
        row["id"]: row["application"]
        for row in await Assignment.select(Assignment.id, Assignment.application).where(
            (Assignment.call == call) & (Assignment.status == "submitted")
        )
    }
    totals: dict[int, Fraction] = defaultdict(Fraction)  # review -> Σ weight × points
    points: dict[int, dict[int, list[Fraction]]] = defaultdict(lambda: defaultdict(list))  # app -> criterion
    for row in await Score.select(Score.assignment, Score.criterion, Score.points):
        review, criterion = row["assignment"], criteria.get(row["criterion"])
        if review not in reviews or criterion is None:
            continue
        totals[review] += Fraction(str(criterion["weight"])) * row["points"]
        points[reviews[review]][row["criterion"]].append(Fraction(row["points"]))
    per_app: dict[int, list[Fraction]] = defaultdict(list)
    for review, total in totals.items():
        per_app[reviews[review]].append(total)

    def aggregate(values: list[Fraction]) -> Fraction:
        return _middle(values) if aggregation == "median" else sum(values, Fraction(0)) / len(values)

    expected = []
    breakdown: dict[int, dict[str, Decimal]] = {}
    for app in await Application.select(
        Application.id, Application.reference, Application.status, Application.submitted_at
    ).where(
        (Application.call == call)
        & Application.status.is_in(["eligible", "in_review", "awarded", "reserve", "rejected"])
    ):
        values = per_app.get(app["id"], [])
        score = _round(aggregate(values)) if values else None
        spread = None
        if values:
            mean = sum(values, Fraction(0)) / len(values)
            spread = math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))
        marks = {cid: aggregate(p) for cid, p in points.get(app["id"], {}).items()}
        failed = any(
            criteria[cid]["min_points"] is not None and mark < criteria[cid]["min_points"]
            for cid, mark in marks.items()
        )
        breakdown[app["id"]] = {criteria[cid]["code"]: _round(mark) for cid, mark in marks.items()}
        expected.append(
            {
                "application_id": app["id"],
                "reference": app["reference"],
                "score": score,
                "scores_count": len(values),
                "spread": spread,
                "passed": score is not None and score >= threshold and not failed,
                "submitted_at": app["submitted_at"],
            }
        )
    expected.sort(
        key=lambda e: (
            e["score"] is None,
            -(e["score"] or 0),
            e["submitted_at"] is None,
            e["submitted_at"] or datetime.min.replace(tzinfo=UTC),
            e["application_id"],
        )
    )
    for rank, e in enumerate(expected, start=1):
        e["rank"] = rank
    return expected, breakdown


def _compare(
    label: str,
    ranked: list[Any],
    breakdown: dict[int, dict[str, Any]],
    expected: list[dict[str, Any]],
    marks: dict[int, dict[str, Decimal]],
) -> list[str]:
    wrong: list[str] = []
    if len(ranked) != len(expected):
        wrong.append(f"{label}: {len(ranked)} ranked applications, expected {len(expected)}")
    for got, want in zip(ranked, expected, strict=False):
        for field in ("application_id", "reference", "score", "scores_count", "passed", "rank"):
            if getattr(got, field) != want[field]:
                wrong.append(
                    f"{label}: rank {want['rank']} (application {want['application_id']}) {field} "
                    f"{getattr(got, field)!r} ≠ {want[field]!r}"
                )
        if (got.spread is None) != (want["spread"] is None) or (
            got.spread is not None and abs(float(got.spread) - want["spread"]) > 0.0051
        ):
            wrong.append(
                f"{label}: application {want['application_id']} spread {got.spread} ≠ {want['spread']}"
            )
    if breakdown != marks:
        apps = [a for a in marks.keys() | breakdown.keys() if breakdown.get(a) != marks.get(a)]
        wrong.append(
            f"{label}: breakdown differs for {len(apps)} applications, e.g. {apps[0]}: "
            f"{breakdown.get(apps[0])} ≠ {marks.get(apps[0])}"
        )
    return wrong


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
        call, counts = await _load(random.Random(SEED))
        if settings.database_kind == "postgres":
            await Score.raw("ANALYZE")
        load_seconds = time.perf_counter() - began
        _say(f"loaded in {load_seconds:.1f} s; timing …")
        runs = _runs()
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
            expected, expected_marks = await _expected(call, aggregation)
            mismatches += _compare(aggregation, ranked, marks, expected, expected_marks)
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
    if not os.environ.get(_GUARD) or os.environ.get("DATABASE_URL") != os.environ[_GUARD]:
        print(f"refusing: {_GUARD} must name the DATABASE_URL the harness created", file=sys.stderr)
        return 2
    Path(argv[1]).write_text(json.dumps(asyncio.run(_child())))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
