"""Two questions in one breath, in the order they were asked.

Alexa hands the skill one intent per utterance. The common intents carry the other
question in a slot of ``AlsoAskedType``, and the slot's name says where it was said:

- ``alsoAsked``, after the intent's own question ("what is targeted therapy and {when
  are the nurses open}"): the intent answers its own, then offers the other (``Turn``);
- ``askedFirst``, before it ("{what is targeted therapy} and when are the nurses open"):
  ``AskedFirstHandler`` answers that one first, then offers the intent's own.

A yes to the offer answers the other question (``answer_question``), exactly as asking it
would. Value ids are topic ids, or one of the nurse line's questions (``LINE_QUESTIONS``);
an intent's own question can also be the side effects of a treatment (``SIDE_EFFECTS_OF``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import IntentRequest, Response

from skill.conversation.helpline import line_hours, line_is_free, read_helpline
from skill.conversation.line_hours import WHEN_IDS
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import HOURS_ASKED, SIDE_EFFECTS_OF, question_parts
from skill.conversation.topics import answer_side_effects, routed_topic
from skill.conversation.turn import ASKED_FIRST_SLOT, Turn, turn_of

#: The answers to the nurse line's questions, when one was the other of two questions.
LINE_ANSWERS: Final[Mapping[str, Callable[[Turn], Response]]] = {
    "helpline": read_helpline,
    "helpline_hours": line_hours,
    "helpline_cost": line_is_free,
}
#: The question each nurse-line intent asks, as the slot's value ids name it.
LINE_INTENTS: Final[Mapping[str, str]] = {
    "HelplineIntent": "helpline",
    "HelplineHoursIntent": "helpline_hours",
    "HelplineCostIntent": "helpline_cost",
}


def answer_question(turn: Turn, question: str) -> Response | None:
    """``question`` (a topic id, one of the line's questions, the line's hours at a time,
    or the side effects of a treatment) answered as asking it would answer it; None for
    an id the skill does not know."""
    kind, about = question_parts(question)
    if kind == HOURS_ASKED:
        return line_hours(turn, about)
    topic = turn.knowledge.topics.get(about)
    if kind == SIDE_EFFECTS_OF:
        return answer_side_effects(turn, topic) if topic is not None else None
    if topic is not None:
        return turn.answer_topic(topic)
    line_answer = LINE_ANSWERS.get(question)
    return line_answer(turn) if line_answer is not None else None


def own_question(turn: Turn) -> str | None:
    """The question this request's intent asks, as an ``AlsoAskedType`` value id: its
    topic (for an intent routed by a slot, the topic the slot's value leads to) or the
    line's question (at the time asked about); the side effects of the treatment
    named; None when it asks something no one id names (a treatment the page does not
    cover)."""
    intent = str(get_intent_name(turn.handler_input))
    _, when = resolved_value_id(turn.handler_input, "when")
    if intent == "HelplineHoursIntent" and when in WHEN_IDS:
        return f"{HOURS_ASKED}{when}"  # "can I ring them at the weekend"
    if intent in LINE_INTENTS:
        return LINE_INTENTS[intent]
    route = turn.knowledge.routes.get(intent)
    if route is not None:
        topic = routed_topic(turn, route)
        return topic.id if topic is not None else None
    heard, value_id = resolved_value_id(turn.handler_input, "treatment")
    if heard:  # "the side effects of chemo"
        treatment = turn.knowledge.topic_for_slot_value("treatment", value_id) if value_id else None
        has_them = intent == "SideEffectsIntent" and treatment is not None and treatment.side_effects
        return f"{SIDE_EFFECTS_OF}{treatment.id}" if has_them and treatment is not None else None
    topic = turn.knowledge.topic_for_intent(intent)
    return topic.id if topic is not None else None


class AskedFirstHandler(AbstractRequestHandler):
    """A question asked before the intent's own ("what's chemo and is the line open on
    Saturday") is answered first, then the intent's own is offered. When the intent's
    own question has no id, or is the same one, the intent's handler answers as usual
    (and ``Turn`` offers the first-asked one after it: nothing is dropped)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if not isinstance(handler_input.request_envelope.request, IntentRequest):
            return False
        _, first = resolved_value_id(handler_input, ASKED_FIRST_SLOT)
        if first is None:
            return False
        turn = turn_of(handler_input)
        if not turn.knows_question(first):
            return False
        own = own_question(turn)
        return own is not None and own != first

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        _, first = resolved_value_id(handler_input, ASKED_FIRST_SLOT)
        turn.deferred = own_question(turn)
        assert first is not None and turn.deferred is not None  # as can_handle found
        response = answer_question(turn, first)
        assert response is not None  # can_handle admits only questions the skill knows
        return response
