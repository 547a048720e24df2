"""The security suite's shared world (seeded once per session) and a signed-in browser per role."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import AsyncIterator

import httpx
import pytest

from grants.app import CSRF_COOKIE
from grants.core.auth import SESSION_COOKIE
from tests.security.world import ROLES, World, build_world

_addresses = itertools.count(1)


def browser(app, session: str | None = None) -> httpx.AsyncClient:
    """A client with its own address (login counts stay apart), English, and the session cookie if given."""
    n = next(_addresses)
    transport = httpx.ASGITransport(app=app, client=(f"127.9.{n // 250}.{n % 250 + 1}", 50000))
    client = httpx.AsyncClient(
        transport=transport, base_url="http://127.0.0.1", headers={"Accept-Language": "en"}
    )
    if session:
        client.cookies.set(SESSION_COOKIE, session, domain="127.0.0.1")
    return client


async def csrf(client: httpx.AsyncClient) -> str:
    if CSRF_COOKIE not in client.cookies:
        await client.get("/login")
    return client.cookies[CSRF_COOKIE]


async def raw_request(
    app, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes = b""
) -> tuple[int, bytes]:
    """Straight into the ASGI app, path and headers exactly as given: no client normalises "..",
    "//" or merges repeated headers."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1"), (b"accept-language", b"en"), *headers],
        "client": (f"127.8.0.{next(_addresses) % 250 + 1}", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[dict] = []
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive() -> dict:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    return status, b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")


@pytest.fixture
async def new_browser(app) -> AsyncIterator:
    """A factory of further browsers (optionally with a session id), closed after the test."""
    made: list[httpx.AsyncClient] = []

    def factory(session: str | None = None) -> httpx.AsyncClient:
        made.append(browser(app, session))
        return made[-1]

    yield factory
    for client in made:
        await client.aclose()


@contextlib.asynccontextmanager
async def pooled() -> AsyncIterator[None]:
    """On PostgreSQL, a connection pool for the block, as in production: without one every query
    opens a connection of its own, and the table's thousand requests take minutes."""
    from piccolo.engine.postgres import PostgresEngine

    from grants.core.db import engine

    db = engine()
    if not isinstance(db, PostgresEngine) or db.pool is not None:
        yield
        return
    await db.start_connection_pool(min_size=1, max_size=8)
    try:
        yield
    finally:
        await db.close_connection_pool()


@pytest.fixture(scope="module", autouse=True)
async def postgres_pool(database) -> AsyncIterator[None]:
    """A pool while a module of this suite runs; the other suites keep theirs as they are."""
    async with pooled():
        yield


@pytest.fixture(scope="session")
async def world(app) -> World:
    async with pooled():  # a session fixture is made before the module's pool opens
        return await build_world()


@pytest.fixture(scope="session")
async def browsers(app, world) -> AsyncIterator[dict[str, httpx.AsyncClient]]:
    """role -> a browser signed in as that role (anonymous: none), holding a CSRF cookie."""
    clients = {role: browser(app, world.sessions.get(role)) for role in ROLES}
    for client in clients.values():
        await csrf(client)
    yield clients
    for client in clients.values():
        await client.aclose()


@pytest.fixture(scope="session")
async def api(app) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-less client for the JSON API: each request carries the role's bearer token."""
    async with browser(app) as client:
        yield client
