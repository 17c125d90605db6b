"""Work done on every request or response: setting up the turn, logging, the repeat
cache, and loading and saving the preferences kept between sessions."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime

from ask_sdk_core.dispatch_components import AbstractRequestInterceptor, AbstractResponseInterceptor
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill import log as logs
from skill.conversation.turn import install, turn_of
from skill.dialogue import Dialogue
from skill.knowledge import Knowledge
from skill.preferences import Preferences

log = logs.get("skill.requests")
preferences_log = logs.get("skill.preferences")

#: The requests of a conversation: only these read or write the user's record. Never a
#: SessionEndedRequest (the user has gone) nor a skill event (the skill was disabled).
CONVERSATION_REQUESTS = frozenset({"LaunchRequest", "IntentRequest", "Alexa.Presentation.APL.UserEvent"})


class TurnInterceptor(AbstractRequestInterceptor):
    """Gives every handler its ``Turn``: knowledge, the locale's dialogue, the time now."""

    def __init__(
        self,
        knowledge: Knowledge,
        dialogue_for: Callable[[str], Dialogue],
        clock: Callable[[], datetime],
        rng: random.Random,
        keeps_preferences: bool = False,
    ) -> None:
        self._knowledge = knowledge
        self._dialogue_for = dialogue_for
        self._clock = clock
        self._rng = rng
        self._keeps_preferences = keeps_preferences

    def process(self, handler_input: HandlerInput) -> None:
        install(
            handler_input,
            self._knowledge,
            self._dialogue_for,
            self._clock,
            self._rng,
            keeps_preferences=self._keeps_preferences,
        )


def _in_conversation(handler_input: HandlerInput) -> bool:
    envelope = handler_input.request_envelope
    kind = getattr(envelope.request, "object_type", None)
    return kind in CONVERSATION_REQUESTS and envelope.session is not None


class LoadPreferencesInterceptor(AbstractRequestInterceptor):
    """At the start of a session, takes up what the store keeps of the user (their
    rate, whether they have heard the disclaimer). If the store cannot be read in time,
    the session goes on with the defaults and writes nothing."""

    def process(self, handler_input: HandlerInput) -> None:
        turn = turn_of(handler_input)
        if not turn.keeps_preferences or not _in_conversation(handler_input):
            return
        session = handler_input.request_envelope.session
        if session is None or session.new is not True:
            return
        try:
            attributes = handler_input.attributes_manager.persistent_attributes
        except PersistenceException as error:
            preferences_log.warning("preferences not read (%s) on %s", error, logs.describe(handler_input))
            turn.session.preferences_unreadable()
            return
        turn.session.preferences_loaded(Preferences.from_attributes(attributes))


class SavePreferencesInterceptor(AbstractResponseInterceptor):
    """After a turn that changed what is kept (a new rate, the disclaimer heard),
    writes the user's whole record: one item, never a part of one. A failed write is
    logged and tried again on a later turn; the answer goes out regardless."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        turn = turn_of(handler_input)
        if not turn.keeps_preferences or not _in_conversation(handler_input):
            return
        stored = turn.session.stored
        now = turn.session.preferences
        if stored is None or stored == now:
            return
        manager = handler_input.attributes_manager
        manager.persistent_attributes = now.to_attributes()
        try:
            manager.save_persistent_attributes()
        except PersistenceException as error:
            preferences_log.warning("preferences not written (%s) on %s", error, logs.describe(handler_input))
            return
        turn.session.preferences_saved(now)


class RequestLogInterceptor(AbstractRequestInterceptor):
    def process(self, handler_input: HandlerInput) -> None:
        log.info("received %s", logs.Described(handler_input))


class RepeatCacheInterceptor(AbstractResponseInterceptor):
    """Keeps the last content said (not acknowledgements), so that "say that again" and
    "speak slower" can say it again, word for word, at any rate."""

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        if response is None or response.should_end_session:
            return
        turn = turn_of(handler_input)
        if turn.said is not None:
            turn.session.content_said(turn.said)


class ResponseLogInterceptor(AbstractResponseInterceptor):
    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        ends = None if response is None else response.should_end_session
        log.info("answered %s end_session=%s", logs.Described(handler_input), ends)
