"""A live ``docintel serve`` on a loopback port, started once per test session."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

READY_TIMEOUT_S = 180.0


def free_port() -> int:
    """An unused loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A running server process and how to reach it."""

    url: str
    shared: Path
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (SIGKILL simulates a crash)."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(shared: Path, log: Path, *extra: str, port: int | None = None) -> Server:
    """Start ``docintel serve`` and wait until ``/ready`` answers 200.

    With no fixed port, a free one is picked; if another process takes it before the server
    binds (a race inherent to picking ports), the start is retried on a new one.
    """
    if port is not None:
        return _start_server(shared, log, extra, port)
    for attempt in range(3):
        try:
            return _start_server(shared, log, extra, free_port())
        except PortTakenError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


class PortTakenError(RuntimeError):
    """The chosen port was taken before the server could bind it."""


def _start_server(shared: Path, log: Path, extra: tuple[str, ...], port: int) -> Server:
    env = {k: v for k, v in os.environ.items() if not k.lower().startswith(("eula", "mounts"))}
    cmd = [
        sys.executable,
        "-m",
        "docintel.cli.main",
        "serve",
        "Eula=accept",
        f"Mounts:Shared={shared}",
        "Workers=2",
        *extra,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]
    with log.open("ab") as out:
        # The child keeps its own copy of the descriptor.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text()[-3000:]
            if "address already in use" in tail.lower():
                raise PortTakenError(tail)
            raise RuntimeError(f"server exited with {proc.returncode}: {tail}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return Server(url, shared, proc, log)
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.kill()
    raise RuntimeError(f"server not ready in time: {log.read_text()[-3000:]}")


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server for the whole conformance session."""
    root = tmp_path_factory.mktemp("server")
    srv = start_server(root / "shared", root / "server.log")
    try:
        yield srv
    finally:
        srv.stop()
