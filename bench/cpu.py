"""CPU time from /proc: of one process, of processes by name, of the whole machine."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """User plus system CPU time process `pid` has used so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def session_seconds(sid: int) -> float:
    """CPU time of every running process in session `sid` (a server and its worker processes)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[3]) == sid:  # state ppid pgrp session …
                total += (int(fields[11]) + int(fields[12])) / _TICKS
    return total


def named_seconds(name: str) -> float:
    """CPU time of every running process called `name` (e.g. all of PostgreSQL's)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                if (proc / "comm").read_text().strip() == name:
                    total += process_seconds(int(proc.name))
            except OSError:
                continue
    return total


def machine_seconds() -> float:
    """CPU time all processes of the machine have used so far (from /proc/stat)."""
    try:
        with open("/proc/stat") as stat:
            fields = stat.readline().split()[1:]
    except OSError:
        return 0.0
    # user nice system idle iowait irq softirq steal: all but idle and iowait
    return sum(int(v) for i, v in enumerate(fields[:8]) if i not in (3, 4)) / _TICKS
