"""Where a server's time goes: py-spy samples of the process under load, summed by kind of code.

Optional: without py-spy (pip install py-spy) or without the right to attach
to the process, `record` returns None and the benchmark says why. Samples are
taken only while a thread holds the GIL (`--gil`), so they show where Python
time goes; SQLite's own C work in the reader threads releases the GIL and is
not in them. Each sample is counted once, for the innermost frame whose file
names a kind below (a Jinja filter calling Babel counts as Babel).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

# (kind, pattern on the frame's file), innermost match wins.
KINDS = [
    ("Babel formatting", r"(^|/)babel/"),
    ("Jinja templates", r"(^|/)(jinja2|markupsafe)/|\.html$"),
    ("SQLite reader threads", r"(^|/)grants/core/db\.py|(^|/)concurrent/futures/thread\.py"),
    ("Piccolo ORM", r"(^|/)piccolo/"),
    ("database driver", r"(^|/)(asyncpg|aiosqlite|sqlite3)/"),
    ("CSRF cookie (Litestar)", r"(^|/)litestar/middleware/csrf\.py|(^|/)(http/cookies|secrets|random)\.py"),
    ("our middleware", r"(^|/)grants/core/(security|i18n|auth)\.py"),
    ("our handlers and services", r"(^|/)grants/"),
    ("Litestar routing, guards, responses", r"(^|/)(litestar|msgspec)/|(^|/)copy\.py"),
    ("access log", r"(^|/)logging/"),
    ("uvicorn and h11 (HTTP)", r"(^|/)(uvicorn|h11)/"),
    ("asyncio event loop and sockets", r"(^|/)asyncio/|(^|/)selectors\.py"),
]
_FRAME = re.compile(r"^(?P<func>.*) \((?P<file>[^()]*):\d+\)$")


def available() -> str | None:
    return shutil.which("py-spy") or shutil.which("py-spy", path=str(Path(sys.executable).parent))


@dataclass
class Profile:
    samples: int
    kinds: list[tuple[str, float]]  # kind -> share of the samples, largest first
    top: list[tuple[str, float]]  # "function (file)" -> share of samples where it is the innermost frame

    def kinds_text(self, limit: int = 6) -> str:
        return ", ".join(f"{kind} {share:.0%}" for kind, share in self.kinds[:limit])

    def top_text(self, limit: int = 5) -> str:
        return ", ".join(f"{name} {share:.0%}" for name, share in self.top[:limit])


def _kind(frames: list[tuple[str, str]]) -> str:
    for _func, file in reversed(frames):  # innermost first
        for kind, pattern in KINDS:
            if re.search(pattern, file):
                return kind
    return "other"


def summarize(raw: str) -> Profile:
    kinds: Counter[str] = Counter()
    leaves: Counter[str] = Counter()
    total = 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [(m["func"], m["file"]) for part in stack.split(";") if (m := _FRAME.match(part))]
        if not frames:
            continue
        n = int(count)
        total += n
        kinds[_kind(frames)] += n
        func, file = frames[-1]
        short = "/".join(Path(file).parts[-2:])
        leaves[f"{func} ({short})"] += n
    share = (lambda c: [(k, v / total) for k, v in c.most_common()]) if total else (lambda c: [])
    return Profile(total, share(kinds), share(leaves))


def record(pid: int, seconds: float) -> tuple[Profile | None, str]:
    """Sample process `pid` for `seconds`; (None, why) when it cannot."""
    spy = available()
    if spy is None:
        return None, "py-spy is not installed (pip install py-spy)"
    with tempfile.TemporaryDirectory(prefix="grants-bench-spy-") as tmp:
        out = Path(tmp) / "profile.txt"
        result = subprocess.run(  # noqa: S603 - py-spy from the venv or PATH, our server's pid
            [
                spy,
                "record",
                "--pid",
                str(pid),
                "--duration",
                str(max(1, round(seconds))),
                "--gil",
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(out),
            ],
            capture_output=True,
            text=True,
            timeout=seconds + 60,
        )
        if result.returncode != 0 or not out.exists():
            why = " ".join((result.stderr or result.stdout).split())[-300:]
            return None, f"py-spy could not sample the server ({why or result.returncode})"
        return summarize(out.read_text()), ""
