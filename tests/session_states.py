"""Session attributes for property tests, drawn from the state model itself
(``skill/conversation/state.py``): every key it holds, with values its own moves write,
and odd values in their place.

The keys are found, not listed: each property of ``SessionState`` is read once over a
mapping that notes every key asked of it. The valid values are written by the model's
own setters and moves (``MOVES``, one per settable property or public method); a key
the model gains, or a move, fails ``tests/test_web_properties.py`` until it is taught
here, so the attributes the properties send cannot go stale again.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

from hypothesis import strategies as st

from skill import knowledge
from skill.conversation.state import CRISIS_THREAD, HELPLINE_THREAD, Content, Pending, Replay, SessionState
from skill.preferences import Preferences, Rate
from skill.speech import Speech

#: Any JSON value Alexa could carry back: what a tampered or stale session might hold.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)

Move = Callable[[SessionState], None]


class _Noting(dict[str, Any]):
    """A mapping that notes every key asked of it."""

    def __init__(self) -> None:
        super().__init__()
        self.asked: set[str] = set()

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)


def _properties() -> dict[str, property]:
    return dict(inspect.getmembers(SessionState, lambda member: isinstance(member, property)))


@cache
def keys_read() -> frozenset[str]:
    """Every session attribute the model reads: each of its properties, read once."""
    attributes = _Noting()
    session = SessionState(attributes)
    for name in _properties():
        getattr(session, name)
    return frozenset(attributes.asked)


def model_moves() -> frozenset[str]:
    """What the model lets handlers do: its settable properties and public methods."""
    settable = {name for name, member in _properties().items() if member.fset is not None}
    methods = {
        name
        for name, member in inspect.getmembers(SessionState, inspect.isfunction)
        if not name.startswith("_")
    }
    return frozenset(settable | methods)


def _setting(name: str) -> Callable[[Any], Move]:
    def to(value: Any) -> Move:
        return lambda session: setattr(session, name, value)

    return to


TOPICS = sorted(knowledge.load().topics)
_topic_speech = st.sampled_from(TOPICS).map(lambda topic: Speech().say(knowledge.load().topics[topic].speech))
_pending = st.sampled_from([None, *get_args(Pending)])
_preferences = st.builds(Preferences, rate=st.sampled_from(get_args(Rate)), disclaimer_heard=st.booleans())
_contents = st.builds(
    Content,
    speech=_topic_speech.map(Speech.body),
    reprompt=st.none() | _topic_speech.map(Speech.body),
    pending=_pending,
    replay=st.sampled_from([None, *get_args(Replay)]),
)

#: One strategy per move of the model, each drawing a valid use of it.
MOVES: dict[str, st.SearchStrategy[Move]] = {
    "rate": st.sampled_from(get_args(Rate)).map(_setting("rate")),
    "helpline_read": st.booleans().map(_setting("helpline_read")),
    "pending": _pending.map(_setting("pending")),
    "thread": st.sampled_from([None, HELPLINE_THREAD, CRISIS_THREAD, *TOPICS]).map(_setting("thread")),
    "offer_streak": st.integers(0, 3).map(_setting("offer_streak")),
    "disclaimer_given": st.booleans().map(_setting("disclaimer_given")),
    "offer_declined": st.booleans().map(_setting("offer_declined")),
    "reminder_offered": st.booleans().map(_setting("reminder_offered")),
    "reminder_permission_asked": st.booleans().map(_setting("reminder_permission_asked")),
    "stored": (st.none() | _preferences).map(_setting("stored")),
    "answered": st.tuples(st.sampled_from(TOPICS), st.booleans()).map(
        lambda drawn: lambda session: session.answered(drawn[0], more=drawn[1])
    ),
    "remember": _contents.map(lambda content: lambda session: session.remember(content)),
    "recall": _preferences.map(lambda preferences: lambda session: session.recall(preferences)),
    "start_over": st.just(SessionState.start_over),
    "crisis_answered": st.just(SessionState.crisis_answered),
}


@st.composite
def valid_attributes(draw: st.DrawFn) -> dict[str, Any]:
    """The attributes after a few of the model's own moves, as a session could hold them."""
    attributes: dict[str, Any] = {}
    session = SessionState(attributes)
    for move in draw(st.lists(st.one_of(*MOVES.values()), max_size=8)):
        move(session)
    return attributes


@st.composite
def session_attributes(draw: st.DrawFn) -> dict[str, Any]:
    """Valid attributes with some keys odd: any JSON, or another key's valid value
    (``pending`` holding a topic id, ``thread`` holding ``True``), and a key the model
    does not know."""
    attributes = draw(valid_attributes())
    keys = [*sorted(keys_read()), "other"]
    for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)):
        elsewhere = list(draw(valid_attributes()).values())
        odd = json_values | st.sampled_from(elsewhere) if elsewhere else json_values
        attributes[key] = draw(odd)
    return attributes
