"""The offer policy: when a reply ends by offering the nurse helpline's number.

No nagging: never once the number has been read; after the first "no", only where the
nurses are the natural next step (support, feelings, deciding not to have treatment);
and an offer the user passes over (asking something else instead of yes or no) at most
twice in a row (the count is the session's: ``SessionState.replied``).
"""

from __future__ import annotations

from typing import Literal

from skill.conversation.state import SessionState

#: How a reply ends. "offer": offer the helpline, unless it has been read or the user
#: has said no to it; "nurses": offer it even after a no, because the nurses are the
#: natural next step (support, feelings, deciding not to have treatment), but never
#: once it has been read; "anything_else": ask what else; "end": close the session.
Closing = Literal["offer", "nurses", "anything_else", "end"]

#: An offer the user passes over (asking something else instead of yes or no) is made
#: at most this many times in a row; a yes or a no to it starts the count again.
OFFERS_IN_A_ROW = 2


def offers_helpline(session: SessionState, closing: Closing) -> bool:
    """Whether a reply ending this way offers the nurse helpline's number."""
    if session.helpline_read or session.offer_streak >= OFFERS_IN_A_ROW:
        return False
    if closing == "nurses":
        return True
    return closing == "offer" and not session.offer_declined
