"""Failed-login counting shared by every worker process.

Counts live in the database (table login_failure), or in Redis when
REDIS_URL is set. A key is blocked once it has `limit` failures inside the
sliding window; a success clears the account's key.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Protocol

from grants.core.tables import LoginFailure
from grants.core.time import now


class FailureStore(Protocol):
    async def count(self, key: str, window: int) -> int: ...
    async def add(self, key: str, window: int) -> None: ...
    async def clear(self, key: str) -> None: ...


class DatabaseFailureStore:
    async def count(self, key: str, window: int) -> int:
        since = now() - timedelta(seconds=window)
        return await LoginFailure.count().where((LoginFailure.key == key) & (LoginFailure.created_at > since))

    async def add(self, key: str, window: int) -> None:
        moment = now()
        await LoginFailure.insert(LoginFailure(key=key, created_at=moment)).run()
        # Old rows are useless; drop this key's expired ones as we go.
        await LoginFailure.delete().where(
            (LoginFailure.key == key) & (LoginFailure.created_at < moment - timedelta(seconds=window))
        )

    async def clear(self, key: str) -> None:
        await LoginFailure.delete().where(LoginFailure.key == key)


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

    async def add(self, key: str, window: int) -> None:
        moment = now().timestamp()
        async with self._client() as client:
            pipe = client.pipeline()
            pipe.zadd(f"login:{key}", {f"{moment}": moment})
            pipe.expire(f"login:{key}", window)
            await pipe.execute()

    async def clear(self, key: str) -> None:
        async with self._client() as client:
            await client.delete(f"login:{key}")


class LoginLimiter:
    def __init__(self, store: FailureStore, limit: int, window: int) -> None:
        self.store = store
        self.limit = limit
        self.window = window

    @staticmethod
    def keys(email: str, client_ip: str) -> tuple[str, str]:
        return f"account:{email.strip().lower()}", f"ip:{client_ip}"

    async def blocked(self, email: str, client_ip: str) -> bool:
        account, ip = self.keys(email, client_ip)
        # One address may try several accounts, so it gets a larger allowance.
        return (
            await self.store.count(account, self.window) >= self.limit
            or await self.store.count(ip, self.window) >= self.limit * 4
        )

    async def failed(self, email: str, client_ip: str) -> None:
        for key in self.keys(email, client_ip):
            await self.store.add(key, self.window)

    async def succeeded(self, email: str, client_ip: str) -> None:
        await self.store.clear(self.keys(email, client_ip)[0])


def build_limiter(redis_url: str | None, limit: int, window: int) -> LoginLimiter:
    store: FailureStore = RedisFailureStore(redis_url) if redis_url else DatabaseFailureStore()
    return LoginLimiter(store, limit, window)
