"""(d) Peak memory growth of the server while it receives a 25 MB upload.

A `grants serve` process (one uvicorn worker, as deployed) takes an
applicant's 25 MB PDF through POST /api/applications/{id}/attachments, on local
storage and on S3 (moto's server in a process of its own). Measured is the
server process's resident memory: the kernel's own peak (VmHWM), reset just
before the upload through /proc/PID/clear_refs, against VmRSS just before it.
That counts everything the process touches for the upload (Python objects,
the multipart parser's and the sockets' buffers, boto3's part buffers, thread
stacks), not only what tracemalloc sees of Python's allocations, and it misses
no short spike as sampling could. Where the peak cannot be reset (not our
process, an old kernel) the module samples VmRSS every 2 ms instead and says so.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
from rich.console import Console

from bench import api
from bench.databases import Database
from bench.report import Section
from bench.servers import Server, grants_server, moto_server

TITLE = "Peak memory growth of a 25 MB upload"
SIZE = 25 * 1024 * 1024
MAX_GROWTH = 30 * 1024 * 1024  # the target
RUNS = 3  # uploads of 25 MB one after another; the first is the one a fresh process sees
WARMUP_SIZE = 64 * 1024  # one small upload first, so imports and first-use set-up are not counted
S3_BUCKET = "grants-bench"
S3_REGION = "eu-north-1"
COLUMNS = ["upload", "storage", "RSS before MB", "peak growth MB", "× file size", "MB/s", "stored", "target"]


def _status_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"/proc/{pid}/status has no {field}")


def _reset_peak(pid: int) -> bool:
    """Make VmHWM start again from the current RSS (Linux: "5" > clear_refs)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return _status_kib(pid, "VmHWM") <= _status_kib(pid, "VmRSS") + 64


class _Sampler:
    """The highest VmRSS seen every 2 ms, where the kernel's peak cannot be reset."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, _status_kib(self.pid, "VmRSS"))
            time.sleep(0.002)

    def __enter__(self) -> _Sampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Upload:
    label: str
    rss_before: int  # KiB
    growth: int  # KiB
    seconds: float
    stored: bool


async def _upload(client: httpx.AsyncClient, application_id: int, headers: dict[str, str], size: int) -> bool:
    """Send the PDF; True when the server stored exactly these bytes."""
    boundary = "bench" + hashlib.sha256(str(size).encode()).hexdigest()[:24]
    length, body = api.pdf_body(size, boundary)
    response = await client.post(
        f"/api/applications/{application_id}/attachments",
        headers=headers
        | {"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(length)},
        content=body,
    )
    stored = api.expect(response, 201)
    return stored["size"] == size and stored["sha256"] == api.pdf_sha256(size)


async def _measure(server: Server, storage: str) -> tuple[list[Upload], str]:
    pid = server.proc.pid if server.proc else 0
    async with httpx.AsyncClient(base_url=server.base_url, timeout=api.TIMEOUT, trust_env=False) as client:
        applicant = await api.register(client, "upload")
        call = await api.open_call(client)
        draft = api.expect(
            await client.post(
                f"/api/calls/{call['id']}/applications", json={"title": "Upload"}, headers=applicant.headers
            ),
            201,
        )
        if not await _upload(client, draft["id"], applicant.headers, WARMUP_SIZE):
            raise RuntimeError("the warm-up upload was not stored as sent")
        await asyncio.sleep(0.2)
        uploads: list[Upload] = []
        method = "VmHWM reset through /proc/PID/clear_refs"
        for run in range(1, RUNS + 1):
            before = _status_kib(pid, "VmRSS")
            exact = _reset_peak(pid)
            start = time.perf_counter()
            if exact:
                stored = await _upload(client, draft["id"], applicant.headers, SIZE)
                peak = _status_kib(pid, "VmHWM")
            else:
                method = "VmRSS sampled every 2 ms (the peak could not be reset)"
                with _Sampler(pid) as sampler:
                    stored = await _upload(client, draft["id"], applicant.headers, SIZE)
                peak = sampler.peak
            seconds = time.perf_counter() - start
            label = f"25 MB upload {run}" + (" (first)" if run == 1 else "")
            uploads.append(Upload(label, before, max(0, peak - before), seconds, stored))
            server.check_alive()
            await asyncio.sleep(0.2)
    return uploads, method


def _row(upload: Upload, storage: str) -> list[str]:
    growth = upload.growth * 1024
    misses = []
    if growth >= MAX_GROWTH:
        misses.append(f"growth ≥ {MAX_GROWTH // 2**20} MB")
    if not upload.stored:
        misses.append("not stored as sent")
    return [
        upload.label,
        storage,
        f"{upload.rss_before / 1024:.1f}",
        f"{growth / 2**20:.1f}",
        f"{growth / SIZE:.2f}",
        f"{SIZE / 2**20 / upload.seconds:.0f}",
        "yes, size and SHA-256" if upload.stored else "NO",
        "miss: " + ", ".join(misses) if misses else "pass",
    ]


def _s3_env(db: Database, endpoint: str) -> dict[str, str]:
    import boto3

    boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=S3_REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",  # noqa: S106 - moto's
    ).create_bucket(Bucket=S3_BUCKET, CreateBucketConfiguration={"LocationConstraint": S3_REGION})
    return {
        "STORAGE_URL": f"s3://{S3_BUCKET}",
        "S3_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": S3_REGION,
    }


def run(db: Database, console: Console) -> Section:
    logs = db.tmp / "logs"
    logs.mkdir(exist_ok=True)
    console.print(f"[bold]{TITLE}[/bold] on {db.label}: {RUNS} uploads of 25 MB after a small one")
    env = db.env | {"UPLOAD_MAX_BYTES": str(SIZE + 1024 * 1024)}
    rows: list[list[str]] = []
    methods: set[str] = set()
    skipped: list[str] = []
    for storage in ("local files", "S3 (moto server)"):
        with ExitStack() as stack:
            server_env = env
            if storage.startswith("S3"):
                try:
                    moto = stack.enter_context(moto_server(db.env, logs / "moto.log"))
                    moto.start(ready_path="/moto-api/")
                except Exception as exc:  # moto[server] missing or not starting: say so, measure the rest
                    skipped.append(f"S3 was not measured: moto's server did not start ({exc})")
                    continue
                server_env = env | _s3_env(db, moto.base_url)
            server = stack.enter_context(grants_server(server_env, logs / f"upload-{len(rows)}.log"))
            server.start()
            uploads, method = asyncio.run(_measure(server, storage))
            methods.add(method)
        for upload in uploads:
            console.print(
                f"  {upload.label} to {storage}: +{upload.growth / 1024:.1f} MB, "
                f"{'stored' if upload.stored else 'NOT stored as sent'}"
            )
            rows.append(_row(upload, storage))
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=rows,
        targets=[
            f"peak growth of the server's memory < {MAX_GROWTH // 2**20} MB per 25 MB upload, every upload"
        ],
        notes=[
            f"Server: `grants serve`, one uvicorn worker, UPLOAD_MAX_BYTES 26 MB; the client streams a "
            f"{SIZE // 2**20} MB PDF as multipart/form-data with a Content-Length over loopback to "
            "POST /api/applications/{id}/attachments with an applicant's bearer token.",
            f"Memory: the server process's resident set; peak by {' / '.join(sorted(methods)) or '–'}, "
            "growth = peak − VmRSS just before the upload. × file size is that growth over the 25 MB.",
            f"One upload of {WARMUP_SIZE // 1024} KB first, so the first use of the code paths is not "
            "counted; upload 1 is then the first large one the process sees, 2 and 3 show whether "
            "memory stays put.",
            "stored: the answer's size and SHA-256 equal the bytes sent.",
            *skipped,
        ],
    )
