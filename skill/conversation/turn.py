"""One turn of the conversation: what a handler reads, and how every reply is finished.

Handlers decide *what* to say; ``Turn`` decides how every reply ends (the helpline
offer, a reminder for when the line opens, or "What else would you like to know?"),
adds the one-line disclaimer to the first answer, applies the user's speaking rate, puts
a card with the source on it, and notes what was said so that it can be said again. On a
device with a screen, every reply with a card also shows it (``skill.presentation``):
handlers never build screens. What is remembered between sessions (the rate, the
disclaimer) is read and written by interceptors through the SDK's attributes manager; a
handler only ever asks ``forget``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, MutableMapping
from datetime import datetime
from typing import Any, Literal

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model import Response
from ask_sdk_model.ui import Card, StandardCard

from skill import log as logs
from skill import opening_hours, presentation
from skill.conversation.state import Content, Pending, Replay, SessionState
from skill.dialogue import Dialogue
from skill.knowledge import Knowledge, Topic
from skill.speech import Speech, validate

#: How a reply ends. "offer": offer the helpline, unless it has been read or the user
#: has said no to it; "nurses": offer it even after a no, because the nurses are the
#: natural next step (support, feelings, deciding not to have treatment), but never
#: once it has been read; "anything_else": ask what else; "end": close the session.
Closing = Literal["offer", "nurses", "anything_else", "end"]

#: An offer the user passes over (asking something else instead of yes or no) is made
#: at most this many times in a row; a yes or a no to it starts the count again.
OFFERS_IN_A_ROW = 2

_TURN = "turn"

log = logs.get("skill.preferences")


class Turn:
    """What a handler reads about this request. (A plain class rather than a dataclass:
    see ``skill.knowledge`` on what dataclasses cost at start-up.)"""

    __slots__ = (
        "about_helpline",
        "dialogue",
        "handler_input",
        "knowledge",
        "now",
        "remembers",
        "rng",
        "said",
        "session",
        "suggest_start",
        "topic",
    )

    def __init__(
        self,
        handler_input: HandlerInput,
        knowledge: Knowledge,
        dialogue: Dialogue,
        now: datetime,
        rng: random.Random,
        session: SessionState,
        remembers: bool = False,
    ) -> None:
        self.handler_input = handler_input
        self.knowledge = knowledge
        self.dialogue = dialogue
        self.now = now
        self.rng = rng
        self.session = session
        #: Whether a preference store is configured: the user's rate and whether they have
        #: heard the disclaimer are remembered between sessions.
        self.remembers = remembers
        #: What this turn said, if it is content worth saying again; the repeat cache keeps it.
        self.said: Content | None = None
        # What a screen shows with this reply, noted as the reply is built (see ``screen``):
        #: the topic answered;
        self.topic: Topic | None = None
        #: the reply is about the nurse line (its number, its hours, or the nurses as next step);
        self.about_helpline = False
        #: the reply is the welcome or the help: suggest topics to start with.
        self.suggest_start = False

    def say(self, key: str, **values: str) -> str:
        return self.dialogue.say(key, self.rng, **values)

    def card(self, title: str, text: str) -> StandardCard:
        """Every card names the source."""
        return StandardCard(title=title, text=f"{text}\n\n{self.knowledge.source.card_line}")

    def welcome_card(self) -> StandardCard:
        """The welcome's card; on a screen, with topics to start with."""
        self.suggest_start = True
        return self.card(self.say("welcome_card_title"), self.say("welcome_card"))

    # --- Screens -----------------------------------------------------------------

    @property
    def has_screen(self) -> bool:
        """The device draws APL documents (an Echo Show); a speaker gets none."""
        try:
            interfaces = get_supported_interfaces(self.handler_input)
        except AttributeError:  # a request without a device context
            return False
        return getattr(interfaces, "alexa_presentation_apl", None) is not None

    def screen(self, card: StandardCard, pending: Pending | None) -> presentation.Screen:
        """What the screen shows with a reply: the card's words in large type, the nurse
        line's number large where it is relevant (the reply offers it, is about it, or
        the nurses are the natural next step; never over a crisis or an emergency, whose
        own numbers come first), the source, and topics to touch next."""
        source = self.knowledge.source.card_line
        text = (card.text or "").removesuffix(f"\n\n{source}")
        topic = self.topic
        number = None
        if self.about_helpline or (topic is not None and (pending == "helpline" or topic.nurses_next)):
            helpline = self.knowledge.helpline
            number = presentation.Number(self.say("screen_helpline"), helpline.display, helpline.hours_text)
        suggested: tuple[str, ...] = ()
        if topic is not None:
            suggested = topic.next
        elif self.suggest_start:
            suggested = self.knowledge.starters
        buttons = tuple(
            presentation.Button(self.knowledge.topics[topic_id].title, topic_id) for topic_id in suggested
        )
        return presentation.Screen(
            title=card.title or "",
            text=text,
            source=source,
            number=number,
            next_heading=self.say("screen_next" if topic is not None else "screen_start"),
            buttons=buttons,
        )

    def forget(self) -> bool:
        """Delete the user's record; whether that was done. For the rest of this session
        nothing more is written."""
        try:
            self.handler_input.attributes_manager.delete_persistent_attributes()
        except PersistenceException as error:
            request_id = getattr(self.handler_input.request_envelope.request, "request_id", None)
            log.warning("preferences not deleted (%s) on request=%s", error, request_id)
            return False
        self.session.stored = None
        return True

    # --- Finishing replies -------------------------------------------------------

    def offers_helpline(self, closing: Closing) -> bool:
        """The offer policy: never once the number has been read; never a third time in
        a row; after the first no, only where the nurses are the natural next step."""
        if self.session.helpline_read or self.session.offer_streak >= OFFERS_IN_A_ROW:
            return False
        if closing == "nurses":
            return True
        return closing == "offer" and not self.session.offer_declined

    def reply(
        self,
        speech: Speech,
        *,
        closing: Closing,
        card: Card | None = None,
        remember: bool = True,
        replay: Replay | None = None,
        remind: bool = False,
    ) -> Response:
        """A reply that ends the standard way (see ``Closing``). With ``remind``, a reply
        about the nurse line ends instead with the offer of a reminder for when it
        opens, if one is due (see ``reminder_due``)."""
        if closing == "end":
            return self.respond(speech, reprompt=None, card=card, pending=None)
        status = self.reminder_due() if remind else None
        if status is not None:
            when = self.when_next_open(status)
            self.session.reminder_offered = True
            speech.say(self.say("reminder_offer", when=when))
            reprompt = Speech().say(self.say("reminder_offer_reprompt", when=when))
            return self.respond(
                speech, reprompt=reprompt, card=card, pending="reminder", remember=remember, replay=replay
            )
        if self.offers_helpline(closing):
            speech.say(self.say("offer_helpline"))
            reprompt = Speech().say(self.say("offer_helpline_reprompt"))
            return self.respond(
                speech, reprompt=reprompt, card=card, pending="helpline", remember=remember, replay=replay
            )
        speech.say(self.say("anything_else"))
        reprompt = Speech().say(self.say("anything_else_reprompt"))
        return self.respond(
            speech, reprompt=reprompt, card=card, pending="anything_else", remember=remember, replay=replay
        )

    def respond(
        self,
        speech: Speech,
        *,
        reprompt: Speech | None,
        card: Card | None,
        pending: Pending | None,
        remember: bool = True,
        replay: Replay | None = None,
    ) -> Response:
        """The response itself. A reprompt keeps the microphone open; none ends the session.

        ``remember=False`` marks an acknowledgement ("All right, I'll speak more
        slowly"): "say that again" then repeats what came before it, not the
        acknowledgement.
        """
        builder = self.handler_input.response_builder
        builder.speak(speech.ssml(self.session.rate))
        if reprompt is not None:
            builder.ask(reprompt.ssml(self.session.rate))
        if card is not None:
            builder.set_card(card)
            if self.has_screen and isinstance(card, StandardCard):  # not a permissions card
                builder.add_directive(presentation.directive(self.screen(card, pending)))
        builder.set_should_end_session(reprompt is None)
        if pending != "helpline":
            self.session.offer_streak = 0
        elif remember:  # a new offer; one made while the last went unanswered extends the row
            passed_over = self.session.pending == "helpline"
            self.session.offer_streak = self.session.offer_streak + 1 if passed_over else 1
        self.session.pending = pending
        if remember:
            self.said = Content(
                speech=speech.body(),
                reprompt=reprompt.body() if reprompt is not None else None,
                pending=pending,
                replay=replay,
            )
        return builder.response

    def answer(self, topic: Topic, *, more: bool = False) -> Response:
        """A topic's answer (or its fuller version), then the standard closing."""
        speech = Speech().say(topic.more if more else topic.speech)
        if not self.session.disclaimer_given:
            speech.say(self.say("disclaimer"))
            self.session.disclaimer_given = True
        self.session.answered(topic.id, more=more)
        self.topic = topic
        closing: Closing = "nurses" if topic.nurses_next else "offer"
        return self.reply(speech, closing=closing, card=self.card(topic.title, topic.card))

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
        return self.respond(speech, reprompt=reprompt, card=None, pending=content.pending, remember=False)

    # --- The helpline ------------------------------------------------------------

    def line_status(self) -> opening_hours.LineStatus:
        return opening_hours.status(self.knowledge.helpline, self.now)

    def today(self) -> datetime:
        """Now, in the helpline's (UK) time: its date is the UK date."""
        return opening_hours.local(self.knowledge.helpline, self.now)

    def reminder_due(self) -> opening_hours.LineStatus | None:
        """The line's status, when a reminder for its opening is to be offered: the line
        is closed now, and no reminder has been offered in this session, unless this is
        that same offer said again ("say that again", "speak slower")."""
        status = self.line_status()
        if status.open_now or status.next_opening is None:
            return None
        if self.session.reminder_offered and self.session.pending != "reminder":
            return None
        return status

    def when_next_open(self, status: opening_hours.LineStatus) -> str:
        """'today at 9am', 'tomorrow at 9am' or 'on Monday at 9am'."""
        opening = status.next_opening
        assert opening is not None
        opens = opening_hours.spoken_time(opening)
        days_ahead = (opening.date() - self.today().date()).days
        if days_ahead == 0:
            return self.say("when_today", opens=opens)
        if days_ahead == 1:
            return self.say("when_tomorrow", opens=opens)
        return self.say("when_day", day=opening.strftime("%A"), opens=opens)

    def helpline_card(
        self, title_key: str = "helpline_card_title", text_key: str = "helpline_card"
    ) -> StandardCard:
        """A card with the nurse helpline's number and hours filled in."""
        self.about_helpline = True
        helpline = self.knowledge.helpline
        return self.card(
            self.say(title_key),
            self.say(text_key, number=helpline.display, hours=helpline.hours_text),
        )


def install(
    handler_input: HandlerInput,
    knowledge: Knowledge,
    dialogue_for: Callable[[str], Dialogue],
    clock: Callable[[], datetime],
    rng: random.Random,
    remembers: bool = False,
) -> Turn:
    """Create the turn for this request and keep it in the request attributes."""
    request = handler_input.request_envelope.request
    attributes: MutableMapping[str, Any] | None
    try:
        attributes = handler_input.attributes_manager.session_attributes
    except AttributesManagerException:
        attributes = None
    if attributes is None:
        attributes = {}  # a request outside a session: remember nothing
    turn = Turn(
        handler_input=handler_input,
        knowledge=knowledge,
        dialogue=dialogue_for(getattr(request, "locale", None) or ""),
        now=clock(),
        rng=rng,
        session=SessionState(attributes),
        remembers=remembers,
    )
    handler_input.attributes_manager.request_attributes[_TURN] = turn
    return turn


def turn_of(handler_input: HandlerInput) -> Turn:
    turn = handler_input.attributes_manager.request_attributes.get(_TURN)
    if not isinstance(turn, Turn):
        raise RuntimeError("the turn interceptor did not run for this request")
    return turn
