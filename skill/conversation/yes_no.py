"""Yes and no: each answers what is pending (the offer of the number, of a reminder, the
other of two questions asked at once, or "what else would you like to know?"), by a
table; just after the crisis or overdose answer, which offers nothing, both give the
numbers again, gently."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal, TypeAlias

from ask_sdk_model import Response

from skill.conversation import reminders
from skill.conversation.base import IntentHandler
from skill.conversation.helpline import read_helpline
from skill.conversation.state import CRISIS, Pending
from skill.conversation.turn import Turn
from skill.conversation.two_questions import answer_question
from skill.speech import Speech

#: What a yes or a no answers: the offer or question pending, the crisis answer just
#: given, or nothing.
Answering: TypeAlias = Pending | Literal["crisis"] | None
Answer: TypeAlias = Callable[[Turn], Response]


def answering(turn: Turn) -> Answering:
    """The last reply was the crisis or overdose answer (the thread is on it and it
    offers nothing), or the offer or question pending, if any."""
    if turn.session.thread == CRISIS and turn.session.pending is None:
        return "crisis"
    return turn.session.pending


def after_crisis(turn: Turn) -> Response:
    """A yes or a no just after the crisis or overdose answer: the numbers again, gently,
    and the way left open; never a menu of topics."""
    speech = Speech().say(turn.line("crisis_reprompt"))
    return turn.reply_as_given(speech, reprompt=speech, card=None, pending=None, repeatable=False)


def _prompt(key: str, reprompt_key: str) -> Answer:
    """A line that asks nothing new, with its reprompt: an acknowledgement."""

    def answer(turn: Turn) -> Response:
        speech = Speech().say(turn.line(key))
        reprompt = Speech().say(turn.line(reprompt_key))
        return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None, repeatable=False)

    return answer


def no_to_helpline(turn: Turn) -> Response:
    """The conversation stays open; the first time, with word that the number can be
    asked for any time: the offer then stops."""
    key = "no_to_offer" if turn.session.offer_declined else "no_to_offer_first"
    turn.session.declined()
    return turn.reply_with_closing(Speech().say(turn.line(key)), closing="anything_else", repeatable=False)


def no_to_reminder(turn: Turn) -> Response:
    """Nothing is set. The offer came after the line's hours, or the number: the number
    is then offered if it has not been read (the nurses are the next step)."""
    speech = Speech().say(turn.line("reminder_declined"))
    return turn.reply_with_closing(speech, closing="nurses", repeatable=False)


def no_to_anything_else(turn: Turn) -> Response:
    return turn.reply_with_closing(Speech().say(turn.line("goodbye")), closing="end")


def yes_to_also_asked(turn: Turn) -> Response:
    """Yes to "You also asked about ...: would you like that now?": that question,
    answered as asking it would answer it (and then the standard closing, the offer of
    the number among them)."""
    question = turn.session.also_asked
    response = answer_question(turn, question) if question is not None else None
    return response if response is not None else YES[None](turn)


def no_to_also_asked(turn: Turn) -> Response:
    """No to the other question: nothing lost; the conversation goes on as after any
    answer."""
    return turn.reply_with_closing(Speech().say(turn.line("no_to_offer")), closing="offer", repeatable=False)


#: Yes to each thing that can be pending, and something sensible when nothing is.
YES: Mapping[Answering, Answer] = {
    "crisis": after_crisis,
    "helpline": read_helpline,
    "reminder": reminders.accept,
    "also_asked": yes_to_also_asked,
    "anything_else": _prompt("yes_to_anything_else", "yes_to_anything_else_reprompt"),
    None: _prompt("yes_without_offer", "help_reprompt"),
}

#: No to each: to the number keeps the conversation open; to a reminder sets nothing
#: and moves on; to "what else?" says goodbye.
NO: Mapping[Answering, Answer] = {
    "crisis": after_crisis,
    "helpline": no_to_helpline,
    "reminder": no_to_reminder,
    "also_asked": no_to_also_asked,
    "anything_else": no_to_anything_else,
    None: _prompt("no_without_offer", "help_reprompt"),
}


class YesHandler(IntentHandler):
    """Yes to the last offer, and something sensible when nothing was offered."""

    intents = ("AMAZON.YesIntent",)

    def answer(self, turn: Turn) -> Response:
        return YES[answering(turn)](turn)


class NoHandler(IntentHandler):
    """No to the last offer (see ``NO``), and something sensible when nothing was offered."""

    intents = ("AMAZON.NoIntent",)

    def answer(self, turn: Turn) -> Response:
        return NO[answering(turn)](turn)
