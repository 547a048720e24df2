"""A benchmark's result as a Section, printed with rich and written to RESULTS.md."""

from __future__ import annotations

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


def write_results(
    machine: list[tuple[str, str]],
    databases: list[tuple[str, str]],
    sections: list[Section],
    notes: list[str],
    path: Path = RESULTS,
) -> Path:
    """Overwrite RESULTS.md with this run: machine, databases, every section."""
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = [
        "# Benchmark results",
        "",
        f"Written by `make bench` (`python -m bench`) on {now}; every run overwrites this file.",
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
    for section in sections:
        out += [f"## {section.title} — {section.database}", ""]
        out += [f"Target: {target}." for target in section.targets]
        out += ["", *_markdown_table(section.columns, section.rows), ""]
        out += [f"- {note}" for note in section.notes]
        out += [""]
    path.write_text("\n".join(out).rstrip() + "\n")
    return path
