"""The skill as a web service: Flask, flask-ask-sdk's SkillAdapter, served by gunicorn (see server.py).

Alexa POSTs a request envelope to ``/``; a load balancer asks ``GET /health``. Client
errors are answered with 4xx and a short reason, never a 500 or a traceback: a body
that is too large (413), not UTF-8 JSON or not an Alexa request envelope (400), or a
request that fails verification (400).
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Sequence
from typing import Any

from ask_sdk_core.skill import CustomSkill
from ask_sdk_model import RequestEnvelope
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import HTTPException

from skill.hosts.sdk_compat import import_skill_adapter

log = logging.getLogger("skill.web")

#: Alexa's requests are a few kilobytes; anything near this is not from Alexa.
MAX_BODY_BYTES = 128 * 1024


class RequestRefused(Exception):
    """A client error: the status and the short reason to send back."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def parse_envelope(body: bytes, skill: CustomSkill) -> dict[str, Any]:
    """The body as an Alexa request envelope, or ``RequestRefused`` (400) saying why."""
    try:
        text = body.decode("utf-8")
        data = json.loads(text)
    except (UnicodeDecodeError, ValueError, RecursionError):
        # RecursionError: brackets nested thousands deep, which no envelope has.
        raise RequestRefused(400, "body is not UTF-8 JSON") from None
    if not isinstance(data, dict):
        raise RequestRefused(400, "body is not a JSON object")
    req = data.get("request")
    if not isinstance(data.get("version"), str) or not isinstance(req, dict):
        raise RequestRefused(400, "not an Alexa request envelope")
    for key in ("type", "requestId", "timestamp"):
        if not isinstance(req.get(key), str):
            raise RequestRefused(400, f"request has no {key}")
    try:
        skill.serializer.deserialize(payload=text, obj_type=RequestEnvelope)
    except Exception:
        raise RequestRefused(400, "not an Alexa request envelope") from None
    return data


def create_app(
    skill: CustomSkill,
    *,
    verifiers: Sequence[Any] = (),
    max_body_bytes: int = MAX_BODY_BYTES,
) -> Flask:
    """The Flask application. ``verifiers`` check each request before the skill sees
    it (see ``skill.hosts.verification``); with none, nothing is verified (dev mode)."""
    adapter_module = import_skill_adapter()
    app = Flask(__name__)
    # The SDK logs each verification failure with a traceback; we log the reason.
    app.logger.addFilter(_quiet_sdk_verification_log)
    # The SDK's own verifiers are never used: ours are passed in ``verifiers``.
    app.config[adapter_module.VERIFY_SIGNATURE_APP_CONFIG] = False
    app.config[adapter_module.VERIFY_TIMESTAMP_APP_CONFIG] = False
    app.config["MAX_CONTENT_LENGTH"] = max_body_bytes
    adapter = adapter_module.SkillAdapter(skill=skill, skill_id="skill", verifiers=list(verifiers), app=app)

    @app.post("/")
    def alexa() -> Response:
        body = request.get_data(cache=True)
        parse_envelope(body, skill)
        response: Response = adapter.dispatch_request()
        return response

    # Whether preferences are remembered: "on", "off", or "unavailable" (asked for, but
    # the store could not be opened, or there is no key): the skill answers either way.
    preferences_status = getattr(skill, "preferences_status", "off")

    @app.get("/health")
    def health() -> Response:
        return jsonify(status="ok", preferences=preferences_status)

    @app.errorhandler(RequestRefused)
    def refused(error: RequestRefused) -> tuple[Response, int]:
        log.warning("refused %s: %s", error.status, error.reason)
        return jsonify(error=error.reason), error.status

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> tuple[Response, int]:
        status = error.code or 500
        reason = error.description or error.name
        cause = error.__context__
        if isinstance(cause, adapter_module.VerificationException):
            reason = str(getattr(cause, "reason", None) or "request failed verification")
        if status < 500:
            log.warning("refused %s: %s", status, reason)
        else:
            log.error("failed %s: %s", status, reason)
        return jsonify(error=reason), status

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> tuple[Response, int]:
        # The type and the stack, never the message: it may quote what the user said.
        stack = "".join(traceback.format_tb(error.__traceback__))
        log.error("unexpected %s\n%s", type(error).__name__, stack)
        return jsonify(error="internal error"), 500

    return app


def _quiet_sdk_verification_log(record: logging.LogRecord) -> bool:
    return record.getMessage() != "Request verification failed"
