"""(c) CSV export of 100,000 event reports: rows per second and peak memory, on each database.

A child process (`python -m bench.export_child --child load OUT`, with the database's
environment) loads 100,000 event reports in bulk into the throwaway database
(bench/export_data.py): 2,000 funded projects of 20 calls, 400 schools (some under a
municipality merged into another), events held, cancelled or planned, titles with commas,
quotes and Latvian letters; all from random.Random(SEED).

Each measurement then runs in a fresh process of its own, so its peak memory (the kernel's
high-water mark of the process's resident set: ru_maxrss, /proc/PID/status VmHWM) is its own:

- baseline: the export's query without LIMIT, every row fetched into a list of dicts at once,
  as an export that builds the whole file before sending it would;
- event_csv(), the streaming generator the endpoint returns, written to a file,
  in-process, the way the app calls it;
- GET /api/reports/events.csv from `grants serve` with a staff token, streamed by an httpx
  client to a file: the server process's peak memory, and rows per second as the client sees them.

Every export is checked against the database: the row count, the ids, and the sums of the
participant columns must equal COUNT(*) and SUM() over event_report, or the benchmark fails.
This module is the harness side: it starts the children and the server and builds the Section.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from bench.databases import Database, grants
from bench.export_child import GUARD
from bench.export_data import CALLS, PROJECTS, SCHOOLS, SEED, check
from bench.report import Section
from bench.servers import PROJECT_ROOT, grants_server

TITLE = "CSV export of 100,000 event reports"
TARGET_ROWS_PER_SECOND = 100_000  # the targets
TARGET_PEAK_MB = 150
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
    env = {**db.env, GUARD: db.env["DATABASE_URL"]}
    code = subprocess.call(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.export_child", "--child", mode, str(out)],
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
    http["check"] = check(Path(http["file"]), loaded["expected"])
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
