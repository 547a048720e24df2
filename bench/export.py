"""(c) CSV export of 100,000 event reports: rows per second and peak memory, on each database.

A child process (`python -m bench.export --child load …`, with the database's environment)
loads 100,000 event reports in bulk into the throwaway database: 2,000 funded projects of 20
calls, 400 schools (some under a municipality merged into another), events held, cancelled or
planned, titles with commas, quotes and Latvian letters; all from random.Random(SEED).

Each measurement then runs in a fresh process of its own, so its peak memory (the kernel's
high-water mark of the process's resident set: ru_maxrss, /proc/PID/status VmHWM) is its own:

- baseline: the export's query without LIMIT, every row fetched into a list of dicts at once,
  as an export that builds the whole file before sending it would;
- grants.reporting.exports.event_csv(), the streaming generator the endpoint returns, written
  to a file, in-process, the way the app calls it;
- GET /api/reports/events.csv from `grants serve` with a staff token, streamed by an httpx
  client to a file: the server process's peak memory, and rows per second as the client sees them.

Every export is checked against the database: the row count, the ids, and the sums of the
participant columns must equal COUNT(*) and SUM() over event_report, or the benchmark fails.
"""

from __future__ import annotations

import asyncio
import csv
import json
import os
import random
import resource
import secrets
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench.databases import Database, grants
from bench.report import Section
from bench.servers import PROJECT_ROOT, grants_server

TITLE = "CSV export of 100,000 event reports"
EVENTS = 100_000
PROJECTS = 2_000
CALLS = 20
SCHOOLS = 400
SEED = 20261124
BATCH = 1_000  # rows per INSERT while loading
TARGET_ROWS_PER_SECOND = 100_000  # the targets
TARGET_PEAK_MB = 150
_GUARD = "BENCH_EXPORT_DATABASE"  # the child writes only into the database the harness made for it
SUMMED = (
    "participants",
    "participants_1_4",
    "participants_5_9",
    "participants_10_12",
    "participants_vocational",
)
COLUMNS = [
    "measurement",
    "rows",
    "seconds",
    "rows/s",
    "× baseline",
    "CPU s",
    "rows per CPU s",
    "peak RSS MB",
    "growth MB",
    "load before/after",
    "target",
]


# ---------------------------------------------------------------- the harness side


def _child(db: Database, mode: str, out: Path) -> dict[str, Any]:
    load = os.getloadavg()[0]
    env = {**db.env, _GUARD: db.env["DATABASE_URL"]}
    code = subprocess.call(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.export", "--child", mode, str(out)],
        env=env,
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        timeout=1800,
    )
    if code != 0:
        raise RuntimeError(f"the export benchmark's {mode} process exited with {code} (its output is above)")
    return json.loads(out.read_text()) | {"load": [load, os.getloadavg()[0]]}


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _over_http(db: Database, console: Console) -> dict[str, Any]:
    """Stream the export from a real server; its memory high-water mark before and after."""
    email, password = "bench-export@bench.grants.lv", secrets.token_urlsafe(18)
    grants(db.env, "createuser", email, "--password", password, "--role", "staff", log=db.tmp / "setup.log")
    out = db.tmp / "export-http.csv"
    load = os.getloadavg()[0]
    with grants_server(db.env, db.tmp / "export-server.log") as server:
        server.start()
        pid = server.proc.pid  # type: ignore[union-attr]
        with httpx.Client(base_url=server.base_url, timeout=600.0, trust_env=False) as client:
            token = client.post("/api/auth/token", json={"email": email, "password": password}).json()[
                "token"
            ]
            headers = {"Authorization": f"Bearer {token}"}
            client.get(
                "/api/reports/events.csv", params={"municipality": "LV-RIX"}, headers=headers
            )  # warm-up
            before_kb, cpu_before = _status_kb(pid, "VmHWM"), server.cpu_seconds()
            began = time.perf_counter()
            with client.stream("GET", "/api/reports/events.csv", headers=headers) as response:
                response.raise_for_status()
                with out.open("wb") as file:
                    for chunk in response.iter_bytes():
                        file.write(chunk)
            seconds = time.perf_counter() - began
            server.check_alive()
            peak_kb, cpu = _status_kb(pid, "VmHWM"), server.cpu_seconds() - cpu_before
    console.print(f"  over HTTP: {seconds:.2f} s, server peak RSS {peak_kb / 1024:.0f} MB")
    return {
        "seconds": seconds,
        "cpu": cpu,
        "peak_kb": peak_kb,
        "before_kb": before_kb,
        "file": str(out),
        "load": [load, os.getloadavg()[0]],
    }


def run(db: Database, console: Console) -> Section:
    console.print(
        f"[bold]{TITLE}[/bold] on {db.label}: loading, then each measurement in a process of its own"
    )
    loaded = _child(db, "load", db.tmp / "export-load.json")
    fetch = _child(db, "fetch", db.tmp / "export-fetch.json")
    stream = _child(db, "export", db.tmp / "export-stream.json")
    http = _over_http(db, console)
    http["check"] = _check(Path(http["file"]), loaded["expected"])
    for name, result in (("baseline", fetch), ("export", stream), ("HTTP", http)):
        if result.get("check"):
            raise RuntimeError(f"{name}: wrong export: {result['check']}")
    return _section(db, loaded, fetch, stream, http)


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}"


def _section(db: Database, loaded: dict, fetch: dict, stream: dict, http: dict) -> Section:
    rows = loaded["expected"]["rows"]
    base_rate = rows / fetch["seconds"]
    table = []
    for label, result, judged in (
        ("baseline: the same query, all rows fetched into memory", fetch, False),
        ("event_csv() streamed to a file, in-process", stream, True),
        ("GET /api/reports/events.csv (server process; client's rate)", http, True),
    ):
        rate = rows / result["seconds"]
        misses = []
        if judged and rate < TARGET_ROWS_PER_SECOND:
            misses.append(f"< {TARGET_ROWS_PER_SECOND:,} rows/s")
        if judged and result["peak_kb"] / 1024 >= TARGET_PEAK_MB:
            misses.append(f"peak ≥ {TARGET_PEAK_MB} MB")
        verdict = ("miss: " + ", ".join(misses) if misses else "pass") if judged else "baseline"
        table.append(
            [
                label,
                f"{rows:,}",
                f"{result['seconds']:.2f}",
                f"{rate:,.0f}",
                f"{rate / base_rate:.2f}",
                f"{result['cpu']:.2f}",
                f"{rows / result['cpu']:,.0f}" if result["cpu"] else "–",
                _mb(result["peak_kb"]),
                _mb(result["peak_kb"] - result["before_kb"]),
                "{:.1f}/{:.1f}".format(*result["load"]),
                verdict,
            ]
        )
    counts = loaded["counts"]
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=table,
        targets=[
            f"≥ {TARGET_ROWS_PER_SECOND:,} rows/s and a peak resident set under {TARGET_PEAK_MB} MB, "
            "for the exporter in-process and for the server process serving the export"
        ],
        notes=[
            f"Data: {counts['events']:,} event reports ({counts['held']:,} held, {counts['cancelled']:,} "
            f"cancelled, {counts['planned']:,} planned) of {PROJECTS:,} projects in {CALLS} calls, "
            f"{SCHOOLS} schools; from random.Random({SEED}); loaded in {loaded['seconds']:.1f} s. "
            f"The CSV is {stream['bytes'] / 1e6:,.1f} MB.",
            "Each row of the table ran in a fresh process: peak RSS is that process's high-water mark "
            "(ru_maxrss; for the server /proc/PID/status VmHWM), the interpreter, Litestar and Piccolo "
            "included; growth is the peak minus the high-water mark just before the export started.",
            f"The exporter reads {stream['batch']:,} rows per query by keyset pagination (id > last "
            "ORDER BY id LIMIT n) and writes each batch before reading the next.",
            "The server and the HTTP client share the machine's cores; CPU s is the server process's "
            "(for the in-process rows, this process's"
            + (
                "; PostgreSQL works in its own processes)."
                if db.kind == "postgres"
                else ", SQLite included)."
            ),
            "Every export was checked: its row count, ids and participant sums equal COUNT(*) and SUM() "
            "over event_report.",
            f"Load: the machine's 1-minute load average before and after each row, on {os.cpu_count()} "
            "cores. Other work on the machine lengthens the wall times (and so cuts rows/s); rows per "
            "CPU second is the exporter's own cost, for the HTTP row the server process's alone.",
        ],
    )


def _check(path: Path, expected: dict[str, Any]) -> str:
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


# ---------------------------------------------------------------- the child processes


def _say(message: str) -> None:
    print(f"  {message}", file=sys.stderr, flush=True)


async def _insert(table: Any, rows: list[dict[str, Any]]) -> list[int]:
    """INSERTs of BATCH rows; the new ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        batch = rows[start : start + BATCH]
        ids += [r["id"] for r in await table.insert(*(table(**row) for row in batch)).returning(table.id)]
    return ids


async def _load(rng: random.Random) -> dict[str, int]:
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
                    "reference": f"BEN-2026-{n + 1:05d}",
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


async def _expected() -> dict[str, Any]:
    from piccolo.query.functions.aggregate import Count, Sum

    from grants.reporting.tables import EventReport

    row = await EventReport.select(
        Count(alias="rows"), *(Sum(getattr(EventReport, key), alias=key) for key in SUMMED)
    ).first()
    return {"rows": row["rows"], "sums": {key: row[key] or 0 for key in SUMMED}}


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
        result["check"] = "" if written == (await _expected())["rows"] else f"fetched {written:,} rows"
    else:
        result["check"] = _check(file, await _expected())
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
            counts = await _load(random.Random(SEED))
            if settings.database_kind == "postgres":
                from grants.reporting.tables import EventReport

                await EventReport.raw("ANALYZE")
            return {"counts": counts, "seconds": time.perf_counter() - began, "expected": await _expected()}
        return await _measure(mode, out)
    finally:
        if pooled:
            await engine().close_connection_pool()


def _main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] != "--child" or argv[1] not in ("load", "fetch", "export"):
        print("Run it through the harness: python -m bench export [--db sqlite|postgres]", file=sys.stderr)
        return 2
    # Loading 100,000 reports into someone's real database would be a bad surprise.
    if not os.environ.get(_GUARD) or os.environ.get("DATABASE_URL") != os.environ[_GUARD]:
        print(f"refusing: {_GUARD} must name the DATABASE_URL the harness created", file=sys.stderr)
        return 2
    Path(argv[2]).write_text(json.dumps(asyncio.run(_main_async(argv[1], Path(argv[2])))))
    return 0


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
