"""`grants worker` as real processes against the test database and a loopback SMTP server (aiosmtpd):
two workers deliver every message exactly once, a worker killed mid-send loses nothing and sends
nothing twice, SIGTERM stops one after the message in hand, SQLite refuses a second worker."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from grants.core.tables import OutboxMessage, OutboxStatus, ScheduledJob
from grants.core.time import now
from grants.settings import get_settings
from grants.worker import jobs
from tests.core.test_mail_command import send_mail_command
from tests.factories.mail import queue
from tests.factories.servers import GRANTS, free_port
from tests.factories.smtp import Collector

pytestmark = pytest.mark.integration

POSTGRES = os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://"))


class SlowCollector(Collector):
    """A server that takes `delay` seconds to accept each recipient, and says when one is waiting."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.waiting = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        self.waiting.set()
        await asyncio.sleep(self.delay)
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


@pytest.fixture
def slow_smtp() -> Iterator[SlowCollector]:
    collector = SlowCollector(delay=0.6)
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port
    yield collector
    controller.stop()


class WorkerProcess:
    def __init__(self, tmp_path: Path, smtp_port: int | None, name: str) -> None:
        self.log_path = tmp_path / f"{name}.log"
        env = {**os.environ, "WORKER_POLL_SECONDS": "1", "DB_POOL": "1"}
        if smtp_port is not None:
            env["SMTP_URL"] = f"smtp://127.0.0.1:{smtp_port}?from=grants@example.lv"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(GRANTS), "worker"], stdout=log, stderr=subprocess.STDOUT, env=env
            )

    @property
    def log(self) -> str:
        return self.log_path.read_text()

    def wait_started(self) -> None:
        wait_for(lambda: "started" in self.log or self.process.poll() is not None, 40)
        assert " started " in self.log, self.log

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(timeout=15)


@pytest.fixture
async def schedule_done(database) -> None:
    """Every scheduled job has just run, as on a site whose worker ran today: the workers here only
    deliver. (Otherwise the day's reminders would mail the drafts and reports other tests left.)"""
    moment = now()
    for job in jobs(get_settings()):
        await ScheduledJob.insert(ScheduledJob(name=job.name, last_run_at=moment)).on_conflict(
            target=ScheduledJob.name, action="DO UPDATE", values=[ScheduledJob.last_run_at]
        )


@pytest.fixture
def workers(tmp_path: Path, schedule_done) -> Iterator[Callable[..., WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start(smtp_port: int | None, name: str = "worker") -> WorkerProcess:
        worker = WorkerProcess(tmp_path, smtp_port, f"{name}-{len(started)}")
        started.append(worker)
        return worker

    yield start
    for worker in started:
        if worker.process.poll() is None:
            worker.process.kill()
            worker.process.wait(timeout=10)


def wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


async def wait_until_sent(count: int, seconds: float = 40) -> None:
    deadline = time.monotonic() + seconds
    while await OutboxMessage.count().where(OutboxMessage.status == OutboxStatus.sent) < count:
        statuses = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.last_error)
        assert time.monotonic() < deadline, Counter(r["status"] for r in statuses)
        await asyncio.sleep(0.1)


async def stored_ids() -> list[str]:
    return sorted(r["message_id"] for r in await OutboxMessage.select(OutboxMessage.message_id))


@pytest.mark.skipif(not POSTGRES, reason="several workers need PostgreSQL (SQLite refuses a second one)")
async def test_two_workers_deliver_200_messages_exactly_once(outbox, smtp, workers):
    first, second = workers(smtp.port), workers(smtp.port)
    for _ in range(100):  # queued while they start
        await queue()
    await asyncio.to_thread(first.wait_started)
    await asyncio.to_thread(second.wait_started)
    for _ in range(100):  # queued while both wait: NOTIFY wakes them (their fallback poll is 30 s)
        await queue()

    await wait_until_sent(200)

    assert (first.stop(), second.stop()) == (0, 0)
    assert sorted(smtp.ids) == await stored_ids()
    assert len(set(smtp.ids)) == 200
    assert await OutboxMessage.count().where(OutboxMessage.status != OutboxStatus.sent) == 0
    assert "delivery run: sent" in first.log + second.log


@pytest.mark.skipif(not POSTGRES, reason="LISTEN/NOTIFY is PostgreSQL's; SQLite polls")
async def test_idle_worker_is_woken_by_new_mail_at_once(outbox, smtp, workers):
    worker = workers(smtp.port)
    await asyncio.to_thread(worker.wait_started)
    await asyncio.sleep(1.5)  # past its first look: now it waits, up to 30 s, for a NOTIFY
    message_id = await queue()

    await wait_until_sent(1, seconds=15)  # its fallback poll would take 30 s

    assert smtp.ids == [(await OutboxMessage.select().where(OutboxMessage.id == message_id))[0]["message_id"]]
    assert worker.stop() == 0


async def test_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(outbox, slow_smtp, workers):
    for _ in range(5):
        await queue()
    doomed = workers(slow_smtp.port)
    await asyncio.to_thread(wait_for, lambda: len(slow_smtp.messages) >= 2, 40)
    slow_smtp.waiting.clear()
    await asyncio.to_thread(wait_for, slow_smtp.waiting.is_set, 15)  # the next one waits for the server

    doomed.stop(signal.SIGKILL)
    in_flight = await OutboxMessage.select(OutboxMessage.id, OutboxMessage.claimed_by).where(
        OutboxMessage.status == OutboxStatus.sending
    )
    assert len(in_flight) == 1  # killed holding one message the server has not taken
    workers(slow_smtp.port)
    await wait_until_sent(5)

    assert sorted(slow_smtp.ids) == await stored_ids()
    assert len(slow_smtp.ids) == 5
    again = await OutboxMessage.select(OutboxMessage.status, OutboxMessage.attempts).where(
        OutboxMessage.id == in_flight[0]["id"]
    )
    assert again == [{"status": "sent", "attempts": 2}]


async def test_worker_stops_on_sigterm_after_the_message_in_hand(outbox, slow_smtp, workers):
    for _ in range(3):
        await queue()
    worker = workers(slow_smtp.port)
    await asyncio.to_thread(wait_for, slow_smtp.waiting.is_set, 40)

    code = worker.stop(signal.SIGTERM)

    statuses = sorted(r["status"] for r in await OutboxMessage.select(OutboxMessage.status))
    assert code == 0, worker.log
    assert statuses == ["pending", "pending", "sent"]
    assert len(slow_smtp.ids) == 1
    assert await OutboxMessage.count().where(OutboxMessage.claimed_by != "") == 0
    assert "stopping after the message in hand" in worker.log
    assert worker.log.rstrip().endswith("stopped")


async def test_worker_without_smtp_url_keeps_the_mail_and_says_so(outbox, smtp, workers):
    message_id = await queue()
    worker = workers(None)
    await asyncio.to_thread(worker.wait_started)

    assert worker.stop() == 0
    assert "SMTP_URL is not set: mail is logged and kept in the outbox" in worker.log
    stored = await OutboxMessage.select(OutboxMessage.status).where(OutboxMessage.id == message_id)
    assert stored == [{"status": "pending"}]
    assert smtp.messages == []


@pytest.mark.skipif(POSTGRES, reason="SQLite's one-worker rule")
async def test_send_mail_leaves_the_outbox_to_a_running_worker_on_sqlite(outbox, smtp, workers):
    worker = workers(None)
    await asyncio.to_thread(worker.wait_started)
    message_id = await queue()

    code, out, err = await send_mail_command(SMTP_URL=f"smtp://127.0.0.1:{smtp.port}")

    assert (code, out) == (
        0,
        f"Nothing sent: grants worker (pid {worker.process.pid}) delivers this database's outbox.\n",
    ), err
    assert (await OutboxMessage.select(OutboxMessage.status).where(OutboxMessage.id == message_id)) == [
        {"status": "pending"}
    ]
    assert worker.stop() == 0


@pytest.mark.skipif(POSTGRES, reason="SQLite's one-worker rule")
async def test_second_worker_on_sqlite_is_refused(outbox, workers):
    first = workers(None)
    await asyncio.to_thread(first.wait_started)

    second = workers(None)
    code = second.process.wait(timeout=15)

    assert code == 1
    assert f"another grants worker (pid {first.process.pid}) is already running" in second.log
    assert "SQLite serves one worker" in second.log
    assert first.process.poll() is None
    assert first.stop() == 0
