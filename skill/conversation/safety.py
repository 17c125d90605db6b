"""Safety first: an overdose already taken gets 999 and then Samaritans, a crisis
Samaritans and 999, an emergency beyond doubt "Call 999 now.", and urgent words that
leave room for doubt the hospital team's 24-hour number, 999 in an emergency and NHS 111,
before anything else; the conversation stays open. Their cards carry no page credit, and
on a screen the number that matters (116 123, 999) comes first and biggest.

Two ways in: the overdose, crisis, emergency and urgent-help intents, and a safety net
for any intent whose slot holds urgent words ("chest pain" heard as a symptom the model
does not know) or whose safety cue slot was filled (safety words said in the same breath
as an ordinary question). The words are compared with the safety phrases in the
knowledge and then forgotten: never stored, never logged; the logs carry the intent
name only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from skill.conversation import cards, offers
from skill.conversation.base import IntentHandler
from skill.conversation.slots import resolved_value_id, spoken_words
from skill.conversation.turn import Turn, turn_of
from skill.knowledge.safety_words import SafetyWords, Urgency, most_urgent
from skill.presentation import Number
from skill.speech import Speech


def number_of(turn: Turn, service: str, label_key: str | None = None) -> Number:
    """A service's number ([services] in the knowledge) for the top of a safety screen."""
    label = turn.line(label_key) if label_key else ""
    return Number(label, turn.knowledge.services[service].display)


def crisis_answer(turn: Turn) -> Response:
    """Samaritans (free, any time, 116 123) and 999 first and calmly; the nurses, at the
    end, as someone to talk to later. A gentle reprompt keeps the session open."""
    helpline = turn.knowledge.helpline
    turn.session.crisis_answered()
    speech = Speech().say(turn.line("crisis"))
    reprompt = Speech().say(turn.line("crisis_reprompt"))
    card = cards.safety_card(
        turn.line("crisis_card_title"),
        turn.line("crisis_card", number=helpline.display, hours=helpline.hours_text),
        number_of(turn, "samaritans", "screen_samaritans"),
    )
    return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending=None)


def overdose_answer(turn: Turn) -> Response:
    """An overdose already taken is a medical emergency: 999 first, then Samaritans. No
    offer of anything else; a reprompt with both numbers keeps the session open."""
    turn.session.crisis_answered()
    speech = Speech().say(turn.line("overdose"))
    reprompt = Speech().say(turn.line("overdose_reprompt"))
    card = cards.safety_card(
        turn.line("overdose_card_title"), turn.line("overdose_card"), number_of(turn, "emergency")
    )
    return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending=None)


def emergency_answer(turn: Turn) -> Response:
    """Where the words leave no doubt (collapsed, not breathing, chest pain): "Call 999
    now." and nothing after it to answer; a reprompt with 999 keeps the session open."""
    speech = Speech().say(turn.line("emergency_now"))
    reprompt = Speech().say(turn.line("emergency_now_reprompt"))
    card = cards.safety_card(
        turn.line("emergency_card_title"), turn.line("emergency_card"), number_of(turn, "emergency")
    )
    return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending=None)


def urgent_answer(turn: Turn) -> Response:
    """Urgent words that leave room for doubt (a temperature during chemotherapy, new
    numbness or weakness in the legs, sudden confusion, pain the medicines do not touch):
    as in UK practice, the hospital team's 24-hour number first, 999 in an emergency, NHS
    111 if the team cannot be reached; then, unless the user has heard the number or
    declined it, the nurse helpline offer. The session stays open."""
    speech = Speech().say(turn.line("urgent")).pause(500)
    card = cards.safety_card(turn.line("urgent_card_title"), turn.line("urgent_card"))
    if not offers.offers_helpline(turn.session, "offer"):
        return turn.reply_with_closing(speech, closing="anything_else", card=card)
    speech.say(turn.line("urgent_follow_up"))
    reprompt = Speech().say(turn.line("urgent_reprompt"))
    return turn.reply_as_given(speech, reprompt=reprompt, card=card, pending="helpline")


class OverdoseHandler(IntentHandler):
    """ "My husband has taken all of his morphine": checked before the crisis."""

    intents = ("OverdoseIntent",)

    def answer(self, turn: Turn) -> Response:
        return overdose_answer(turn)


class CrisisHandler(IntentHandler):
    """ "I want to die", "my husband is talking about ending his life": checked first."""

    intents = ("CrisisIntent",)

    def answer(self, turn: Turn) -> Response:
        return crisis_answer(turn)


class EmergencyHandler(IntentHandler):
    """ "I can't breathe", "he's collapsed": "Call 999 now." before anything else."""

    intents = ("EmergencyIntent",)

    def answer(self, turn: Turn) -> Response:
        return emergency_answer(turn)


class UrgentHelpHandler(IntentHandler):
    """ "I'm in terrible pain", "she's very confused": the hospital team, 999, NHS 111."""

    intents = ("UrgentHelpIntent",)

    def answer(self, turn: Turn) -> Response:
        return urgent_answer(turn)


#: The slot of the common intents that holds safety words said in the same breath as an
#: ordinary question ("what's chemo, I've written my goodbye letters"). Its value ids are
#: the kinds of answer: crisis, overdose, emergency.
SAFETY_CUE_SLOT = "safetyCue"


def net_urgency(safety: SafetyWords, spoken: Iterable[str], cue: str | None) -> Urgency | None:
    """What the slot safety net answers: the most urgent of the safety words heard in any
    slot and the safety cue slot's value id (None when it matched nothing)."""
    return most_urgent([cue, *(safety.urgency(text) for text in spoken)])


class SlotSafetyNetHandler(AbstractRequestHandler):
    """Any intent whose slots hold crisis or emergency words gets that answer instead:
    no hole between what the model resolves and what the person needs. The safety cue
    slot says which answer by its value id; any other slot by the safety words."""

    def __init__(self, safety: SafetyWords) -> None:
        self._safety = safety

    def urgency(self, handler_input: HandlerInput) -> Urgency | None:
        cue = resolved_value_id(handler_input, SAFETY_CUE_SLOT)[1]
        return net_urgency(self._safety, spoken_words(handler_input), cue)

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return self.urgency(handler_input) is not None

    def handle(self, handler_input: HandlerInput) -> Response:
        urgency = self.urgency(handler_input)
        assert urgency is not None  # can_handle admits only requests with urgent words
        return ANSWERS[urgency](turn_of(handler_input))


#: The answer for each kind of urgency the safety net finds.
ANSWERS: dict[Urgency, Callable[[Turn], Response]] = {
    "overdose": overdose_answer,
    "crisis": crisis_answer,
    "emergency": emergency_answer,
    "urgent": urgent_answer,
}
