"""Touches on a screen (an Echo Show): a button answers exactly as if its topic had been
asked, through the same ``Turn.answer_topic`` as a spoken question. The documents themselves
are in ``skill.presentation``; ``Turn`` decides who gets one."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill import log as logs
from skill.conversation.navigation import FallbackHandler
from skill.conversation.turn import turn_of
from skill.presentation import TOPIC_EVENT

log = logs.get(__name__)


class TouchHandler(AbstractRequestHandler):
    """``Alexa.Presentation.APL.UserEvent`` from a button: ``["topic", <topic id>]``.

    Anything else (an old document, a stray event) gets the fallback's answer: what the
    skill can help with."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("Alexa.Presentation.APL.UserEvent")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        arguments = getattr(handler_input.request_envelope.request, "arguments", None) or []
        if len(arguments) == 2 and arguments[0] == TOPIC_EVENT and isinstance(arguments[1], str):
            topic = turn.knowledge.topics.get(arguments[1])
            if topic is not None:
                return turn.answer_topic(topic)
        return FallbackHandler().answer(turn)


class ScreenErrorHandler(AbstractRequestHandler):
    """``Alexa.Presentation.APL.RuntimeError``: a device could not draw a document. Nothing
    may be said in reply; the error types are logged, never the document's words."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("Alexa.Presentation.APL.RuntimeError")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        errors = getattr(handler_input.request_envelope.request, "errors", None) or []
        log.warning("screen error: %s", [getattr(error, "object_type", None) for error in errors])
        return handler_input.response_builder.response
