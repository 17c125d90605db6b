"""The conversation state (``skill/conversation/state.py``): one typed model that changes
only by its named moves, a thread that cannot mistake a topic for the nurse line, and
attributes from any session, however odd, read as defaults."""

from __future__ import annotations

import re
from typing import Any, get_args

import pytest
from hypothesis import given, settings

from skill.conversation import yes_no
from skill.conversation.state import (
    CRISIS,
    HELPLINE,
    HISTORY_LIMIT,
    OnTopic,
    Pending,
    SessionState,
    check_topic_ids,
)
from skill.knowledge import ContentError
from tests.conftest import KNOWN, ROOT
from tests.session_states import session_attributes, valid_attributes

#: A write to a session attribute or a property of the state, anywhere but the model.
WRITES = re.compile(r"\bsession\.\w+\s*=(?!=)|session_attributes\[[^\]]*\]\s*=(?!=)|\b_attributes\[")


def test_the_state_has_no_setters_only_moves() -> None:
    properties = [member for member in vars(SessionState).values() if isinstance(member, property)]
    assert properties and all(member.fset is None for member in properties)


def test_no_code_but_the_model_writes_the_session() -> None:
    model = ROOT / "skill" / "conversation" / "state.py"
    found = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for path in sorted((ROOT / "skill").rglob("*.py"))
        if path != model
        for line in path.read_text(encoding="utf-8").splitlines()
        if WRITES.search(line)
    ]
    assert found == []


def test_the_thread_follows_the_moves() -> None:
    session = SessionState({})
    assert session.thread is None
    session.answered("bone_pain", more=False)
    assert session.thread == OnTopic("bone_pain")
    session.answered_about_helpline()
    assert session.thread == HELPLINE
    session.answered("chemotherapy", more=True)
    session.read_number()
    assert session.thread == HELPLINE and session.helpline_read
    session.crisis_answered()
    assert session.thread == CRISIS and session.crisis_heard
    session.started_over()
    assert session.thread is None


def test_a_topic_is_never_the_nurse_line_or_the_crisis() -> None:
    assert OnTopic(HELPLINE) != HELPLINE
    assert OnTopic(CRISIS) != CRISIS


@pytest.mark.parametrize("name", [HELPLINE, CRISIS])
def test_content_with_a_topic_named_as_a_thread_does_not_start(name: str) -> None:
    with pytest.raises(ContentError, match=name):
        check_topic_ids([*KNOWN.topics, name])


def test_the_real_topics_are_named_apart_from_the_threads() -> None:
    check_topic_ids(KNOWN.topics)


@settings(max_examples=200, deadline=None)
@given(attributes=valid_attributes())
def test_no_move_writes_the_dead_last_topic_key(attributes: dict[str, Any]) -> None:
    assert "lastTopic" not in attributes


@settings(max_examples=300, deadline=None)
@given(attributes=session_attributes())
def test_odd_attributes_read_as_defaults_never_a_crash(attributes: dict[str, Any]) -> None:
    session = SessionState(attributes)
    assert session.rate in ("normal", "slow")
    assert session.pending in (None, *get_args(Pending))
    assert session.thread in (None, HELPLINE, CRISIS) or isinstance(session.thread, OnTopic)
    assert isinstance(session.offer_streak, int) and not isinstance(session.offer_streak, bool)
    for flag in (
        session.helpline_read,
        session.more_given,
        session.crisis_heard,
        session.disclaimer_given,
        session.offer_declined,
        session.reminder_offered,
        session.reminder_permission_asked,
        session.may_offer_reminder,
    ):
        assert flag in (True, False)
    history = session.history
    assert isinstance(history, tuple) and len(history) <= HISTORY_LIMIT
    assert all(isinstance(topic_id, str) and topic_id for topic_id in history)
    content = session.last_content
    assert content is None or (isinstance(content.speech, str) and content.speech)
    assert session.preferences.rate == session.rate
    stored = session.stored
    assert stored is None or stored.rate in ("normal", "slow")


def test_the_history_keeps_the_last_few_topics_answered_each_once_most_recent_last() -> None:
    attributes: dict[str, Any] = {}
    session = SessionState(attributes)
    assert session.history == ()
    for topic_id in ("chemotherapy", "radiotherapy", "chemotherapy", "surgery", "bone_pain", "liver"):
        session.answered(topic_id, more=False)
    assert session.history == ("chemotherapy", "surgery", "bone_pain", "liver")
    assert attributes["history"] == list(session.history)
    session.answered("liver", more=True)  # the fuller answer of the same topic
    again = SessionState(attributes).history
    assert again[-1] == "liver" and len(set(again)) == len(again)


def test_only_answering_a_topic_changes_the_history() -> None:
    session = SessionState({})
    session.answered("chemotherapy", more=False)
    for move in (
        session.answered_about_helpline,
        session.read_number,
        session.crisis_answered,
        session.started_over,
        session.declined,
    ):
        move()
    assert session.history == ("chemotherapy",)


@pytest.mark.parametrize(
    "stored",
    ["chemotherapy", None, 3, {"a": "b"}, ["chemotherapy", 4], ["", "liver"], list("abcde"), [True]],
)
def test_an_odd_stored_history_reads_as_none(stored: object) -> None:
    assert SessionState({"history": stored}).history == ()


def test_an_older_sessions_last_topic_is_not_read() -> None:
    session = SessionState({"lastTopic": "bone_pain"})
    assert session.thread is None


def test_yes_and_no_answer_everything_that_can_be_pending() -> None:
    answerable = {None, "crisis", *get_args(Pending)}
    assert set(yes_no.YES) == answerable
    assert set(yes_no.NO) == answerable
