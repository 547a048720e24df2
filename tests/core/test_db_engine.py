"""The database engines of grants/core/db.py: SQLite's reused reader connections, frozen queries,
and PostgreSQL's pool that hands connections back without the reset round trip."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import uuid
from pathlib import Path

import pytest

from grants.core import audit
from grants.core.db import ReusingSQLiteEngine, engine, frozen, write_transaction
from grants.core.tables import AuditEntry

pytestmark = pytest.mark.integration


def _sqlite_file(path: Path, value: int) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
        connection.execute("INSERT INTO t VALUES (?)", (value,))


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> ReusingSQLiteEngine:
    _sqlite_file(tmp_path / "db.sqlite", 1)
    return ReusingSQLiteEngine(path=str(tmp_path / "db.sqlite"), timeout=5)


async def test_sqlite_reader_sees_a_write_committed_after_its_last_select(sqlite_engine):
    assert await sqlite_engine.run_ddl("SELECT x FROM t") == [{"x": 1}]  # opens the reader
    async with sqlite_engine.transaction():
        await sqlite_engine.run_ddl("INSERT INTO t VALUES (2)")

    assert await sqlite_engine.run_ddl("SELECT x FROM t ORDER BY x") == [{"x": 1}, {"x": 2}]


async def test_sqlite_write_outside_a_transaction_is_committed(sqlite_engine):
    await sqlite_engine.run_ddl("INSERT INTO t VALUES (3)")

    with sqlite3.connect(sqlite_engine.path) as other:  # another connection, as another process
        assert other.execute("SELECT x FROM t ORDER BY x").fetchall() == [(1,), (3,)]


async def test_sqlite_reader_follows_a_file_replaced_under_it(sqlite_engine, tmp_path):
    assert await sqlite_engine.run_ddl("SELECT x FROM t") == [{"x": 1}]
    (tmp_path / "db.sqlite").unlink()
    _sqlite_file(tmp_path / "db.sqlite", 7)

    assert await sqlite_engine.run_ddl("SELECT x FROM t") == [{"x": 7}]


async def test_sqlite_failed_select_leaves_the_readers_usable(sqlite_engine):
    with pytest.raises(sqlite3.OperationalError):
        await sqlite_engine.run_ddl("SELECT x FROM missing")

    assert await sqlite_engine.run_ddl("SELECT x FROM t") == [{"x": 1}]


async def test_sqlite_more_concurrent_selects_than_readers_all_answer(sqlite_engine):
    queries = [f"SELECT x + {n} AS y FROM t" for n in range(40)]  # noqa: S608 - n is an int of range()
    answers = await asyncio.gather(*(sqlite_engine.run_ddl(query) for query in queries))

    assert answers == [[{"y": 1 + n}] for n in range(40)]


async def test_sqlite_select_longer_than_the_inline_budget_still_answers(sqlite_engine):
    counted = await sqlite_engine.run_ddl(
        "WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 200000) SELECT count(*) AS n FROM c"
    )

    assert counted == [{"n": 200_000}]


async def test_sqlite_select_on_a_locked_file_waits_without_holding_up_the_event_loop(sqlite_engine):
    assert await sqlite_engine.run_ddl("SELECT x FROM t") == [{"x": 1}]  # both kinds of connection open
    writer = sqlite3.connect(sqlite_engine.path, isolation_level=None)
    writer.execute("BEGIN EXCLUSIVE")  # no WAL in this file: readers must wait for the writer
    writer.execute("INSERT INTO t VALUES (5)")
    try:
        reading = asyncio.ensure_future(sqlite_engine.run_ddl("SELECT x FROM t ORDER BY x"))
        ticks = 0
        for _ in range(10):  # the loop keeps running while the SELECT waits
            await asyncio.sleep(0.02)
            ticks += 1
        assert (ticks, reading.done()) == (10, False)
        writer.execute("COMMIT")
        assert await reading == [{"x": 1}, {"x": 5}]
    finally:
        writer.close()


async def test_frozen_query_sees_rows_written_after_it_was_frozen(database):
    entity_id = uuid.uuid4().hex
    query = frozen(lambda: AuditEntry.select(AuditEntry.action).where(AuditEntry.entity_id == entity_id))
    assert await query().run() == []
    async with write_transaction():
        await audit.record("engine_test", "test", entity_id)

    assert await query().run() == [{"action": "engine_test"}]


@pytest.mark.skipif(
    not os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")),
    reason="the connection pool is PostgreSQL's",
)
async def test_postgres_pooled_connection_comes_back_clean_after_a_failed_transaction(database):
    db = engine()
    suite_pool = db.pool is not None  # the suite's own pool is set aside for this test's single connection
    if suite_pool:
        await db.close_connection_pool()
    await db.start_connection_pool(min_size=1, max_size=1)  # one connection: the next query gets it back
    try:
        entity_id = uuid.uuid4().hex
        with pytest.raises(RuntimeError):
            async with write_transaction():
                await audit.record("engine_test", "test", entity_id)
                raise RuntimeError("abandon the transaction")

        assert await AuditEntry.count().where(AuditEntry.entity_id == entity_id) == 0
        # now() is the transaction's start: in a transaction left open on the connection it would stand still.
        first = await AuditEntry.raw("SELECT now() AS at")
        await asyncio.sleep(0.01)
        assert await AuditEntry.raw("SELECT now() AS at") != first
    finally:
        await db.close_connection_pool()
        if suite_pool:
            await db.start_connection_pool(min_size=1, max_size=20)
