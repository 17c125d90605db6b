"""The shape shared by every request handler here: which intents, and a ``Turn``."""

from __future__ import annotations

from abc import abstractmethod
from typing import ClassVar

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name
from ask_sdk_model import Response

from skill.conversation.turn import Turn, turn_of


class IntentHandler(AbstractRequestHandler):
    """Handles the intents it names; ``python -m skill check`` reads ``intents``."""

    intents: ClassVar[tuple[str, ...]] = ()

    def handled_intents(self) -> tuple[str, ...]:
        return self.intents

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in self.handled_intents())

    def handle(self, handler_input: HandlerInput) -> Response:
        return self.answer(turn_of(handler_input))

    @abstractmethod
    def answer(self, turn: Turn) -> Response:
        """The response to this turn."""
