"""Reading a school register CSV: every row checked, every bad row named by its line.

Columns (header row required, comma or semicolon separated, UTF-8):

    registration_number  10 digits, the IKVD register number (required)
    name                 the school's name (required)
    municipality_code    ISO 3166-2:LV code, e.g. LV-016 (required)
    kind                 general | vocational | other (default general)
    pumpurs_since        YYYY-MM-DD, first day in PuMPuRS (optional)
    pumpurs_until        YYYY-MM-DD, last day in PuMPuRS (optional)
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from grants.core.i18n import _
from grants.registry.tables import SchoolKind

REQUIRED = ("registration_number", "name", "municipality_code")
OPTIONAL = ("kind", "pumpurs_since", "pumpurs_until")
_REG_NO = re.compile(r"^[0-9]{10}$")  # not \d, which matches other scripts' digits too
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


class ImportFileError(ValueError):
    """The file as a whole cannot be read (no header, missing columns)."""


@dataclass(frozen=True)
class SchoolRow:
    line: int
    registration_number: str
    name: str
    municipality_code: str
    kind: str
    pumpurs_since: date | None
    pumpurs_until: date | None


def read_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) pairs; line numbers count the header as line 1."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        # The delimiter is the one that separates the header's names; the rest is Excel's CSV.
        # (csv.Sniffer fails on blank lines and, from a 4 KB sample, can turn off "" escapes.)
        header_line = handle.readline()
        handle.seek(0)
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","
        reader = csv.DictReader(handle, delimiter=delimiter)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [name for name in REQUIRED if name not in header]
        if missing:
            raise ImportFileError(
                _("The file lacks the columns: {columns}").format(columns=", ".join(missing))
            )
        reader.fieldnames = header
        for row in reader:
            # line_num is the record's last line; a quoted value with line breaks began it higher up.
            cells = [cell for v in row.values() for cell in (v if isinstance(v, list) else [v or ""])]
            first_line = reader.line_num - sum(len(_LINE_BREAK.findall(cell)) for cell in cells)
            yield first_line, {k: (v or "").strip() for k, v in row.items() if k}


def count_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return max(sum(1 for _ in csv.reader(handle)) - 1, 0)


def _date(value: str, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(
            _("{column} is not a date YYYY-MM-DD: {value}").format(column=column, value=value)
        ) from None


def check_row(line: int, raw: dict[str, str], known_codes: set[str]) -> SchoolRow:
    """A valid row, or ValueError naming what is wrong with it."""
    problems: list[str] = []
    number = raw.get("registration_number", "")
    if not _REG_NO.match(number):
        problems.append(_("registration_number must be 10 digits, not {value!r}").format(value=number))
    name = raw.get("name", "")
    if not name:
        problems.append(_("name is empty"))
    elif len(name) > 200:
        problems.append(_("name is longer than 200 characters"))
    code = raw.get("municipality_code", "").upper()
    if code not in known_codes:
        problems.append(_("unknown municipality_code {value!r}").format(value=code))
    kind = raw.get("kind", "") or SchoolKind.general.value
    if kind not in {k.value for k in SchoolKind}:
        problems.append(_("kind must be general, vocational or other, not {value!r}").format(value=kind))
    since = until = None
    try:
        since = _date(raw.get("pumpurs_since", ""), "pumpurs_since")
        until = _date(raw.get("pumpurs_until", ""), "pumpurs_until")
    except ValueError as exc:
        problems.append(str(exc))
    if since and until and until < since:
        problems.append(_("pumpurs_until is before pumpurs_since"))
    if problems:
        raise ValueError("; ".join(problems))
    return SchoolRow(line, number, name, code, kind, since, until)
