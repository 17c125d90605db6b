"""Safety first: anything that sounds like an emergency is answered with 999 and 111."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.conversation.base import IntentHandler
from skill.conversation.turn import Turn
from skill.speech import Speech


class EmergencyHandler(IntentHandler):
    """ "I can't breathe", "I'm in terrible pain": 999 and 111 before anything else."""

    intents = ("EmergencyIntent",)

    def answer(self, turn: Turn) -> Response:
        speech = Speech().say(turn.say("emergency")).pause(500)
        card = turn.card(turn.say("emergency_card_title"), turn.say("emergency_card"))
        if turn.session.helpline_read:
            return turn.reply(speech, closing="anything_else", card=card)
        speech.say(turn.say("emergency_follow_up"))
        reprompt = Speech().say(turn.say("offer_helpline_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=card, pending="helpline")
