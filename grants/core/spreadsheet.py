"""CSV files that open well in a spreadsheet: UTF-8 with a byte-order mark (so that Excel reads ā,
č, ņ …), and text that a spreadsheet would run as a formula (CSV injection) shown as typed."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator, Iterable
from typing import Any

CSV_TYPE = "text/csv"  # Litestar adds "; charset=utf-8" to text types
# A spreadsheet reads a cell starting with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: Any) -> str:
    """A cell's text: empty for None, and a leading apostrophe before text that starts like a formula
    (only text: a negative number stays a number)."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_START) else text


async def csv_lines(head: list[str], records: Iterable[list[Any]]) -> AsyncIterator[bytes]:
    """Encoded lines, the first with a byte-order mark so that Excel reads UTF-8 (ā, č, ņ …).

    Asynchronous, so Litestar does not hand each line to a worker thread."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for position, cells in enumerate([head, *records]):
        writer.writerow([csv_text(v) for v in cells])
        line = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        yield (("\ufeff" if position == 0 else "") + line).encode("utf-8")
