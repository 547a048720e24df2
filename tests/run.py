"""`make test`: the whole suite on SQLite and, beside it, on PostgreSQL.

The PostgreSQL run goes on in the background while the SQLite one prints its progress, and its
output follows when both have ended (TEST_ENGINES_ONE_BY_ONE=1 runs them one after the other).
Without a reachable PostgreSQL that half is skipped with the reason printed, except in CI
(CI=true), where PostgreSQL is started if it is not running and its absence fails the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PG_URL = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/test")


def postgres_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=2):
            return True
    except OSError:
        return False


def start_postgres() -> None:
    versions = (
        sorted(p.name for p in Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    )
    if not versions:
        return
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"], check=False)
    for _ in range(30):
        if postgres_reachable():
            return
        time.sleep(1)


def _command(database_url: str, label: str, args: list[str]) -> tuple[list[str], dict[str, str]]:
    env = dict(os.environ, DATABASE_URL=database_url, TEST_DATABASE_LABEL=label)
    return [sys.executable, "-m", "pytest", *args], env


def pytest(database_url: str, label: str, args: list[str]) -> int:
    print(f"\n=== tests on {label} ===", flush=True)
    command, env = _command(database_url, label, args)
    return subprocess.call(command, env=env)


def beside(database_url: str, label: str, args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """The engine's run in the background, its output into `log` (printed when it ends): most of a
    test waits on a database, a browser or a socket, so two engines side by side take far less
    time than one after the other, even on two cores. Each run has its own database, files and ports."""
    command, env = _command(database_url, label, args)
    print(f"=== tests on {label}: running beside, output in {log} ===", flush=True)
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def main() -> int:
    args = sys.argv[1:]
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    sequential = os.environ.get("TEST_ENGINES_ONE_BY_ONE", "").lower() in {"1", "true", "yes"}
    if not postgres_reachable() and ci:
        start_postgres()
    results: dict[str, int] = {}
    postgres: subprocess.Popen[bytes] | None = None
    log = Path(tempfile.gettempdir()) / f"grants-tests-postgresql-{os.getpid()}.log"
    if postgres_reachable() and not sequential:
        postgres = beside(PG_URL, "PostgreSQL", args, log)
    results["SQLite"] = pytest("sqlite", "SQLite", args)
    if postgres is not None:
        results["PostgreSQL"] = postgres.wait()
        print("\n=== tests on PostgreSQL (ran beside SQLite) ===", flush=True)
        sys.stdout.write(log.read_text(errors="replace"))
        log.unlink(missing_ok=True)
    elif postgres_reachable():
        results["PostgreSQL"] = pytest(PG_URL, "PostgreSQL", args)
    elif ci:
        print("PostgreSQL is required in CI and could not be started on 127.0.0.1:5432", flush=True)
        results["PostgreSQL"] = 1
    else:
        print(
            "\nSKIPPED: the PostgreSQL half: nothing listens on 127.0.0.1:5432 "
            "(start it, or set TEST_POSTGRES_URL)",
            flush=True,
        )
    print("\n=== summary ===")
    for label, code in results.items():
        print(f"{label}: {'passed' if code == 0 else f'FAILED (exit {code})'}")
    return 0 if all(code == 0 for code in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
