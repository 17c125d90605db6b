"""The nurse helpline: reading its number, its hours ("are they open at the weekend?")
and its cost ("is it free?"). The hours themselves are worded by ``line_hours``; yes and
no to the offer of the number are ``yes_no``."""

from __future__ import annotations

from ask_sdk_model import Response

from skill.conversation import cards
from skill.conversation.base import IntentHandler
from skill.conversation.line_hours import WEEKDAYS
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import OnTopic
from skill.conversation.topics import beyond_page
from skill.conversation.turn import Turn
from skill.speech import Speech


def say_number(turn: Turn, speech: Speech, *, twice: bool) -> Speech:
    """The one way the number is read: slowly (unless the user's rate is already slow),
    group by group, twice or once, then the hours. The session then knows it was read."""
    helpline = turn.knowledge.helpline
    slowly = turn.session.rate == "normal"  # already slow when the user asked for it
    speech.say(turn.line("helpline_intro")).pause(300)
    if twice:
        speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(800)
        speech.say(turn.line("helpline_again")).pause(300)
    speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(500)
    speech.say(turn.line("helpline_hours", hours=helpline.hours_text))
    turn.session.read_number()
    return speech


def read_helpline(turn: Turn, lead: Speech | None = None) -> Response:
    """The number, twice; the hours; whether it is open now; then, while it is closed,
    the offer of a reminder for when it opens.

    ``lead`` is said first (the acknowledgement of "speak slower"). The number is rebuilt
    rather than replayed when said again, so that it is always read at the right pace.
    """
    speech = say_number(turn, Speech(), twice=True)
    speech.say(turn.line_hours().status_line())
    speech.say(turn.line("helpline_card_note"))
    if lead is not None:
        speech = lead.extend(speech)
    card = cards.helpline_card(turn.line, turn.knowledge.helpline)
    return turn.reply_with_closing(speech, closing="anything_else", card=card, replay="helpline", remind=True)


class HelplineHandler(IntentHandler):
    """ "Read me the nurse number"."""

    intents = ("HelplineIntent",)

    def answer(self, turn: Turn) -> Response:
        return read_helpline(turn)


class HelplineCostHandler(IntentHandler):
    """ "Is it free?": after the number or the hours, or with nothing asked before, about
    the nurse line (freephone). After an answer about treatment, the page does not say
    what anything costs: a question for their own doctor or nurse."""

    intents = ("HelplineCostIntent",)

    def answer(self, turn: Turn) -> Response:
        if isinstance(turn.session.thread, OnTopic):
            return beyond_page(turn)
        return line_is_free(turn)


def line_is_free(turn: Turn) -> Response:
    """The nurse line is freephone, and its hours."""
    turn.session.answered_about_helpline()
    speech = Speech().say(turn.line("helpline_free", hours=turn.knowledge.helpline.hours_text))
    card = cards.helpline_card(turn.line, turn.knowledge.helpline)
    return turn.reply_with_closing(speech, closing="nurses", card=card)


class HelplineHoursHandler(IntentHandler):
    """ "Are the nurses open now?", "can I ring them at the weekend?": the question asked
    is answered first ("No, not at weekends"), in UK time, with bank holidays as "may".
    Asking about the line makes the nurses the natural next step, so the offer follows."""

    intents = ("HelplineHoursIntent",)

    def answer(self, turn: Turn) -> Response:
        _, asked = resolved_value_id(turn.handler_input, "when")
        return line_hours(turn, asked)


def line_hours(turn: Turn, asked: str | None = None) -> Response:
    """The nurse line's hours, answering the time ``asked`` about (a HelplineTimeType
    value id) first, if any."""
    speech = Speech().say(*turn.line_hours().answer_to(asked))
    # "When can I call?" while the line is closed: offer a reminder for when it
    # opens; not after a question about one named day, which the next opening may not be.
    remind = asked not in WEEKDAYS and asked != "bank_holiday"
    turn.session.answered_about_helpline()
    card = cards.helpline_card(turn.line, turn.knowledge.helpline)
    return turn.reply_with_closing(speech, closing="nurses", card=card, remind=remind)
