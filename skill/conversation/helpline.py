"""The nurse helpline: reading the number, opening hours, and the yes/no of the offer."""

from __future__ import annotations

from ask_sdk_model import Response

from skill import opening_hours
from skill.conversation.base import IntentHandler
from skill.conversation.turn import Turn
from skill.speech import Speech


def read_helpline(turn: Turn) -> Response:
    """The number, slowly, group by group, twice; the hours; whether it is open now."""
    helpline = turn.knowledge.helpline
    status = turn.line_status()
    slowly = turn.session.rate == "normal"  # already slow when the user asked for it
    speech = Speech().say(turn.say("helpline_intro")).pause(300)
    speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(800)
    speech.say(turn.say("helpline_again")).pause(300)
    speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(500)
    speech.say(turn.say("helpline_hours", hours=helpline.hours_text))
    if status.open_now:
        assert status.closes is not None
        speech.say(turn.say("helpline_open_now", closes=opening_hours.spoken_time(status.closes)))
    else:
        speech.say(turn.say("helpline_closed_now", when=turn.when_next_open(status)))
    speech.say(turn.say("helpline_card_note"))
    turn.session.helpline_read = True
    return turn.reply(speech, closing="anything_else", card=turn.helpline_card())


class HelplineHandler(IntentHandler):
    """ "Read me the nurse number"."""

    intents = ("HelplineIntent",)

    def answer(self, turn: Turn) -> Response:
        return read_helpline(turn)


class HelplineHoursHandler(IntentHandler):
    """ "Are the nurses open now?": the answer in UK time, then the usual offer."""

    intents = ("HelplineHoursIntent",)

    def answer(self, turn: Turn) -> Response:
        helpline = turn.knowledge.helpline
        status = turn.line_status()
        if status.open_now:
            assert status.closes is not None
            text = turn.say(
                "hours_open_answer",
                closes=opening_hours.spoken_time(status.closes),
                hours=helpline.hours_text,
            )
        else:
            text = turn.say(
                "hours_closed_answer", when=turn.when_next_open(status), hours=helpline.hours_text
            )
        return turn.reply(Speech().say(text), closing="offer", card=turn.helpline_card())


class YesHandler(IntentHandler):
    """Yes to the last offer, and something sensible when nothing was offered."""

    intents = ("AMAZON.YesIntent",)

    def answer(self, turn: Turn) -> Response:
        if turn.session.pending == "helpline":
            return read_helpline(turn)
        if turn.session.pending == "anything_else":
            speech = Speech().say(turn.say("yes_to_anything_else"))
            reprompt = Speech().say(turn.say("yes_to_anything_else_reprompt"))
            return turn.respond(speech, reprompt=reprompt, card=None, pending=None)
        speech = Speech().say(turn.say("yes_without_offer"))
        reprompt = Speech().say(turn.say("help_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending=None)


class NoHandler(IntentHandler):
    """No to the helpline keeps the conversation open; no to "what else?" says goodbye."""

    intents = ("AMAZON.NoIntent",)

    def answer(self, turn: Turn) -> Response:
        if turn.session.pending == "helpline":
            return turn.reply(Speech().say(turn.say("no_to_offer")), closing="anything_else")
        if turn.session.pending == "anything_else":
            return turn.reply(Speech().say(turn.say("goodbye")), closing="end")
        speech = Speech().say(turn.say("no_without_offer"))
        reprompt = Speech().say(turn.say("help_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending=None)
