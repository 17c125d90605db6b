"""Answers from the knowledge: intents answered outright, intents routed by a slot,
and "tell me more"."""

from __future__ import annotations

from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.conversation.base import IntentHandler
from skill.conversation.slots import resolved_value_id
from skill.conversation.turn import Turn
from skill.knowledge import Knowledge, Route
from skill.speech import Speech


class TopicHandler(IntentHandler):
    """Intents that one topic answers, whatever their slots say ("what is targeted
    therapy" is routed; "what if I say no to chemotherapy" is not)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._intents = tuple(intent for topic in knowledge.topics.values() for intent in topic.intents)

    def handled_intents(self) -> tuple[str, ...]:
        return self._intents

    def answer(self, turn: Turn) -> Response:
        topic = turn.knowledge.topic_for_intent(str(get_intent_name(turn.handler_input)))
        assert topic is not None  # can_handle admits only intents with a topic
        return turn.answer(topic)


class RoutedTopicHandler(IntentHandler):
    """Intents whose topic depends on one slot: treatment, symptom or body site."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._intents = tuple(knowledge.routes)

    def handled_intents(self) -> tuple[str, ...]:
        return self._intents

    def answer(self, turn: Turn) -> Response:
        route: Route = turn.knowledge.routes[str(get_intent_name(turn.handler_input))]
        heard, value_id = resolved_value_id(turn.handler_input, route.slot)
        if not heard:
            return turn.answer(turn.knowledge.topics[route.default])
        topic = turn.knowledge.topic_for_slot_value(route.slot, value_id) if value_id else None
        if topic is None:
            # Something the page does not cover ("immunotherapy"): say so kindly, say
            # what we can help with, and offer the nurses; for a symptom, urgent help too.
            speech = Speech().say(turn.say(route.unknown))
            if route.slot == "symptom":
                speech.say(turn.say("urgent_help"))
            card = turn.helpline_card("unknown_card_title", "unknown_card")
            return turn.reply(speech, closing="offer", card=card)
        return turn.answer(topic)


class BeyondPageHandler(IntentHandler):
    """Cure, how long, trials, a named drug: questions for their own doctor or nurse, who
    know their situation; the nurses can talk it through, so the offer follows."""

    intents = ("BeyondPageIntent",)

    def answer(self, turn: Turn) -> Response:
        card = turn.helpline_card("unknown_card_title", "unknown_card")
        return turn.reply(Speech().say(turn.say("beyond_page")), closing="nurses", card=card)


class TellMeMoreHandler(IntentHandler):
    """The fuller version of the last topic answered."""

    intents = ("TellMeMoreIntent",)

    def answer(self, turn: Turn) -> Response:
        topic_id = turn.session.last_topic
        topic = turn.knowledge.topics.get(topic_id) if topic_id else None
        if topic is None:
            speech = Speech().say(turn.say("more_nothing"))
            reprompt = Speech().say(turn.say("help_reprompt"))
            return turn.respond(speech, reprompt=reprompt, card=None, pending=None, remember=False)
        if turn.session.more_given:
            speech = Speech().say(turn.say("more_done", title=topic.title.lower()))
            return turn.reply(speech, closing="nurses" if topic.nurses_next else "offer")
        return turn.answer(topic, more=True)
