"""Processes and ports: the `grants` command of this environment, and a loopback port nobody listens on."""

from __future__ import annotations

import socket
import sys
from pathlib import Path

GRANTS = Path(sys.executable).with_name("grants")


def free_port() -> int:
    """A loopback port nobody listens on (once the socket is closed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
