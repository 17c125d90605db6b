"""One turn of the conversation: what a handler reads, and how every reply is finished.

``Turn`` has one job: it finishes a reply. Handlers decide *what* to say; ``Turn`` ends
every reply the standard way (the helpline offer, by the policy in ``offers``; a
reminder for when the line opens, by ``line_hours``; or "What else would you like to
know?"), adds the one-line disclaimer to the first answer, applies the user's speaking
rate, shows the card on a screen where there is one (``cards``), and notes what was said
so that it can be said again. ``Turn.line`` looks a dialogue line up by key.

Three ways to finish, from the most to the least done for the handler:
``answer_topic`` (a topic's answer, the disclaimer, the closing), ``reply_with_closing``
(the handler's speech, then the closing) and ``reply_as_given`` (the handler's speech
and reprompt as they are).
"""

from __future__ import annotations

import random
from collections.abc import Callable, MutableMapping
from datetime import datetime
from typing import Any

from ask_sdk_core.exceptions import AttributesManagerException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill import presentation
from skill.conversation import cards, offers
from skill.conversation.cards import Card
from skill.conversation.line_hours import WHEN_IDS, LineHours, asked_words
from skill.conversation.offers import Closing
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import (
    HELPLINE,
    HOURS_ASKED,
    LINE_QUESTIONS,
    SIDE_EFFECTS_OF,
    Content,
    Pending,
    Replay,
    SessionState,
    question_parts,
)
from skill.dialogue import Dialogue
from skill.knowledge import TURN_WORD_LIMIT, Knowledge, Topic, words
from skill.speech import Speech, validate

_TURN = "turn"
#: The slots that hold the other of two questions asked at once, said after the
#: intent's own ("what is targeted therapy and {when are the nurses open}") or before it
#: ("{what is targeted therapy} and when are the nurses open"): their value ids are topic
#: ids and ``LINE_QUESTIONS`` (see ``skill.conversation.two_questions``).
ALSO_ASKED_SLOT = "alsoAsked"
ASKED_FIRST_SLOT = "askedFirst"


class Turn:
    """What a handler reads about this request. (A plain class rather than a dataclass:
    see ``skill.knowledge`` on what dataclasses cost at start-up.)"""

    __slots__ = (
        "deferred",
        "dialogue",
        "handler_input",
        "keeps_preferences",
        "knowledge",
        "now",
        "rng",
        "said",
        "session",
        "topic_answered",
    )

    def __init__(
        self,
        handler_input: HandlerInput,
        knowledge: Knowledge,
        dialogue: Dialogue,
        now: datetime,
        rng: random.Random,
        session: SessionState,
        keeps_preferences: bool = False,
    ) -> None:
        self.handler_input = handler_input
        self.knowledge = knowledge
        self.dialogue = dialogue
        self.now = now
        self.rng = rng
        self.session = session
        #: Whether a preference store is configured: the user's rate and whether they have
        #: heard the disclaimer are kept between sessions.
        self.keeps_preferences = keeps_preferences
        #: What this turn said, if it is content worth saying again; the repeat cache keeps it.
        self.said: Content | None = None
        #: The topic this turn answered, if any: the kind of answer ``skill.metrics`` counts.
        self.topic_answered: Topic | None = None
        #: The intent's own question, when a question asked before it is answered first:
        #: it is then the one offered next (``two_questions.AskedFirstHandler``).
        self.deferred: str | None = None

    def line(self, key: str, **values: str) -> str:
        """The dialogue line for ``key``, with its fields filled (one phrasing, chosen)."""
        return self.dialogue.say(key, self.rng, **values)

    def line_hours(self) -> LineHours:
        """The nurse line's hours now, in this turn's words."""
        return LineHours(self.knowledge.helpline, self.now, self.line)

    # --- Finishing replies -------------------------------------------------------

    def answer_topic(
        self,
        topic: Topic,
        *,
        more: bool = False,
        text: str | None = None,
        card: Card | None = None,
        closing: Closing | None = None,
    ) -> Response:
        """A topic's answer (or its fuller version, or ``text`` about it, such as its side
        effects), the disclaimer on the first answer, then the standard closing. The
        conversation's thread is then on ``topic``."""
        said = text or (topic.more if more else topic.speech)
        speech = Speech().say(said)
        self.topic_answered = topic  # before the note: a second question that is this one is none
        if not self.session.disclaimer_given and self._note_fits(said):
            speech.say(self.line("disclaimer"))
            self.session.gave_disclaimer()
        self.session.answered(topic.id, more=more)
        if topic.items and not more:
            self.session.named_list(topic.items)
        closing = closing or ("nurses" if topic.nurses_next else "offer")
        return self.reply_with_closing(speech, closing=closing, card=card or cards.topic_card(topic))

    def reply_with_closing(
        self,
        speech: Speech,
        *,
        closing: Closing,
        card: Card | AskForPermissionsConsentCard | None = None,
        repeatable: bool = True,
        replay: Replay | None = None,
        remind: bool = False,
    ) -> Response:
        """``speech``, then the standard closing (see ``Closing``). With ``remind``, a
        reply about the nurse line ends instead with the offer of a reminder for when it
        opens, if one is due: the line is closed, and no reminder has been offered in
        this session but this same offer."""
        if closing == "end":
            return self.reply_as_given(speech, reprompt=None, card=card, pending=None)
        if self.deferred is None and self._other_unheard():
            # A second question the model has no value for: never dropped without a word.
            speech.say(self.line("also_asked_unheard"))
            reprompt = Speech().say(self.line("also_asked_unheard"))
            return self.reply_as_given(
                speech, reprompt=reprompt, card=card, pending=None, repeatable=repeatable, replay=replay
            )
        other = self.second_question()
        if other is not None:
            # Two questions at once: the other one is offered before anything else, and
            # a yes answers it (the nurse number is offered after that answer).
            self.session.asked_also(other)
            name = self.question_name(other)
            speech.say(self.line("also_asked", other=name))
            reprompt = Speech().say(self.line("also_asked_reprompt", other=name))
            return self.reply_as_given(
                speech,
                reprompt=reprompt,
                card=card,
                pending="also_asked",
                repeatable=repeatable,
                replay=replay,
            )
        hours = self.line_hours() if remind and self.session.may_offer_reminder else None
        if hours is not None and hours.opens_later:
            when = hours.when_next_open()
            self.session.offered_reminder()
            offer = "reminder_offer_holiday" if hours.may_open_sooner else "reminder_offer"
            speech.say(self.line(offer, when=when))
            reprompt = Speech().say(self.line("reminder_offer_reprompt", when=when))
            return self.reply_as_given(
                speech, reprompt=reprompt, card=card, pending="reminder", repeatable=repeatable, replay=replay
            )
        if offers.offers_helpline(self.session, closing):
            speech.say(self.line("offer_helpline"))
            reprompt = Speech().say(self.line("offer_helpline_reprompt"))
            return self.reply_as_given(
                speech, reprompt=reprompt, card=card, pending="helpline", repeatable=repeatable, replay=replay
            )
        speech.say(self.line("anything_else"))
        reprompt = Speech().say(self.line("anything_else_reprompt"))
        return self.reply_as_given(
            speech,
            reprompt=reprompt,
            card=card,
            pending="anything_else",
            repeatable=repeatable,
            replay=replay,
        )

    def _note_fits(self, answer: str) -> bool:
        """The note on general information fits this turn: always, unless the turn
        also offers the other of two questions and all three would pass a whole turn's
        words; the note is then said with the next answer."""
        other = self.second_question()
        if other is None:
            return True
        offer = self.line("also_asked", other=self.question_name(other))
        return words(answer) + words(self.line("disclaimer")) + words(offer) <= TURN_WORD_LIMIT

    def _other_unheard(self) -> bool:
        """A second question was heard that the model has no value for."""
        for slot in (ALSO_ASKED_SLOT, ASKED_FIRST_SLOT):
            heard, question = resolved_value_id(self.handler_input, slot)
            if heard:
                return question is None
        return False

    def second_question(self) -> str | None:
        """The other of two questions asked at once, if this request holds one that this
        reply has not answered: the intent's own when a question asked before it was
        answered first; else the one said after it, or before it; a topic the content
        has, or a question about the nurse line (not after a reply about the line, which
        gives its number and hours)."""
        question = self.deferred
        if question is None:
            heard, question = resolved_value_id(self.handler_input, ALSO_ASKED_SLOT)
            if not heard:
                _, question = resolved_value_id(self.handler_input, ASKED_FIRST_SLOT)
        if question in LINE_QUESTIONS or question_parts(question or "")[0] == HOURS_ASKED:
            about_line = self.topic_answered is None and self.session.thread == HELPLINE
            return None if about_line else question
        if question is None or not self.knows_question(question):
            return None
        answered = self.topic_answered
        return None if answered is not None and answered.id == question else question

    def knows_question(self, question: str) -> bool:
        """Whether the skill can answer ``question`` as the other of two: a topic id, one
        of ``LINE_QUESTIONS``, ``HOURS_ASKED`` a time, or ``SIDE_EFFECTS_OF`` a treatment
        with side effects."""
        kind, about = question_parts(question)
        if kind == HOURS_ASKED:
            return about in WHEN_IDS
        if kind == SIDE_EFFECTS_OF:
            treatment = self.knowledge.topics.get(about)
            return treatment is not None and bool(treatment.side_effects)
        return question in self.knowledge.topics or question in LINE_QUESTIONS

    def question_name(self, question: str) -> str:
        """How the other of two questions is named: "the hours the nurses are open",
        "targeted therapy", "the side effects of chemotherapy"."""
        kind, about = question_parts(question)
        treatment = self.knowledge.topics.get(about)
        if kind == SIDE_EFFECTS_OF and treatment is not None:
            return self.line("also_side_effects_of", treatment=treatment.spoken_name)
        if kind == HOURS_ASKED:
            asked = asked_words(self.line, about)
            if asked is not None:
                return self.line("also_helpline_hours_when", asked=asked)
            return self.line("also_helpline_hours")
        if kind == "" and treatment is not None:
            return treatment.spoken_name
        return self.line(f"also_{question}")

    def reply_as_given(
        self,
        speech: Speech,
        *,
        reprompt: Speech | None,
        card: Card | AskForPermissionsConsentCard | None,
        pending: Pending | None,
        repeatable: bool = True,
        replay: Replay | None = None,
    ) -> Response:
        """The response exactly as given, at the user's rate: nothing is added to it. A
        reprompt keeps the microphone open; none ends the session.

        ``repeatable=False`` marks an acknowledgement ("All right, I'll speak more
        slowly"): "say that again" then repeats what came before it, not the
        acknowledgement.
        """
        builder = self.handler_input.response_builder
        builder.speak(speech.ssml(self.session.rate))
        if reprompt is not None:
            builder.ask(reprompt.ssml(self.session.rate))
        if isinstance(card, Card):
            builder.set_card(cards.standard_card(card, self.knowledge.source))
            if cards.has_screen(self.handler_input):
                screen = cards.screen(card, pending, self.line, self.knowledge)
                builder.add_directive(presentation.directive(screen))
        elif card is not None:  # the permissions card: the Alexa app's own, no screen
            builder.set_card(card)
        builder.set_should_end_session(reprompt is None)
        self.session.replied(pending, new=repeatable)
        if repeatable:
            self.said = Content(
                speech=speech.body(),
                reprompt=reprompt.body() if reprompt is not None else None,
                pending=pending,
                replay=replay,
            )
        return builder.response

    # --- Saying it again ---------------------------------------------------------

    def last_content(self) -> Content | None:
        """The last content, if it can still be said: it must render to valid SSML."""
        content = self.session.last_content
        if content is None:
            return None
        for body in (content.speech, content.reprompt):
            if body is not None and validate(Speech.from_body(body).ssml()):
                return None
        return content

    def say_again(self, content: Content, lead: Speech | None = None) -> Response:
        """``content`` said again at the current rate, after ``lead`` if given. The
        offer it ended with still stands; the content stays the last content."""
        speech = (lead or Speech()).extend(Speech.from_body(content.speech))
        reprompt = Speech.from_body(content.reprompt) if content.reprompt else None
        return self.reply_as_given(
            speech, reprompt=reprompt, card=None, pending=content.pending, repeatable=False
        )


def install(
    handler_input: HandlerInput,
    knowledge: Knowledge,
    dialogue_for: Callable[[str], Dialogue],
    clock: Callable[[], datetime],
    rng: random.Random,
    keeps_preferences: bool = False,
) -> Turn:
    """Create the turn for this request and keep it in the request attributes."""
    request = handler_input.request_envelope.request
    attributes: MutableMapping[str, Any] | None
    try:
        attributes = handler_input.attributes_manager.session_attributes
    except AttributesManagerException:
        attributes = None
    if attributes is None:
        attributes = {}  # a request outside a session: nothing is kept
    turn = Turn(
        handler_input=handler_input,
        knowledge=knowledge,
        dialogue=dialogue_for(getattr(request, "locale", None) or ""),
        now=clock(),
        rng=rng,
        session=SessionState(attributes),
        keeps_preferences=keeps_preferences,
    )
    handler_input.attributes_manager.request_attributes[_TURN] = turn
    return turn


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes.get(_TURN)
    if not isinstance(turn, Turn):
        raise RuntimeError("the turn interceptor did not run for this request")
    return turn
