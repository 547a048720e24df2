"""The security suite's shared world (seeded once per session) and a signed-in browser per role."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.security.web import browser, csrf
from tests.security.world import ROLES, World, build_world


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
