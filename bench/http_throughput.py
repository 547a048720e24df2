"""(a) HTTP throughput and latency of the public calls page and GET /api/calls, 50 concurrent clients.

Each endpoint of the grants server is measured against a bare Litestar
endpoint (bench/bare.py) served the same way in the same run: uvicorn, the
same number of worker processes (BENCH_WORKERS, default 1), on 127.0.0.1. The
measurements alternate in rounds (BENCH_ROUNDS, default 3): bare, each
endpoint, bare, each endpoint, …, bare. Each endpoint's ratio in a round is
against the mean of the bare runs just before and just after it, and the
table gives the median over the rounds, so load that other work puts on the
machine for a while moves the baseline and the endpoint alike. The load comes
from wrk when it is installed (bench/wrk.py; BENCH_LOAD=httpx picks the
asyncio generator).

Besides requests per second, each row has the server's CPU time per request:
on a machine shared with other work it moves much less than throughput does.
"""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass, field

import httpx
from rich.console import Console

from bench import cpu, profile, wrk
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
ENDPOINTS = ["/calls", "/api/calls"]  # the issue's: the public calls page and the calls API
COLUMNS = [
    "endpoint",
    "rounds",
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


def _generator() -> str:
    choice = os.environ.get("BENCH_LOAD", "").strip() or ("wrk" if wrk.available() else "httpx")
    if choice not in {"wrk", "httpx"}:
        raise ValueError(f"BENCH_LOAD must be wrk or httpx, not {choice!r}")
    if choice == "wrk" and not wrk.available():
        raise RuntimeError("BENCH_LOAD=wrk, but wrk is not installed (Debian: apt-get install wrk)")
    return choice


def _workers() -> int:
    raw = os.environ.get("BENCH_WORKERS", "").strip() or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= 16:
        raise ValueError(f"BENCH_WORKERS must be a whole number from 1 to 16, not {raw!r}")
    return int(raw)


def _measure(
    console: Console, server: Server, path: str, meters: Meters, seconds: float, warmup: float, generator: str
) -> Load:
    console.print(f"  GET {path} on {server.name} … ", end="")
    url = server.base_url + path
    if generator == "wrk":
        load = wrk.run_wrk(url, seconds, warmup, CONCURRENCY, meters)
    else:
        load = asyncio.run(run_load(url, seconds, warmup, CONCURRENCY, meters))
    server.check_alive()
    console.print(f"{load.rps:,.0f} req/s, p99 {load.percentile_ms(99):.1f} ms, {load.errors} errors")
    time.sleep(0.5)  # let the last connections close before the next row
    return load


@dataclass
class Rounds:
    """One endpoint's loads, a round each, with each round's bare baseline (req/s, CPU ms/req)."""

    loads: list[Load] = field(default_factory=list)
    baselines: list[tuple[float, float]] = field(default_factory=list)

    def median(self, value: Callable[[Load, tuple[float, float]], float]) -> float:
        return statistics.median(
            value(load, base) for load, base in zip(self.loads, self.baselines, strict=True)
        )

    @property
    def ratio(self) -> float:
        return self.median(lambda load, base: load.rps / base[0] if base[0] else math.nan)

    @property
    def p99(self) -> float:
        return self.median(lambda load, _: load.percentile_ms(99))


def _verdict(rounds: Rounds) -> str:
    misses = []
    if not rounds.ratio >= MIN_RATIO:
        misses.append(f"throughput {rounds.ratio:.2f}× < {MIN_RATIO}×")
    if not rounds.p99 < MAX_P99_MS:
        misses.append(f"p99 ≥ {MAX_P99_MS:.0f} ms")
    if sum(load.errors for load in rounds.loads):
        misses.append("errors")
    return "miss: " + ", ".join(misses) if misses else "pass"


def _row(label: str, rounds: Rounds, verdict: str) -> list[str]:
    shares = "/".join(
        f"{rounds.median(lambda load, _, n=name: load.cpu.get(n, 0.0)):.0%}".rstrip("%")
        if name in rounds.loads[0].cpu
        else "–"
        for name in ("server", "client", "db", "other")
    )
    errors = Counter[str]()
    for load in rounds.loads:
        errors.update(load.error_kinds)
    cpu_ms = rounds.median(lambda load, _: load.cpu_ms_per_request("server"))
    return [
        label,
        f"{len(rounds.loads)}",
        f"{sum(load.requests for load in rounds.loads):,}",
        f"{rounds.median(lambda load, _: load.rps):,.0f}",
        f"{rounds.ratio:.2f}",
        f"{rounds.median(lambda load, _: load.percentile_ms(50)):.1f}",
        f"{rounds.p99:.1f}",
        f"{sum(errors.values())}"
        + (f" ({', '.join(f'{k}: {n}' for k, n in errors.items())})" if errors else ""),
        f"{cpu_ms:.2f}",
        f"{rounds.median(lambda load, base: load.cpu_ms_per_request('server') / base[1]):.1f}",
        shares,
        verdict,
    ]


def run(db: Database, console: Console) -> Section:
    seconds = _seconds("BENCH_SECONDS", 5.0, 300.0)
    warmup = _seconds("BENCH_WARMUP", 1.0, 60.0)
    count = int(_seconds("BENCH_ROUNDS", 3, 20))
    generator, workers = _generator(), _workers()
    logs = db.tmp / "logs"
    logs.mkdir(exist_ok=True)
    console.print(
        f"[bold]{TITLE}[/bold] on {db.label}: {count} rounds, {seconds:g} s per run after {warmup:g} s "
        f"warm-up, load from {generator}, {workers} worker(s) per server"
    )
    with ExitStack() as stack:
        bare = stack.enter_context(bare_server(db.env, logs / "bare.log", workers))
        grants = stack.enter_context(grants_server(db.env, logs / "grants.log", workers))
        bare.start()
        grants.start()
        for path in ENDPOINTS:  # each endpoint answers 2xx before any load is put on it
            _check_once(grants, path)
        database: Meters = {"db": lambda: cpu.named_seconds("postgres")} if db.kind == "postgres" else {}
        bare_meters: Meters = {"server": bare.cpu_seconds, **database}
        grants_meters: Meters = {"server": grants.cpu_seconds, **database}
        bares = [_measure(console, bare, "/", bare_meters, seconds, warmup, generator)]
        measured: dict[str, list[Load]] = {path: [] for path in ENDPOINTS}
        for _ in range(count):
            for path in ENDPOINTS:
                measured[path].append(
                    _measure(console, grants, path, grants_meters, seconds, warmup, generator)
                )
            bares.append(_measure(console, bare, "/", bare_meters, seconds, warmup, generator))
        profiles = _profiles(console, grants, workers, generator)

    def base(runs: list[Load]) -> tuple[float, float]:
        return (
            statistics.fmean(load.rps for load in runs),
            statistics.fmean(load.cpu_ms_per_request("server") for load in runs),
        )

    around = [base([before, after]) for before, after in zip(bares, bares[1:], strict=False)]
    rows = [
        _row(
            f"bare Litestar GET / ({len(bares)} runs around the rounds)",
            Rounds(bares, [base(bares)] * len(bares)),
            "baseline",
        )
    ]
    for path in ENDPOINTS:
        rounds = Rounds(measured[path], around)
        rows.append(_row(f"GET {path}", rounds, _verdict(rounds)))
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=rows,
        targets=[
            f"throughput ≥ {MIN_RATIO} × the bare endpoint's and p99 < {MAX_P99_MS:.0f} ms "
            "(each the median over the rounds), no errors"
        ],
        notes=_notes(
            db, seconds, warmup, generator, workers, bares, [x for v in measured.values() for x in v]
        )
        + profiles,
    )


def _profiles(console: Console, server: Server, workers: int, generator: str) -> list[str]:
    """A py-spy profile of the grants server under the same load, one per endpoint, as notes."""
    seconds = _seconds("BENCH_PROFILE_SECONDS", 5.0, 60.0)
    if os.environ.get("BENCH_PROFILE", "1").strip() in {"0", "no", "false"}:
        return []
    if workers != 1 or server.proc is None:
        return ["No profile: it samples one server process, and this run had several workers."]
    notes = []
    for path in ENDPOINTS:
        console.print(f"  profiling GET {path} on {server.name} for {seconds:g} s:")
        with ThreadPoolExecutor(max_workers=1) as pool:
            sampled = pool.submit(profile.record, server.proc.pid, seconds)
            _measure(console, server, path, {}, seconds + 1, 0, generator)  # load for the whole sampling
            result, why = sampled.result()
        if result is None:
            return [f"No profile: {why}."]
        notes.append(
            f"Profile of GET {path} under the same load (py-spy, {result.samples:,} samples of the thread "
            f"holding the GIL): {result.kinds_text()}. Innermost functions: {result.top_text()}."
        )
    return notes


def _notes(
    db: Database,
    seconds: float,
    warmup: float,
    generator: str,
    workers: int,
    bares: list[Load],
    loads: list[Load],
) -> list[str]:
    client = (
        f"wrk (one thread, {CONCURRENCY} connections)"
        if generator == "wrk"
        else f"{CONCURRENCY} asyncio workers in one process, each with an httpx client of its own"
    )
    spread = sorted(load.rps for load in bares)
    notes = [
        f"The load generator ({client}), the server under test"
        f"{' and PostgreSQL' if db.kind == 'postgres' else ''} "
        f"share {cores()} CPU cores, with whatever else runs on the machine.",
        f"Both servers: uvicorn, {workers} worker process{'es' if workers > 1 else ''}, 127.0.0.1, "
        "keep-alive, log level info (access log on); "
        f"{seconds:g} s measured per run after {warmup:g} s warm-up; clients keep no cookies, so every "
        "request is a first visit (no session; the page sets a CSRF cookie each time).",
        "req/s, × bare, p50, p99, CPU: the median over the rounds; × bare of a round is against the mean "
        f"of the bare runs just before and after it (the bare runs answered {spread[0]:,.0f} to "
        f"{spread[-1]:,.0f} req/s). "
        "req/s counts 2xx answers; errors are non-2xx answers and failed requests; p50/p99 are measured "
        + (
            "by wrk over all answers (equal to the 2xx ones when there are no errors)."
            if generator == "wrk"
            else "by the client over the 2xx answers."
        ),
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
