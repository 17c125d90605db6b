"""Answers from the knowledge: intents answered outright, intents routed by a slot,
and "tell me more"."""

from __future__ import annotations

from ask_sdk_core.utils import get_intent_name
from ask_sdk_model import Response

from skill.conversation import cards
from skill.conversation.base import IntentHandler
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import HELPLINE, OnTopic
from skill.conversation.turn import Turn
from skill.knowledge import Knowledge, Route, Topic
from skill.speech import Speech

#: The topic for side effects in general, and the one that lists every treatment.
GENERAL_SIDE_EFFECTS = "side_effects"
ALL_TREATMENTS = "treatment_types"
#: What the "other options" answer after a symptom (``others_symptom``) names, in the
#: order it names them.
SYMPTOM_OTHERS = (
    "bisphosphonates",
    "fluid_on_lungs",
    "wound",
    "chemotherapy",
    "hormone_therapy",
    "radiotherapy",
    "targeted_therapy",
)
#: Options are spoken a few at a time, each group a breath.
OPTIONS_PER_BREATH = 3


def spoken_list(items: list[str], and_word: str) -> str:
    """'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {and_word} {items[-1]}"


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
        return turn.answer_topic(topic)


class RoutedTopicHandler(IntentHandler):
    """Intents whose topic depends on one slot: treatment, symptom or body site."""

    def __init__(self, knowledge: Knowledge) -> None:
        self._intents = tuple(knowledge.routes)

    def handled_intents(self) -> tuple[str, ...]:
        return self._intents

    def answer(self, turn: Turn) -> Response:
        return answer_route(turn, turn.knowledge.routes[str(get_intent_name(turn.handler_input))])


def routed_topic(turn: Turn, route: Route) -> Topic | None:
    """The topic the route's slot leads to: the route's default when the slot is empty;
    None for a value the page does not cover."""
    heard, value_id = resolved_value_id(turn.handler_input, route.slot)
    if not heard:
        return turn.knowledge.topics[route.default]
    return turn.knowledge.topic_for_slot_value(route.slot, value_id) if value_id else None


def answer_route(turn: Turn, route: Route) -> Response:
    """The answer for the value of the route's slot, as the route's intent gives it: the
    route's default topic when the slot is empty; for a value the page does not cover, a
    kind word on what it does."""
    topic = routed_topic(turn, route)
    if topic is None:
        # Something the page does not cover ("immunotherapy"): say so kindly, say
        # what we can help with, and offer the nurses; for a symptom, urgent help too.
        speech = Speech().say(turn.line(route.unknown))
        if route.slot == "symptom":
            speech.say(turn.line("urgent_help"))
        card = unknown_card(turn)
        return turn.reply_with_closing(speech, closing="offer", card=card)
    return turn.answer_topic(topic)


#: The slots a correction can name ("no, I meant radiotherapy", "sorry, the lungs"),
#: read in this order: the first one heard is the one meant.
CORRECTION_SLOTS = ("treatment", "symptom", "bodySite")
#: A correction that names nothing lists at most this many of the topics last answered.
TOPICS_OFFERED = 3


def recent_topics(turn: Turn) -> list[Topic]:
    """The topics of the conversation's history that the content still has, most recent
    first."""
    topics = turn.knowledge.topics
    return [topics[topic_id] for topic_id in reversed(turn.session.history) if topic_id in topics]


def answer_named(turn: Turn) -> Response | None:
    """The topic the first of ``CORRECTION_SLOTS`` heard names, answered as its topic
    intent answers it; None when none is heard."""
    routes = {route.slot: route for route in turn.knowledge.routes.values()}
    for slot in CORRECTION_SLOTS:
        if slot in routes and resolved_value_id(turn.handler_input, slot)[0]:
            return answer_route(turn, routes[slot])
    return None


def which_one(turn: Turn) -> Response:
    """Which one was meant, naming the topics last answered, most recent first."""
    reprompt = Speech().say(turn.line("others_reprompt"))
    recent = [topic.spoken_name for topic in recent_topics(turn)[:TOPICS_OFFERED]]
    if not recent:
        speech = Speech().say(turn.line("correction_nothing"))
        return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None, repeatable=False)
    speech = Speech().say(turn.line("correction_which", topics=spoken_list(recent, turn.line("and"))))
    return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None)


class CorrectionHandler(IntentHandler):
    """ "No, I meant radiotherapy", "sorry, the lungs": the topic named, answered exactly
    as the topic intents answer it (never declining treatment, never a no to the offer,
    never goodbye). "Wrong one", "not that one", naming nothing: which one was meant, with
    the topics last answered, most recent first.

    Corrected in the same breath ("not the liver, the lungs", "hormone therapy, no hang
    on, radiotherapy"): the one taken back is in a slot of its own (``mistakenTreatment``,
    ``mistakenSite``), never read; the one meant is answered the same way.

    A fragment after a list ("the tube one", "the skin one", "the last one"): the item of
    the last answer that named several things (``SessionState.last_list``) that it picks
    out, answered as asking for it would answer it. One that names what the list did not
    hold is answered as naming it would be; one that picks nothing out asks which."""

    intents = ("CorrectionIntent",)

    def answer(self, turn: Turn) -> Response:
        topics = turn.knowledge.topics
        listed = [topics[topic_id] for topic_id in turn.session.last_list if topic_id in topics]
        item = picked(turn, listed)
        if item is None and not listed and not heard_values(turn):
            # "The first one you said" with no list to pick from: the conversation's.
            item = said_at(turn, resolved_value_id(turn.handler_input, "position")[1])
        if item is not None:
            return turn.answer_topic(item)
        return answer_named(turn) or which_one(turn)


#: "The first one", "the last one": the value ids of ListPositionType, as list indices.
POSITIONS = {"first": 0, "second": 1, "third": 2, "last": -1}


def heard_values(turn: Turn) -> list[tuple[str, str]]:
    """The (slot, value id) pairs heard in ``CORRECTION_SLOTS``, resolved."""
    heard = []
    for slot in CORRECTION_SLOTS:
        _, value_id = resolved_value_id(turn.handler_input, slot)
        if value_id:
            heard.append((slot, value_id))
    return heard


def picked(turn: Turn, listed: list[Topic]) -> Topic | None:
    """The item of the last list that a fragment names: by position ("the last one"),
    or by what it is or is about ("the tube one", "the skin one"), the first match in
    the order said."""
    _, position = resolved_value_id(turn.handler_input, "position")
    if position in POSITIONS and listed:
        index = POSITIONS[position]
        return listed[index] if index < len(listed) else None
    knowledge = turn.knowledge
    heard = heard_values(turn)
    named = [knowledge.topic_for_slot_value(slot, value_id) for slot, value_id in heard]
    named_ids = {topic.id for topic in named if topic is not None}
    for item in listed:
        if item.id in named_ids:
            return item
    # A place picks the item about it ("the skin one": electrochemotherapy); a treatment
    # or symptom the list does not hold is answered as itself, not as a list item.
    sites = {value_id for slot, value_id in heard if slot == "bodySite"}
    for item in listed:
        if sites & set(item.sites):
            return item
    return None


def said_at(turn: Turn, position: str | None) -> Topic | None:
    """The topic answered at ``position`` ("first", "second", "third") of the
    conversation's history, counted from its start (the last there is, if it is short);
    None for no position, or "last"."""
    recent = recent_topics(turn)
    if position not in POSITIONS or position == "last" or not recent:
        return None
    in_order = list(reversed(recent))
    index = POSITIONS[position]
    return in_order[index] if index < len(in_order) else in_order[-1]


class SideEffectsHandler(IntentHandler):
    """Side effects of a treatment, named ("side effects of chemo") or the one the last
    answer was about ("and the side effects of it?"): what the page says of that
    treatment's side effects, with the doctor or specialist nurse to explain and the
    nurses offered. Of no treatment in particular: the general answer."""

    intents = ("SideEffectsIntent",)

    def answer(self, turn: Turn) -> Response:
        heard, value_id = resolved_value_id(turn.handler_input, "treatment")
        topic = turn.knowledge.topic_for_slot_value("treatment", value_id) if value_id else None
        if not heard:
            topic = last_topic(turn)
        return answer_side_effects(turn, topic)


def answer_side_effects(turn: Turn, topic: Topic | None) -> Response:
    """What the page says of ``topic``'s side effects; of none in particular (or of a
    topic with nothing said of them), the general answer."""
    if topic is None or not topic.side_effects:
        return turn.answer_topic(turn.knowledge.topics[GENERAL_SIDE_EFFECTS])
    title = turn.line("side_effects_card_title", treatment=topic.title)
    card = cards.Card(title, topic.side_effects, topic=topic)
    return turn.answer_topic(topic, text=topic.side_effects, card=card, closing="nurses")


class OtherOptionsHandler(IntentHandler):
    """ "Are there others?", "what else can they try?", "treatments besides chemo": the
    other options the page lists beside the treatment or place named or last talked
    about, in small groups; after a symptom, the other ways the page lists of controlling
    symptoms. With nothing to go on, one short question back."""

    intents = ("OtherOptionsIntent",)

    def answer(self, turn: Turn) -> Response:
        _, value_id = resolved_value_id(turn.handler_input, "treatment")
        named = turn.knowledge.topic_for_slot_value("treatment", value_id) if value_id else None
        current = named or last_topic(turn)
        reprompt = Speech().say(turn.line("others_reprompt"))
        if current is None:
            speech = Speech().say(turn.line("others_nothing"))
            return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None, repeatable=False)
        if not current.group:  # after an answer about treatment in general: every treatment
            every = turn.knowledge.topics[ALL_TREATMENTS]
            return turn.answer_topic(every, more=current.id == every.id and not turn.session.more_given)
        if current.group == "symptom":
            turn.session.named_list(SYMPTOM_OTHERS)
            speech = Speech().say(turn.line("others_symptom"))
            return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None)
        topics = turn.knowledge.topics.values()
        others = [t for t in topics if t.group == current.group and t.id != current.id]
        turn.session.named_list(t.id for t in others)
        speech = Speech().say(turn.line(f"others_{current.group}", current=current.spoken_name))
        for start in range(0, len(others), OPTIONS_PER_BREATH):
            names = [t.spoken_name for t in others[start : start + OPTIONS_PER_BREATH]]
            sentence = spoken_list(names, turn.line("and"))
            speech.say(f"{sentence[0].upper()}{sentence[1:]}.").pause(300)
        speech.say(turn.line("others_question"))
        return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None)


def unknown_card(turn: Turn) -> cards.Card:
    """For what the page does not cover: the doctor or nurse, and the nurse line."""
    return cards.helpline_card(turn.line, turn.knowledge.helpline, "unknown_card_title", "unknown_card")


def beyond_page(turn: Turn, key: str = "beyond_page") -> Response:
    """A question the page does not answer: one for their own doctor or nurse, who know
    their situation; the nurses can talk it through, so the offer follows."""
    card = unknown_card(turn)
    return turn.reply_with_closing(Speech().say(turn.line(key)), closing="nurses", card=card)


class BeyondPageHandler(IntentHandler):
    """Trials, diet, a named drug: questions for their own doctor or nurse."""

    intents = ("BeyondPageIntent",)

    def answer(self, turn: Turn) -> Response:
        return beyond_page(turn)


class MedicineDoseHandler(IntentHandler):
    """ "How many paracetamol can she have in one go?": not an overdose. The page gives
    no doses: the pharmacist, doctor or specialist nurse, never more than the label
    says, and 999 if someone has already taken too much."""

    intents = ("MedicineDoseIntent",)

    def answer(self, turn: Turn) -> Response:
        return beyond_page(turn, "medicine_dose")


class PrognosisHandler(IntentHandler):
    """The biggest questions (am I dying, how long, can it be cured): acknowledged first,
    kindly, then the doctor or specialist nurse, then the nurses."""

    intents = ("PrognosisIntent",)

    def answer(self, turn: Turn) -> Response:
        return beyond_page(turn, "prognosis")


def last_topic(turn: Turn) -> Topic | None:
    """The topic the conversation's thread is on, if it is on one."""
    thread = turn.session.thread
    return turn.knowledge.topics.get(thread.topic_id) if isinstance(thread, OnTopic) else None


class TellMeMoreHandler(IntentHandler):
    """The fuller version of the last topic answered: "tell me more", and follow-ups that
    name no topic ("what's that for?", "how does it work?"). After the nurse line, what
    the nurses are there for; with nothing asked yet, one short question back."""

    intents = ("TellMeMoreIntent",)

    def answer(self, turn: Turn) -> Response:
        if turn.session.thread == HELPLINE:
            speech = Speech().say(turn.line("helpline_about", hours=turn.knowledge.helpline.hours_text))
            card = cards.helpline_card(turn.line, turn.knowledge.helpline)
            return turn.reply_with_closing(speech, closing="nurses", card=card)
        topic = last_topic(turn)
        if topic is None:
            speech = Speech().say(turn.line("more_nothing"))
            reprompt = Speech().say(turn.line("help_reprompt"))
            return turn.reply_as_given(speech, reprompt=reprompt, card=None, pending=None, repeatable=False)
        if turn.session.more_given:
            speech = Speech().say(turn.line("more_done", title=topic.title.lower()))
            return turn.reply_with_closing(speech, closing="nurses" if topic.nurses_next else "offer")
        return turn.answer_topic(topic, more=True)
