"""What the panel's forms take: a JSON object of values the database and the services can hold.

piccolo-admin's form endpoint decodes the body and calls `Model(**data)` itself, before any of our
code: a body that is not JSON, not an object, or JSON nested too deeply (100,000 `[`) raised there,
a 500. FormBodies answers those in front of it, as grants.core.inputs does for the site's routes
(and refuses a NUL character, which PostgreSQL cannot store, the same way).
Then every form's model is a PanelForm: a whole number beyond the database's integer (PostgreSQL's
is 32 bits; SQLite's 64) and a moment that has no UTC equivalent (year 1 in Riga, year 9999 at
UTC-14) are the form's 422, named by field, before the services see them.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator
from pydantic_core import PydanticCustomError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from grants.core.i18n import _
from grants.core.inputs import JSON_NUL
from grants.core.params import MAX_ID
from grants.core.time import RIGA

INT_LIMIT = MAX_ID  # PostgreSQL's integer (and serial), the type of most columns
MAX_FORM_BODY = 256 * 1024  # the longest form (a call) holds some 40,000 characters


def _hints_in_labels(schema: dict[str, Any]) -> None:
    """piccolo-admin's form shows a field's title and never its description, so the description (what
    to type: the format of an amount, a code, a time) is added to the title the staff member reads."""
    for field in schema.get("properties", {}).values():
        if field.get("description"):
            field["title"] = f"{field['title']} ({field['description']})"


class PanelForm(BaseModel):
    """A panel form's values, each one the database can store; each field labelled with its hint."""

    model_config = ConfigDict(json_schema_extra=_hints_in_labels)

    @model_validator(mode="after")
    def _storable(self) -> PanelForm:
        for name, value in self:
            if isinstance(value, int) and not isinstance(value, bool) and abs(value) > INT_LIMIT:
                raise PydanticCustomError(
                    "too_large", _("{field}: the number is too large.").format(field=name)
                )
            if isinstance(value, datetime):
                try:
                    (value if value.tzinfo else value.replace(tzinfo=RIGA)).astimezone(UTC)
                except OverflowError:
                    raise PydanticCustomError(
                        "out_of_range", _("{field}: the date is out of range.").format(field=name)
                    ) from None
        return self


async def answer_json(send: Send, status: int, detail: str) -> None:
    """A refusal in the API's error shape, sent by the panel's ASGI wrappers in front of piccolo."""
    body = json.dumps({"status_code": status, "detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def answer_errors(send: Send, errors: dict[str, str]) -> None:
    """422 by field, in the shape piccolo-admin's row form lists under its fields (admin.writes)."""
    detail = [{"loc": [field], "msg": message, "type": "value_error"} for field, message in errors.items()]
    body = json.dumps({"detail": detail}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 422, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _problem(body: bytes) -> str | None:
    if b"\x00" in body or JSON_NUL.search(body):  # PostgreSQL stores no NUL in text
        return _("Text must not contain the NUL character.")
    try:
        data = json.loads(body)
    except RecursionError:
        return _("The JSON is nested too deeply.")
    except ValueError:
        data = None
    return None if isinstance(data, dict) else _("Send the form as a JSON object.")


class FormBodies:
    """ASGI wrapper for the panel: a form's POST body is a JSON object, or a 400 (413 if too large)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] != "POST"
            or not scope["path"].startswith("/api/forms/")
        ):
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
        if (problem := _problem(body)) is not None:
            await answer_json(send, 400, problem)
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
