"""uvicorn servers as child processes on 127.0.0.1 that are always stopped.

Each server runs in a session of its own, so stopping it ends exactly the
processes it started and nothing else.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench import cpu

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


class Server:
    """One uvicorn process; use as a context manager, or call stop() in a finally."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], port: int, log: Path) -> None:
        self.name, self.argv, self.env, self.port, self.log = name, argv, env, port, log
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self, ready_path: str = "/", timeout: float = 60.0) -> Server:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and console scripts
                self.argv,
                env=self.env,
                cwd=PROJECT_ROOT,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            try:
                response = httpx.get(self.base_url + ready_path, timeout=2.0, trust_env=False)
                if response.status_code < 500:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} did not answer within {timeout:.0f} s:\n{self.log_tail()}")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the server's processes (uvicorn and its workers) have used so far.

        Worker processes that have ended are not counted; servers keep theirs for the whole run.
        """
        return cpu.session_seconds(self.proc.pid) if self.proc else 0.0  # the server leads its session

    def check_alive(self) -> None:
        """Raise, with the exit status and the end of the log, if the server has gone."""
        if self.proc is not None and (code := self.proc.poll()) is not None:
            how = f"was killed by signal {-code}" if code < 0 else f"exited with {code}"
            raise RuntimeError(f"{self.name} (pid {self.proc.pid}) {how} during the run:\n{self.log_tail()}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.proc.pid, sig)  # the server's own session: only what it started
            except ProcessLookupError:
                return
            try:
                self.proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def bare_server(env: dict[str, str], log: Path, workers: int = 1) -> Server:
    port = free_port()
    argv = [
        sys.executable,
        "-m",
        "bench.bare",
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    return Server("bare Litestar", argv, env, port, log)


def grants_server(env: dict[str, str], log: Path, workers: int = 1) -> Server:
    port = free_port()
    argv = [str(VENV_BIN / "grants"), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return Server("grants serve", argv, env, port, log)


def moto_server(env: dict[str, str], log: Path) -> Server:
    """moto's S3 server, as the tests use it: boto3 speaks real HTTP to it."""
    port = free_port()
    argv = [sys.executable, "-m", "moto.server", "-H", HOST, "-p", str(port)]
    return Server("moto S3", argv, env, port, log)
