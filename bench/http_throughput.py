"""(a) HTTP throughput and latency of the public pages under 50 concurrent clients.

Each endpoint of the grants server is measured against a bare Litestar
endpoint (bench/bare.py) served the same way in the same run: uvicorn, one
worker, on 127.0.0.1. The baseline is measured first and again last; ratios
are against the mean of the two, and the second run shows the drift.

Besides requests per second, each row has the server's CPU time per request:
on a machine shared with other work it moves much less than throughput does.
"""

from __future__ import annotations

import asyncio
import os
import time
from contextlib import ExitStack

import httpx
from rich.console import Console

from bench import cpu
from bench.databases import Database
from bench.load import Load, Meters, run_load
from bench.machine import cores
from bench.report import Section
from bench.servers import Server, bare_server, grants_server

TITLE = "HTTP throughput and latency, 50 concurrent clients"
CONCURRENCY = 50
MIN_RATIO = 0.5  # the targets
MAX_P99_MS = 100.0
CLIENT_BOUND = 0.9  # the load generator's share of a core from which it, not the server, limits
ENDPOINTS = [
    "/",
    "/api/registry/municipalities",
    "/api/registry/schools?municipality=LV-016",
]
COLUMNS = [
    "endpoint",
    "requests",
    "req/s",
    "× bare",
    "p50 ms",
    "p99 ms",
    "errors",
    "server CPU ms/req",
    "CPU/req × bare",
    "CPU % server/client/db/other",
    "target",
]


def _seconds(name: str, default: float, most: float) -> float:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    value = float(raw)
    if not 0 < value <= most:
        raise ValueError(f"{name} must be more than 0 and at most {most:g}, not {raw!r}")
    return value


def _check_once(server: Server, path: str) -> None:
    response = httpx.get(server.base_url + path, timeout=10.0, trust_env=False)
    if not 200 <= response.status_code < 300:
        raise RuntimeError(f"GET {path} answered {response.status_code}:\n{server.log_tail()}")


def _measure(
    console: Console, server: Server, path: str, meters: Meters, seconds: float, warmup: float
) -> Load:
    console.print(f"  GET {path} on {server.name} … ", end="")
    load = asyncio.run(run_load(server.base_url + path, seconds, warmup, CONCURRENCY, meters))
    server.check_alive()
    console.print(f"{load.rps:,.0f} req/s, p99 {load.percentile_ms(99):.1f} ms, {load.errors} errors")
    time.sleep(0.5)  # let the last connections close before the next row
    return load


def _verdict(load: Load, baseline_rps: float) -> str:
    misses = []
    if load.rps < MIN_RATIO * baseline_rps:
        misses.append(f"throughput {load.rps / baseline_rps:.2f}× < {MIN_RATIO}×")
    if not load.percentile_ms(99) < MAX_P99_MS:
        misses.append(f"p99 ≥ {MAX_P99_MS:.0f} ms")
    if load.errors:
        misses.append("errors")
    return "miss: " + ", ".join(misses) if misses else "pass"


def _row(label: str, load: Load, baseline: tuple[float, float], verdict: str) -> list[str]:
    rps, cpu_ms = baseline
    shares = "/".join(
        f"{load.cpu[name]:.0%}".rstrip("%") if name in load.cpu else "–"
        for name in ("server", "client", "db", "other")
    )
    errors = f"{load.errors}" + (
        f" ({', '.join(f'{k}: {n}' for k, n in load.error_kinds.items())})" if load.error_kinds else ""
    )
    return [
        label,
        f"{load.requests:,}",
        f"{load.rps:,.0f}",
        f"{load.rps / rps:.2f}" if rps else "–",
        f"{load.percentile_ms(50):.1f}",
        f"{load.percentile_ms(99):.1f}",
        errors,
        f"{load.cpu_ms_per_request('server'):.2f}",
        f"{load.cpu_ms_per_request('server') / cpu_ms:.1f}" if cpu_ms else "–",
        shares,
        verdict,
    ]


def run(db: Database, console: Console) -> Section:
    seconds = _seconds("BENCH_SECONDS", 5.0, 300.0)
    warmup = _seconds("BENCH_WARMUP", 1.0, 60.0)
    logs = db.tmp / "logs"
    logs.mkdir(exist_ok=True)
    console.print(f"[bold]{TITLE}[/bold] on {db.label}: {seconds:g} s per row after {warmup:g} s warm-up")
    with ExitStack() as stack:
        bare = stack.enter_context(bare_server(db.env, logs / "bare.log"))
        grants = stack.enter_context(grants_server(db.env, logs / "grants.log"))
        bare.start()
        grants.start()
        for path in ENDPOINTS:  # each endpoint answers 2xx before any load is put on it
            _check_once(grants, path)
        database: Meters = {"db": lambda: cpu.named_seconds("postgres")} if db.kind == "postgres" else {}
        bare_meters: Meters = {"server": bare.cpu_seconds, **database}
        grants_meters: Meters = {"server": grants.cpu_seconds, **database}
        first = _measure(console, bare, "/", bare_meters, seconds, warmup)
        loads = [
            (path, _measure(console, grants, path, grants_meters, seconds, warmup)) for path in ENDPOINTS
        ]
        last = _measure(console, bare, "/", bare_meters, seconds, warmup)
    baseline = (
        (first.rps + last.rps) / 2,
        (first.cpu_ms_per_request("server") + last.cpu_ms_per_request("server")) / 2,
    )
    rows = [_row("bare Litestar GET / (first)", first, baseline, "baseline")]
    rows += [_row(f"GET {path}", load, baseline, _verdict(load, baseline[0])) for path, load in loads]
    rows.append(_row("bare Litestar GET / (again)", last, baseline, "baseline"))
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=rows,
        targets=[
            f"throughput ≥ {MIN_RATIO} × the bare endpoint's (the mean of its two runs), "
            f"p99 < {MAX_P99_MS:.0f} ms, no errors"
        ],
        notes=_notes(db, seconds, warmup, [first, last], [load for _, load in loads]),
    )


def _notes(db: Database, seconds: float, warmup: float, bares: list[Load], loads: list[Load]) -> list[str]:
    notes = [
        f"The load generator ({CONCURRENCY} asyncio workers in one process, each with an httpx client "
        f"of its own), the server under test{' and PostgreSQL' if db.kind == 'postgres' else ''} "
        f"share {cores()} CPU cores, with whatever else runs on the machine.",
        "Both servers: uvicorn, one worker, 127.0.0.1, keep-alive, log level info (access log on); "
        f"{seconds:g} s measured per row after {warmup:g} s warm-up; clients keep no cookies.",
        "req/s counts 2xx answers; errors are non-2xx answers and failed requests; "
        "p50/p99 are over the 2xx answers, measured by the client.",
        f"With {CONCURRENCY} clients in a closed loop, mean latency ≈ {CONCURRENCY} / throughput, so "
        f"p99 < {MAX_P99_MS:.0f} ms needs well over {CONCURRENCY * 1000 / MAX_P99_MS:.0f} req/s.",
        "CPU %: the server process's, the load generator's, PostgreSQL's (all its processes) and "
        "every other process's CPU time over the measured time, 100 = one core.",
    ]
    if max(load.cpu.get("client", 0.0) for load in bares) >= CLIENT_BOUND:
        notes.append(
            "The load generator used a whole core on the baseline, so the bare server could answer more "
            "than measured: the × bare throughput ratios flatter the grants server (upper bounds); "
            "CPU/req × bare does not depend on that."
        )
    if max(load.cpu.get("other", 0.0) for load in [*bares, *loads]) >= 0.2:
        notes.append(
            "Other processes used a noticeable share of the CPU during some rows (CPU % other): "
            "their req/s and latency may be low; CPU/req is less affected. Run again on a quiet machine."
        )
    return notes
