"""Every password hash of the site, off the event loop.

PBKDF2 with the production count (600,000 iterations) takes about 0.3 s of CPU. It runs in a pool
of threads of its own (hashlib releases the GIL meanwhile): at most one thread fewer than the
cores this process may use, and at least one, so parallel logins always leave a core to the event
loop, and never fill the default thread pool that file storage and mail delivery use. A login
beyond the pool's size waits for a thread; the pages of everyone else do not. On Linux the pool's
threads also run at a lower priority (nice +10): when the cores are busy, answering requests (and
the database on the same machine) comes before hashing, and hashing takes whatever is left.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import cache, partial

from piccolo.apps.user.tables import BaseUser

THREAD_NAME = "password-hash"
NICENESS = 10  # added to the process's: Linux schedules each thread with its own nice value


def hashing_threads() -> int:
    """One thread fewer than the usable cores (the event loop keeps one), at least one."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 2
    return max(1, cores - 1)


def _lower_priority() -> None:
    """The starting hashing thread gives way to the others (Linux: the priority of one thread)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere the call names a process, not a thread: left as it is
    thread = threading.get_native_id()
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread, os.getpriority(os.PRIO_PROCESS, thread) + NICENESS)


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(
        max_workers=hashing_threads(), thread_name_prefix=THREAD_NAME, initializer=_lower_priority
    )


async def hash_password(password: str, salt: str = "", iterations: int | None = None) -> str:
    """BaseUser.hash_password (the stored form, "pbkdf2_sha256$…"), computed in the hashing pool;
    a new random salt and today's iteration count unless given (to check a stored hash)."""
    job = partial(BaseUser.hash_password, password, salt, iterations)
    return await asyncio.get_running_loop().run_in_executor(_pool(), job)
