"""The nurse line's hours as this turn sees them: its status now, the UK date, when it
next opens in words, and whether a reminder for that opening is due."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from skill import opening_hours
from skill.knowledge import spoken_time

if TYPE_CHECKING:
    from skill.conversation.turn import Turn


def line_status(turn: Turn) -> opening_hours.LineStatus:
    return opening_hours.status(turn.knowledge.helpline, turn.now)


def today(turn: Turn) -> datetime:
    """Now, in the helpline's (UK) time: its date is the UK date."""
    return opening_hours.local(turn.knowledge.helpline, turn.now)


def reminder_due(turn: Turn) -> opening_hours.LineStatus | None:
    """The line's status, when a reminder for its opening is to be offered: the line
    is closed now, and no reminder has been offered in this session, unless this is
    that same offer said again ("say that again", "speak slower")."""
    status = line_status(turn)
    if status.open_now or status.next_opening is None:
        return None
    if turn.session.reminder_offered and turn.session.pending != "reminder":
        return None
    return status


def when_next_open(turn: Turn, status: opening_hours.LineStatus) -> str:
    """'today at 9am', 'tomorrow at 9am' or 'on Monday at 9am'."""
    opening = status.next_opening
    assert opening is not None
    opens = spoken_time(opening)
    days_ahead = (opening.date() - today(turn).date()).days
    if days_ahead == 0:
        return turn.line("when_today", opens=opens)
    if days_ahead == 1:
        return turn.line("when_tomorrow", opens=opens)
    return turn.line("when_day", day=opening.strftime("%A"), opens=opens)
