"""``python -m skill serve``: the web service, both front doors in one process: the
Alexa skill at ``/`` and the MCP add-on for Alexa+ and other assistants at ``/mcp``
(``--door alexa`` or ``--door mcp`` for one alone). gunicorn runs the worker processes,
each an ASGI application under uvicorn (``skill.hosts.asgi``).

Production mode (the default) verifies every request to the Alexa door: Amazon's
signature, the timestamp and the skill id (``SKILL_ID``, required with that door).
HTTPS is terminated either by a reverse proxy in front (see docs/deploying.md) or here,
given ``--certfile`` and ``--keyfile``.

``--dev`` turns verification off, says so loudly, and binds to loopback only.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from skill.clock import utc_now
from skill.hosts.web_common import is_loopback

if TYPE_CHECKING:  # the web stack is imported when serving, not for the command line's help
    from flask import Flask
    from starlette.types import ASGIApp

    from skill.hosts.verification import CertificateChains

log = logging.getLogger("skill.server")

#: Which front doors a server opens: the Alexa skill at /, the MCP add-on at /mcp, or both.
DOORS = ("both", "alexa", "mcp")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dev",
        action="store_true",
        help="development mode: NO request verification; binds to loopback only",
    )
    parser.add_argument(
        "--door",
        choices=DOORS,
        default=os.environ.get("DOOR", "both"),
        help="both (default): Alexa at / and MCP at /mcp; alexa or mcp: that door alone (or DOOR)",
    )
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="address to bind")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WORKERS", "2")),
        help="worker processes (default 2, or WORKERS)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=int(os.environ.get("THREADS", "8")),
        help="threads per worker for the Alexa door",
    )
    parser.add_argument(
        "--skill-id",
        default=os.environ.get("SKILL_ID"),
        help="required in production with the Alexa door (or SKILL_ID)",
    )
    parser.add_argument("--certfile", help="serve HTTPS directly with this certificate (PEM)")
    parser.add_argument("--keyfile", help="the private key for --certfile (PEM)")
    parser.add_argument(
        "--ca-bundle",
        default=os.environ.get("ALEXA_CA_BUNDLE"),
        help="PEM roots to trust for Amazon's signing certificate (default: certifi's)",
    )


def run_gunicorn(app: ASGIApp, options: dict[str, Any]) -> None:
    """gunicorn, configured in code, serving an application made before it forks."""
    from gunicorn.app.base import BaseApplication

    class Application(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self) -> ASGIApp:
            return app

    Application().run()


def serves_alexa(args: argparse.Namespace) -> bool:
    return bool(args.door in ("both", "alexa"))


def serves_mcp(args: argparse.Namespace) -> bool:
    return bool(args.door in ("both", "mcp"))


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    from skill.hosts.asgi import Worker

    bind = f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}"
    options: dict[str, Any] = {
        "bind": [bind],
        "workers": max(1, args.workers),
        # uvicorn in each worker; the Alexa door's threads are the application's own
        # (--threads), and the request line and header limits are kept in front of
        # both doors (skill.hosts.asgi), bodies capped by each door.
        "worker_class": Worker,
        "timeout": 30,
        "graceful_timeout": 10,
        "keepalive": 5,
        # No access log: the app logs request ids and intent names, the add-on tool
        # names and kinds of answer, nothing personal.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "secondary-breast-cancer-help",
        # gunicorn's runtime control socket lives in $HOME and is shared by every
        # instance there; this service does not use it.
        "control_socket_disable": True,
    }
    if args.certfile:
        options["certfile"] = args.certfile
        options["keyfile"] = args.keyfile
    return options


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse to start with a configuration that would be unsafe or cannot work."""
    if args.dev:
        if not is_loopback(args.host):
            raise SystemExit(
                f"--dev turns request verification off, so it binds to loopback only, not {args.host}"
            )
        return
    if serves_alexa(args) and not args.skill_id:
        raise SystemExit(
            "production mode needs the skill id: set SKILL_ID or pass --skill-id "
            "(or serve the MCP door alone: --door mcp)"
        )
    if bool(args.certfile) != bool(args.keyfile):
        raise SystemExit("--certfile and --keyfile go together")
    for path in (args.certfile, args.keyfile, args.ca_bundle):
        if path and not Path(path).is_file():
            raise SystemExit(f"no such file: {path}")


def make_app(
    args: argparse.Namespace,
    chains: CertificateChains | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> Flask:
    """The application for these arguments; ``chains`` and ``clock`` are injectable
    so that tests can sign requests with their own certificate authority."""
    from skill.builder import create_skill
    from skill.hosts import web
    from skill.hosts.verification import CertificateChains, load_trust_store, production_verifiers

    # Preferences: SQLite (PREFERENCES_DB) by default, or DynamoDB (PREFERENCES_TABLE).
    # Made before gunicorn forks, so the key SQLite's records need, when none is set, is
    # made (or read back) once, beside the file.
    skill = create_skill(environ=os.environ, make_key=True)
    if args.dev:
        log.warning(
            "DEVELOPMENT MODE: request signature, timestamp and skill id checks are OFF. "
            "Never expose this server to the internet."
        )
        return web.create_app(skill)
    if chains is None:
        chains = CertificateChains(trust_store=load_trust_store(args.ca_bundle), clock=clock)
    return web.create_app(skill, verifiers=production_verifiers(args.skill_id, chains, clock))


def make_asgi_app(
    args: argparse.Namespace,
    chains: CertificateChains | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> ASGIApp:
    """The doors ``args`` asks for, as one ASGI application (``skill.hosts.asgi``): the
    Alexa door is ``make_app``'s Flask application; the MCP door tells the nurse line's
    status by ``clock`` too, and in development mode accepts loopback Host headers only."""
    from skill.hosts import asgi

    alexa = make_app(args, chains, clock) if serves_alexa(args) else None
    mcp = None
    if serves_mcp(args):
        from skill.addon.server import create_server

        mcp = create_server(clock=clock, loopback_only=args.dev)
    return asgi.create_app(alexa=alexa, mcp=mcp, threads=args.threads)


def main(
    args: argparse.Namespace,
    chains: CertificateChains | None = None,
    clock: Callable[[], datetime] = utc_now,
) -> int:
    logging.getLogger("skill").setLevel(logging.INFO)
    if not logging.getLogger().handlers:
        logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    check_arguments(args)
    check_port(args.host, args.port)
    app = make_asgi_app(args, chains, clock)
    base = f"{'https' if args.certfile else 'http'}://{args.host}:{args.port}"
    mode = "development mode, NO verification" if args.dev else "production mode, verification on"

    def when_ready(_server: Any) -> None:
        """Called by gunicorn once it has bound the port: only then is it listening."""
        if serves_alexa(args):
            print(f"Skill listening on {base}/ ({mode}).", flush=True)
        if serves_mcp(args):
            print(f"MCP add-on listening on {base}/mcp (Streamable HTTP, read-only tools).", flush=True)
        if args.dev and serves_alexa(args):
            print("Try:  .venv/bin/python -m skill chat   (or POST an envelope, see README.md)", flush=True)

    run_gunicorn(app, {**gunicorn_options(args), "when_ready": when_ready})
    return 0


def check_port(host: str, port: int) -> None:
    """One clear error for a port in use, rather than gunicorn's retries and traceback."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds
        try:
            probe.bind((host, port))
        except OSError as error:
            reason = (
                "is already in use"
                if error.errno == errno.EADDRINUSE
                else f"cannot be used ({error.strerror})"
            )
            raise SystemExit(f"cannot listen on {host}:{port}: the port {reason}") from None
