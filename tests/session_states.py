"""Session attributes for property tests, drawn from the state model itself
(``skill/conversation/state.py``): every key it holds, with values its own moves write,
and odd values in their place.

The keys are found, not listed: each property of ``SessionState`` is read once over a
mapping that notes every key asked of it. The valid values are written by the model's
own moves (``MOVES``, one per public method, and one per settable property should it
ever gain one); a key the model gains, or a move, fails
``tests/test_web_properties.py`` until it is taught here, so the attributes the
properties send cannot go stale again.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import cache
from typing import Any, get_args

from hypothesis import strategies as st

from skill import knowledge
from skill.conversation.state import LINE_QUESTIONS, Content, Pending, Replay, SessionState
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


#: Topic ids that "answered" draws from: its moves also fill the history ("history").
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
    "answered": st.tuples(st.sampled_from(TOPICS), st.booleans()).map(
        lambda drawn: lambda session: session.answered(drawn[0], more=drawn[1])
    ),
    "asked_also": st.sampled_from([*TOPICS, *LINE_QUESTIONS]).map(
        lambda question: lambda session: session.asked_also(question)
    ),
    "named_list": st.lists(st.sampled_from(TOPICS), min_size=2, max_size=8).map(
        lambda topic_ids: lambda session: session.named_list(topic_ids)
    ),
    "answered_about_helpline": st.just(SessionState.answered_about_helpline),
    "read_number": st.just(SessionState.read_number),
    "crisis_answered": st.just(SessionState.crisis_answered),
    "gave_disclaimer": st.just(SessionState.gave_disclaimer),
    "replied": st.tuples(_pending, st.booleans()).map(
        lambda drawn: lambda session: session.replied(drawn[0], new=drawn[1])
    ),
    "declined": st.just(SessionState.declined),
    "offered_reminder": st.just(SessionState.offered_reminder),
    "asked_permission": st.just(SessionState.asked_permission),
    "chose_rate": st.sampled_from(get_args(Rate)).map(lambda rate: lambda session: session.chose_rate(rate)),
    "content_said": _contents.map(lambda content: lambda session: session.content_said(content)),
    "started_over": st.just(SessionState.started_over),
    "preferences_loaded": _preferences.map(
        lambda preferences: lambda session: session.preferences_loaded(preferences)
    ),
    "preferences_unreadable": st.just(SessionState.preferences_unreadable),
    "preferences_saved": _preferences.map(
        lambda preferences: lambda session: session.preferences_saved(preferences)
    ),
    "forgotten": st.just(SessionState.forgotten),
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
