"""``python -m skill serve``: start the web service, in development or production mode."""

from __future__ import annotations

import argparse
import logging
import os

from skill.builder import create_skill
from skill.hosts import web

log = logging.getLogger("skill.server")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--dev",
        action="store_true",
        help="development mode: NO request verification; binds to loopback only",
    )
    parser.add_argument("--host", default=None, help="address to bind (dev: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "5000")))
    parser.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")


def main(args: argparse.Namespace) -> int:
    logging.getLogger("skill").setLevel(logging.INFO)
    if not args.dev:
        raise SystemExit("production mode is not available yet: use --dev on this machine")
    host = args.host or "127.0.0.1"
    if not web.is_loopback(host):
        raise SystemExit(f"--dev turns request verification off, so it binds to loopback only, not {host}")
    log.warning(
        "DEVELOPMENT MODE: request signature, timestamp and skill id checks are OFF. "
        "Never expose this server to the internet."
    )
    app = web.create_app(create_skill())
    print(f"Skill listening on http://{host}:{args.port}/ (development mode).", flush=True)
    print("Try:  .venv/bin/python -m skill ask 'what can help with bone pain'", flush=True)
    web.serve(app, host=host, port=args.port, threads=args.threads)
    return 0
