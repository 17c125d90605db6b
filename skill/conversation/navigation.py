"""Getting around: welcome, help, fallback, repeat, start over, speed, stop, goodbye."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill import log as logs
from skill.conversation import cards
from skill.conversation.base import IntentHandler
from skill.conversation.helpline import read_helpline
from skill.conversation.turn import Turn, turn_of
from skill.preferences import Rate
from skill.speech import Speech

log = logs.get(__name__)


def welcome(turn: Turn, *, again: bool = False) -> Response:
    speech = Speech()
    if again:
        speech.say(turn.line("start_over"))
    speech.say(turn.line("welcome"))
    reprompt = Speech().say(turn.line("welcome_reprompt"))
    card = cards.welcome_card(turn.line)
    return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending="anything_else")


class LaunchHandler(AbstractRequestHandler):
    """ "Alexa, open secondary breast cancer help"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return welcome(turn_of(handler_input))


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def answer(self, turn: Turn) -> Response:
        turn.session.started_over()
        return welcome(turn, again=True)


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def answer(self, turn: Turn) -> Response:
        speech = Speech().say(turn.line("help_keeping_preferences" if turn.keeps_preferences else "help"))
        reprompt = Speech().say(turn.line("help_reprompt"))
        card = cards.welcome_card(turn.line)
        return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending="anything_else")


class FallbackHandler(IntentHandler):
    """Warm, not "sorry, I can't help": what the skill can do, the nurses, urgent help."""

    intents = ("AMAZON.FallbackIntent",)

    def answer(self, turn: Turn) -> Response:
        speech = Speech().say(turn.line("fallback"), turn.line("urgent_help"))
        reprompt = Speech().say(turn.line("fallback_reprompt"))
        return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending="anything_else")


class RepeatHandler(IntentHandler):
    """Says the last content again, word for word, at the current rate; never an
    acknowledgement ("All right, I'll speak more slowly"). The offer it ended with
    still stands."""

    intents = ("AMAZON.RepeatIntent",)

    def answer(self, turn: Turn) -> Response:
        content = turn.last_content()
        if content is None:
            speech = Speech().say(turn.line("repeat_nothing"))
            reprompt = Speech().say(turn.line("help_reprompt"))
            return turn.reply_as_given(
                speech, reprompt=reprompt, card=None, pending=turn.session.pending, repeatable=False
            )
        if content.replay == "helpline":
            return read_helpline(turn)
        return turn.say_again(content)


def change_rate(turn: Turn, rate: Rate, acknowledgement: str) -> Response:
    """A short acknowledgement, then what the user just heard again at the new rate."""
    turn.session.chose_rate(rate)
    lead = Speech().say(turn.line(acknowledgement))
    content = turn.last_content()
    if content is None:
        lead.say(turn.line("speed_prompt"))
        reprompt = Speech().say(turn.line("anything_else_reprompt"))
        return turn.reply_as_given(
            lead, reprompt=reprompt, card=None, pending="anything_else", repeatable=False
        )
    if content.replay == "helpline":
        return read_helpline(turn, lead)
    return turn.say_again(content, lead)


class SpeakSlowerHandler(IntentHandler):
    intents = ("SpeakSlowerIntent",)

    def answer(self, turn: Turn) -> Response:
        return change_rate(turn, "slow", "slower")


class SpeakNormallyHandler(IntentHandler):
    intents = ("SpeakNormallyIntent",)

    def answer(self, turn: Turn) -> Response:
        return change_rate(turn, "normal", "normal")


def farewell(turn: Turn, key: str) -> Response:
    """The session ends kindly; after a crisis or overdose answer in this session, with
    one gentle line and Samaritans' number first."""
    if turn.session.crisis_heard:
        key = "goodbye_after_crisis"
    return turn.reply_with_closing(Speech().say(turn.line(key)), closing="end")


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def answer(self, turn: Turn) -> Response:
        return farewell(turn, "goodbye")


class GoodbyeHandler(IntentHandler):
    """ "Thank you", "that's all": a kind end to the conversation."""

    intents = ("GoodbyeIntent",)

    def answer(self, turn: Turn) -> Response:
        return farewell(turn, "goodbye_thanks")


class SessionEndedHandler(AbstractRequestHandler):
    """The session ended (the user walked away, or an error): nothing may be said."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("SessionEndedRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(getattr(request, "reason", None), "value", None)
        error_type = getattr(getattr(request, "error", None), "object_type", None)
        log.info("session ended: reason=%s error=%s", reason, error_type)
        return handler_input.response_builder.response
