"""The load generator in C: wrk (Debian's package), when it is installed.

The asyncio httpx generator (bench/load.py) needs a whole core for about
1,500 requests a second, so on this 2-core machine it, not the bare server,
sets the baseline, and every ratio against that baseline flatters the grants
server. wrk needs a fraction of that, so the servers are measured, not the
client. Same shape of load: CONCURRENCY keep-alive connections, each sending
its next request as soon as the answer is read, no cookies, a warm-up first.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench import cpu
from bench.load import REQUEST_TIMEOUT, Load, Meters, check_loopback

# wrk calls done() once at the end: the counts and the latency percentiles as one JSON line.
_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'bench-json {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, ' ..
    '"status": %d, "timeout": %d, "p50_us": %d, "p99_us": %d}\\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
"""


def available() -> str | None:
    return shutil.which("wrk")


def _phase(url: str, seconds: float, concurrency: int, meters: Meters, script: Path) -> Load:
    argv = [
        available() or "wrk",
        "-t1",
        f"-c{concurrency}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={REQUEST_TIMEOUT:g}s",
        "-s",
        str(script),
        url,
    ]
    before = {name: meter() for name, meter in meters.items()}
    machine0, start = cpu.machine_seconds(), time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # noqa: S603
    client_seconds = 0.0
    while proc.poll() is None:  # wrk's CPU time, read while it still runs (it is gone afterwards)
        client_seconds = cpu.process_seconds(proc.pid) or client_seconds
        time.sleep(0.05)
    output = proc.stdout.read() if proc.stdout else ""
    elapsed = time.perf_counter() - start
    used = {name: meter() - before[name] for name, meter in meters.items()}
    used["client"] = client_seconds
    used["other"] = max(0.0, cpu.machine_seconds() - machine0 - sum(used.values()))
    line = next((x for x in output.splitlines() if x.startswith("bench-json ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{output[-2000:]}")
    report = json.loads(line.removeprefix("bench-json "))
    load = Load(url)
    load.seconds = report["duration_us"] / 1e6 or elapsed
    kinds = {k: report[k] for k in ("connect", "read", "write", "timeout") if report[k]}
    if report["status"]:
        kinds["HTTP ≥ 400"] = report["status"]
    load.errors = sum(kinds.values())
    load.ok = report["requests"] - report["status"]  # wrk counts failed reads etc. outside requests
    load.error_kinds.update(kinds)
    load.given_percentiles = {50.0: report["p50_us"] / 1000, 99.0: report["p99_us"] / 1000}
    load.cpu = {name: value / load.seconds for name, value in used.items()}
    return load


def run_wrk(url: str, seconds: float, warmup: float, concurrency: int, meters: Meters) -> Load:
    """Warm up for `warmup` seconds (at least one), then measure for `seconds`."""
    check_loopback(url)
    with tempfile.TemporaryDirectory(prefix="grants-bench-wrk-") as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(_REPORT)
        if warmup > 0:
            _phase(url, warmup, concurrency, meters, script)
        return _phase(url, seconds, concurrency, meters, script)
