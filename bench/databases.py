"""A fresh database per engine, migrated and loaded with the demo data, removed afterwards.

SQLite is a file in a temporary directory. PostgreSQL gets a throwaway
database on BENCH_POSTGRES_URL's server (created with asyncpg, as the tests
do, and dropped with FORCE at the end); without a reachable server the
PostgreSQL part is skipped with the reason.
"""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

from bench.servers import PROJECT_ROOT, VENV_BIN

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/")
KINDS = ("sqlite", "postgres")

# Settings that would otherwise leak in from the calling shell.
_CLEARED = {
    "DATABASE_URL",
    "GRANTS_ENV",
    "GRANTS_VAR_DIR",
    "STORAGE_URL",
    "S3_ENDPOINT_URL",
    "REDIS_URL",
    "SMTP_URL",
    "ALLOWED_HOSTS",
    "BASE_URL",
    "DB_POOL",
    "PASSWORD_HASH_ITERATIONS",
    "SECRET_KEY",
}


class Skipped(Exception):
    """This database cannot be benchmarked here; the message says why."""


@dataclass(frozen=True)
class Database:
    kind: str
    label: str  # "SQLite" or "PostgreSQL"
    description: str
    env: dict[str, str]  # the environment for `grants ...` and the benchmarks' servers
    tmp: Path  # a scratch directory of this database's run, removed afterwards


def _env(tmp: Path, url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _CLEARED}
    env.update(
        GRANTS_ENV="production",
        GRANTS_VAR_DIR=str(tmp / "var"),
        DATABASE_URL=url,
        SECRET_KEY=secrets.token_urlsafe(48),
        STORAGE_URL=f"file://{tmp / 'files'}",
        PYTHONUNBUFFERED="1",
    )
    return env


def grants(env: dict[str, str], *args: str, log: Path, timeout: float = 300.0) -> None:
    """Run `grants ARGS` with the benchmark's environment; its output goes to `log`."""
    with log.open("ab") as out:
        code = subprocess.call(  # noqa: S603 - our own console script
            [str(VENV_BIN / "grants"), *args],
            env=env,
            cwd=PROJECT_ROOT,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    if code != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-20:])
        raise RuntimeError(f"`grants {' '.join(args)}` exited with {code}:\n{tail}")


async def _postgres(url: str, sql: str) -> str:
    import asyncpg

    conn = await asyncpg.connect(url, timeout=5)
    try:
        await conn.execute(sql)
        return await conn.fetchval("SHOW server_version")
    finally:
        await conn.close()


@contextmanager
def prepared(kind: str) -> Iterator[Database]:
    tmp = Path(tempfile.mkdtemp(prefix=f"grants-bench-{kind}-"))
    pg_name: str | None = None
    try:
        if kind == "sqlite":
            url = f"sqlite:///{tmp / 'bench.sqlite'}"
            label, description = "SQLite", f"SQLite {sqlite3.sqlite_version} (WAL), a file in {tmp}"
        elif kind == "postgres":
            name = f"grants_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            try:
                server_version = asyncio.run(_postgres(POSTGRES_URL, f'CREATE DATABASE "{name}"'))
            except (OSError, TimeoutError, ImportError) as exc:
                raise Skipped(f"PostgreSQL at {POSTGRES_URL} is unreachable ({exc})") from exc
            except Exception as exc:  # asyncpg's own errors: auth, permissions
                raise Skipped(f"PostgreSQL at {POSTGRES_URL} refused ({type(exc).__name__}: {exc})") from exc
            pg_name = name
            url = urlunparse(urlparse(POSTGRES_URL)._replace(path=f"/{name}"))
            host = urlparse(POSTGRES_URL).netloc.rsplit("@", 1)[-1]
            label = "PostgreSQL"
            description = (
                f"PostgreSQL {server_version} on {host}, throwaway database {name}, connection pool on"
            )
        else:
            raise ValueError(f"unknown database kind {kind!r}")
        env = _env(tmp, url)
        log = tmp / "setup.log"
        grants(env, "migrate", log=log)
        grants(env, "demo", log=log)
        yield Database(kind, label, description, env, tmp)
    finally:
        if pg_name:
            try:
                asyncio.run(_postgres(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{pg_name}" WITH (FORCE)'))
            except Exception as exc:  # report it, and let the original error (if any) through
                print(f"could not drop the benchmark database {pg_name}: {exc}", file=sys.stderr)
        shutil.rmtree(tmp, ignore_errors=True)
