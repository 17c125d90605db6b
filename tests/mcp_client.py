"""Helpers for the MCP add-on's tests: the server on loopback, in this process (so that
its clock can be fixed), and the SDK's own Streamable HTTP client talking to it."""

from __future__ import annotations

import argparse
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar

import anyio
import uvicorn
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from skill.devtools.serving import free_port
from skill.hosts import server

T = TypeVar("T")


class Moment:
    """A clock the tests set: the time the server's nurse-line answers are worked out at."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def serve_arguments(*extra: str) -> argparse.Namespace:
    """``python -m skill serve`` arguments, parsed as the command line parses them."""
    parser = argparse.ArgumentParser()
    server.add_arguments(parser)
    return parser.parse_args(list(extra))


@contextmanager
def in_process_server(args: argparse.Namespace, clock: Callable[[], datetime]) -> Iterator[str]:
    """The application ``python -m skill serve`` builds for ``args``, under uvicorn on
    127.0.0.1 at a free port, in a thread of this process; yields its base URL."""
    port = free_port()
    app = server.make_asgi_app(args, clock=clock)
    config = uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_level="warning")
    runner = uvicorn.Server(config)
    thread = threading.Thread(target=runner.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not runner.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the in-process server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        runner.should_exit = True
        thread.join(timeout=15)


def with_session(url: str, work: Callable[[ClientSession], Awaitable[T]]) -> T:
    """Connect the SDK's Streamable HTTP client to ``url``/mcp, initialise, and do ``work``."""

    async def main() -> T:
        async with (
            streamable_http_client(f"{url}/mcp") as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    return anyio.run(main)


def call_tool(url: str, name: str, arguments: dict[str, Any] | None = None) -> CallToolResult:
    async def work(session: ClientSession) -> CallToolResult:
        return await session.call_tool(name, arguments or {})

    return with_session(url, work)


def text_of(result: CallToolResult) -> str:
    """The result's text content: what an assistant that reads only text would see."""
    (content,) = result.content
    assert isinstance(content, TextContent)
    return content.text
