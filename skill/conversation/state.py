"""What the skill holds within one session, kept in Alexa's session attributes.

Alexa sends these back with each request of the session; nothing here outlives the
session or is stored by us. Topic ids and flags only: never what the user said. Of all
this, only the speaking rate and whether the disclaimer was given are kept between
sessions, where a preference store is configured (see ``skill.preferences``).

The state changes only by its moves, each named for what happened (``answered``,
``read_number``, ``declined``, ``started_over``...), as a dialogue tracker applies
events: handlers read it, and call a move; none writes a key or sets a property. What
arrives is read defensively: a key missing, or holding a value no move writes (an older
session's, a tampered one's), reads as its default.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from typing import Any, Final, Literal, NamedTuple, TypeAlias

from skill.knowledge import ContentError
from skill.preferences import Preferences, Rate

#: The offer or question the user's next "yes" or "no" answers: "also_asked" is the
#: other of two questions asked at once ("would you like that now?").
Pending = Literal["helpline", "anything_else", "reminder", "also_asked"]
#: Content that is rebuilt rather than replayed: the helpline number has its own pace.
Replay = Literal["helpline"]


class OnTopic(NamedTuple):
    """The thread is on a topic: the last answer was about it."""

    topic_id: str


#: The thread when the last answer was about the nurse line (its number, its hours, its
#: cost).
HELPLINE: Final = "helpline"
#: The thread after the crisis or overdose answer: a yes or a no then gets the numbers
#: again, gently, never a menu of topics.
CRISIS: Final = "crisis"
#: What the conversation is about: a follow-up that names no topic ("what's that for?",
#: "is it free?") is about it. A topic is wrapped (``OnTopic``), so it can never be taken
#: for the nurse line or the crisis answer, whatever its id.
Thread: TypeAlias = OnTopic | Literal["helpline", "crisis"]

_RATE = "rate"
_HELPLINE_READ = "helplineRead"
_PENDING = "pending"
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
_HISTORY = "history"
_ALSO_ASKED = "alsoAsked"
_LAST_LIST = "lastList"

#: The questions about the nurse line that can be the other of two questions asked at
#: once, beside the topics: its number, its hours, its cost.
LINE_QUESTIONS: Final = ("helpline", "helpline_hours", "helpline_cost")
#: The other of two questions when it is the side effects of a treatment ("what's
#: electrochemotherapy and what are the side effects of chemo"): this, then the topic id.
SIDE_EFFECTS_OF: Final = "side_effects_of:"
#: ... and when it is whether the line is open at one time ("... and can I ring the
#: nurses at the weekend"): this, then the `when` slot's value id.
HOURS_ASKED: Final = "helpline_hours:"


def question_parts(question: str) -> tuple[str, str]:
    """An ``AlsoAskedType`` question id as (kind, what it is about): (``SIDE_EFFECTS_OF``,
    a topic id), (``HOURS_ASKED``, a `when` value id), or ("", the id itself) for a topic
    id or one of ``LINE_QUESTIONS``."""
    for kind in (SIDE_EFFECTS_OF, HOURS_ASKED):
        if question.startswith(kind):
            return kind, question.removeprefix(kind)
    return "", question


#: How many of the topics last answered the session keeps, oldest first: enough for "go
#: back" and for "which did you mean?" after "wrong one".
HISTORY_LIMIT: Final = 4


def check_topic_ids(topic_ids: Iterable[str]) -> None:
    """In the session a topic thread is kept as the topic's id, beside ``HELPLINE`` and
    ``CRISIS``, and the other of two questions as a topic id or one of ``LINE_QUESTIONS``:
    a topic with one of those ids would read back as one of them. Checked at start-up,
    with the content."""
    for topic_id in topic_ids:
        if topic_id in (HELPLINE, CRISIS):
            raise ContentError(f"topics.{topic_id}: '{topic_id}' names a thread of the conversation")
        if topic_id in LINE_QUESTIONS:
            raise ContentError(f"topics.{topic_id}: '{topic_id}' names a question about the nurse line")


def _thread(value: object) -> Thread | None:
    """Any other text is a topic id, perhaps of no topic (an older session's, a tampered
    one's): no topic is then the last answered, and "is it free?" is still not about the
    line."""
    if value == HELPLINE:
        return HELPLINE
    if value == CRISIS:
        return CRISIS
    return OnTopic(value) if isinstance(value, str) else None


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
    if value == "also_asked":
        return "also_asked"
    return None


class SessionState:
    """Typed access to the session attributes, and the moves that change them; unknown
    or odd values read as defaults."""

    def __init__(self, attributes: MutableMapping[str, Any]) -> None:
        self._attributes = attributes

    def _flag(self, key: str) -> bool:
        return self._attributes.get(key) is True

    # --- What the session holds ----------------------------------------------------

    @property
    def rate(self) -> Rate:
        return "slow" if self._attributes.get(_RATE) == "slow" else "normal"

    @property
    def helpline_read(self) -> bool:
        """The nurse line's number has been read in this session."""
        return self._flag(_HELPLINE_READ)

    @property
    def pending(self) -> Pending | None:
        return _pending(self._attributes.get(_PENDING))

    @property
    def more_given(self) -> bool:
        """The last topic answer was its fuller version."""
        return self._flag(_MORE_GIVEN)

    @property
    def thread(self) -> Thread | None:
        """What the last answer was about, if anything."""
        return _thread(self._attributes.get(_THREAD))

    @property
    def history(self) -> tuple[str, ...]:
        """The topic ids last answered, oldest first, each once, at most ``HISTORY_LIMIT``:
        the last is the most recent. Anything else stored (not a list, too long, an item
        that is not text) reads as no history."""
        stored = self._attributes.get(_HISTORY)
        if not isinstance(stored, list) or len(stored) > HISTORY_LIMIT:
            return ()
        if not all(isinstance(topic_id, str) and topic_id for topic_id in stored):
            return ()
        return tuple(stored)

    @property
    def also_asked(self) -> str | None:
        """The other of two questions asked at once, waiting for a yes ("You also asked
        about the hours the nurses are open: would you like that now?"): a topic id, one of
        ``LINE_QUESTIONS`` or ``SIDE_EFFECTS_OF`` a topic id; only while that question is
        what a yes answers."""
        stored = self._attributes.get(_ALSO_ASKED)
        if self.pending != "also_asked" or not isinstance(stored, str) or not stored:
            return None
        return stored

    @property
    def last_list(self) -> tuple[str, ...]:
        """The topic ids the last answer that named several things named, in the order
        said ("the first one", "the tube one" pick from it). Anything else stored reads
        as no list."""
        stored = self._attributes.get(_LAST_LIST)
        if not isinstance(stored, list) or not all(isinstance(item, str) and item for item in stored):
            return ()
        return tuple(stored)

    @property
    def crisis_heard(self) -> bool:
        """The crisis or overdose answer was given earlier in this session."""
        return self._flag(_CRISIS_ANSWERED)

    @property
    def offer_streak(self) -> int:
        """How many replies in a row have ended with the helpline offer."""
        value = self._attributes.get(_OFFER_STREAK)
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def disclaimer_given(self) -> bool:
        return self._flag(_DISCLAIMER_GIVEN)

    @property
    def offer_declined(self) -> bool:
        """The user has said no to the helpline offer once in this session."""
        return self._flag(_OFFER_DECLINED)

    @property
    def reminder_offered(self) -> bool:
        """A reminder for when the nurse line opens has been offered in this session: it
        is offered once. A flag only: the reminder itself is never kept."""
        return self._flag(_REMINDER_OFFERED)

    @property
    def may_offer_reminder(self) -> bool:
        """No reminder has been offered in this session, or this is that same offer said
        again ("say that again", "speak slower")."""
        return not self.reminder_offered or self.pending == "reminder"

    @property
    def reminder_permission_asked(self) -> bool:
        """Alexa has asked the user, by voice, for the reminders permission in this
        session: it is never asked twice."""
        return self._flag(_REMINDER_PERMISSION_ASKED)

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

    # --- The conversation's moves --------------------------------------------------

    def answered(self, topic_id: str, *, more: bool) -> None:
        """A topic was answered (its fuller version, with ``more``): the thread is on it,
        and it is the most recent of the history (once: an earlier mention moves up). A
        topic that is not an item of the last list ends that list."""
        self._attributes[_MORE_GIVEN] = more
        self._attributes[_THREAD] = topic_id
        if topic_id not in self.last_list:  # the talk has moved on from the last list
            self._attributes.pop(_LAST_LIST, None)
        history = [earlier for earlier in self.history if earlier != topic_id]
        self._attributes[_HISTORY] = [*history, topic_id][-HISTORY_LIMIT:]

    def asked_also(self, question: str) -> None:
        """Two questions were asked at once: the first was answered, and ``question`` (a
        topic id or one of ``LINE_QUESTIONS``) is offered next; a yes answers it. The
        reply that offers it is pending "also_asked"."""
        self._attributes[_ALSO_ASKED] = question

    def named_list(self, topic_ids: Iterable[str]) -> None:
        """An answer named several things, these topics in this order: "the last one",
        "the skin one" pick from them, until another list is named."""
        self._attributes[_LAST_LIST] = list(topic_ids)

    def answered_about_helpline(self) -> None:
        """The nurse line's hours or cost were given: the thread is on the line."""
        self._attributes[_THREAD] = HELPLINE

    def read_number(self) -> None:
        """The nurse line's number was read: it is not offered again this session, and
        the thread is on the line."""
        self._attributes[_HELPLINE_READ] = True
        self._attributes[_THREAD] = HELPLINE

    def crisis_answered(self) -> None:
        """The crisis or overdose answer was given: the thread is on it, and until the
        session ends a goodbye gives Samaritans' number once more. A flag only, kept in
        the session and never stored."""
        self._attributes[_THREAD] = CRISIS
        self._attributes[_CRISIS_ANSWERED] = True

    def gave_disclaimer(self) -> None:
        """The one-line disclaimer was said."""
        self._attributes[_DISCLAIMER_GIVEN] = True

    def replied(self, pending: Pending | None, *, new: bool) -> None:
        """A reply went out ending with ``pending`` (what the next yes or no answers), or
        with nothing to answer. It keeps count of offers in a row: a reply that is not an
        offer of the number ends the row; a new offer made while the last one went
        unanswered extends it (a repeat of the same offer, or an acknowledgement before
        one, ``new=False``, neither)."""
        if pending != "also_asked":
            self._attributes.pop(_ALSO_ASKED, None)
        if pending != "helpline":
            self._attributes[_OFFER_STREAK] = 0
        elif new:
            passed_over = self.pending == "helpline"
            self._attributes[_OFFER_STREAK] = self.offer_streak + 1 if passed_over else 1
        self._attributes[_PENDING] = pending

    def declined(self) -> None:
        """The user said no to the helpline offer."""
        self._attributes[_OFFER_DECLINED] = True

    def offered_reminder(self) -> None:
        """A reminder for when the line opens was offered: once a session."""
        self._attributes[_REMINDER_OFFERED] = True

    def asked_permission(self) -> None:
        """Alexa was asked to ask the user for the reminders permission: never twice a
        session. The reply says nothing, so nothing is pending."""
        self._attributes[_REMINDER_PERMISSION_ASKED] = True
        self._attributes[_PENDING] = None

    def chose_rate(self, rate: Rate) -> None:
        """The user asked for a speaking rate ("speak slower", "speak normally")."""
        self._attributes[_RATE] = rate

    def content_said(self, content: Content) -> None:
        """Content of substance was said: "say that again" says it (the repeat cache)."""
        self._attributes[_LAST_CONTENT] = {
            "speech": content.speech,
            "reprompt": content.reprompt,
            "pending": content.pending,
            "replay": content.replay,
        }

    def started_over(self) -> None:
        """Back to the start: forget the conversation, keep the user's settings."""
        for key in (_PENDING, _MORE_GIVEN, _THREAD, _OFFER_STREAK, _ALSO_ASKED, _LAST_LIST):
            self._attributes.pop(key, None)

    # --- Kept between sessions -----------------------------------------------------

    @property
    def preferences(self) -> Preferences:
        """What would be kept of this session now."""
        return Preferences(rate=self.rate, disclaimer_heard=self.disclaimer_given)

    @property
    def stored(self) -> Preferences | None:
        """The user's record as the store holds it, as far as this session knows; None
        when the session must not write (the store could not be read, or the user has
        just asked to be forgotten)."""
        stored = self._attributes.get(_STORED)
        return Preferences.from_attributes(stored) if isinstance(stored, dict) else None

    def preferences_loaded(self, preferences: Preferences) -> None:
        """A new session took up the user's kept preferences."""
        self._attributes[_RATE] = preferences.rate
        self._attributes[_DISCLAIMER_GIVEN] = preferences.disclaimer_heard
        self._attributes[_STORED] = preferences.to_attributes()

    def preferences_unreadable(self) -> None:
        """The store could not be read: this session writes nothing."""
        self._attributes[_STORED] = None

    def preferences_saved(self, preferences: Preferences) -> None:
        """The store now holds ``preferences``."""
        self._attributes[_STORED] = preferences.to_attributes()

    def forgotten(self) -> None:
        """The user's record was deleted ("forget me"): nothing more is written this
        session."""
        self._attributes[_STORED] = None
