"""A server killed with SIGKILL in the middle of a storm of submissions loses nothing it confirmed.

The server runs as a process of its own (`grants serve`) on the test's database. Many
organisations at once each start a draft, fill it (PATCH A), replace its budget lines, events
and title (PATCH B) and submit it. When a third of them have been confirmed, the server is
killed outright, with requests in flight; then it is started again. Each application must be
in exactly one of the states a whole request leaves behind — never a half-applied PATCH, never
a submission without its lines — and everything that got a 2xx must be there. The restarted
server then serves the interrupted organisations to the end.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from grants.accounts.service.sessions import issue_token
from grants.applications.tables import Application, BudgetLine, PlannedEvent
from grants.core.tables import AuditEntry, OutboxMessage
from tests.factories.accounts import registered, unique_email
from tests.factories.applications import complete_application
from tests.factories.calls import published_call
from tests.factories.registry import make_school
from tests.factories.servers import GRANTS, free_port

pytestmark = pytest.mark.integration

ORGANISATIONS = 45
KILL_AFTER = ORGANISATIONS // 3  # confirmed submissions before the kill


def _lines(*amounts: tuple[str, str, int]) -> list[dict[str, Any]]:
    return [
        {"category": category, "description": f"{category} {i}", "quantity": quantity, "unit_cost": unit}
        for i, (category, unit, quantity) in enumerate(amounts)
    ]


def _patch(name: str, school: str, lines: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    return complete_application(
        school,
        title=f"Projekts {name}",
        budget_lines=lines,
        planned_events=[
            {
                "school": school,
                "kind": kind,
                "title": f"Pasākums {name}",
                "planned_date": "2027-04-10",
                "expected_participants": 20,
            }
        ],
    )


LINES_A = _lines(("services", "1000.00", 1), ("catering", "1000.00", 1), ("transport", "1000.00", 1))
LINES_B = _lines(("services", "2300.00", 1), ("materials", "1150.00", 2))
# What each whole request leaves: (title, lines as (category, quantity, cents), event kinds, requested cents)
STATES = {
    "created": ("Projekts", [], [], 0),
    "A": (
        "Projekts A",
        [("services", 1, 100000), ("catering", 1, 100000), ("transport", 1, 100000)],
        ["camp"],
        300000,
    ),
    "B": ("Projekts B", [("services", 1, 230000), ("materials", 2, 115000)], ["workshop"], 460000),
}


@dataclass
class Flow:
    headers: dict[str, str]
    created: dict[str, Any] | None = None
    confirmed: list[str] = field(default_factory=list)  # the PATCHes ("A", "B") that got a 200
    submitted: dict[str, Any] | None = None
    interrupted: bool = False
    error: str = ""  # what cut the flow off, for the failure message


def _start_server(port: int, log: Path) -> subprocess.Popen:
    # The production set-up: a connection pool on PostgreSQL (the other tests' process runs without).
    env = dict(os.environ, DB_POOL="1", PYTHONUNBUFFERED="1")  # unbuffered: the log is whole after a kill
    with log.open("ab") as out:
        return subprocess.Popen(
            [str(GRANTS), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _wait_until_up(server: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        try:
            if httpx.get(f"{base}/api/calls", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server on {base} did not start:\n{log.read_text()[-3000:]}")


async def _applicants(count: int) -> list[dict[str, str]]:
    """Organisations with an applicant each, and a bearer token: made in process, used by the server."""
    headers = []
    for _ in range(count):
        user_id, _org = await registered(unique_email("storm"))
        token, _expires = await issue_token(user_id)
        headers.append({"Authorization": f"Bearer {token}"})
    return headers


async def _flow(http: httpx.AsyncClient, call_id: int, flow: Flow, patches: dict, on_submitted) -> None:
    """Draft → PATCH A → PATCH B → submit; stops at the first request the dead server cannot answer."""
    try:
        if flow.created is None:
            created = await http.post(
                f"/api/calls/{call_id}/applications", json={"title": "Projekts"}, headers=flow.headers
            )
            assert created.status_code == 201, created.text
            flow.created = created.json()
        app_id = flow.created["id"]
        for name in ("A", "B"):
            patched = await http.patch(
                f"/api/applications/{app_id}", json=patches[name], headers=flow.headers
            )
            assert patched.status_code == 200, patched.text
            flow.confirmed.append(name)
        submitted = await http.post(f"/api/applications/{app_id}/submit", headers=flow.headers)
        assert submitted.status_code == 200, submitted.text
        flow.submitted = submitted.json()
        on_submitted()
    except httpx.TransportError as exc:
        flow.interrupted = True
        flow.error = f"{exc!r} on {exc.request.method} {exc.request.url}"


def _client(base: str) -> httpx.AsyncClient:
    # A connection per request, like many separate clients: a kept-alive connection that the server
    # closes at its idle timeout just as the client reuses it would look like a crash.
    return httpx.AsyncClient(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0))


async def _resume(http: httpx.AsyncClient, call_id: int, flow: Flow, patches: dict) -> None:
    """What a client that lost a response does: ask the server what it has, then carry on."""
    flow.interrupted = False
    if flow.created is None:
        mine = (await http.get("/api/applications", headers=flow.headers)).json()
        flow.created = next(
            ({"id": a["id"], "reference": a["reference"]} for a in mine if a["call_id"] == call_id), None
        )
    if flow.created is not None:
        current = await http.get(f"/api/applications/{flow.created['id']}", headers=flow.headers)
        if current.json()["status"] == "submitted":
            flow.submitted = {"status": "submitted", "submitted_at": current.json()["submitted_at"]}
            return
    flow.confirmed = []
    await _flow(http, call_id, flow, patches, on_submitted=lambda: None)


async def _storm(base: str, call_id: int, flows: list[Flow], patches: dict, kill) -> None:
    done = 0

    def on_submitted() -> None:
        nonlocal done
        done += 1
        if done == KILL_AFTER:
            kill()  # synchronously, with the other organisations' requests in flight

    async with _client(base) as http:
        await asyncio.gather(*(_flow(http, call_id, flow, patches, on_submitted) for flow in flows))


async def _states(apps: dict[int, dict[str, Any]]) -> dict[int, str]:
    """Which whole-request state each application is in; fails on anything in between."""
    lines: dict[int, list] = {app_id: [] for app_id in apps}
    events: dict[int, list] = {app_id: [] for app_id in apps}
    ids = sorted(apps)
    for row in await (
        BudgetLine.select(
            BudgetLine.application, BudgetLine.category, BudgetLine.quantity, BudgetLine.unit_cost_cents
        )
        .where(BudgetLine.application.is_in(ids))
        .order_by(BudgetLine.position)
    ):
        lines[row["application"]].append((row["category"], row["quantity"], row["unit_cost_cents"]))
    for row in await PlannedEvent.select(PlannedEvent.application, PlannedEvent.kind).where(
        PlannedEvent.application.is_in(ids)
    ):
        events[row["application"]].append(row["kind"])
    states = {}
    for app_id, app in apps.items():
        found = (app["title"], lines[app_id], events[app_id], app["requested_cents"])
        names = [name for name, state in STATES.items() if state == found]
        assert names, f"application {app['reference']} is half-written: {found}"
        states[app_id] = names[0]
    return states


async def _check_nothing_lost_or_half_written(call_id: int, flows: list[Flow]) -> None:
    apps = {row["id"]: row for row in await Application.select().where(Application.call == call_id)}
    references = [row["reference"] for row in apps.values()]
    assert len(set(references)) == len(references)
    submits = await AuditEntry.select(AuditEntry.entity_id).where(
        (AuditEntry.action == "submit") & (AuditEntry.entity == "application")
    )
    submit_count = {app_id: 0 for app_id in apps}
    for row in submits:
        if int(row["entity_id"]) in submit_count:
            submit_count[int(row["entity_id"])] += 1
    receipts = await OutboxMessage.select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.like("receipt:%")
    )
    receipt_ids = [int(row["dedupe_key"].split(":")[1]) for row in receipts]
    states = await _states(apps)

    for app in apps.values():
        if app["status"] == "submitted":
            # A submission is whole: the last PATCH's lines and events, its audit entry and its receipt.
            assert states[app["id"]] == "B", app["reference"]
            assert app["submitted_at"] is not None
            assert submit_count[app["id"]] == 1
            assert receipt_ids.count(app["id"]) == 1
        else:
            assert app["status"] == "draft"
            assert app["submitted_at"] is None
            assert submit_count[app["id"]] == 0
            assert receipt_ids.count(app["id"]) == 0

    for flow in flows:
        if flow.created is None:
            continue
        app = apps.get(flow.created["id"])
        assert app is not None, f"the confirmed draft {flow.created['reference']} is gone"
        assert app["reference"] == flow.created["reference"]
        if flow.confirmed:
            # A confirmed PATCH is there; a later one, confirmed or cut off, may be there wholly.
            expected = {"B"} if flow.confirmed[-1] == "B" else {"A", "B"}
            assert states[app["id"]] in expected, app["reference"]
        if flow.submitted is not None:
            assert app["status"] == "submitted"
            assert app["submitted_at"] == datetime.fromisoformat(flow.submitted["submitted_at"])


async def test_confirmed_submissions_survive_sigkill_and_nothing_is_half_written(client, database, tmp_path):
    call = await published_call(client)
    school = await make_school()
    patches = {
        "A": _patch("A", school, LINES_A, "camp"),
        "B": _patch("B", school, LINES_B, "workshop"),
    }
    flows = [Flow(headers) for headers in await _applicants(ORGANISATIONS)]
    log = tmp_path / "server.log"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, log)
    try:
        _wait_until_up(server, base, log)
        await _storm(base, call["id"], flows, patches, kill=lambda: server.send_signal(signal.SIGKILL))
        assert server.wait(timeout=10) == -signal.SIGKILL
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=10)

    confirmed = [flow for flow in flows if flow.submitted is not None]
    interrupted = [flow for flow in flows if flow.interrupted]
    assert len(confirmed) >= KILL_AFTER
    assert interrupted, "every organisation finished before the kill: the test proved nothing"
    await _check_nothing_lost_or_half_written(call["id"], flows)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = _start_server(port, log)
    try:
        _wait_until_up(server, base, log)
        # The interrupted organisations carry on where they were: the restarted server serves them all.
        async with _client(base) as http:
            await asyncio.gather(*(_resume(http, call["id"], flow, patches) for flow in interrupted))
        assert [flow.error for flow in flows if flow.interrupted] == []
        assert len([flow for flow in flows if flow.submitted is not None]) == ORGANISATIONS
    finally:
        server.terminate()
        server.wait(timeout=10)
    await _check_nothing_lost_or_half_written(call["id"], flows)
