"""Test set-up: a fresh database (SQLite file or a new PostgreSQL database), migrated once.

DATABASE_URL picks the engine: "sqlite" (or unset) makes a temporary SQLite
file; a postgres:// URL names the server, and a database of its own is
created for this run and dropped after it. The environment is set before any
grants module is imported, because piccolo_conf reads it at import.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest

_TMP = Path(tempfile.mkdtemp(prefix="grants-test-"))
_REQUESTED = os.environ.get("DATABASE_URL", "sqlite")
_PG_ADMIN_URL: str | None = None
_PG_DB: str | None = None

if _REQUESTED.startswith(("postgres://", "postgresql://")):
    _PG_ADMIN_URL = _REQUESTED
    _PG_DB = f"grants_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    os.environ["DATABASE_URL"] = urlunparse(urlparse(_REQUESTED)._replace(path=f"/{_PG_DB}"))
else:
    os.environ["DATABASE_URL"] = f"sqlite:///{_TMP / 'test.sqlite'}"

os.environ.update(
    GRANTS_ENV="test",
    GRANTS_VAR_DIR=str(_TMP / "var"),
    SECRET_KEY="test-secret-key-that-is-long-enough-0123456789",
    PASSWORD_HASH_ITERATIONS="1000",  # the real 600,000 would make every login take 0.3 s
    DB_POOL="0",
    STORAGE_URL=f"file://{_TMP / 'files'}",
    ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
    # Two-factor sign-in is off for the suite, so staff and reviewers of every other test log in with
    # the password alone; tests/accounts/test_*two_factor*.py and tests/e2e/test_two_factor.py turn
    # it on (the default, tested there).
    TWO_FACTOR_REQUIRED="0",
)
os.environ.pop("REDIS_URL", None)
os.environ.pop("SMTP_URL", None)

import httpx  # noqa: E402

from tests.factories.servers import free_port  # noqa: E402

DATABASE_LABEL = "PostgreSQL" if _PG_DB else "SQLite"


async def _create_pg_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(_PG_ADMIN_URL)
    try:
        await conn.execute(f'CREATE DATABASE "{_PG_DB}"')
    finally:
        await conn.close()


async def _drop_pg_database() -> None:
    import asyncpg

    conn = await asyncpg.connect(_PG_ADMIN_URL)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{_PG_DB}" WITH (FORCE)')
    finally:
        await conn.close()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The browser tests first, on the database as a new site has it: the journey finds its new call
    and criteria on the admin panel's first page of each table, as staff on a new site do."""
    items.sort(
        key=lambda item: not item.nodeid.startswith("tests/e2e/")
    )  # a stable sort: the rest keep their order


def pytest_report_header(config: pytest.Config) -> str:
    return f"database: {DATABASE_LABEL} ({os.environ['DATABASE_URL']})"


@pytest.fixture(scope="session")
async def database() -> AsyncIterator[str]:
    """The migrated database, with the municipality registry loaded."""
    if _PG_DB:
        await _create_pg_database()
    from grants.cli import migrate

    await migrate()
    if not _PG_DB:
        yield os.environ["DATABASE_URL"]
        return
    # One pool for the whole run, as in production: a new PostgreSQL connection per query would make
    # the suite several times slower. Every test runs in the session's event loop, so sharing it is safe.
    from grants.core.db import engine

    await engine().start_connection_pool(min_size=1, max_size=20)
    try:
        yield os.environ["DATABASE_URL"]
    finally:
        if engine().pool is not None:
            await engine().close_connection_pool()
        await _drop_pg_database()


@pytest.fixture(scope="session")
async def app(database: str):
    from grants.app import create_app

    return create_app()


_client_numbers = itertools.count(2)


def _client_ip() -> str:
    """Each client gets its own loopback address, so login counts of one test never block another."""
    n = next(_client_numbers)
    return f"127.0.{n // 250}.{n % 250 + 1}"


def _new_client(app, ip: str | None = None, language: str | None = "en") -> httpx.AsyncClient:
    """A client that asks for English unless told otherwise, so assertions read in one language;
    the tests of the Latvian default pass language=None."""
    transport = httpx.ASGITransport(app=app, client=(ip or _client_ip(), 50000))
    headers = {"Accept-Language": language} if language else {}
    return httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1", headers=headers)


@pytest.fixture
async def client(app) -> AsyncIterator[httpx.AsyncClient]:
    async with _new_client(app) as c:
        yield c


@pytest.fixture
async def make_client(app) -> AsyncIterator:
    """A factory for further independent clients (another user, another browser)."""
    clients: list[httpx.AsyncClient] = []

    def factory(ip: str | None = None, language: str | None = "en") -> httpx.AsyncClient:
        new = _new_client(app, ip, language)
        clients.append(new)
        return new

    yield factory
    for c in clients:
        await c.aclose()


@pytest.fixture
def english() -> Iterator[None]:
    """The language of the code under test (outside a request) is English for the test."""
    from grants.core.i18n import DEFAULT_LANGUAGE, set_language

    set_language("en")
    yield
    set_language(DEFAULT_LANGUAGE)


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """moto's S3 server in a process of its own, on a free loopback port: boto3 speaks real HTTP to it."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"moto's server did not start on {endpoint}") from None
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait(timeout=10)


def _smtp_server() -> Iterator:
    from aiosmtpd.controller import Controller

    from tests.factories.smtp import Collector

    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=free_port())
    controller.start()
    collector.port = controller.port
    try:
        yield collector
    finally:
        controller.stop()


@pytest.fixture
def smtp() -> Iterator:
    """A real SMTP server (aiosmtpd) on loopback for this test; `.messages` is what it received."""
    yield from _smtp_server()


@pytest.fixture(scope="session")
def mail_server() -> Iterator:
    """One SMTP server for the whole run: the browser tests' server sends to it (SMTP_URL)."""
    yield from _smtp_server()
