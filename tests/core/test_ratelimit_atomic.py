"""Reserving an attempt is one atomic step in either store: thirty at once for one account, five pass."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import pytest

from grants.core.ratelimit import DatabaseFailureStore, LoginLimiter, RedisFailureStore
from grants.core.tables import LoginFailure
from grants.core.time import now
from tests.core.test_ratelimit import REDIS_URL, _redis_reachable

pytestmark = pytest.mark.integration


@pytest.fixture(params=["database", "redis"])
async def limiter(request, database):
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis does not listen on 127.0.0.1:6379")
        return LoginLimiter(RedisFailureStore(REDIS_URL), limit=5, window=60)
    return LoginLimiter(DatabaseFailureStore(), limit=5, window=60)


async def test_thirty_parallel_reservations_for_one_account_let_five_through(limiter):
    email = f"{uuid.uuid4().hex}@example.lv"
    ips = [f"10.77.{n}.{uuid.uuid4().int % 250}" for n in range(30)]
    attempts = await asyncio.gather(*(limiter.reserve(email, ip) for ip in ips))
    assert sum(a is not None for a in attempts) == 5
    assert await limiter.store.count(limiter.keys(email, "-")[0], limiter.window) == 5


async def test_thirty_parallel_reservations_from_one_address_let_twenty_through(limiter):
    ip = f"10.78.{uuid.uuid4().int % 250}.1"
    emails = [f"{uuid.uuid4().hex}@example.lv" for _ in range(30)]
    attempts = await asyncio.gather(*(limiter.reserve(email, ip) for email in emails))
    assert sum(a is not None for a in attempts) == 20  # the address's allowance is four accounts' worth
    assert await limiter.store.count(f"ip:{ip}", limiter.window) == 20


async def test_success_clears_the_account_and_takes_back_the_address_reservation(limiter):
    email = f"{uuid.uuid4().hex}@example.lv"
    ip = f"10.79.{uuid.uuid4().int % 250}.1"
    for _ in range(3):
        assert await limiter.reserve(email, ip) is not None  # three failures
    attempt = await limiter.reserve(email, ip)
    await limiter.succeeded(attempt)
    assert await limiter.store.count(limiter.keys(email, ip)[0], limiter.window) == 0
    assert await limiter.store.count(f"ip:{ip}", limiter.window) == 3  # the failures stay on the address


async def test_refused_reservation_adds_nothing(limiter):
    email = f"{uuid.uuid4().hex}@example.lv"
    for n in range(5):
        assert await limiter.reserve(email, f"10.80.0.{n}") is not None
    assert await limiter.reserve(email, "10.80.1.1") is None
    assert await limiter.store.count(limiter.keys(email, "-")[0], limiter.window) == 5
    assert await limiter.store.count("ip:10.80.1.1", limiter.window) == 0


def test_key_longer_than_the_column_is_refused_before_the_store():
    limiter = LoginLimiter(DatabaseFailureStore(), limit=5, window=60)
    assert limiter.accepts("a" * 200 + "@example.lv") is True
    assert limiter.accepts("a" * 300 + "@example.lv") is False
    assert limiter.accepts("nul\x00@example.lv") is False
    with pytest.raises(ValueError):
        limiter.keys("a" * 300 + "@example.lv", "10.0.0.1")


async def test_reservation_drops_expired_failures_of_every_key(database):
    stale, fresh = f"account:{uuid.uuid4().hex}@example.lv", f"account:{uuid.uuid4().hex}@example.lv"
    await LoginFailure.insert(
        LoginFailure(key=stale, created_at=now() - timedelta(seconds=61)),
        LoginFailure(key=fresh, created_at=now() - timedelta(seconds=30)),
    )
    limiter = LoginLimiter(DatabaseFailureStore(), limit=5, window=60)
    assert await limiter.reserve(f"{uuid.uuid4().hex}@example.lv", "10.79.0.1") is not None
    assert await LoginFailure.count().where(LoginFailure.key == stale) == 0
    assert await LoginFailure.count().where(LoginFailure.key == fresh) == 1
