"""Both front doors in one process: an ASGI application serving the MCP add-on at
``/mcp`` (``skill.addon.server``) and the Alexa skill at ``/`` (the Flask application of
``skill.hosts.web``, mounted whole), run by gunicorn with uvicorn workers (``server.py``).

The Alexa door is unchanged: the same Flask application with the same verifiers
answers every path but ``/mcp``. a2wsgi runs it in a pool of ``--threads`` threads per
worker, as gunicorn's threaded worker did. Two things gunicorn's own HTTP parser did
are kept here, for both doors: its limits on the request line and the number of header
fields (``RequestLimits``: 414 and 431, before any application sees the request), and
a body that ends where the request does (``wsgi.input_terminated``), so that Werkzeug
caps a chunked body at the Alexa door's limit just as it caps one with a length.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from contextlib import AbstractAsyncContextManager
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, ClassVar

from a2wsgi import WSGIMiddleware
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn_worker import UvicornWorker

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment
    from flask import Flask
    from mcp.server.fastmcp import FastMCP

log = logging.getLogger("skill.asgi")

#: gunicorn's limits, as ``python -m skill serve`` set them when gunicorn parsed requests
#: itself: Alexa's request lines and headers are small.
REQUEST_LINE_LIMIT = 4094
HEADER_FIELDS_LIMIT = 50


class Worker(UvicornWorker):
    """A gunicorn worker running the ASGI application under uvicorn: asyncio and h11
    (pure Python), the application's lifespan always run (the MCP session manager
    lives in it), and no ``server`` header naming the software."""

    CONFIG_KWARGS: ClassVar[dict[str, Any]] = {
        "loop": "asyncio",
        "http": "h11",
        "lifespan": "on",
        "server_header": False,
    }


class RequestLimits:
    """414 for a request line longer than gunicorn's limit, 431 for more header fields
    than its limit; neither request reaches a door. The reason is logged, never the line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        refusal = _over_limits(scope) if scope["type"] == "http" else None
        if refusal is None:
            await self.app(scope, receive, send)
            return
        status, reason = refusal
        log.warning("refused %s: %s", status, reason)
        await JSONResponse({"error": reason}, status_code=status)(scope, receive, send)


def _over_limits(scope: Scope) -> tuple[int, str] | None:
    target = scope.get("raw_path") or scope["path"].encode("utf-8")
    if scope.get("query_string"):
        target += b"?" + scope["query_string"]
    line = len(scope["method"]) + 1 + len(target) + 1 + len(f"HTTP/{scope.get('http_version', '1.1')}")
    if line > REQUEST_LINE_LIMIT:
        return 414, "request line too long"
    if len(scope.get("headers", ())) > HEADER_FIELDS_LIMIT:
        return 431, "too many header fields"
    return None


def _input_terminated(app: WSGIApplication) -> WSGIApplication:
    """a2wsgi's input ends with the request's body, as gunicorn's does: say so, so that
    Werkzeug reads (and caps) a chunked body instead of reading none."""

    def terminated(environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        environ["wsgi.input_terminated"] = True
        return app(environ, start_response)

    return terminated


async def _error(request: Request, error: Exception) -> JSONResponse:
    status = error.status_code if isinstance(error, HTTPException) else 500
    return JSONResponse({"error": HTTPStatus(status).phrase.lower()}, status_code=status)


async def _health(request: Request) -> JSONResponse:
    """``GET /health`` when the MCP door is served alone (the Alexa door has its own)."""
    return JSONResponse({"status": "ok"})


def create_app(*, alexa: Flask | None, mcp: FastMCP | None, threads: int = 8) -> ASGIApp:
    """The doors asked for, as one ASGI application: ``alexa`` at ``/`` (with its
    ``/health``), ``mcp`` at ``/mcp``; at least one of them."""
    if alexa is None and mcp is None:
        raise ValueError("no door to serve")
    routes: list[BaseRoute] = []
    if mcp is not None:
        routes.append(Route("/mcp", endpoint=mcp.streamable_http_app()))
    if alexa is not None:
        routes.append(Mount("/", app=WSGIMiddleware(_input_terminated(alexa), workers=max(1, threads))))  # type: ignore[arg-type]
    else:
        routes.append(Route("/health", endpoint=_health, methods=["GET"]))
    # Errors outside the doors' own answers in JSON, as the Alexa door gives them.
    errors = {404: _error, 405: _error}
    if mcp is None:
        return RequestLimits(Starlette(routes=routes, exception_handlers=errors))
    session_manager = mcp.session_manager

    def lifespan(app: Starlette) -> AbstractAsyncContextManager[None]:
        """The MCP session manager runs for the life of each worker process."""
        return session_manager.run()

    return RequestLimits(Starlette(routes=routes, exception_handlers=errors, lifespan=lifespan))
