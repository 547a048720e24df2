"""Path parameters the routes share.

An id in the path is bounded to what the id columns hold (PostgreSQL's SERIAL is a 4-byte
integer): a bigger number would make the database driver fail (a 500) instead of finding
nothing, so it is refused as bad input (400) before any query, and the schema says so.
"""

from __future__ import annotations

from typing import Annotated

from litestar.params import PathParameter

MAX_ID = 2_147_483_647

PathId = Annotated[int, PathParameter(ge=1, le=MAX_ID)]


def text_id(value: str | None) -> int | None:
    """An id as a form or a query string sends it: ASCII digits within what an id column holds, else
    None ("²", "-1", a 5,000-digit number or 2**40 is no id, and reaches neither int() nor the database)."""
    value = (value or "").strip()
    if not value or len(value) > 10 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def page_number(value: str | None) -> int:
    """A page number from the query string: 1 for anything that is not a whole number from 1 on."""
    return text_id(value) or 1
