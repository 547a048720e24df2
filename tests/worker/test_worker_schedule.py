"""The worker's schedule and clean-up, in process on the test database: a daily job runs once per Riga
day (across restarts, and with two workers at once on PostgreSQL), the clean-up removes exactly what
has expired, and a sender that is gone gets its mail back."""

from __future__ import annotations

import asyncio
import os
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from piccolo_api.session_auth.tables import SessionsBase

from grants.accounts.queries import user_id_by_email
from grants.accounts.tables import ApiToken, PendingLogin
from grants.core.auth import Role
from grants.core.mail import CHANNEL
from grants.core.outbox import claimers_in_flight
from grants.core.presence import AlreadyRunning, PostgresPresence, SqlitePresence, presence_for
from grants.core.ratelimit import LONGEST_WINDOW
from grants.core.tables import LoginFailure, OutboxMessage, ScheduledJob
from grants.core.time import now, riga_local
from grants.settings import get_settings
from grants.worker import HOURLY, Job, Scheduler, Worker, jobs
from tests.factories.accounts import make_user
from tests.factories.mail import queue, row

pytestmark = pytest.mark.integration

POSTGRES = os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://"))


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return riga_local(date(2026, 3, day), hour, minute)


class Counting:
    """A job body that counts its runs and takes a moment, so two workers would overlap."""

    def __init__(self) -> None:
        self.runs = 0

    async def __call__(self) -> int:
        self.runs += 1
        await asyncio.sleep(0.2)
        return self.runs


@pytest.fixture
async def presence(database):
    found = presence_for(get_settings(), CHANNEL)
    await found.start()
    yield found
    await found.close()


def test_daily_job_is_due_once_per_riga_day_from_its_hour():
    job = Job.daily("x", 7, Counting())
    assert job.due(None, riga(2, 6))  # never ran: due at once
    assert not job.due(riga(2, 7, 30), riga(2, 23, 59))
    assert not job.due(riga(2, 7, 30), riga(3, 6, 59))
    assert job.due(riga(2, 7, 30), riga(3, 7))
    assert job.due(riga(2, 7, 30), riga(5, 9))  # a worker down for days runs it once on its return
    assert not job.due(riga(5, 9), riga(5, 10))
    # 29 March 2026: Riga moves to summer time; 07:00 is still 07:00 on its clocks.
    assert not job.due(riga(28, 7), riga(29, 6, 59))
    assert job.due(riga(28, 7), riga(29, 7))


def test_interval_job_is_due_when_the_interval_has_passed():
    job = Job.every("x", HOURLY, Counting())
    assert job.due(None, riga(2, 6))
    assert not job.due(riga(2, 6), riga(2, 6, 59))
    assert job.due(riga(2, 6), riga(2, 7))
    assert job.due(riga(2, 6).replace(tzinfo=None), riga(2, 7))  # SQLite's naive UTC


async def test_daily_job_runs_once_a_day_across_restarts(presence):
    body = Counting()
    name = f"test-daily-{uuid.uuid4().hex[:8]}"
    schedule = [Job.daily(name, 7, body)]
    moments = [riga(2, 8), riga(2, 8, 1), riga(2, 22), riga(3, 6), riga(3, 7), riga(3, 12), riga(6, 9)]

    for moment in moments:  # a new scheduler each time, as after a restart: only the table remembers
        await Scheduler(presence, schedule, clock=lambda moment=moment: moment).run_due()

    assert body.runs == 3  # 2 March, 3 March, and once on 6 March for the days the worker was down
    stored = await ScheduledJob.select(ScheduledJob.last_run_at, ScheduledJob.last_result).where(
        ScheduledJob.name == name
    )
    assert [(r["last_run_at"].replace(tzinfo=UTC), r["last_result"]) for r in stored] == [
        (riga(6, 9), "3 row(s)")
    ]


@pytest.mark.skipif(not POSTGRES, reason="two workers at once need PostgreSQL; SQLite refuses the second")
async def test_daily_job_runs_once_with_two_workers_at_once(presence):
    other = PostgresPresence(os.environ["DATABASE_URL"], CHANNEL)
    await other.start()
    body = Counting()
    schedule = [Job.daily(f"test-two-{uuid.uuid4().hex[:8]}", 7, body)]
    try:
        for moment in (riga(2, 8), riga(2, 9), riga(3, 8)):
            await asyncio.gather(
                *(
                    Scheduler(p, schedule, clock=lambda moment=moment: moment).run_due()
                    for p in (presence, other)
                )
            )
    finally:
        await other.close()
    assert body.runs == 2


@pytest.mark.skipif(POSTGRES, reason="SQLite's one-worker rule")
async def test_sqlite_refuses_a_second_presence(presence):
    second = SqlitePresence(get_settings().sqlite_path)
    with pytest.raises(AlreadyRunning, match="SQLite serves one worker"):
        await second.start()


async def test_failed_job_is_not_recorded_and_waits_before_the_next_try(presence):
    async def broken() -> int:
        raise RuntimeError("database hiccup")

    name = f"test-broken-{uuid.uuid4().hex[:8]}"
    clock = [riga(2, 8)]
    scheduler = Scheduler(presence, [Job.every(name, HOURLY, broken)], clock=lambda: clock[0])

    assert await scheduler.run_due() == []
    clock[0] += timedelta(minutes=4)
    assert await scheduler.run_due() == []  # within the 5 minutes' pause: not even tried
    assert await ScheduledJob.count().where(ScheduledJob.name == name) == 0


async def _session(user_id: int, expiry: timedelta, max_expiry: timedelta) -> int:
    local = datetime.now()  # noqa: DTZ005 - piccolo_api's naive local time
    session = await SessionsBase.create_session(
        user_id, expiry_date=local + expiry, max_expiry_date=local + max_expiry
    )
    return session.id


async def _token(user_id: int, expires_in: timedelta) -> int:
    rows = await ApiToken.insert(
        ApiToken(user=user_id, token_hash=uuid.uuid4().hex * 2, expires_at=now() + expires_in)
    ).returning(ApiToken.id)
    return rows[0]["id"]


async def _failure(key: str, age: timedelta) -> int:
    rows = await LoginFailure.insert(LoginFailure(key=key, created_at=now() - age)).returning(LoginFailure.id)
    return rows[0]["id"]


async def _mail(status: str, sent_days_ago: int | None) -> int:
    message_id = await queue()
    sent_at = None if sent_days_ago is None else now() - timedelta(days=sent_days_ago)
    await OutboxMessage.update({OutboxMessage.status: status, OutboxMessage.sent_at: sent_at}).where(
        OutboxMessage.id == message_id
    )
    return message_id


async def _pending_login(user_id: int, expires_in: timedelta) -> int:
    rows = await PendingLogin.insert(
        PendingLogin(token_hash=uuid.uuid4().hex, user=user_id, expires_at=now() + expires_in)
    )
    return rows[0]["id"]


async def _ids(table, ids: list[int]) -> list[int]:
    return sorted(r["id"] for r in await table.select(table.id).where(table.id.is_in(ids)))


async def test_cleanup_removes_exactly_the_expired_rows(presence, outbox):
    user_id = await user_id_by_email(await make_user(Role.applicant))
    hour, day = timedelta(hours=1), timedelta(days=1)
    live_sessions = [await _session(user_id, hour, day)]
    dead_sessions = [await _session(user_id, -hour, day), await _session(user_id, hour, -hour)]
    live_tokens = [await _token(user_id, hour)]
    dead_tokens = [await _token(user_id, -hour)]
    key = f"test-cleanup:{uuid.uuid4().hex}"
    # Kept as long as the longest limiter counts (registrations: an hour), not only the login window.
    window = timedelta(seconds=max(get_settings().login_window_seconds, LONGEST_WINDOW))
    live_failures = [await _failure(key, window - timedelta(seconds=30))]
    dead_failures = [await _failure(key, window + timedelta(seconds=30))]
    retention = get_settings().mail_retention_days
    old_sent = await _mail("sent", retention + 1)
    kept = [await _mail("sent", retention - 1), await _mail("failed", None), await _mail("pending", None)]
    await OutboxMessage.update({OutboxMessage.created_at: now() - timedelta(days=retention + 5)}).where(
        OutboxMessage.id.is_in(kept)
    )
    live_pending = [await _pending_login(user_id, hour)]
    dead_pending = [await _pending_login(user_id, -hour)]
    cleanups = [job for job in jobs(get_settings()) if job.name.startswith("cleanup:")]
    await ScheduledJob.delete().where(ScheduledJob.name.is_in([job.name for job in cleanups]))  # all due

    ran = await Scheduler(presence, cleanups).run_due()

    assert ran == [job.name for job in cleanups]
    sessions = live_sessions + dead_sessions
    assert await _ids(SessionsBase, sessions) == live_sessions
    assert await _ids(ApiToken, live_tokens + dead_tokens) == live_tokens
    assert await _ids(LoginFailure, live_failures + dead_failures) == live_failures
    assert await _ids(PendingLogin, live_pending + dead_pending) == live_pending
    blanked = await row(old_sent)
    assert (blanked["body_text"], blanked["body_html"], blanked["status"]) == ("", None, "sent")
    assert blanked["to_address"] and blanked["subject"] and blanked["message_id"]
    for message_id in kept:
        assert "Anna Bērziņa" in (await row(message_id))["body_text"]


async def test_worker_gives_back_the_mail_of_a_sender_that_is_gone(presence, outbox):
    message_id = await queue()
    gone = "crashed-host:4242:deadbeef"
    await OutboxMessage.update(
        {OutboxMessage.status: "sending", OutboxMessage.claimed_by: gone, OutboxMessage.attempts: 1}
    ).where(OutboxMessage.id == message_id)
    worker = Worker(get_settings(), presence)

    assert await worker.recover() == [message_id]

    stored = await row(message_id)
    assert (stored["status"], stored["claimed_by"], stored["attempts"]) == ("pending", "", 1)
    assert gone in stored["last_error"]
    assert await claimers_in_flight() == set()


@pytest.mark.skipif(not POSTGRES, reason="a live sender on another connection: PostgreSQL")
async def test_worker_leaves_the_mail_of_a_live_sender_alone(presence, outbox):
    other = PostgresPresence(os.environ["DATABASE_URL"], CHANNEL)
    await other.start()
    try:
        message_id = await queue()
        await OutboxMessage.update(
            {OutboxMessage.status: "sending", OutboxMessage.claimed_by: other.id}
        ).where(OutboxMessage.id == message_id)

        assert await Worker(get_settings(), presence).recover() == []
        assert (await row(message_id))["status"] == "sending"
    finally:
        await other.close()
    assert await Worker(get_settings(), presence).recover() == [message_id]  # gone now
