"""Cards and screens: every card names the source; on a device with a screen (an Echo
Show) the reply's card is also shown, with the nurse line's number where it is relevant
and topics to touch next. Handlers ask for a card; ``Turn`` shows it on a screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.utils import get_supported_interfaces
from ask_sdk_model.ui import StandardCard

from skill import presentation

if TYPE_CHECKING:
    from skill.conversation.state import Pending
    from skill.conversation.turn import Turn


def card(turn: Turn, title: str, text: str) -> StandardCard:
    """Every card names the source."""
    return StandardCard(title=title, text=f"{text}\n\n{turn.knowledge.source.card_line}")


def welcome_card(turn: Turn) -> StandardCard:
    """The welcome's card; on a screen, with topics to start with."""
    turn.suggest_start = True
    return card(turn, turn.line("welcome_card_title"), turn.line("welcome_card"))


def helpline_card(
    turn: Turn, title_key: str = "helpline_card_title", text_key: str = "helpline_card"
) -> StandardCard:
    """A card with the nurse helpline's number and hours filled in."""
    turn.about_helpline = True
    helpline = turn.knowledge.helpline
    return card(
        turn,
        turn.line(title_key),
        turn.line(text_key, number=helpline.display, hours=helpline.hours_text),
    )


def has_screen(turn: Turn) -> bool:
    """The device draws APL documents (an Echo Show); a speaker gets none."""
    try:
        interfaces = get_supported_interfaces(turn.handler_input)
    except AttributeError:  # a request without a device context
        return False
    return getattr(interfaces, "alexa_presentation_apl", None) is not None


def screen(turn: Turn, card: StandardCard, pending: Pending | None) -> presentation.Screen:
    """What the screen shows with a reply: the card's words in large type, the nurse
    line's number large where it is relevant (the reply offers it, is about it, or
    the nurses are the natural next step; never over a crisis or an emergency, whose
    own numbers come first), the source, and topics to touch next."""
    source = turn.knowledge.source.card_line
    text = (card.text or "").removesuffix(f"\n\n{source}")
    topic = turn.topic
    number = None
    if turn.about_helpline or (topic is not None and (pending == "helpline" or topic.nurses_next)):
        helpline = turn.knowledge.helpline
        number = presentation.Number(turn.line("screen_helpline"), helpline.display, helpline.hours_text)
    suggested: tuple[str, ...] = ()
    if topic is not None:
        suggested = topic.next
    elif turn.suggest_start:
        suggested = turn.knowledge.starters
    buttons = tuple(
        presentation.Button(turn.knowledge.topics[topic_id].title, topic_id) for topic_id in suggested
    )
    return presentation.Screen(
        title=card.title or "",
        text=text,
        source=source,
        number=number,
        next_heading=turn.line("screen_next" if topic is not None else "screen_start"),
        buttons=buttons,
    )
