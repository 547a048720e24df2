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
