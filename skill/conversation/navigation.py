"""Getting around: welcome, help, fallback, repeat, start over, speed, stop."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.ui import Reprompt, SsmlOutputSpeech

from skill.conversation.base import IntentHandler
from skill.conversation.turn import Turn, turn_of
from skill.speech import Speech

log = logging.getLogger(__name__)


def welcome(turn: Turn, *, again: bool = False) -> Response:
    speech = Speech()
    if again:
        speech.say(turn.say("start_over"))
    speech.say(turn.say("welcome"))
    reprompt = Speech().say(turn.say("welcome_reprompt"))
    card = turn.card(turn.say("welcome_card_title"), turn.say("welcome_card"))
    return turn.respond(speech, reprompt=reprompt, card=card, pending="anything_else")


class LaunchHandler(AbstractRequestHandler):
    """ "Alexa, open secondary breast cancer help"."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("LaunchRequest")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        return welcome(turn_of(handler_input))


class StartOverHandler(IntentHandler):
    intents = ("AMAZON.StartOverIntent", "AMAZON.NavigateHomeIntent")

    def answer(self, turn: Turn) -> Response:
        turn.session.start_over()
        return welcome(turn, again=True)


class HelpHandler(IntentHandler):
    intents = ("AMAZON.HelpIntent",)

    def answer(self, turn: Turn) -> Response:
        speech = Speech().say(turn.say("help"))
        reprompt = Speech().say(turn.say("help_reprompt"))
        card = turn.card(turn.say("welcome_card_title"), turn.say("welcome_card"))
        return turn.respond(speech, reprompt=reprompt, card=card, pending="anything_else")


class FallbackHandler(IntentHandler):
    intents = ("AMAZON.FallbackIntent",)

    def answer(self, turn: Turn) -> Response:
        speech = Speech().say(turn.say("fallback"))
        reprompt = Speech().say(turn.say("fallback_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending="anything_else")


class RepeatHandler(IntentHandler):
    """Says the last thing again, word for word; the conversation state is unchanged."""

    intents = ("AMAZON.RepeatIntent",)

    def answer(self, turn: Turn) -> Response:
        last = turn.session.last_output
        if last is None:
            speech = Speech().say(turn.say("repeat_nothing"))
            reprompt = Speech().say(turn.say("help_reprompt"))
            return turn.respond(speech, reprompt=reprompt, card=None, pending=turn.session.pending)
        speech_ssml, reprompt_ssml = last
        response = Response(
            output_speech=SsmlOutputSpeech(ssml=speech_ssml),
            should_end_session=reprompt_ssml is None,
        )
        if reprompt_ssml is not None:
            response.reprompt = Reprompt(output_speech=SsmlOutputSpeech(ssml=reprompt_ssml))
        return response


class SpeakSlowerHandler(IntentHandler):
    intents = ("SpeakSlowerIntent",)

    def answer(self, turn: Turn) -> Response:
        turn.session.rate = "slow"
        speech = Speech().say(turn.say("slower"), turn.say("speed_prompt"))
        reprompt = Speech().say(turn.say("anything_else_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending="anything_else")


class SpeakNormallyHandler(IntentHandler):
    intents = ("SpeakNormallyIntent",)

    def answer(self, turn: Turn) -> Response:
        turn.session.rate = "normal"
        speech = Speech().say(turn.say("normal"), turn.say("speed_prompt"))
        reprompt = Speech().say(turn.say("anything_else_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending="anything_else")


class StopHandler(IntentHandler):
    intents = ("AMAZON.StopIntent", "AMAZON.CancelIntent")

    def answer(self, turn: Turn) -> Response:
        return turn.reply(Speech().say(turn.say("goodbye")), closing="end")


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
