"""Start a server process on loopback and wait until it is healthy: for tests and benchmarks."""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningServer:
    url: str
    process: subprocess.Popen[str]
    log: IO[str]
    ssl_context: ssl.SSLContext | None = None

    def output(self) -> str:
        """What the server has logged so far."""
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

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
    # The server's log goes to a file, not a pipe: a pipe nobody reads fills up under
    # load and the server blocks writing its log.
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, *arguments],
            cwd=ROOT,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        server = RunningServer(f"{scheme}://127.0.0.1:{port}", process, log, context)
        try:
            _wait_until_healthy(server, timeout)
            yield server
        finally:
            stop(process, grace=15)


def stop(process: subprocess.Popen[str] | subprocess.Popen[bytes], grace: float) -> None:
    """Ask a server started here to stop; kill it if it has not within ``grace`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait_until_healthy(server: RunningServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"server exited with {server.process.returncode}:\n{server.output()}")
        try:
            urllib.request.urlopen(f"{server.url}/health", timeout=2, context=server.ssl_context).read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError("server did not become healthy in time") from None
            time.sleep(0.1)


#: Fake credentials and no AWS configuration: boto3 can then reach nothing but the
#: endpoint it is given (a local server).
FAKE_AWS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "eu-west-2",
    "AWS_REGION": "eu-west-2",
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


@contextmanager
def local_dynamodb(timeout: float = 60) -> Iterator[dict[str, str]]:
    """moto's DynamoDB-compatible server on 127.0.0.1 (a development dependency), for
    tests and benchmarks; yields the environment that points boto3 at it."""
    port = free_port()
    env = {**FAKE_AWS, "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{port}"}
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"moto server exited with {process.returncode}")
                try:
                    with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        raise RuntimeError("moto server did not start in time") from None
                    time.sleep(0.1)
            yield env
        finally:
            stop(process, grace=10)
