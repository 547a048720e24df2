"""Input no text field may carry: the NUL character.

PostgreSQL cannot store U+0000 in a text column and fails the whole query (a 500), while SQLite
stores it; no name, title or answer ever needs one. So a request with a NUL in its path, its
query string, a JSON body or a URL-encoded form is refused with a 400 before any handler reads
it, on both databases alike. Multipart bodies carry binary files and are not looked at.
"""

from __future__ import annotations

import re
from typing import Any

from litestar import Request
from litestar.exceptions import ValidationException

from grants.core.i18n import _

# The JSON escape \u0000, unless its backslash is itself escaped (the text "\\u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
_FORM_NUL = re.compile(rb"%00|\x00")


def _refuse(where: str) -> ValidationException:
    message = _("Text must not contain the NUL character.")
    return ValidationException(message, extra={where: message})


async def refuse_nul_characters(request: Request[Any, Any, Any]) -> None:
    """A `before_request` hook: runs after the guards, before the handler decodes anything."""
    if "\x00" in request.scope["path"]:
        raise _refuse("path")
    if _FORM_NUL.search(request.scope.get("query_string", b"")):
        raise _refuse("query")
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return  # no handler reads a body on these: nothing to read on the hot path of every page
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        return  # streamed by the upload routes, never read whole here
    # Read once; Litestar keeps the body for the handler. A body of any other type is decoded as JSON.
    body = await request.body()
    pattern = _FORM_NUL if content_type == "application/x-www-form-urlencoded" else _JSON_NUL
    if pattern.search(body):
        raise _refuse("body")
