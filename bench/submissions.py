"""(e) 200 organisations submit at the same moment: errors and lost submissions.

Against a served process (`grants serve`, one uvicorn worker), 200
organisations, each with its own connection and bearer token, start together
and each goes draft → fill → submit in the demo's open call. Afterwards every
application is read back: a submission is lost when the server answered 200
but the application is not stored as submitted and complete; any other
disagreement between the answers and what is stored (submitted without a 200,
a half-written application) is counted too. The baseline is one organisation
doing the same alone, measured in the same run.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
from rich.console import Console

from bench import api
from bench.databases import Database
from bench.report import Section
from bench.servers import Server, grants_server

TITLE = "200 concurrent submissions"
ORGANISATIONS = 200
BASELINE_RUNS = 5
SETUP_CONCURRENCY = 8
COLUMNS = [
    "measurement",
    "organisations",
    "submitted (200)",
    "errors",
    "lost",
    "other disagreements",
    "wall s",
    "submit p50 ms",
    "submit p99 ms",
    "journey p50 × alone",
    "server CPU ms/journey",
    "target",
]


@dataclass
class Journey:
    """One organisation's draft → fill → submit, as its answers said."""

    application_id: int | None = None
    submitted: bool = False  # the submit answered 200
    error: str | None = None  # the first step that failed, and how
    seconds: float = 0.0
    submit_seconds: float = 0.0


@dataclass
class Outcome:
    journeys: list[Journey]
    wall: float
    cpu_seconds: float
    lost: int = 0
    disagreements: Counter[str] = field(default_factory=Counter)

    @property
    def errors(self) -> Counter[str]:
        return Counter(j.error for j in self.journeys if j.error)


async def _journey(
    client: httpx.AsyncClient, applicant: api.Applicant, call: dict[str, Any], body: dict[str, Any]
) -> Journey:
    journey = Journey()
    start = time.perf_counter()
    steps = (
        ("draft", "POST", f"/api/calls/{call['id']}/applications", {"title": body["title"]}, 201),
        ("fill", "PATCH", "/api/applications/{id}", body, 200),
        ("submit", "POST", "/api/applications/{id}/submit", None, 200),
    )
    for name, method, path, payload, status in steps:
        step_start = time.perf_counter()
        try:
            response = await client.request(
                method, path.format(id=journey.application_id), json=payload, headers=applicant.headers
            )
        except httpx.HTTPError as exc:
            journey.error = f"{name}: {type(exc).__name__}"
            break
        if response.status_code != status:
            journey.error = f"{name}: HTTP {response.status_code}"
            break
        if name == "draft":
            journey.application_id = response.json()["id"]
        if name == "submit":
            journey.submitted = True
            journey.submit_seconds = time.perf_counter() - step_start
    journey.seconds = time.perf_counter() - start
    return journey


async def _check(
    client: httpx.AsyncClient, applicant: api.Applicant, journey: Journey, call: dict[str, Any]
) -> tuple[bool, str | None]:
    """(lost, disagreement): how the stored application compares with what the answers said."""
    if journey.application_id is None:
        mine = api.expect(await client.get("/api/applications", headers=applicant.headers), 200)
        if mine:
            return False, "a draft was stored though its creation failed"
        return False, None
    stored = api.expect(
        await client.get(f"/api/applications/{journey.application_id}", headers=applicant.headers), 200
    )
    complete = (
        len(stored["budget_lines"]) == 3
        and len(stored["planned_events"]) == 1
        and stored["requested_amount"] == call["max_amount"]
    )
    if journey.submitted:
        if stored["status"] != "submitted":
            return True, None
        if not complete:
            return True, None  # stored as submitted, but not whole: lost all the same
        return False, None
    if stored["status"] == "submitted":
        return False, "submitted without a 200 answer"
    half = (stored["budget_lines"] or stored["planned_events"]) and not complete
    if journey.error and journey.error.startswith("fill") and half:
        return False, "a failed fill left part of its lines"
    return False, None


async def _setup(server: Server, count: int) -> tuple[list[api.Applicant], dict[str, Any], dict[str, Any]]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=api.TIMEOUT, trust_env=False) as client:
        call = await api.open_call(client)
        body = api.application_body(call, await api.school_in(client, call["municipality"]["code"]))
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def one(n: int) -> api.Applicant:
            async with gate:
                return await api.register(client, f"org{n}")

        applicants = await asyncio.gather(*(one(n) for n in range(count)))
    return list(applicants), call, body


async def _run(
    server: Server, applicants: list[api.Applicant], call: dict[str, Any], body: dict[str, Any]
) -> Outcome:
    """All journeys at once, each over a connection of its own, then every one checked."""
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    clients = [
        httpx.AsyncClient(base_url=server.base_url, timeout=api.TIMEOUT, trust_env=False, limits=limits)
        for _ in applicants
    ]
    try:
        go = asyncio.Event()

        async def started(client: httpx.AsyncClient, applicant: api.Applicant) -> Journey:
            await go.wait()
            return await _journey(client, applicant, call, body)

        tasks = [asyncio.create_task(started(c, a)) for c, a in zip(clients, applicants, strict=True)]
        await asyncio.sleep(0.1)  # every task is waiting at the gate
        cpu0, start = server.cpu_seconds(), time.perf_counter()
        go.set()
        journeys = await asyncio.gather(*tasks)
        outcome = Outcome(list(journeys), time.perf_counter() - start, server.cpu_seconds() - cpu0)
        server.check_alive()
    finally:
        await asyncio.gather(*(c.aclose() for c in clients))
    # Read back over fresh connections: the journeys' ones may have idled past the keep-alive time.
    async with httpx.AsyncClient(base_url=server.base_url, timeout=api.TIMEOUT, trust_env=False) as client:
        gate = asyncio.Semaphore(SETUP_CONCURRENCY)

        async def check(applicant: api.Applicant, journey: Journey) -> tuple[bool, str | None]:
            async with gate:
                return await _check(client, applicant, journey, call)

        checks = await asyncio.gather(*(check(a, j) for a, j in zip(applicants, journeys, strict=True)))
    outcome.lost = sum(lost for lost, _ in checks)
    outcome.disagreements = Counter(kind for _, kind in checks if kind)
    return outcome


def _ms(values: list[float], p: float) -> str:
    if not values:
        return "–"
    ordered = sorted(values)
    return f"{ordered[max(0, -(-int(p * len(ordered)) // 100) - 1)] * 1000:.0f}"


def _row(label: str, outcome: Outcome, alone: float | None, target: bool) -> list[str]:
    ok = [j for j in outcome.journeys if j.submitted]
    errors = outcome.errors
    error_text = f"{sum(errors.values())}" + (
        f" ({', '.join(f'{k}: {n}' for k, n in errors.most_common())})" if errors else ""
    )
    other = sum(outcome.disagreements.values())
    other_text = f"{other}" + (
        f" ({', '.join(f'{k}: {n}' for k, n in outcome.disagreements.items())})" if other else ""
    )
    journey_p50 = statistics.median(j.seconds for j in outcome.journeys)
    misses = []
    if target and errors:
        misses.append("errors")
    if target and outcome.lost:
        misses.append("lost submissions")
    if target and other:
        misses.append("stored state disagrees")
    verdict = ("miss: " + ", ".join(misses) if misses else "pass") if target else "baseline"
    return [
        label,
        f"{len(outcome.journeys)}",
        f"{len(ok)}",
        error_text,
        f"{outcome.lost}",
        other_text,
        f"{outcome.wall:.2f}",
        _ms([j.submit_seconds for j in ok], 50),
        _ms([j.submit_seconds for j in ok], 99),
        f"{journey_p50 / alone:.1f}" if alone else "1.0",
        f"{outcome.cpu_seconds * 1000 / len(outcome.journeys):.1f}",
        verdict,
    ]


def _merge(outcomes: list[Outcome]) -> Outcome:
    merged = Outcome(
        [j for o in outcomes for j in o.journeys],
        sum(o.wall for o in outcomes),
        sum(o.cpu_seconds for o in outcomes),
        sum(o.lost for o in outcomes),
    )
    for o in outcomes:
        merged.disagreements.update(o.disagreements)
    return merged


async def _measure(server: Server, console: Console) -> tuple[Outcome, Outcome, float]:
    setup_start = time.perf_counter()
    applicants, call, body = await _setup(server, ORGANISATIONS + BASELINE_RUNS)
    setup = time.perf_counter() - setup_start
    alone = _merge([await _run(server, [a], call, body) for a in applicants[:BASELINE_RUNS]])
    console.print(
        f"  one organisation alone: {statistics.median(j.seconds for j in alone.journeys) * 1000:.0f} ms"
    )
    together = await _run(server, applicants[BASELINE_RUNS:], call, body)
    return alone, together, setup


def run(db: Database, console: Console) -> Section:
    logs = db.tmp / "logs"
    logs.mkdir(exist_ok=True)
    console.print(f"[bold]{TITLE}[/bold] on {db.label}: {ORGANISATIONS} organisations at once")
    # Only the set-up logs in: a cheap password hash makes 205 registrations quick and changes nothing
    # the submissions do (they carry bearer tokens, looked up by their SHA-256).
    env = db.env | {"PASSWORD_HASH_ITERATIONS": "1000"}
    with grants_server(env, logs / "submissions.log") as server:
        server.start()
        alone, together, setup = asyncio.run(_measure(server, console))
    alone_p50 = statistics.median(j.seconds for j in alone.journeys)
    errors = together.errors
    console.print(
        f"  {ORGANISATIONS} at once: {sum(j.submitted for j in together.journeys)} submitted, "
        f"{sum(errors.values())} errors, {together.lost} lost in {together.wall:.1f} s"
    )
    return Section(
        title=TITLE,
        database=db.label,
        columns=COLUMNS,
        rows=[
            _row(f"one organisation alone ({BASELINE_RUNS} runs, one after another)", alone, None, False),
            _row(f"{ORGANISATIONS} organisations at once", together, alone_p50, True),
        ],
        targets=["0 errors and 0 lost submissions (and no other disagreement between answers and storage)"],
        notes=[
            "Server: `grants serve`, one uvicorn worker, on 127.0.0.1"
            + (
                ", writes in BEGIN IMMEDIATE transactions that wait up to 30 s for the lock"
                if db.kind == "sqlite"
                else ""
            )
            + ". Each organisation has its own HTTP connection and bearer token, and all start at one signal.",
            "Journey: POST /api/calls/{id}/applications (draft) → PATCH /api/applications/{id} (every field, "
            "3 budget lines, 1 planned event) → POST /api/applications/{id}/submit, in the demo's open call.",
            "errors: an answer other than 201/200/200 or a failed request (timeout 120 s). lost: the submit "
            "answered 200 but the application read back is not submitted with its 3 lines, 1 event and the "
            "call's amount. other disagreements: submitted without a 200, a draft stored though its creation "
            "failed, a failed fill that left lines behind.",
            "journey p50 × alone: the median draft → fill → submit time of the 200 against one organisation's "
            "alone; server CPU ms/journey is the server process's CPU time over the run per organisation.",
            f"Set-up (not measured): {ORGANISATIONS + BASELINE_RUNS} organisations registered through the API in "
            f"{setup:.0f} s with PASSWORD_HASH_ITERATIONS 1000 (logins only; the journeys use bearer tokens).",
        ],
    )
