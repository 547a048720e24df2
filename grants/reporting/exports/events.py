"""Event reports as CSV, streamed: staff export all of them, a municipality's dashboard its own.

Rows are read in batches by keyset pagination on the id (`WHERE id > last ORDER BY id LIMIT n`),
each batch written out before the one after next is read, so memory stays flat however many
reports there are; the next batch is read while the current one is written. bench/export.py
measures both. The municipality column is today's, after mergers.

Piccolo builds the query; the rows are fetched as plain tuples from the driver, because turning
100,000 rows into dicts (and SQLite's dates into date objects, and back into text) cost more than
the query and the CSV together.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
import sqlite3
from collections.abc import AsyncIterator, Sequence
from typing import Any

from litestar.response import Stream
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from grants.calls.tables import Call
from grants.core.auth import within
from grants.core.db import engine
from grants.core.errors import NotFound
from grants.core.filetypes import content_disposition
from grants.core.spreadsheet import csv_text
from grants.reporting.queries.reach import counted_events, places
from grants.reporting.tables import EventReport

CSV_TYPE = "text/csv"
BATCH = 2000
HEADER = (
    "id",
    "reference",
    "organisation",
    "call_id",
    "school",
    "school_name",
    "municipality",
    "kind",
    "title",
    "status",
    "review",
    "planned_on",
    "held_on",
    "participants",
    "participants_1_4",
    "participants_5_9",
    "participants_10_12",
    "participants_vocational",
    "participants_at_risk",  # added last (issue 14): the columns before keep their places
)
# One column per HEADER entry, in its order; "municipality" is the registered one, resolved below.
COLUMNS = (
    EventReport.id,
    EventReport.award.application.reference.as_alias("reference"),
    EventReport.award.application.organisation.name.as_alias("organisation"),
    EventReport.award.call.as_alias("call_id"),
    EventReport.school.registration_number.as_alias("school"),
    EventReport.school.name.as_alias("school_name"),
    EventReport.school.municipality.code.as_alias("registered_code"),
    EventReport.kind,
    EventReport.title,
    EventReport.status,
    EventReport.review,
    EventReport.planned_on,
    EventReport.held_on,
    EventReport.participants,
    EventReport.participants_1_4,
    EventReport.participants_5_9,
    EventReport.participants_10_12,
    EventReport.participants_vocational,
    EventReport.participants_at_risk,
)
_MARK = -7_314_159  # no id is negative: stands for "the last id so far" in the compiled query


def spreadsheet_safe(value: str | None) -> str:
    """Text a spreadsheet shows as typed (core.spreadsheet's rule, for the one CSV writer of all exports)."""
    return csv_text(value)


class _Rows:
    """Runs one compiled SELECT after another and returns plain tuples.

    SQLite: one connection of the export's own, without Piccolo's type converters (a date stays
    "2026-05-14"), used from a worker thread one query at a time. PostgreSQL: asyncpg's Records
    (tuples) on a pooled connection per batch, so a slow download holds no connection between batches.
    """

    def __init__(self) -> None:
        self.db = engine()
        self.sqlite: sqlite3.Connection | None = None

    def _sqlite_fetch(self, sql: str, args: list[Any]) -> list[tuple[Any, ...]]:
        if self.sqlite is None:
            assert isinstance(self.db, SQLiteEngine)
            timeout = self.db.connection_kwargs.get("timeout", 5.0)
            self.sqlite = sqlite3.connect(self.db.path, timeout=timeout, check_same_thread=False)
        return self.sqlite.execute(sql, args).fetchall()

    def compile(self, query: Any) -> tuple[str, list[Any]]:
        kind = "postgres" if isinstance(self.db, PostgresEngine) else "sqlite"
        return query.querystrings[0].compile_string(engine_type=kind)

    async def fetch(self, sql: str, args: list[Any]) -> Sequence[Sequence[Any]]:
        if isinstance(self.db, PostgresEngine):
            if self.db.pool is not None:
                async with self.db.pool.acquire() as connection:
                    return await connection.fetch(sql, *args)
            connection = await self.db.get_new_connection()
            try:
                return await connection.fetch(sql, *args)
            finally:
                await connection.close()
        return await asyncio.to_thread(self._sqlite_fetch, sql, args)

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()


async def event_csv(
    codes: list[str] | None = None,
    call_id: int | None = None,
    counted_only: bool = False,
    batch: int = BATCH,
    scope: frozenset[int] | None = None,
) -> AsyncIterator[bytes]:
    """The CSV, a batch of rows per chunk; the first chunk is the header with a byte-order mark
    (so that Excel reads UTF-8). `codes`: only schools registered under these municipalities;
    `scope`: only reports under the calls of these municipalities (Principal.staff_scope)."""
    conditions: list[Any] = []
    if counted_only:
        conditions.append(counted_events())
    if codes is not None:
        conditions.append(EventReport.school.municipality.code.is_in(codes))
    if call_id is not None:
        conditions.append(EventReport.award.call == call_id)
    if (mine := within(EventReport.award.call.municipality, scope)) is not None:
        conditions.append(mine)

    condition = EventReport.id > _MARK
    for extra in conditions:
        condition &= extra
    source = _Rows()
    # Compiled once: each batch only changes the argument that stands for the last id.
    sql, args = source.compile(
        EventReport.select(*COLUMNS).where(condition).order_by(EventReport.id).limit(batch)
    )
    mark = args.index(_MARK)

    def after(last: int) -> Any:
        return source.fetch(sql, [*args[:mark], last, *args[mark + 1 :]])

    today = (await places()).current.get
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    yield ("\ufeff" + buffer.getvalue()).encode()
    pending: asyncio.Future[Sequence[Sequence[Any]]] | None = asyncio.ensure_future(after(0))
    try:
        while pending is not None:
            rows = await pending
            pending = None
            if len(rows) == batch:  # there may be more: read them while this batch is written
                pending = asyncio.ensure_future(after(rows[-1][0]))
            if not rows:
                break
            buffer.seek(0)
            buffer.truncate()
            safe = spreadsheet_safe
            writer.writerows(
                # organisation, school name and title are text people typed; the registered
                # municipality becomes today's.
                (r[0], r[1], safe(r[2]), r[3], r[4], safe(r[5]), today(r[6], r[6]), r[7], safe(r[8]), *r[9:])
                for r in rows
            )
            yield buffer.getvalue().encode()
    finally:
        if pending is not None:  # the client went away mid-download
            pending.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await pending
        source.close()


def csv_stream(chunks: AsyncIterator[bytes], filename: str) -> Stream:
    return Stream(
        chunks,
        media_type=CSV_TYPE,
        headers={"Content-Disposition": content_disposition(filename), "Cache-Control": "private, no-store"},
    )


async def export_codes(municipality: str | None, call_id: int | None) -> list[str] | None:
    """The municipality codes to export (mergers included; None: all). NotFound for an unknown
    municipality or call."""
    codes = None
    if municipality:
        where = await places()
        if municipality not in where.names:
            raise NotFound
        codes = where.merged_into(municipality)
    if call_id is not None and not await Call.exists().where(Call.id == call_id):
        raise NotFound
    return codes
