"""The load generator: a pool of asyncio workers, each with an httpx client of its own.

Each worker sends one request at a time and the next as soon as the answer is
read (a closed loop), over its own keep-alive connection, for a warm-up and
then for a fixed time. One client per worker, not one shared client: httpcore's
connection pool looks at every connection for every request, which at 50
connections costs more CPU than the requests. Clients keep no cookies, so
every request is a first visit.
Bounded: loopback URLs only, a cap on the requests of a phase, a timeout per
request and a hard limit on each phase.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from urllib.parse import urlparse

import httpx

from bench import cpu

MAX_REQUESTS = 2_000_000  # per phase; far above what one server answers in 300 s (BENCH_SECONDS at most)
REQUEST_TIMEOUT = 10.0


Meters = dict[str, Callable[[], float]]  # name -> CPU seconds used so far, e.g. {"server": ...}


@dataclass
class Load:
    url: str
    seconds: float = 0.0
    ok: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests only
    error_kinds: Counter[str] = field(default_factory=Counter)
    # Share of one core used while measuring: each meter's, "client" (this process) and
    # "other" (every other process on the machine).
    cpu: dict[str, float] = field(default_factory=dict)
    # Percentile -> milliseconds, where the generator reports percentiles, not each latency (wrk).
    given_percentiles: dict[float, float] = field(default_factory=dict)

    @property
    def requests(self) -> int:
        return self.ok + self.errors

    @property
    def rps(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def cpu_ms_per_request(self, meter: str) -> float:
        return self.cpu.get(meter, 0.0) * 1000 / self.rps if self.rps else math.nan

    def percentile_ms(self, p: float) -> float:
        """Nearest-rank percentile of the successful requests' latency, in milliseconds."""
        if p in self.given_percentiles:
            return self.given_percentiles[p]
        if not self.latencies:
            return math.nan
        ordered = sorted(self.latencies)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1] * 1000


def check_loopback(url: str) -> None:
    host = urlparse(url).hostname
    if host not in {"127.0.0.1", "::1", "localhost"}:
        raise ValueError(f"the load generator only targets loopback, not {host!r}")


async def _worker(client: httpx.AsyncClient, load: Load, stop_at: float) -> None:
    clock = time.perf_counter
    while clock() < stop_at and load.requests < MAX_REQUESTS:
        start = clock()
        try:
            response = await client.get(load.url)
        except httpx.HTTPError as exc:
            load.errors += 1
            load.error_kinds[type(exc).__name__] += 1
            continue
        if 200 <= response.status_code < 300:
            load.ok += 1
            load.latencies.append(clock() - start)
        else:
            load.errors += 1
            load.error_kinds[f"HTTP {response.status_code}"] += 1


async def _phase(clients: list[httpx.AsyncClient], url: str, seconds: float, meters: Meters) -> Load:
    load = Load(url)
    meters = {**meters, "client": time.process_time}
    before = {name: meter() for name, meter in meters.items()}
    machine0, start = cpu.machine_seconds(), time.perf_counter()
    workers = [asyncio.create_task(_worker(client, load, start + seconds)) for client in clients]
    _, late = await asyncio.wait(workers, timeout=seconds + REQUEST_TIMEOUT + 5)
    for worker in late:  # past the hard limit: stop them and say so
        worker.cancel()
        load.error_kinds["phase hard limit"] += 1
    for worker in workers:
        if not worker.cancelled() and worker.done() and worker.exception():
            raise worker.exception()  # type: ignore[misc]
    load.seconds = time.perf_counter() - start
    used = {name: meter() - before[name] for name, meter in meters.items()}
    used["other"] = max(0.0, cpu.machine_seconds() - machine0 - sum(used.values()))
    load.cpu = {name: seconds_used / load.seconds for name, seconds_used in used.items()}
    return load


async def run_load(url: str, seconds: float, warmup: float, concurrency: int, meters: Meters) -> Load:
    """Warm up for `warmup` seconds, then measure for `seconds` with the same connections."""
    check_loopback(url)
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    async with AsyncExitStack() as stack:
        clients = [
            await stack.enter_async_context(
                httpx.AsyncClient(
                    limits=limits,
                    timeout=REQUEST_TIMEOUT,
                    trust_env=False,
                    cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
                )
            )
            for _ in range(concurrency)
        ]
        if warmup > 0:
            await _phase(clients, url, warmup, meters)
        return await _phase(clients, url, seconds, meters)
