"""Cards and screens: every card names the source, but a safety answer's (its advice is
not the page's); on a device with a screen (an Echo Show) the reply's card is also shown,
with the nurse line's number where it is relevant and topics to touch next, or, for a
safety answer, its own number first and biggest. A handler says what its card holds and
what it is about (a ``Card``); ``Turn`` sends it, and shows it on a screen, from that
alone."""

from __future__ import annotations

from typing import NamedTuple

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model.ui import StandardCard

from skill import presentation
from skill.conversation.state import Pending
from skill.dialogue import Lines
from skill.knowledge import Helpline, Knowledge, Source, Topic


class Card(NamedTuple):
    """A card for the Alexa app, and what a screen shows with it."""

    title: str
    #: The card's words; the source line follows them on the card.
    text: str
    #: The topic the reply answers: topics to touch next, and the nurse line's number
    #: when the reply offers it or the nurses are the natural next step.
    topic: Topic | None = None
    #: The reply is about the nurse line (its number, its hours, or the nurses as the
    #: next step): the number, large.
    helpline: bool = False
    #: The welcome or the help: topics to start with.
    starters: bool = False
    #: A safety answer (crisis, overdose, emergency, urgent help): no page credit, and on a
    #: screen nothing but ``call`` and the card's words.
    safety: bool = False
    #: The number that matters on a safety answer's screen (116 123, 999): first, and the
    #: biggest thing on it.
    call: presentation.Number | None = None


def topic_card(topic: Topic) -> Card:
    """A topic's own card."""
    return Card(topic.title, topic.card, topic=topic)


def welcome_card(line: Lines) -> Card:
    """The welcome's card; on a screen, with topics to start with."""
    return Card(line("welcome_card_title"), line("welcome_card"), starters=True)


def helpline_card(
    line: Lines, helpline: Helpline, title_key: str = "helpline_card_title", text_key: str = "helpline_card"
) -> Card:
    """A card with the nurse helpline's number and hours filled in."""
    title = line(title_key)
    return Card(title, line(text_key, number=helpline.display, hours=helpline.hours_text), helpline=True)


def safety_card(title: str, text: str, call: presentation.Number | None = None) -> Card:
    """A safety answer's card: its own words and numbers, no page credit."""
    return Card(title, text, safety=True, call=call)


def standard_card(card: Card, source: Source) -> StandardCard:
    """The card the Alexa app shows: every card names the source, but a safety answer's."""
    if card.safety:
        return StandardCard(title=card.title, text=card.text)
    return StandardCard(title=card.title, text=f"{card.text}\n\n{source.card_line}")


def has_screen(handler_input: HandlerInput) -> bool:
    """The device draws APL documents (an Echo Show); a speaker gets none."""
    try:
        interfaces = get_supported_interfaces(handler_input)
    except AttributeError:  # a request without a device context
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def screen(card: Card, pending: Pending | None, line: Lines, knowledge: Knowledge) -> presentation.Screen:
    """What the screen shows with a reply: the card's words in large type, the nurse
    line's number large where it is relevant (the reply offers it, is about it, or
    the nurses are the natural next step; never over a crisis or an emergency, whose
    own numbers come first), the source, and topics to touch next. A safety answer's
    screen has its own number first and biggest, its words, and nothing else."""
    if card.safety:
        return presentation.Screen(title=card.title, text=card.text, number=card.call, safety=True)
    topic = card.topic
    number = None
    if card.helpline or (topic is not None and (pending == "helpline" or topic.nurses_next)):
        helpline = knowledge.helpline
        number = presentation.Number(line("screen_helpline"), helpline.display, helpline.hours_text)
    suggested: tuple[str, ...] = ()
    if topic is not None:
        suggested = topic.next
    elif card.starters:
        suggested = knowledge.starters
    buttons = tuple(
        presentation.Button(knowledge.topics[topic_id].title, topic_id) for topic_id in suggested
    )
    return presentation.Screen(
        title=card.title,
        text=card.text,
        source=knowledge.source.card_line,
        number=number,
        next_heading=line("screen_next" if topic is not None else "screen_start"),
        buttons=buttons,
    )
