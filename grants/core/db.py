"""The database engine chosen by DATABASE_URL, and the write transaction.

SQLite needs BEGIN IMMEDIATE on write paths, or concurrent writers fail with
"database is locked" instead of waiting for each other.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType

from grants.settings import Settings, override_settings


def configure(settings: Settings) -> None:
    """Make these the process's settings, for the app and the command line alike."""
    from piccolo.apps.user.tables import BaseUser

    override_settings(settings)
    # Piccolo's hasher reads this class attribute; tests lower it through the setting.
    BaseUser._pbkdf2_iteration_count = settings.password_hash_iterations


def build_engine(settings: Settings) -> Engine:
    if settings.database_kind == "postgres":
        return PostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Writers wait up to 30 s for the lock rather than failing at once.
    return SQLiteEngine(path=str(path), timeout=30)


def engine() -> Engine:
    db = engine_finder()
    if db is None:
        raise RuntimeError("piccolo_conf.py defines no DB")
    return db


@contextlib.asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """A transaction that takes the write lock at BEGIN on SQLite (a plain one on PostgreSQL)."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


async def prepare_sqlite(db: Engine) -> None:
    """WAL lets readers go on while one writer writes; it is stored in the file."""
    if isinstance(db, SQLiteEngine):
        await db.run_ddl("PRAGMA journal_mode=WAL")


def for_update(query: Any) -> Any:
    """SELECT … FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction already holds the lock."""
    # OF the queried table: joined lookups (a municipality's name) stay unlocked and may be outer joins.
    return query if isinstance(engine(), SQLiteEngine) else query.lock_rows(of=(query.table,))
