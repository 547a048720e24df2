"""Failed-login counting shared by every worker process.

Counts live in the database (table login_failure), or in Redis when
REDIS_URL is set. Every login path reserves its attempt before the password
is checked: one atomic step that refuses when a key already has its limit
inside the sliding window, and otherwise counts the attempt as a failure
under the account's key and the address's key. Only a real success takes it
back: it clears the account's key and withdraws the attempt from the
address. So parallel tries cannot all slip through between a count and a
write, and a path that forgets to report a failure still counts it.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from piccolo.engine.sqlite import SQLiteEngine

from grants.core.db import engine, write_transaction
from grants.core.tables import LoginFailure
from grants.core.time import now

KEY_LENGTH = LoginFailure.key.length  # a longer key would fail in the database (PostgreSQL)


class FailureStore(Protocol):
    async def count(self, key: str, window: int) -> int: ...

    async def reserve(self, limits: dict[str, int], window: int) -> str | None:
        """One attempt more under every key, unless one of them already holds its limit; atomically.
        The attempt's id, or None when refused (then nothing was added)."""

    async def release(self, key: str, attempt: str) -> None:
        """Take this attempt back from the key."""

    async def clear(self, key: str) -> None: ...


class DatabaseFailureStore:
    async def count(self, key: str, window: int) -> int:
        since = now() - timedelta(seconds=window)
        return await LoginFailure.count().where((LoginFailure.key == key) & (LoginFailure.created_at > since))

    async def reserve(self, limits: dict[str, int], window: int) -> str | None:
        moment = now()
        since = moment - timedelta(seconds=window)
        # SQLite: the IMMEDIATE transaction holds the database's write lock from BEGIN. PostgreSQL: a
        # transaction lock per key, taken in one order (no deadlock), serialises the tries of a key.
        async with write_transaction():
            if not isinstance(engine(), SQLiteEngine):
                for key in sorted(limits):
                    await LoginFailure.raw("SELECT pg_advisory_xact_lock(hashtextextended({}, 0))", key)
            # Expired rows count for nothing: drop every key's (by the created_at index), so a key
            # nobody tries again does not stay in the table for ever; only in these keys' namespaces,
            # which share this window (another limiter's window may be longer).
            await LoginFailure.delete().where(
                (LoginFailure.created_at <= since) & _in_namespaces({namespace_of(key) for key in limits})
            )
            for key, limit in limits.items():
                counted = LoginFailure.count().where(
                    (LoginFailure.key == key) & (LoginFailure.created_at > since)
                )
                if await counted >= limit:
                    return None
            rows = await LoginFailure.insert(
                *(LoginFailure(key=key, created_at=moment) for key in limits)
            ).returning(LoginFailure.id)
        return ",".join(str(row["id"]) for row in rows)

    async def release(self, key: str, attempt: str) -> None:
        ids = [int(n) for n in attempt.split(",")]
        await LoginFailure.delete().where((LoginFailure.key == key) & LoginFailure.id.is_in(ids))

    async def clear(self, key: str) -> None:
        await LoginFailure.delete().where(LoginFailure.key == key)


async def _delete_expired(since: datetime) -> int:
    rows = await LoginFailure.delete().where(LoginFailure.created_at <= since).returning(LoginFailure.id)
    return len(rows)


# No limiter counts over a longer window: the worker's clean-up keeps every row younger than this.
LONGEST_WINDOW = 24 * 3600


async def purge_expired_failures(window: int) -> int:
    """Remove the failure rows older than the window (`grants worker`, hourly, with the longest window
    any limiter counts in): the ones a key nobody tries again would otherwise keep. How many went."""
    async with write_transaction():
        return await _delete_expired(now() - timedelta(seconds=window))


def namespace_of(key: str) -> str:
    """A key's namespace: its text up to the first colon ("ip", "account", "register"). The keys of
    one namespace are counted in one window."""
    return key.partition(":")[0]


def _in_namespaces(namespaces: set[str]) -> Any:
    where: Any = None
    for namespace in sorted(namespaces):
        condition = LoginFailure.key.like(f"{namespace}:%")  # letters and hyphens: no LIKE wildcard
        where = condition if where is None else where | condition
    return where


class RedisFailureStore:
    """A sorted set per key, scored by time: a sliding window like the table's."""

    def __init__(self, url: str) -> None:
        import redis.asyncio as redis

        self.url = url
        self._redis = redis

    def _client(self):  # a client per call: safe across event loops and processes
        return self._redis.from_url(self.url)

    async def count(self, key: str, window: int) -> int:
        moment = now().timestamp()
        async with self._client() as client:
            await client.zremrangebyscore(f"login:{key}", 0, moment - window)
            return int(await client.zcard(f"login:{key}"))

    async def reserve(self, limits: dict[str, int], window: int) -> str | None:
        moment = now().timestamp()
        attempt = f"{moment}:{secrets.token_hex(8)}"
        async with self._client() as client:
            # One MULTI/EXEC: Redis runs it whole, so each ZCARD counts every attempt added before it.
            pipe = client.pipeline(transaction=True)
            for key in limits:
                pipe.zremrangebyscore(f"login:{key}", 0, moment - window)
                pipe.zadd(f"login:{key}", {attempt: moment})
                pipe.zcard(f"login:{key}")
                pipe.expire(f"login:{key}", window)
            results = await pipe.execute()
            counts = results[2::4]
            if all(int(n) <= limit for n, limit in zip(counts, limits.values(), strict=True)):
                return attempt
            # Over a limit: withdraw it. Meanwhile it could only refuse tries that were over anyway.
            undo = client.pipeline(transaction=True)
            for key in limits:
                undo.zrem(f"login:{key}", attempt)
            await undo.execute()
            return None

    async def release(self, key: str, attempt: str) -> None:
        async with self._client() as client:
            await client.zrem(f"login:{key}", attempt)

    async def clear(self, key: str) -> None:
        async with self._client() as client:
            await client.delete(f"login:{key}")


@dataclass(frozen=True)
class Attempt:
    """A reserved login attempt: a failure until `LoginLimiter.succeeded` says otherwise."""

    account_key: str
    ip_key: str
    id: str


class LoginLimiter:
    def __init__(self, store: FailureStore, limit: int, window: int) -> None:
        self.store = store
        self.limit = limit
        self.window = window

    @staticmethod
    def _account_key(email: str) -> str:
        return f"account:{email.strip().lower()}"

    @classmethod
    def accepts(cls, email: str) -> bool:
        """Whether the e-mail can be a key at all: it fits the key column and has no NUL character
        (which PostgreSQL refuses in text) nor a lone surrogate (which no store can encode, and
        JSON can carry). Check before `reserve`, answer a refusal otherwise."""
        key = cls._account_key(email)
        if len(key) > KEY_LENGTH or "\x00" in key:
            return False
        try:
            key.encode()
        except UnicodeEncodeError:
            return False
        return True

    @classmethod
    def keys(cls, email: str, client_ip: str) -> tuple[str, str]:
        if not cls.accepts(email):
            raise ValueError("an e-mail that cannot be a login key")
        return cls._account_key(email), f"ip:{client_ip}"[:KEY_LENGTH]

    async def reserve(self, email: str, client_ip: str) -> Attempt | None:
        """Count this try before the password is checked; None when the account or the address is over
        its limit (answer 429). One address may try several accounts, so it gets a larger allowance."""
        account, ip = self.keys(email, client_ip)
        attempt = await self.store.reserve({account: self.limit, ip: self.limit * 4}, self.window)
        return None if attempt is None else Attempt(account, ip, attempt)

    async def succeeded(self, attempt: Attempt) -> None:
        """A real success: the account's failures are forgotten and this try is no failure of the address."""
        await self.store.clear(attempt.account_key)
        await self.store.release(attempt.ip_key, attempt.id)


def build_limiter(redis_url: str | None, limit: int, window: int) -> LoginLimiter:
    store: FailureStore = RedisFailureStore(redis_url) if redis_url else DatabaseFailureStore()
    return LoginLimiter(store, limit, window)


class ActionLimiter:
    """At most `limit` actions of one subject (a client address, a user) in a sliding window of
    `window` seconds, in the store of the login limits (so every worker sees the same counts). The
    namespace keeps its keys apart from the logins' ("account", "ip") and from other limiters'."""

    def __init__(self, store: FailureStore, namespace: str, limit: int, window: int) -> None:
        if not re.fullmatch(r"[a-z][a-z-]*", namespace):
            raise ValueError("a namespace is lower-case letters and hyphens (no LIKE wildcard, no colon)")
        if not 0 < window <= LONGEST_WINDOW:
            raise ValueError(f"a window is 1 to {LONGEST_WINDOW} seconds (the worker keeps rows that long)")
        self.store = store
        self.namespace = namespace
        self.limit = limit
        self.window = window

    def key(self, subject: str) -> str:
        return f"{self.namespace}:{subject}"[:KEY_LENGTH]

    async def reserve(self, subject: str) -> bool:
        """Count one action of `subject`, atomically; False (nothing counted) when it has its limit."""
        return await self.store.reserve({self.key(subject): self.limit}, self.window) is not None


def build_action_limiter(redis_url: str | None, namespace: str, limit: int, window: int) -> ActionLimiter:
    store: FailureStore = RedisFailureStore(redis_url) if redis_url else DatabaseFailureStore()
    return ActionLimiter(store, namespace, limit, window)
