"""Going back through the conversation: "go back", "the one before", "what did you say
about the bones?", "what was the first one again?" (docs/behaviour.md 3.3). Not "start
again": nothing is forgotten."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.conversation.base import IntentHandler
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import OnTopic
from skill.conversation.topics import recent_topics, said_at
from skill.conversation.turn import Turn
from skill.conversation.two_questions import answer_question
from skill.speech import Speech


class GoBackHandler(IntentHandler):
    """ "Go back", "the one before": the topic answered before the one the thread is on
    (after the nurse line, the last topic answered), again. Not "start again": nothing is
    forgotten. With nothing earlier, it says so. "What did you say about the bones?"
    names what to go back to (``EarlierTopicType``, whose ids are topic ids, or the
    nurse line's questions): that topic, or the line. "What was the first one again?"
    counts from the start of the history."""

    intents = ("GoBackIntent",)

    def answer(self, turn: Turn) -> Response:
        _, earlier = resolved_value_id(turn.handler_input, "earlier")
        again = answer_question(turn, earlier) if earlier is not None else None
        if again is not None:
            return again
        counted = said_at(turn, resolved_value_id(turn.handler_input, "position")[1])
        if counted is not None:
            return turn.answer_topic(counted)
        recent = recent_topics(turn)
        thread = turn.session.thread
        if recent and isinstance(thread, OnTopic) and recent[0].id == thread.topic_id:
            recent = recent[1:]
        if not recent:
            speech = Speech().say(turn.line("back_nothing"))
            reprompt = Speech().say(turn.line("help_reprompt"))
            return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None, repeatable=False)
        return turn.answer_topic(recent[0])
