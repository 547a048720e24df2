"""The Data section as people read it: labels in their language, euros, Riga time, the site's name.

piccolo-admin answers in English table and column names ("grant_call", "Budget Cents"), cents
(460000) and UTC moments with microseconds. This ASGI layer sits between the access check and
piccolo and rewrites piccolo's answers for the request's language (grants.core.i18n):

- a table's schema: the column titles and the choices' names from admin.labels; a money column
  (`*_cents`, read-only in every panel table) becomes a text field that holds the euro amount;
- a table's rows, listed or one at a time: money as the site shows it ("4 600,00 €"), and a row
  sent back (the form's Save) has its euros read back into cents before piccolo sees it; in the list,
  a moment as Riga wall-clock text without seconds (a row's form keeps the ISO moment, which the
  panel's own time field shows in its time zone, Europe/Riga unless the user picks another);
- the menu groups, the sidebar links, the site's name and the panel's default language;
- the page itself (admin.page): its language, title, the site's colours and the table names.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from piccolo.columns import Column, Integer, Timestamp, Timestamptz
from piccolo.table import Table
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from admin.inputs import MAX_FORM_BODY, answer_errors, answer_json
from admin.labels import BACK_OFFICE, SITE_NAME, choice_labels, column_label, group_label
from admin.page import BUNDLE_PATH, answer_bundle, readable_page
from grants.core.i18n import _, get_language, gettext
from grants.core.money import MoneyError, display_cents, parse_cents
from grants.core.time import format_riga, from_db

Rewrite = Callable[[bytes], bytes]

_SCHEMA = re.compile(r"^/api/tables/(?P<table>[a-z_]+)/schema/$")
_ROWS = re.compile(r"^/api/tables/(?P<table>[a-z_]+)/$")
_ROW = re.compile(r"^/api/tables/(?P<table>[a-z_]+)/(?P<id>[0-9]+)/$")
_GROUPED = ("/api/tables/grouped/", "/api/forms/grouped/")
MAX_ANSWER = 32 * 1024 * 1024  # piccolo's longest answer (a CSV export's pages) stays far below


def is_money(column: Column) -> bool:
    return isinstance(column, Integer) and column._meta.name.endswith("_cents")


def is_moment(column: Column) -> bool:
    return isinstance(column, Timestamptz | Timestamp)


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return from_db(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


def _columns(table: type[Table]) -> dict[str, Column]:
    return {column._meta.name: column for column in table._meta.columns}


def schema(table: type[Table], data: dict[str, Any]) -> dict[str, Any]:
    name = table._meta.tablename
    columns = _columns(table)
    for column_name, field in data.get("properties", {}).items():
        if (label := column_label(name, column_name)) is not None:
            field["title"] = label
        column = columns.get(column_name)
        if column is not None and is_money(column):
            field["anyOf"] = [{"type": "string"}, {"type": "null"}]
        choices = (field.get("extra") or {}).get("choices")
        if choices:
            names = choice_labels(name, column_name)
            for value, choice in choices.items():
                choice["display_name"] = names.get(value, choice["display_name"])
    return data


def row(table: type[Table], data: dict[str, Any], listed: bool) -> dict[str, Any]:
    language = get_language()
    columns = _columns(table)
    for key, value in data.items():
        column = columns.get(key)
        if column is None or value is None:
            continue
        if is_money(column) and isinstance(value, int):
            data[key] = display_cents(value, language)
        elif listed and is_moment(column) and (moment := _moment(value)) is not None:
            data[key] = format_riga(moment, language)
    return data


def typed_cents(text: str) -> int:
    """Euros as the panel shows them or as someone types them ("4 600,00 €", "€4,600.00", "4600.5")
    in cents; MoneyError for anything else."""
    plain = re.sub(r"[\s\u00a0\u202f€]", "", text)
    if "," in plain and "." in plain:  # the last one is the decimal mark, the other groups thousands
        decimal = plain[max(plain.rfind(","), plain.rfind("."))]
        plain = plain.replace("," if decimal == "." else ".", "")
    return parse_cents(plain)


def _refuse_constant(constant: str) -> None:
    raise _NonFinite(constant)


class _NonFinite(ValueError):
    pass


def _non_finite(body: bytes) -> bool:
    """Whether the JSON carries NaN, Infinity or -Infinity (anything else unreadable is piccolo's 4xx)."""
    try:
        json.loads(body, parse_constant=_refuse_constant)
    except _NonFinite:
        return True
    except (ValueError, RecursionError):
        return False
    return False


def _sent_row(table: type[Table], body: bytes) -> tuple[bytes, dict[str, str]]:
    """A row the form sends back, its euros in cents; or the fields whose amount cannot be read."""
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        return body, {}  # piccolo's own answer (and admin.writes') stands
    if not isinstance(data, dict):
        return body, {}
    errors: dict[str, str] = {}
    for name, column in _columns(table).items():
        if is_money(column) and isinstance(data.get(name), str):
            try:
                data[name] = typed_cents(data[name])
            except MoneyError:
                errors[name] = _("Enter an amount in euros, e.g. 4600.00.")
    return json.dumps(data).encode(), errors


def _json(rewrite: Callable[[Any], Any]) -> Rewrite:
    def apply(body: bytes) -> bytes:
        return json.dumps(rewrite(json.loads(body)), ensure_ascii=False).encode()

    return apply


def _rewrite_for(path: str, tables: dict[str, type[Table]]) -> Rewrite | None:
    """How to rewrite piccolo's answer to a GET of `path` (None: as it is)."""
    if path == "/":
        return readable_page
    if path == "/public/meta/":
        return _json(lambda data: data | {"site_name": gettext(SITE_NAME)})
    if path == "/public/translations/":
        return _json(lambda data: data | {"default_language_code": get_language()})
    if path == "/api/links/":
        return _json(
            lambda links: {gettext(BACK_OFFICE) if k == BACK_OFFICE else k: v for k, v in links.items()}
        )
    if path in _GROUPED:
        return _json(lambda data: data | {"grouped": {group_label(k): v for k, v in data["grouped"].items()}})
    for pattern, rewrite in (
        (_SCHEMA, lambda table, data: schema(table, data)),
        (_ROWS, lambda table, data: data | {"rows": [row(table, r, listed=True) for r in data["rows"]]}),
        (_ROW, lambda table, data: row(table, data, listed=False)),
    ):
        if (match := pattern.match(path)) and (table := tables.get(match["table"])) is not None:
            return _json(lambda data, table=table, rewrite=rewrite: rewrite(table, data))
    return None


class Readable:
    """ASGI wrapper in front of piccolo-admin: its answers rewritten for people (see the module)."""

    def __init__(self, app: ASGIApp, tables: dict[str, type[Table]]) -> None:
        self.app = app
        self.tables = tables

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] in ("POST", "PUT", "PATCH"):
            await self.write(scope, receive, send)
            return
        if scope["method"] != "GET":
            await self.app(scope, receive, send)
            return
        if scope["path"].rstrip("/") == BUNDLE_PATH:  # the mount may hand the path on with a slash
            await answer_bundle(send)
            return
        rewrite = _rewrite_for(scope["path"], self.tables)
        if rewrite is None:
            await self.app(scope, receive, send)
            return
        start: Message | None = None
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] != "http.response.body" or start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            if start["status"] == 200 and len(body) <= MAX_ANSWER:
                body = rewrite(body)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

        await self.app(scope, receive, collect)

    async def write(self, scope: Scope, receive: Receive, send: Send) -> None:
        """A row sent to a table: no NaN or Infinity (Python's JSON reads them, and piccolo's error
        answer cannot write them back: a 500); in a table with money, its euros read back into cents
        (or a 422 by field)."""
        match = _ROWS.match(scope["path"]) or _ROW.match(scope["path"])
        table = self.tables.get(match["table"]) if match else None
        if table is None:
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size, more = 0, True
        while more:
            message = await receive()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > MAX_FORM_BODY:
                await answer_json(send, 413, _("Request too large."))
                return
        body = b"".join(chunks)
        if _non_finite(body):
            await answer_json(send, 400, _("Numbers must be plain numbers, not NaN or Infinity."))
            return
        errors: dict[str, str] = {}
        if any(is_money(c) for c in table._meta.columns):
            body, errors = _sent_row(table, body)
        if errors:
            await answer_errors(send, errors)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
