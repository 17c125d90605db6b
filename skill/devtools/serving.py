"""Start a server process on loopback and wait until it is healthy: for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[str]
    ssl_context: ssl.SSLContext | None = None

    def pids(self) -> list[int]:
        """The server's processes: gunicorn's arbiter and its workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = [self.process.pid]
        if children.exists():
            found += [int(pid) for pid in children.read_text().split()]
        return found

    def memory_kib(self) -> int:
        """Resident memory of all the server's processes, in KiB (Linux)."""
        total = 0
        for pid in self.pids():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        return total


@contextmanager
def running_server(
    arguments: Sequence[str],
    *,
    port: int,
    env: dict[str, str] | None = None,
    https_roots: Path | None = None,
    timeout: float = 60,
) -> Iterator[RunningServer]:
    """Run ``python <arguments>`` in the project, wait for /health, stop it afterwards."""
    scheme = "https" if https_roots else "http"
    context = ssl.create_default_context(cafile=str(https_roots)) if https_roots else None
    process = subprocess.Popen(
        [sys.executable, *arguments],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = RunningServer(f"{scheme}://127.0.0.1:{port}", process, context)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                output = process.stdout.read() if process.stdout else ""
                raise RuntimeError(f"server exited with {process.returncode}:\n{output}")
            try:
                urllib.request.urlopen(f"{server.url}/health", timeout=2, context=context).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("server did not become healthy in time") from None
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()
