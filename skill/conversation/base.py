"""The shape shared by every request handler here: which intents, and a ``Turn``."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import IntentRequest, Response

from skill.conversation.turn import Turn, turn_of


class IntentHandler(AbstractRequestHandler):
    """Handles the intents it names; ``python -m skill check`` reads ``intents``."""

    intents: ClassVar[tuple[str, ...]] = ()

    def handled_intents(self) -> tuple[str, ...]:
        return self.intents

    def can_handle(self, handler_input: HandlerInput) -> bool:
        # What ``is_intent_name`` checks, for all our intents at once: every handler is
        # asked about every request, so this is on the warm path many times over.
        request = handler_input.request_envelope.request
        intent = getattr(request, "intent", None)
        return (
            isinstance(request, IntentRequest)
            and intent is not None
            and intent.name in self.handled_intents()
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.answer(turn_of(handler_input))

    @abstractmethod
    def answer(self, turn: Turn) -> Response:
        """The response to this turn."""
