"""Which sending processes are alive: the worker's (and `send-mail`'s) presence.

A process claims outbox rows in the name of its presence. When it dies, its rows in "sending" must
go back to pending, but only once it is really gone, never while it may still be talking to the
SMTP server. A presence lasts exactly as long as its process, without clocks or leases:

- PostgreSQL: a session advisory lock named for the presence, held on a connection of its own
  (outside the pool) for the process's life. The database lets go of it when the process or its
  connection goes, so `pg_try_advisory_lock` on another presence's name tells whether it lives.
  The same connection LISTENs for new mail and takes a scheduled job's lock, so only one worker
  runs a job at a time on any number of machines.
- SQLite: one process per database. It holds an flock on a file beside the database file; a
  second one is refused with the first one's pid. Whoever holds the lock knows every other
  claimer is gone. The kernel drops the lock when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import os
import secrets
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from grants.settings import Settings


class AlreadyRunning(RuntimeError):
    """Another process holds the SQLite database's worker lock."""

    def __init__(self, path: Path, pid: str) -> None:
        super().__init__(
            f"another grants worker (pid {pid or 'unknown'}) is already running for this SQLite "
            f"database ({path}); SQLite serves one worker: stop that one first, or use PostgreSQL "
            "to run several"
        )
        self.pid = pid


def lock_key(name: str) -> int:
    """A PostgreSQL advisory lock key (a signed 64-bit integer) for a name."""
    digest = hashlib.blake2b(f"grants:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def new_presence_id() -> str:
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class Presence:
    """The base: this process's name; `alive()`, `job_lock()` and `wait()` per engine."""

    def __init__(self) -> None:
        self.id = new_presence_id()

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def ensure(self) -> None:
        """Make sure the presence still holds (reconnect after a lost connection)."""
        return None

    async def alive(self, claimer: str) -> bool:
        raise NotImplementedError

    @contextlib.asynccontextmanager
    async def job_lock(self, name: str) -> AsyncIterator[bool]:
        yield True

    async def wait(self, seconds: float) -> None:
        """Until new mail may be there: `seconds` at most."""
        await asyncio.sleep(seconds)


class SqlitePresence(Presence):
    def __init__(self, database: Path) -> None:
        super().__init__()
        self.path = database.with_name(database.name + ".worker-lock")
        self._file: Any = None

    async def start(self) -> None:
        self._file = _take_lock(self.path)

    async def close(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file lets go of the lock
            self._file = None

    async def alive(self, claimer: str) -> bool:
        return claimer == self.id  # one process at a time: every other claimer is gone


def _take_lock(path: Path) -> Any:
    """The lock file, open and locked, with our pid in it; AlreadyRunning when another holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # noqa: SIM115 - held open for the process's life
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip()[:20]
        handle.close()
        raise AlreadyRunning(path, pid) from None
    handle.seek(0)
    handle.truncate()
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


class PostgresPresence(Presence):
    def __init__(self, dsn: str, channel: str) -> None:
        super().__init__()
        self.dsn = dsn
        self.channel = channel
        self.connection: Any = None
        self._woken = asyncio.Event()

    async def start(self) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.dsn)
        try:
            await connection.execute("SELECT pg_advisory_lock($1)", lock_key(f"presence:{self.id}"))
            await connection.add_listener(self.channel, self._notified)
        except BaseException:
            await connection.close()
            raise
        self.connection = connection
        self._woken.set()  # look at the outbox once at start: mail may have come while nobody listened

    def _notified(self, *args: Any) -> None:
        self._woken.set()

    async def ensure(self) -> None:
        if self.connection is None or self.connection.is_closed():
            await self.close()
            await self.start()

    async def close(self) -> None:
        if self.connection is not None:
            with contextlib.suppress(Exception):
                await self.connection.close(timeout=5)
            self.connection = None

    async def alive(self, claimer: str) -> bool:
        if claimer == self.id:
            return True
        key = lock_key(f"presence:{claimer}")
        if not await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", key):
            return True
        await self.connection.execute("SELECT pg_advisory_unlock($1)", key)
        return False

    @contextlib.asynccontextmanager
    async def job_lock(self, name: str) -> AsyncIterator[bool]:
        key = lock_key(f"job:{name}")
        mine = bool(await self.connection.fetchval("SELECT pg_try_advisory_lock($1)", key))
        try:
            yield mine
        finally:
            if mine and not self.connection.is_closed():
                await self.connection.execute("SELECT pg_advisory_unlock($1)", key)

    async def wait(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._woken.wait(), seconds)
        self._woken.clear()


def presence_for(settings: Settings, channel: str) -> Presence:
    if settings.database_kind == "postgres":
        return PostgresPresence(settings.database_url, channel)
    return SqlitePresence(settings.sqlite_path)
