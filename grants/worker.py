"""`grants worker`: the outbox delivered continuously, the reminders daily, the coordinators' digest
weekly, clean-up on a schedule.

One loop, one step at a time: give back the mail of senders that are gone, deliver what is due,
run the scheduled jobs that are due, then wait for new mail (PostgreSQL: LISTEN, with a poll of
WORKER_POLL_SECONDS as the fallback; SQLite: the poll). A failing step is logged and retried after
a back-off; one bad message or a database hiccup never ends the process. SIGTERM or SIGINT ends it
after the message in hand.

Several workers on several machines (PostgreSQL): each outbox row is claimed by one (grants.core.mail),
and a scheduled job runs under an advisory lock and only when its last run (table scheduled_job) is
older than its slot, so it runs once however many workers there are. SQLite: one worker per
database (grants.core.presence refuses a second).

Adding a clean-up is one line in `jobs()`: `Job.every("cleanup:<what>", HOURLY, <async () -> int>)`,
where the function removes what has expired and returns how many rows it removed.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from grants.accounts.service import confirmation, expiry, invitations, resets
from grants.applications.notify import remind_clarifications, remind_unsubmitted_drafts
from grants.applications.service.drafts import discard_drafts_of
from grants.core.db import engine
from grants.core.mail import CHANNEL, deliver_pending
from grants.core.outbox import blank_old_bodies, claimers_in_flight, requeue_abandoned
from grants.core.presence import Presence, presence_for
from grants.core.ratelimit import LONGEST_WINDOW, purge_expired_failures
from grants.core.tables import ScheduledJob
from grants.core.time import from_db, now, riga_local, to_riga
from grants.reporting.notify import remind_reports, send_weekly_digests
from grants.scoring.notify import remind_review_deadlines
from grants.settings import Settings

log = logging.getLogger("grants.worker")

HOURLY = timedelta(hours=1)
BATCH = 50  # messages per delivery run; a full run is followed by the next at once
LISTEN_FALLBACK = 30  # PostgreSQL: seconds between looks at the outbox when no NOTIFY came
JOB_RETRY = timedelta(minutes=5)  # after a job failed
MAX_BACKOFF = 60  # seconds, after a failed step


@dataclass(frozen=True)
class Job:
    """A scheduled job: daily at a Riga hour, or every `interval`. `run` returns a count to log."""

    name: str
    run: Callable[[], Awaitable[int]]
    interval: timedelta | None = None
    hour: int | None = None

    @classmethod
    def daily(cls, name: str, hour: int, run: Callable[[], Awaitable[int]]) -> Job:
        return cls(name, run, hour=hour)

    @classmethod
    def every(cls, name: str, interval: timedelta, run: Callable[[], Awaitable[int]]) -> Job:
        return cls(name, run, interval=interval)

    def due(self, last: datetime | None, moment: datetime) -> bool:
        if last is None:
            return True
        last = from_db(last)
        if self.interval is not None:
            return moment - last >= self.interval
        return last < self.slot(moment)

    def slot(self, moment: datetime) -> datetime:
        """The latest time at or before `moment` when this daily job fell due."""
        assert self.hour is not None
        day = to_riga(moment).date()
        today = riga_local(day, self.hour)
        return today if today <= moment else riga_local(day - timedelta(days=1), self.hour)


def jobs(settings: Settings) -> list[Job]:
    """Every scheduled job. A clean-up is one line: `Job.every("cleanup:<what>", HOURLY, <function>)`."""

    async def reminders() -> int:
        sent = 0
        for remind in (
            remind_unsubmitted_drafts,
            remind_reports,
            remind_clarifications,
            remind_review_deadlines,
        ):
            sent += await remind()
        return sent

    return [
        Job.daily("reminders", settings.reminder_hour, reminders),
        # Daily, but each subscriber gets at most one digest a Riga week (reporting.notify).
        Job.daily("weekly_digest", settings.reminder_hour, send_weekly_digests),
        Job.every("cleanup:sessions", HOURLY, expiry.purge_expired_sessions),
        Job.every("cleanup:api_tokens", HOURLY, expiry.purge_expired_tokens),
        Job.every(
            "cleanup:login_failures",
            HOURLY,
            lambda: purge_expired_failures(max(settings.login_window_seconds, LONGEST_WINDOW)),
        ),
        Job.every("cleanup:mail_bodies", HOURLY, lambda: blank_old_bodies(settings.mail_retention_days)),
        Job.every("cleanup:pending_logins", HOURLY, expiry.purge_expired_pending_logins),
        Job.every("cleanup:password_resets", HOURLY, lambda: resets.purge_expired_resets(now())),
        Job.every("cleanup:invitations", HOURLY, lambda: invitations.purge_expired_invitations(now())),
        Job.every(
            "cleanup:unconfirmed_accounts",
            HOURLY,
            lambda: confirmation.remove_unconfirmed(now(), before_removal=[discard_drafts_of]),
        ),
    ]


async def _last_runs() -> dict[str, datetime | None]:
    rows = await ScheduledJob.select(ScheduledJob.name, ScheduledJob.last_run_at)
    return {row["name"]: row["last_run_at"] for row in rows}


async def _record_run(name: str, moment: datetime, result: str) -> None:
    await ScheduledJob.insert(
        ScheduledJob(name=name, last_run_at=moment, last_result=result[:300])
    ).on_conflict(
        target=ScheduledJob.name,
        action="DO UPDATE",
        values=[ScheduledJob.last_run_at, ScheduledJob.last_result],
    )


class Scheduler:
    def __init__(self, presence: Presence, schedule: list[Job], clock: Callable[[], datetime] = now) -> None:
        self.presence = presence
        self.schedule = schedule
        self.clock = clock
        self.retry_at: dict[str, datetime] = {}

    async def run_due(self, stop: Callable[[], bool] = lambda: False) -> list[str]:
        """Run every job that is due and that no other worker is running; the names of those run."""
        moment = self.clock()
        last = await _last_runs()
        ran: list[str] = []
        for job in self.schedule:
            if stop():
                break
            if not job.due(last.get(job.name), moment) or self.retry_at.get(job.name, moment) > moment:
                continue
            async with self.presence.job_lock(job.name) as mine:
                # Another worker may have run it since the look above: ask again under the lock.
                if not mine or not job.due((await _last_runs()).get(job.name), moment):
                    continue
                try:
                    count = await job.run()
                except Exception:
                    log.exception("job %s failed; trying again in %s", job.name, JOB_RETRY)
                    self.retry_at[job.name] = moment + JOB_RETRY
                    continue
                await _record_run(job.name, moment, f"{count} row(s)")
            ran.append(job.name)
            log.info("job %s done: %s row(s)", job.name, count)
        return ran


class Worker:
    def __init__(self, settings: Settings, presence: Presence | None = None) -> None:
        self.settings = settings
        self.presence = presence or presence_for(settings, CHANNEL)
        self.scheduler = Scheduler(self.presence, jobs(settings))
        self.stopping = asyncio.Event()

    def stop(self) -> None:
        if not self.stopping.is_set():
            log.info("stopping after the message in hand")
        self.stopping.set()

    async def recover(self) -> list[int]:
        """Mail left in "sending" by senders that are gone (or by this one's own failed step)."""
        requeued: list[int] = []
        for claimer in await claimers_in_flight():
            if claimer == self.presence.id or not await self.presence.alive(claimer):
                requeued += await requeue_abandoned(claimer)
        return requeued

    async def deliver(self) -> bool:
        """One delivery run; True when it was full (more may be due)."""
        if not self.settings.smtp_url:
            return False
        report = await deliver_pending(
            self.settings, limit=BATCH, claimer=self.presence.id, stop=self.stopping.is_set
        )
        done = report.sent + report.retried + report.failed
        if done:
            log.info("delivery run: %s; %s waiting", report.summary(), report.waiting)
        return done >= BATCH

    async def step(self) -> bool:
        await self.presence.ensure()
        await self.recover()
        more = await self.deliver()
        if not self.stopping.is_set():
            await self.scheduler.run_due(self.stopping.is_set)
        return more

    async def wait(self, seconds: float | None = None) -> None:
        """Until new mail may be there, the poll's time passed, or a signal came."""
        if seconds is None:
            seconds = self.settings.worker_poll_seconds
            if self.settings.database_kind == "postgres":
                seconds = max(seconds, LISTEN_FALLBACK)
            waiter = asyncio.ensure_future(self.presence.wait(seconds))
        else:
            waiter = asyncio.ensure_future(asyncio.sleep(seconds))
        stopper = asyncio.ensure_future(self.stopping.wait())
        await asyncio.wait({waiter, stopper}, return_when=asyncio.FIRST_COMPLETED)
        for task in (waiter, stopper):
            task.cancel()

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, self.stop)
        await self.presence.start()
        log.info(
            "worker %s started (%s); %s",
            self.presence.id,
            self.settings.database_kind,
            "mail goes to SMTP_URL"
            if self.settings.smtp_url
            else "SMTP_URL is not set: mail is logged and kept in the outbox",
        )
        backoff = 0
        try:
            while not self.stopping.is_set():
                try:
                    more = await self.step()
                    backoff = 0
                except Exception:
                    backoff = min(max(backoff * 2, 1), MAX_BACKOFF)
                    log.exception("worker step failed; trying again in %s s", backoff)
                    await self.wait(backoff)
                    continue
                if not more:
                    await self.wait()
        finally:
            await self.presence.close()
            log.info("worker %s stopped", self.presence.id)


async def run_worker(settings: Settings) -> None:
    """The worker's process: its own connection pool on PostgreSQL, the loop until a signal."""
    db = engine()
    pooled = settings.database_kind == "postgres" and settings.db_pool
    if pooled:
        await db.start_connection_pool(min_size=1, max_size=4)
    try:
        await Worker(settings).run()
    finally:
        if pooled:
            await db.close_connection_pool()
