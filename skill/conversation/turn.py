"""One turn of the conversation: what a handler reads, and how every reply is finished.

Handlers decide *what* to say; ``Turn`` decides how every reply ends (the helpline
offer, or "What else would you like to know?"), adds the one-line disclaimer to the
first answer, applies the user's speaking rate, and puts a card with the source on it.
"""

from __future__ import annotations

import random
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import StandardCard

from skill import opening_hours
from skill.conversation.state import Pending, SessionState
from skill.dialogue import Dialogue
from skill.knowledge import Knowledge, Topic
from skill.speech import Speech

#: How a reply ends. "offer": offer the helpline (or, once it has been read, ask what
#: else); "anything_else": ask what else; "end": close the session.
Closing = Literal["offer", "anything_else", "end"]

_TURN = "turn"


@dataclass
class Turn:
    handler_input: HandlerInput
    knowledge: Knowledge
    dialogue: Dialogue
    now: datetime
    rng: random.Random
    session: SessionState

    def say(self, key: str, **values: str) -> str:
        return self.dialogue.say(key, self.rng, **values)

    def card(self, title: str, text: str) -> StandardCard:
        """Every card names the source."""
        return StandardCard(title=title, text=f"{text}\n\n{self.knowledge.source.card_line}")

    # --- Finishing replies -------------------------------------------------------

    def reply(
        self,
        speech: Speech,
        *,
        closing: Closing,
        card: StandardCard | None = None,
    ) -> Response:
        """A reply that ends the standard way (see ``Closing``)."""
        if closing == "end":
            return self.respond(speech, reprompt=None, card=card, pending=None)
        if closing == "offer" and not self.session.helpline_read:
            speech.say(self.say("offer_helpline"))
            reprompt = Speech().say(self.say("offer_helpline_reprompt"))
            return self.respond(speech, reprompt=reprompt, card=card, pending="helpline")
        speech.say(self.say("anything_else"))
        reprompt = Speech().say(self.say("anything_else_reprompt"))
        return self.respond(speech, reprompt=reprompt, card=card, pending="anything_else")

    def respond(
        self,
        speech: Speech,
        *,
        reprompt: Speech | None,
        card: StandardCard | None,
        pending: Pending | None,
    ) -> Response:
        """The response itself. A reprompt keeps the microphone open; none ends the session."""
        builder = self.handler_input.response_builder
        builder.speak(speech.ssml(self.session.rate))
        if reprompt is not None:
            builder.ask(reprompt.ssml(self.session.rate))
        if card is not None:
            builder.set_card(card)
        builder.set_should_end_session(reprompt is None)
        self.session.pending = pending
        return builder.response

    def answer(self, topic: Topic, *, more: bool = False) -> Response:
        """A topic's answer (or its fuller version), then the standard closing."""
        speech = Speech().say(topic.more if more else topic.speech)
        if not self.session.disclaimer_given:
            speech.say(self.say("disclaimer"))
            self.session.disclaimer_given = True
        self.session.answered(topic.id, more=more)
        return self.reply(speech, closing="offer", card=self.card(topic.title, topic.card))

    # --- The helpline ------------------------------------------------------------

    def line_status(self) -> opening_hours.LineStatus:
        return opening_hours.status(self.knowledge.helpline, self.now)

    def when_next_open(self, status: opening_hours.LineStatus) -> str:
        """'today at 9am', 'tomorrow at 9am' or 'on Monday at 9am'."""
        opening = status.next_opening
        assert opening is not None
        opens = opening_hours.spoken_time(opening)
        today = self.now.astimezone(opening.tzinfo).date()
        days_ahead = (opening.date() - today).days
        if days_ahead == 0:
            return self.say("when_today", opens=opens)
        if days_ahead == 1:
            return self.say("when_tomorrow", opens=opens)
        return self.say("when_day", day=opening.strftime("%A"), opens=opens)

    def helpline_card(
        self, title_key: str = "helpline_card_title", text_key: str = "helpline_card"
    ) -> StandardCard:
        """A card with the nurse helpline's number and hours filled in."""
        helpline = self.knowledge.helpline
        return self.card(
            self.say(title_key),
            self.say(text_key, number=helpline.display, hours=helpline.hours_text),
        )


def install(
    handler_input: HandlerInput,
    knowledge: Knowledge,
    dialogue_for: Callable[[str], Dialogue],
    clock: Callable[[], datetime],
    rng: random.Random,
) -> Turn:
    """Create the turn for this request and keep it in the request attributes."""
    request = handler_input.request_envelope.request
    attributes: MutableMapping[str, Any] | None
    try:
        attributes = handler_input.attributes_manager.session_attributes
    except AttributesManagerException:
        attributes = None
    if attributes is None:
        attributes = {}  # a request outside a session: remember nothing
    turn = Turn(
        handler_input=handler_input,
        knowledge=knowledge,
        dialogue=dialogue_for(getattr(request, "locale", None) or ""),
        now=clock(),
        rng=rng,
        session=SessionState(attributes),
    )
    handler_input.attributes_manager.request_attributes[_TURN] = turn
    return turn


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes.get(_TURN)
    if not isinstance(turn, Turn):
        raise RuntimeError("the turn interceptor did not run for this request")
    return turn
