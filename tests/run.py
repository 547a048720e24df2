"""`make test`: the whole suite on SQLite, then again on PostgreSQL.

Without a reachable PostgreSQL the second half is skipped with the reason
printed, except in CI (CI=true), where PostgreSQL is started if it is not
running and its absence fails the run.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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


def pytest(database_url: str, label: str, args: list[str]) -> int:
    print(f"\n=== tests on {label} ===", flush=True)
    env = dict(os.environ, DATABASE_URL=database_url, TEST_DATABASE_LABEL=label)
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    args = sys.argv[1:]
    ci = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
    results = {"SQLite": pytest("sqlite", "SQLite", args)}
    if not postgres_reachable() and ci:
        start_postgres()
    if postgres_reachable():
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
