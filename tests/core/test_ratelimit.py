"""Failed logins are counted where every worker process sees them: the database, or Redis."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import uuid

import httpx
import pytest

from grants.core.auth import Role
from grants.core.ratelimit import DatabaseFailureStore, LoginLimiter, RedisFailureStore
from tests.factories.accounts import PASSWORD, make_user
from tests.factories.servers import GRANTS, free_port

pytestmark = pytest.mark.integration

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["database", "redis"])
async def limiter(request, database):
    if request.param == "redis":
        if not _redis_reachable():
            pytest.skip("Redis does not listen on 127.0.0.1:6379")
        return LoginLimiter(RedisFailureStore(REDIS_URL), limit=3, window=60)
    return LoginLimiter(DatabaseFailureStore(), limit=3, window=60)


async def test_limiter_refuses_after_limit_and_success_clears_account(limiter):
    email = f"{uuid.uuid4().hex}@example.lv"
    ip = f"10.{uuid.uuid4().int % 250}.0.1"
    for _ in range(3):
        assert await limiter.reserve(email, ip) is not None  # each one a failure until told otherwise
    assert await limiter.reserve(email, ip) is None
    other = await limiter.reserve(f"other-{email}", ip)  # the address has a larger allowance
    assert other is not None
    await limiter.succeeded(other)
    assert await limiter.store.count(limiter.keys(email, ip)[0], limiter.window) == 3
    assert await limiter.store.count(limiter.keys(f"other-{email}", ip)[0], limiter.window) == 0


async def test_limiter_window_forgets_old_failures(database):
    limiter = LoginLimiter(DatabaseFailureStore(), limit=2, window=1)
    email = f"{uuid.uuid4().hex}@example.lv"
    assert await limiter.reserve(email, "10.1.1.1") is not None
    assert await limiter.reserve(email, "10.1.1.1") is not None
    assert await limiter.reserve(email, "10.1.1.1") is None
    await asyncio.sleep(1.1)
    assert await limiter.reserve(email, "10.1.1.1") is not None


def _start_server(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [str(GRANTS), "serve", "--port", str(port)],
        env=dict(os.environ, DB_POOL="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait_until_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{port}/api/registry/municipalities", timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not start")


async def test_login_limit_holds_across_two_server_processes(database):
    email = await make_user(Role.applicant)
    ports = [free_port(), free_port()]
    servers = [_start_server(port) for port in ports]
    try:
        for port in ports:
            _wait_until_up(port)
        statuses = []
        async with httpx.AsyncClient() as http:
            for attempt in range(5):
                port = ports[attempt % 2]  # alternate between the two processes
                response = await http.post(
                    f"http://127.0.0.1:{port}/api/auth/token", json={"email": email, "password": "wrong-one"}
                )
                statuses.append(response.status_code)
            sixth = await http.post(
                f"http://127.0.0.1:{ports[1]}/api/auth/token", json={"email": email, "password": PASSWORD}
            )
        assert statuses == [401, 401, 401, 401, 401]
        assert sixth.status_code == 429
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


@pytest.mark.parametrize(
    ("email", "accepted"),
    [("a@example.lv", True), ("nul\x00@example.lv", False), ("\ud800@example.lv", False), ("a" * 300, False)],
    ids=["plain", "nul", "lone surrogate", "too long"],
)
def test_limiter_accepts_only_an_email_every_store_can_keep(email, accepted):
    assert LoginLimiter.accepts(email) == accepted
