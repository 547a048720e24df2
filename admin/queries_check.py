"""The panel's table URLs checked before piccolo reads them: a bad one is a 400, never a 500.

piccolo_api turns some bad query strings into 400s itself, but not all: a filter value its own filter
model refuses (text longer than the column, a list where one value goes, a JSON column's non-JSON)
raises, asking only for secret columns selects nothing (invalid SQL), an unknown `__order`
column raises, a negative limit fails in the database, a page or id beyond the database's integer overflows it (PostgreSQL's integer
is 32 bits), a decimal or a moment out of range fails in the driver, and PostgreSQL refuses a NUL
character in text. The row id in the path is looked up before any validator runs, so this check
has to sit in front of piccolo, for every table alike.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache
from urllib.parse import parse_qsl

import pydantic
from piccolo.columns import JSON, Column, Date, Numeric, Timestamp, Timestamptz
from piccolo.table import Table
from piccolo_api.crud.endpoints import ParamException, PiccoloCRUD
from starlette.datastructures import QueryParams
from starlette.types import ASGIApp, Receive, Scope, Send

from admin.inputs import answer_json
from admin.writes import INT_LIMIT, int_limit
from grants.core.i18n import _

_TABLE_PATH = re.compile(r"^/api/tables/([^/]+)/(?:([^/]+)/)?")
_ROUTES = {"schema", "ids", "count", "references", "new"}  # the table's own routes, not row ids
_DIGITS = re.compile(r"^[0-9]+$")  # not \d, which matches other scripts' digits too
_INTEGER = re.compile(r"^-?[0-9]+$")
MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 1000  # piccolo_api's PiccoloCRUD.max_page_size


def _column(table: type[Table], name: str) -> Column | None:
    return next((c for c in table._meta.columns if c._meta.name == name), None)


def _not_json(constant: str) -> None:
    raise ValueError(constant)


def _value_problem(column: Column, name: str, value: str) -> str | None:
    """A filter value the database could not take; a value of the wrong kind is piccolo's 4xx."""
    if isinstance(column, JSON):  # Python's json reads NaN and Infinity, PostgreSQL's does not
        try:
            json.loads(value, parse_constant=_not_json)
        except ValueError:
            return _("{field}: not a value this column can hold.").format(field=name)
    elif column.value_type is int and _INTEGER.match(value.strip()):
        if abs(int(value)) > int_limit(column):
            return _("{field}: the number is too large.").format(field=name)
    elif isinstance(column, Numeric):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return None
        digits, places = column.digits or (38, 0)
        if not number.is_finite() or abs(number) >= Decimal(10) ** (digits - places):
            return _("{field}: the number is too large.").format(field=name)
    elif isinstance(column, Timestamptz | Timestamp | Date):
        try:
            moment = (date if isinstance(column, Date) else datetime).fromisoformat(value)
            if isinstance(moment, datetime) and moment.tzinfo is not None:
                moment.astimezone(UTC)
        except ValueError:
            return None
        except OverflowError:
            return _("{field}: the date is out of range.").format(field=name)
    return None


def _order_problem(table: type[Table], value: str) -> str | None:
    for part in value.split(","):
        name = part.removeprefix("-")
        column = _column(table, name)
        if column is None or column._meta.secret:  # a secret column's order would rank what it holds
            return _("Cannot sort by {field}: there is no such column.").format(field=name or "''")
    return None


def _number_problem(value: str, low: int, high: int, name: str) -> str | None:
    if not _DIGITS.match(value) or not low <= int(value) <= high:
        return _("{field} must be a whole number from {low} to {high}.").format(
            field=name, low=low, high=high
        )
    return None


@cache
def _crud(table: type[Table]) -> PiccoloCRUD:
    """piccolo_api's reader of the table's query strings (the panel's own reads them the same way)."""
    return PiccoloCRUD(table, read_only=True)


def _params_problem(table: type[Table], query: bytes, route: str | None) -> str | None:
    """What piccolo_api's own parsing of the query string would raise on instead of answering 4xx."""
    crud = _crud(table)
    params = crud._parse_params(QueryParams(query.decode("latin-1")))
    if route is None:  # the list reads "null" as None first; the count and a row do not
        params = crud._clean_data(params)
    try:
        split = crud._split_params(params)
    except (ParamException, ValueError):
        return None  # piccolo_api answers these with a 400 itself
    secret = [c._meta.name for c in split.visible_fields or () if c._meta.secret]
    if secret:
        return _("{field} cannot be shown.").format(field=", ".join(secret))
    if route not in (None, "count") or not split.fields:
        return None
    try:
        crud.pydantic_model_filters(**split.fields)
    except pydantic.ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(map(str, error["loc"]))
        if error["type"] == "string_too_long":
            return _("{field}: at most {n} characters.").format(field=field, n=error["ctx"]["max_length"])
        return _("{field}: not a value this column can hold.").format(field=field)
    return None


def problem(tables: dict[str, type[Table]], path: str, query: bytes) -> tuple[int, str] | None:
    """(status, message) for a table URL piccolo must not see, or None."""
    if b"%00" in query or b"\x00" in query:
        return 400, _("Text must not contain the NUL character.")
    match = _TABLE_PATH.match(path)
    table = tables.get(match[1]) if match else None
    if match is None or table is None:
        return None
    row_id = match[2]
    if row_id and row_id not in _ROUTES and table._meta.primary_key.value_type is int:
        limit = int_limit(table._meta.primary_key)
        if not _DIGITS.match(row_id) or not 1 <= int(row_id) <= limit:
            return 404, _("No row has the id {id}.").format(id=row_id[:40])
    for key, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
        name = key.removesuffix("[]")
        found: str | None = None
        if name == "__order":
            found = _order_problem(table, value)
        elif name == "__page":
            found = _number_problem(value, 1, MAX_PAGE, name)
        elif name == "__page_size":
            found = _number_problem(value, 1, MAX_PAGE_SIZE, name)
        elif row_id == "ids" and name in ("limit", "offset"):  # the foreign key pickers' paging
            found = _number_problem(value, 0, INT_LIMIT, name)
        elif not name.startswith("__") and "__" not in name and (column := _column(table, name)) is not None:
            found = _value_problem(column, name, value)
        if found:
            return 400, found
    if row_id in _ROUTES - {"count"}:
        return None
    found = _params_problem(table, query, row_id)
    return None if found is None else (400, found)


class QueryCheck:
    """ASGI wrapper for the panel: refuses a table URL that piccolo would turn into a 500."""

    def __init__(self, app: ASGIApp, tables: dict[str, type[Table]]) -> None:
        self.app = app
        self.tables = tables

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            found = problem(self.tables, scope["path"], scope.get("query_string", b""))
            if found is not None:
                await answer_json(send, *found)
                return
        await self.app(scope, receive, send)
