"""Logging that costs nothing until something is listening.

The skill logs request ids and intent names through ``logging``. On AWS Lambda the
runtime has imported and configured ``logging`` before it imports the skill, and the
web host configures it at start; there, everything below simply passes each call on.
In a bare interpreter nobody has imported ``logging``, so no handler can exist and an
INFO record would go nowhere (logging's last resort prints WARNING and above only):
importing the module for it would be a few milliseconds of a cold start for nothing.
So INFO lines wait until ``logging`` is loaded; warnings and errors always go out.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput

_DEBUG = 10
_INFO = 20
_pending_levels: dict[str, str] = {}


def set_level(name: str, level: str) -> None:
    """Set a logger's level now if ``logging`` is loaded, else when it first is."""
    if "logging" in sys.modules:
        sys.modules["logging"].getLogger(name).setLevel(level)
    else:
        _pending_levels[name] = level


def _logging() -> Any:
    import logging

    while _pending_levels:
        name, level = _pending_levels.popitem()
        logging.getLogger(name).setLevel(level)
    return logging


class Log:
    """A named logger with the ``logging.Logger`` methods the skill uses."""

    def __init__(self, name: str) -> None:
        self.name = name

    def _logger(self) -> Any:
        return _logging().getLogger(self.name)

    def info(self, message: str, *args: object) -> None:
        if "logging" not in sys.modules:
            return  # nothing can be listening: see the module's docstring
        logger = self._logger()
        if logger.isEnabledFor(_INFO):
            logger.info(message, *args)

    def debug(self, message: str, *args: object) -> None:
        if "logging" not in sys.modules:
            return  # as for info: nothing can be listening
        logger = self._logger()
        if logger.isEnabledFor(_DEBUG):
            logger.debug(message, *args)

    def warning(self, message: str, *args: object) -> None:
        self._logger().warning(message, *args)

    def error(self, message: str, *args: object) -> None:
        self._logger().error(message, *args)


def get(name: str) -> Log:
    return Log(name)


# --- What a log line may say about a request ---------------------------------------


def describe(handler_input: HandlerInput) -> str:
    """Request id, type and intent name: all that logs may carry about a request.

    Never user or device ids, never slot values or anything else the user said.
    """
    request = handler_input.request_envelope.request
    intent = getattr(getattr(request, "intent", None), "name", None)
    if isinstance(intent, str):
        intent = ascii(intent[:64])  # model names in practice; bounded and printable anyway
    kind = getattr(request, "object_type", None) or type(request).__name__
    return f"request={request_label(handler_input)} type={kind} intent={intent}"


def request_label(handler_input: HandlerInput) -> str | None:
    """The request's id, bounded and printable, as log lines show it."""
    request_id = getattr(handler_input.request_envelope.request, "request_id", None)
    return ascii(request_id[:100]) if isinstance(request_id, str) else request_id


class Described:
    """``describe(handler_input)``, worked out only if a log line is written."""

    __slots__ = ("_handler_input",)

    def __init__(self, handler_input: HandlerInput) -> None:
        self._handler_input = handler_input

    def __str__(self) -> str:
        return describe(self._handler_input)
