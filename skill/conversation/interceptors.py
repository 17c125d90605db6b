"""Work done on every request or response: setting up the turn, logging, the repeat cache."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import log as logs
from skill.conversation.turn import install, turn_of
from skill.dialogue import Dialogue
from skill.knowledge import Knowledge

log = logs.get("skill.requests")


def describe(handler_input: HandlerInput) -> str:
    """Request id, type and intent name: all that logs may carry about a request.

    Never user or device ids, never slot values or anything else the user said.
    """
    request = handler_input.request_envelope.request
    intent = getattr(getattr(request, "intent", None), "name", None)
    if isinstance(intent, str):
        intent = ascii(intent[:64])  # model names in practice; bounded and printable anyway
    kind = getattr(request, "object_type", None) or type(request).__name__
    request_id = getattr(request, "request_id", None)
    if isinstance(request_id, str):
        request_id = ascii(request_id[:100])
    return f"request={request_id} type={kind} intent={intent}"


class Described:
    """``describe(handler_input)``, worked out only if a log line is written."""

    __slots__ = ("_handler_input",)

    def __init__(self, handler_input: HandlerInput) -> None:
        self._handler_input = handler_input

    def __str__(self) -> str:
        return describe(self._handler_input)


class TurnInterceptor(AbstractRequestInterceptor):
    """Gives every handler its ``Turn``: knowledge, the locale's dialogue, the time now."""

    def __init__(
        self,
        knowledge: Knowledge,
        dialogue_for: Callable[[str], Dialogue],
        clock: Callable[[], datetime],
        rng: random.Random,
    ) -> None:
        self._knowledge = knowledge
        self._dialogue_for = dialogue_for
        self._clock = clock
        self._rng = rng

    def process(self, handler_input: HandlerInput) -> None:
        install(handler_input, self._knowledge, self._dialogue_for, self._clock, self._rng)


class RequestLogInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        log.info("received %s", Described(handler_input))


class RepeatCacheInterceptor(AbstractResponseInterceptor):
    """Keeps the last content said (not acknowledgements), so that "say that again" and
    "speak slower" can say it again, word for word, at any rate."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or response.should_end_session:
            return
        turn = turn_of(handler_input)
        if turn.said is not None:
            turn.session.remember(turn.said)


class ResponseLogInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        ends = None if response is None else response.should_end_session
        log.info("answered %s end_session=%s", Described(handler_input), ends)
