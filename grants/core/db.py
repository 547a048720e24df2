"""The database engine chosen by DATABASE_URL, and the write transaction.

SQLite needs BEGIN IMMEDIATE on write paths, or concurrent writers fail with
"database is locked" instead of waiting for each other.

Piccolo's SQLiteEngine opens a connection (and a thread) for every query
outside a transaction, and SQLite then parses the whole schema again: about
3 ms of CPU for a one-row SELECT. ReusingSQLiteEngine keeps open connections
for the SELECTs outside a transaction instead, and runs the small ones
without a thread hop; writes and transactions keep Piccolo's own connection
each, so BEGIN IMMEDIATE and the write lock work as before.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import re
import sqlite3
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import ForeignKey, OnDelete
from piccolo.engine.base import Engine
from piccolo.engine.finder import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, TransactionType, dict_factory
from piccolo.query.base import FrozenQuery, Query
from piccolo.querystring import QueryString

from grants.settings import Settings, override_settings


def configure(settings: Settings) -> None:
    """Make these the process's settings, for the app and the command line alike."""
    from piccolo.apps.user.tables import BaseUser

    override_settings(settings)
    # Piccolo's hasher reads this class attribute; tests lower it through the setting.
    BaseUser._pbkdf2_iteration_count = settings.password_hash_iterations


SQLITE_READERS = 4  # open connections (and threads) for SELECTs outside a transaction
# A SELECT first runs on the event loop's own thread with this budget of SQLite VM steps (about
# 0.1–0.2 ms, a few hundred rows); past it SQLite interrupts it and a reader thread runs it again.
INLINE_STEPS = 10_000
_PROGRESS_EVERY = 500  # VM steps between two checks of the budget

_Entry = tuple[sqlite3.Connection, str, tuple[int, int], list[int]]  # connection, path, file id, budget


class ReusingSQLiteEngine(SQLiteEngine):
    """SQLiteEngine whose SELECTs outside a transaction reuse open connections.

    Each such SELECT runs in autocommit mode on a connection that no other
    query uses meanwhile, so it sees everything committed before it (WAL), as
    with a new connection. A small one runs right on the calling thread: a
    thread hop costs more than the query, and on a busy machine much more (the
    two threads take turns at the GIL). That connection waits for no lock and
    stops after INLINE_STEPS; a SELECT that finds the file locked or runs
    longer goes to a reader thread, where it may wait up to `timeout` and run
    as long as it needs, so the event loop is never held up. A connection whose
    file was replaced (tests, a restore) is closed, never reused. Connections
    belong to threads, not to asyncio objects, so the engine works from any
    event loop (the tests' and the server's).
    """

    def __init__(self, path: str, readers: int = SQLITE_READERS, **connection_kwargs: Any) -> None:
        super().__init__(path=path, **connection_kwargs)
        self._executor = ThreadPoolExecutor(max_workers=readers, thread_name_prefix="sqlite-reader")
        self._lock = threading.Lock()
        self._idle: list[_Entry] = []
        self._inline = threading.local()  # the calling thread's own connection

    def _file_id(self) -> tuple[int, int]:
        try:
            stat = os.stat(self.path)
        except OSError:
            return (0, 0)
        return (stat.st_dev, stat.st_ino)

    def _connect(self, path: str, *, inline: bool) -> _Entry:
        kwargs = {**self.connection_kwargs, "database": path}
        if inline:
            kwargs["timeout"] = 0  # a locked file is the reader threads' business
        connection = sqlite3.connect(**kwargs, check_same_thread=False)
        connection.row_factory = dict_factory
        connection.execute("PRAGMA foreign_keys = 1")
        budget = [0]
        if inline:

            def spend() -> int:
                budget[0] -= 1
                return budget[0] < 0  # true interrupts the statement

            connection.set_progress_handler(spend, _PROGRESS_EVERY)
        return connection, path, self._file_id(), budget

    def _take(self) -> _Entry:
        path, file_id = self.path, self._file_id()
        with self._lock:
            while self._idle:
                entry = self._idle.pop()
                if entry[1] == path and entry[2] == file_id:
                    return entry
                entry[0].close()  # another database, or a file deleted and made anew
        return self._connect(path, inline=False)

    @staticmethod
    def _select(connection: sqlite3.Connection, query: str, args: list[Any]) -> list[dict[str, Any]]:
        cursor = connection.execute(query, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def _run(self, query: str, args: list[Any]) -> list[dict[str, Any]]:
        entry = self._take()
        try:
            return self._select(entry[0], query, args)
        finally:  # a failed SELECT leaves an autocommit connection as it was: fit for the next one
            with self._lock:
                self._idle.append(entry)

    def _run_inline(self, query: str, args: list[Any]) -> list[dict[str, Any]] | None:
        """The rows, or None when the SELECT should run in a reader thread instead."""
        entry: _Entry | None = getattr(self._inline, "entry", None)
        if entry is None or (entry[1], entry[2]) != (self.path, self._file_id()):
            if entry is not None:
                entry[0].close()
            entry = self._inline.entry = self._connect(self.path, inline=True)
        entry[3][0] = INLINE_STEPS // _PROGRESS_EVERY
        try:
            return self._select(entry[0], query, args)
        except sqlite3.OperationalError:
            return None  # locked, over the budget, or wrong: a reader thread runs it (and raises the error)

    async def _run_in_new_connection(
        self, query: str, args: list[Any] | None = None, query_type: str = "generic", table: Any = None
    ) -> Any:
        if query.lstrip()[:6].upper() != "SELECT":
            # Writes keep a connection of their own: one waiting up to `timeout` for the write
            # lock must not hold one of the few reader connections meanwhile.
            return await super()._run_in_new_connection(query, args, query_type, table)
        rows = self._run_inline(query, args or [])
        if rows is not None:
            return rows
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, query, args or [])


async def _rollback_only(connection: Any) -> None:
    """The pool's reset of a released connection: nothing beyond asyncpg's own rollback of a transaction.

    asyncpg's default also runs `SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL`, one
    more round trip after every query; this app sets no session state, holds no advisory locks or
    cursors outside a transaction, and listens to nothing, so there is nothing to undo.
    """


class PoolingPostgresEngine(PostgresEngine):
    """PostgresEngine whose pool hands connections back without the reset round trip."""

    async def start_connection_pool(self, **kwargs: Any) -> None:
        await super().start_connection_pool(**{"reset": _rollback_only, **kwargs})


def build_engine(settings: Settings) -> Engine:
    if settings.database_kind == "postgres":
        return PoolingPostgresEngine(config={"dsn": settings.database_url})
    path = settings.sqlite_path
    path.parent.mkdir(parents=True, exist_ok=True)
    # Writers wait up to 30 s for the lock rather than failing at once.
    return ReusingSQLiteEngine(path=str(path), timeout=30)


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


def frozen(build: Callable[[], Query[Any, Any]]) -> Callable[[], FrozenQuery]:
    """A query without parameters, made into SQL once, on first use (when the engine is known).

    Piccolo builds the SQL of a query anew on every run, which costs more than running a
    small SELECT; `await frozen_query().run()` skips that.
    """
    return functools.cache(lambda: build().freeze())


# --- Changing what a foreign key does ON DELETE, for the migrations ------------------------------------

_ACTIONS = "CASCADE|RESTRICT|SET NULL|SET DEFAULT|NO ACTION"
_PG_ACTIONS = {"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}


@dataclass(frozen=True)
class OnDeleteChange:
    """One foreign key's ON DELETE, from `old` to `new` (a migration's backwards step puts `old` back)."""

    table_class_name: str
    tablename: str
    column: str
    new: OnDelete
    old: OnDelete


class _ForeignKeyMigration(MigrationManager):
    """A migration whose column alterations are only recorded, for Piccolo's schema snapshot (what
    `piccolo migrations new --auto` compares the tables with); its raw steps make the change."""

    async def _run_alter_columns(self, backwards: bool = False) -> None:
        return None


def on_delete_migration(
    migration_id: str, app_name: str, description: str, changes: list[OnDeleteChange]
) -> MigrationManager:
    """A migration that changes foreign keys' ON DELETE on SQLite and PostgreSQL.

    Piccolo's own alter_column drops and adds the constraint, which SQLite cannot do: there the table
    is rebuilt (see `set_on_delete`). Not wrapped in Piccolo's transaction: the SQLite rebuild needs
    foreign keys off, which a connection can only switch outside a transaction; each engine's step
    runs in one transaction of its own.
    """
    manager = _ForeignKeyMigration(
        migration_id=migration_id, app_name=app_name, description=description, wrap_in_transaction=False
    )
    for change in changes:
        manager.alter_column(
            table_class_name=change.table_class_name,
            tablename=change.tablename,
            column_name=change.column,
            db_column_name=change.column,
            params={"on_delete": change.new},
            old_params={"on_delete": change.old},
            column_class=ForeignKey,
            old_column_class=ForeignKey,
            schema=None,
        )

    async def forwards() -> None:
        await set_on_delete({(c.tablename, c.column): c.new for c in changes})

    async def backwards() -> None:
        await set_on_delete({(c.tablename, c.column): c.old for c in changes})

    manager.add_raw(forwards)
    manager.add_raw_backwards(backwards)
    return manager


async def set_on_delete(actions: dict[tuple[str, str], OnDelete]) -> None:
    """Make each (table, column) foreign key do `action` ON DELETE, in one transaction."""
    db = engine()
    if isinstance(db, SQLiteEngine):
        await asyncio.to_thread(_rebuild_sqlite_tables, db.path, actions)
        return
    async with db.transaction():
        for (table, column), action in actions.items():
            if not (table.isidentifier() and column.isidentifier()):
                raise ValueError(f"not a plain name: {table}.{column}")
            found = await db.run_querystring(QueryString(_PG_FOREIGN_KEY, table, column))
            if len(found) != 1:
                raise RuntimeError(f"{table}.{column}: {len(found)} foreign keys, expected one")
            key = found[0]
            await db.run_ddl(
                f'ALTER TABLE "{table}" DROP CONSTRAINT "{key["name"]}", ADD CONSTRAINT "{key["name"]}"'
                f' FOREIGN KEY ("{column}") REFERENCES "{key["target"]}" ("{key["target_column"]}")'
                f" ON DELETE {OnDelete(action).value} ON UPDATE {_PG_ACTIONS[key['on_update']]}"
            )


_PG_FOREIGN_KEY = """
SELECT con.conname AS name, target.relname AS target, target_column.attname AS target_column,
       con.confupdtype::text AS on_update
FROM pg_constraint con
JOIN pg_class rel ON rel.oid = con.conrelid
JOIN pg_attribute col ON col.attrelid = con.conrelid AND col.attnum = con.conkey[1]
JOIN pg_class target ON target.oid = con.confrelid
JOIN pg_attribute target_column ON target_column.attrelid = con.confrelid AND target_column.attnum = con.confkey[1]
WHERE con.contype = 'f' AND rel.relname = {} AND col.attname = {}
AND rel.relnamespace = current_schema()::regnamespace
"""


def _rebuild_sqlite_tables(path: str, actions: dict[tuple[str, str], OnDelete]) -> None:
    """SQLite cannot alter a constraint: each table is made anew with the new clause, its rows copied,
    the old one dropped and the new one renamed, its indexes made again (the procedure of
    https://sqlite.org/lang_altertable.html#otheralter). Foreign keys are off meanwhile, so dropping
    the old table deletes nothing else; they are checked before the commit."""
    tables: dict[str, dict[str, OnDelete]] = {}
    for (table, column), action in actions.items():
        if not (table.isidentifier() and column.isidentifier()):
            raise ValueError(f"not a plain name: {table}.{column}")
        tables.setdefault(table, {})[column] = action
    connection = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        connection.execute("PRAGMA foreign_keys = OFF")
        connection.execute("BEGIN IMMEDIATE")
        try:
            for table, columns in tables.items():
                _rebuild_sqlite_table(connection, table, columns)
            broken = connection.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise RuntimeError(f"foreign keys broken by the rebuild: {broken[:5]}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise
    finally:
        connection.close()


def _rebuild_sqlite_table(connection: sqlite3.Connection, table: str, columns: dict[str, OnDelete]) -> None:
    row = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    if row is None:
        raise RuntimeError(f"no table {table}")
    sql: str = row[0]
    for column, action in columns.items():
        clause = re.compile(
            rf'([(,]\s*"{re.escape(column)}" INTEGER (?:UNIQUE )?REFERENCES "[^"]+" \("[^"]+"\) ON DELETE )(?:{_ACTIONS})'
        )
        sql, found = clause.subn(rf"\g<1>{OnDelete(action).value}", sql)
        if found != 1:
            raise RuntimeError(f"{table}.{column}: {found} foreign key clauses, expected one")
    head = f'CREATE TABLE "{table}" ('
    if not sql.startswith(head):
        raise RuntimeError(f"{table}: unexpected definition {sql[:60]!r}")
    rebuilt = f"{table}__rebuilt"
    indexes = [
        r[0]
        for r in connection.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
            (table,),
        )
    ]
    connection.execute(f'CREATE TABLE "{rebuilt}" (' + sql[len(head) :])
    # Names from the migrations' own constants, checked to be plain identifiers above.
    connection.execute(f'INSERT INTO "{rebuilt}" SELECT * FROM "{table}"')  # noqa: S608
    connection.execute(f'DROP TABLE "{table}"')
    connection.execute(f'ALTER TABLE "{rebuilt}" RENAME TO "{table}"')
    for index in indexes:
        connection.execute(index)


def municipality_resolver(table: Any, column: Any) -> Callable[[Any], Any]:
    """A core.auth.MunicipalScope resolver: one record's id (a path parameter) -> the municipality id
    at the end of `column` (e.g. Award.call.municipality), None when there is no such record."""
    from grants.core.params import MAX_ID

    async def resolve(value: Any) -> int | None:
        if not isinstance(value, int) or not 1 <= value <= MAX_ID:
            return None  # the route refuses it as bad input after the guards
        row = await table.select(column.as_alias("municipality")).where(table.id == value).first()
        return row["municipality"] if row else None

    return resolve
