"""A benchmark's result as a Section, printed with rich and written to RESULTS.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


@dataclass
class Section:
    """One benchmark on one database: a table whose last column says pass or miss."""

    title: str
    database: str
    columns: list[str]
    rows: list[list[str]]
    targets: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def print_section(console: Console, section: Section) -> None:
    table = Table(title=f"{section.title} — {section.database}", title_justify="left")
    for i, column in enumerate(section.columns):
        edge = i in (0, len(section.columns) - 1)
        table.add_column(column, justify="left" if edge else "right", no_wrap=i == 0)
    for row in section.rows:
        style = "red" if row[-1].startswith("miss") else None
        table.add_row(*row, style=style)
    console.print(table)
    for target in section.targets:
        console.print(f"  target: {target}")
    for note in section.notes:
        console.print(f"  note: {note}", style="dim")


def _markdown_table(columns: list[str], rows: list[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

    align = ["---"] + ["---:"] * (len(columns) - 2) + ["---"]
    return [line(columns), "| " + " | ".join(align) + " |", *(line(r) for r in rows)]


def _block(section: Section, measured: str) -> list[str]:
    out = [f"## {section.title} — {section.database}", "", measured, ""]
    out += [f"Target: {target}." for target in section.targets]
    out += ["", *_markdown_table(section.columns, section.rows), ""]
    out += [f"- {note}" for note in section.notes]
    return out


def _earlier_blocks(path: Path) -> dict[tuple[str, str], list[str]]:
    """The benchmark sections of the last RESULTS.md, each saying when and on what it was measured."""
    try:
        text = path.read_text()
    except OSError:
        return {}
    lines = text.splitlines()
    date = next(
        (m.group(1) for line in lines[:5] if (m := re.search(r" on (\d{4}-\d\d-\d\d [\d:]+ UTC)", line))), ""
    )
    blocks: list[list[str]] = []
    for line in lines:
        if line.startswith("## "):
            blocks.append([])
        if blocks:
            blocks[-1].append(line)
    described: dict[str, str] = {}  # database label -> its description, from the "Databases" list
    for block in blocks:
        if block[0] == "## Databases":
            described = dict(
                line[2:].split(": ", 1) for line in block[1:] if line.startswith("- ") and ": " in line
            )
    kept: dict[tuple[str, str], list[str]] = {}
    for block in blocks:
        if " — " not in block[0]:
            continue  # Machine, Databases, Notes: this run writes its own
        title, database = block[0][3:].rsplit(" — ", 1)
        while block and not block[-1].strip():
            block.pop()
        if not any(line.startswith(_MEASURED) for line in block):  # written before sections were dated
            where = described.get(database, database)
            block[1:1] = ["", f"{_MEASURED} {date or 'an earlier run'} on {where}."]
        kept[title, database] = block
    return kept


_MEASURED = "Measured on"


def write_results(
    machine: list[tuple[str, str]],
    databases: list[tuple[str, str]],
    sections: list[Section],
    notes: list[str],
    replaced: set[tuple[str, str]],
    order: list[str],
    path: Path = RESULTS,
) -> Path:
    """Write RESULTS.md: this run's machine, databases and sections, and the last file's other sections.

    `replaced` holds the (title, database) pairs this run measured (or tried to): their earlier
    sections go, the rest stay, each with the date and database it was measured on. Sections are
    ordered by `order` (benchmark titles), then SQLite before PostgreSQL.
    """
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    described = dict(databases)
    blocks = {key: block for key, block in _earlier_blocks(path).items() if key not in replaced}
    for section in sections:
        where = described.get(section.database, section.database)
        blocks[section.title, section.database] = _block(section, f"{_MEASURED} {now} on {where}.")
    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m bench`) on {now}. A run replaces the sections it",
        "measures and keeps the others from earlier runs; each section says when it was measured.",
        "Speed is quoted as a ratio against a baseline measured in the same run on the same",
        "machine; the absolute numbers only describe this machine.",
        "",
        "## Machine",
        "",
        *(f"- {name}: {value}" for name, value in machine),
        "",
        "## Databases",
        "",
        *(f"- {label}: {description}" for label, description in databases),
        "",
    ]
    if notes:
        out += ["## Notes", "", *(f"- {note}" for note in notes), ""]
    engines = ["SQLite", "PostgreSQL"]

    def rank(key: tuple[str, str]) -> tuple[int, int, str, str]:
        title, database = key
        return (
            order.index(title) if title in order else len(order),
            engines.index(database) if database in engines else len(engines),
            title,
            database,
        )

    for key in sorted(blocks, key=rank):
        out += [*blocks[key], ""]
    path.write_text("\n".join(out).rstrip() + "\n")
    return path
