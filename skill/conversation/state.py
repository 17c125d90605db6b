"""What the skill remembers within one session, kept in Alexa's session attributes.

Alexa sends these back with each request of the session; nothing here outlives the
session or is stored by us. Topic ids and flags only: never what the user said. Of all
this, only the speaking rate and whether the disclaimer was given are remembered
between sessions, where a preference store is configured (see ``skill.preferences``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any, Literal, NamedTuple

from skill.preferences import Preferences, Rate

#: The offer or question the user's next "yes" or "no" answers.
Pending = Literal["helpline", "anything_else", "reminder"]
#: Content that is rebuilt rather than replayed: the helpline number has its own pace.
Replay = Literal["helpline"]

_RATE = "rate"
_HELPLINE_READ = "helplineRead"
_PENDING = "pending"
_LAST_TOPIC = "lastTopic"
_MORE_GIVEN = "moreGiven"
_DISCLAIMER_GIVEN = "disclaimerGiven"
_LAST_CONTENT = "lastContent"
_OFFER_DECLINED = "offerDeclined"
_REMINDER_OFFERED = "reminderOffered"
_REMINDER_PERMISSION_ASKED = "reminderPermissionAsked"
_STORED = "stored"
_THREAD = "thread"
_OFFER_STREAK = "offerStreak"
_CRISIS_ANSWERED = "crisisAnswered"
#: The thread when the last answer was about the nurse line (its number or its hours).
HELPLINE_THREAD = "helpline"
#: The thread after the crisis or overdose answer: a yes or a no then gets the numbers
#: again, gently, never a menu of topics.
CRISIS_THREAD = "crisis"


class Content(NamedTuple):
    """The last thing of substance the skill said (never an acknowledgement), kept so
    that "say that again" and "speak slower" can say it again at any rate.

    ``speech`` and ``reprompt`` are SSML bodies built by ``skill.speech`` without the
    rate; ``replay`` names content that is rebuilt instead (the helpline number).
    """

    speech: str
    reprompt: str | None
    pending: Pending | None
    replay: Replay | None = None


def _pending(value: object) -> Pending | None:
    if value == "helpline":
        return "helpline"
    if value == "anything_else":
        return "anything_else"
    if value == "reminder":
        return "reminder"
    return None


class SessionState:
    """Typed access to the session attributes; unknown or odd values read as defaults."""

    def __init__(self, attributes: MutableMapping[str, Any]) -> None:
        self._attributes = attributes

    def _flag(self, key: str) -> bool:
        return self._attributes.get(key) is True

    @property
    def rate(self) -> str:
        return "slow" if self._attributes.get(_RATE) == "slow" else "normal"

    @rate.setter
    def rate(self, value: str) -> None:
        self._attributes[_RATE] = value

    @property
    def helpline_read(self) -> bool:
        return self._flag(_HELPLINE_READ)

    @helpline_read.setter
    def helpline_read(self, value: bool) -> None:
        self._attributes[_HELPLINE_READ] = value

    @property
    def pending(self) -> Pending | None:
        return _pending(self._attributes.get(_PENDING))

    @pending.setter
    def pending(self, value: Pending | None) -> None:
        self._attributes[_PENDING] = value

    @property
    def last_topic(self) -> str | None:
        value = self._attributes.get(_LAST_TOPIC)
        return value if isinstance(value, str) else None

    @property
    def more_given(self) -> bool:
        return self._flag(_MORE_GIVEN)

    def answered(self, topic_id: str, *, more: bool) -> None:
        self._attributes[_LAST_TOPIC] = topic_id
        self._attributes[_MORE_GIVEN] = more
        self._attributes[_THREAD] = topic_id

    @property
    def thread(self) -> str | None:
        """What the last answer was about: a topic id, or ``HELPLINE_THREAD``. A follow-up
        that names no topic ("what's that for?", "is it free?") is about it."""
        value = self._attributes.get(_THREAD)
        return value if isinstance(value, str) else None

    @thread.setter
    def thread(self, value: str | None) -> None:
        self._attributes[_THREAD] = value

    def crisis_answered(self) -> None:
        """The crisis or overdose answer was given: the thread is on it, and until the
        session ends a goodbye gives Samaritans' number once more. A flag only, kept in
        the session and never stored."""
        self._attributes[_THREAD] = CRISIS_THREAD
        self._attributes[_CRISIS_ANSWERED] = True

    @property
    def crisis_heard(self) -> bool:
        """The crisis or overdose answer was given earlier in this session."""
        return self._flag(_CRISIS_ANSWERED)

    @property
    def offer_streak(self) -> int:
        """How many replies in a row have ended with the helpline offer."""
        value = self._attributes.get(_OFFER_STREAK)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @offer_streak.setter
    def offer_streak(self, value: int) -> None:
        self._attributes[_OFFER_STREAK] = value

    @property
    def disclaimer_given(self) -> bool:
        return self._flag(_DISCLAIMER_GIVEN)

    @disclaimer_given.setter
    def disclaimer_given(self, value: bool) -> None:
        self._attributes[_DISCLAIMER_GIVEN] = value

    @property
    def offer_declined(self) -> bool:
        """The user has said no to the helpline offer once in this session."""
        return self._flag(_OFFER_DECLINED)

    @offer_declined.setter
    def offer_declined(self, value: bool) -> None:
        self._attributes[_OFFER_DECLINED] = value

    @property
    def reminder_offered(self) -> bool:
        """A reminder for when the nurse line opens has been offered in this session: it
        is offered once. A flag only: the reminder itself is never kept."""
        return self._flag(_REMINDER_OFFERED)

    @reminder_offered.setter
    def reminder_offered(self, value: bool) -> None:
        self._attributes[_REMINDER_OFFERED] = value

    @property
    def reminder_permission_asked(self) -> bool:
        """Alexa has asked the user, by voice, for the reminders permission in this
        session: it is never asked twice."""
        return self._flag(_REMINDER_PERMISSION_ASKED)

    @reminder_permission_asked.setter
    def reminder_permission_asked(self, value: bool) -> None:
        self._attributes[_REMINDER_PERMISSION_ASKED] = value

    def remember(self, content: Content) -> None:
        self._attributes[_LAST_CONTENT] = {
            "speech": content.speech,
            "reprompt": content.reprompt,
            "pending": content.pending,
            "replay": content.replay,
        }

    @property
    def last_content(self) -> Content | None:
        stored = self._attributes.get(_LAST_CONTENT)
        if not isinstance(stored, dict):
            return None
        speech, reprompt = stored.get("speech"), stored.get("reprompt")
        if not isinstance(speech, str) or not speech:
            return None
        return Content(
            speech=speech,
            reprompt=reprompt if isinstance(reprompt, str) and reprompt else None,
            pending=_pending(stored.get("pending")),
            replay="helpline" if stored.get("replay") == "helpline" else None,
        )

    # --- Remembered between sessions ----------------------------------------------

    @property
    def preferences(self) -> Preferences:
        """What would be remembered of this session now."""
        rate: Rate = "slow" if self.rate == "slow" else "normal"
        return Preferences(rate=rate, disclaimer_heard=self.disclaimer_given)

    @property
    def stored(self) -> Preferences | None:
        """The user's record as the store holds it, as far as this session knows; None
        when the session must not write (the store could not be read, or the user has
        just asked to be forgotten)."""
        stored = self._attributes.get(_STORED)
        return Preferences.from_attributes(stored) if isinstance(stored, dict) else None

    @stored.setter
    def stored(self, value: Preferences | None) -> None:
        self._attributes[_STORED] = value.to_attributes() if value is not None else None

    def recall(self, preferences: Preferences) -> None:
        """A new session takes up the user's remembered preferences."""
        self.rate = preferences.rate
        self.disclaimer_given = preferences.disclaimer_heard
        self.stored = preferences

    def start_over(self) -> None:
        """Back to the start: forget the conversation, keep the user's settings."""
        for key in (_PENDING, _LAST_TOPIC, _MORE_GIVEN, _THREAD, _OFFER_STREAK):
            self._attributes.pop(key, None)
