"""`python -m bench [NAME ...] [--db sqlite|postgres ...]`: run the benchmarks, write RESULTS.md.

Each database gets a fresh, migrated database with the demo data; each listed
benchmark runs on it and returns a Section. RESULTS.md gets this run's sections
and keeps the other ones of the last run. Environment: BENCH_SECONDS (the
measured time per row of `http`, default 5), BENCH_WARMUP (default 1),
BENCH_LOAD (wrk or httpx; wrk when installed), BENCH_WORKERS (uvicorn workers
of both `http` servers, default 1), BENCH_PROFILE (0: no py-spy profile of
`http`), BENCH_PROFILE_SECONDS (default 5), BENCH_RANKING_RUNS (timed calls
per row of `ranking`, default 5), BENCH_POSTGRES_URL (default
postgres://postgres@127.0.0.1:5432/).
"""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import traceback

from rich.console import Console

from bench import machine
from bench.databases import KINDS, Skipped, prepared
from bench.report import Section, print_section, write_results

# name -> module with TITLE and run(db, console) -> Section, in the order of RESULTS.md.
BENCHMARKS = {
    "http": "bench.http_throughput",
    "ranking": "bench.ranking",
    "export": "bench.export",
    "upload": "bench.upload_memory",
    "submissions": "bench.submissions",
    "logins": "bench.logins",
}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"of {', '.join(BENCHMARKS)} (default: all)")
    parser.add_argument("--db", action="append", choices=KINDS, help="a database to run on (default: all)")
    return parser


def _terminate(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)  # unwinds through every finally: servers stop, databases go


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    unknown = [name for name in args.names if name not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; known: {', '.join(BENCHMARKS)}")
    signal.signal(signal.SIGTERM, _terminate)
    console = Console()
    if not console.is_terminal:  # piped or logged: room for the whole table
        console = Console(width=200)
    names = args.names or list(BENCHMARKS)
    described = machine.describe()
    console.print("[bold]Grants benchmarks[/bold] — speed as ratios against baselines measured in this run")
    for label, value in described:
        console.print(f"  {label}: {value}")
    console.print(
        f"  note: the load generator, the servers and the database share these {machine.cores()} "
        "CPU cores, so absolute numbers are lower than on a separate client machine"
    )
    try:
        sections, databases, notes, replaced = _run_all(console, names, args.db or list(KINDS))
    except (KeyboardInterrupt, SystemExit) as exc:
        console.print(
            f"[red]Interrupted ({type(exc).__name__}): servers stopped, databases removed; "
            "RESULTS.md left as it was.[/red]"
        )
        return 130 if isinstance(exc, KeyboardInterrupt) else int(exc.code or 1)
    order = [importlib.import_module(module).TITLE for module in BENCHMARKS.values()]
    path = write_results(described, databases, sections, notes, replaced, order)
    console.print(f"Results written to {path}")
    failed = any(row[-1].startswith("FAIL") for section in sections for row in section.rows)  # bench.logins
    return 1 if failed or any("FAILED" in note for note in notes) else 0


def _run_all(
    console: Console, names: list[str], kinds: list[str]
) -> tuple[list[Section], list[tuple[str, str]], list[str], set[tuple[str, str]]]:
    """Every benchmark on every database; also the (title, database) pairs it tried, even if they failed."""
    sections: list[Section] = []
    databases: list[tuple[str, str]] = []
    notes: list[str] = []
    replaced: set[tuple[str, str]] = set()
    for kind in kinds:
        console.rule(kind)
        try:
            with prepared(kind) as db:
                databases.append((db.label, db.description))
                console.print(f"{db.label}: {db.description}")
                for name in names:
                    module = importlib.import_module(BENCHMARKS[name])
                    replaced.add((module.TITLE, db.label))
                    try:
                        section = module.run(db, console)
                    except Exception as exc:  # one broken benchmark must not hide the others
                        traceback.print_exc()
                        notes.append(f"{module.TITLE} on {db.label} FAILED: {type(exc).__name__}: {exc}")
                        continue
                    print_section(console, section)
                    sections.append(section)
        except Skipped as exc:
            console.print(f"[yellow]SKIPPED {kind}: {exc}[/yellow]")
            databases.append((kind, f"skipped: {exc}"))
        except Exception as exc:  # the database could not be prepared
            traceback.print_exc()
            databases.append((kind, f"FAILED to prepare: {type(exc).__name__}: {exc}"))
            notes.append(f"{kind} FAILED to prepare: {type(exc).__name__}: {exc}")
    return sections, databases, notes, replaced


if __name__ == "__main__":
    sys.exit(main())
