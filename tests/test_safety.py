"""Safety first: crisis and emergency answers, and the safety net on words in any slot.

Through the real Lambda handler with Alexa's JSON envelopes. Expected words are read
from the dialogue by key, so rewording an answer breaks no test here.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Callable
from importlib import resources

import pytest

from skill import builder, knowledge
from skill.devtools.envelopes import slot_json
from skill.knowledge import ContentError
from skill.knowledge.safety_words import URGENCIES, Urgency
from tests.conftest import Conversation, said

SAMARITANS_DIGITS = '<say-as interpret-as="digits">116</say-as> <say-as interpret-as="digits">123</say-as>'
DIGITS_999 = '<say-as interpret-as="digits">999</say-as>'


def symptom(spoken: str) -> dict:
    """A symptom the model does not know, as Alexa sends it: heard, but no match."""
    return {"symptom": slot_json("symptom", spoken, "SymptomType", None, None)}


# --- Crisis -----------------------------------------------------------------------------


def test_crisis_answer_is_samaritans_and_999_first_and_keeps_the_session_open(talk: Conversation) -> None:
    heard = talk.intent("CrisisIntent")
    assert heard.speech == said("crisis")
    assert heard.speech.index("Samaritans") < heard.speech.index("999") < heard.speech.index("nurses")
    assert SAMARITANS_DIGITS in heard.ssml and DIGITS_999 in heard.ssml  # digit by digit
    assert "Would you like" not in heard.speech  # nothing else in that answer
    assert not heard.ends_session
    assert heard.reprompt == said("crisis_reprompt") and SAMARITANS_DIGITS in heard.reprompt_ssml
    assert heard.card["title"] == said("crisis_card_title") and "116 123" in heard.card["title"]
    assert "999" in heard.card["text"]


def test_crisis_about_someone_else_gets_the_same_calm_answer(talk: Conversation) -> None:
    talk.intent("WhatIsIntent")
    heard = talk.intent("CrisisIntent")  # "my husband is talking about ending his life"
    assert heard.speech == said("crisis")
    assert not heard.ends_session


def test_overdose_and_crisis_are_checked_before_every_other_handler() -> None:
    handlers = builder.request_handlers(knowledge.load())
    assert [type(handler).__name__ for handler in handlers[:3]] == [
        "OverdoseHandler",
        "CrisisHandler",
        "SlotSafetyNetHandler",
    ]


def test_say_that_again_after_a_crisis_repeats_the_numbers(talk: Conversation) -> None:
    first = talk.intent("CrisisIntent")
    again = talk.intent("AMAZON.RepeatIntent")
    assert again.ssml == first.ssml


def test_nothing_but_the_intent_name_is_logged_or_kept(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    talk = Conversation()
    sentinel = "sentinel zebra kill myself"
    heard = talk.intent("SymptomIntent", symptom(sentinel))
    talk.intent("CrisisIntent")
    assert heard.speech == said("crisis")
    assert "CrisisIntent" in caplog.text and "SymptomIntent" in caplog.text
    for private in ("sentinel", "zebra", "kill myself"):
        assert private not in caplog.text
        assert private not in repr(talk.session.attributes)


# --- An overdose already taken ------------------------------------------------------------


def test_overdose_answer_is_999_first_then_samaritans_and_keeps_the_session_open(
    talk: Conversation,
) -> None:
    heard = talk.intent("OverdoseIntent")  # "my husband has taken all of his morphine"
    assert heard.speech == said("overdose")
    assert heard.speech.startswith("Call 999 now.")
    assert heard.speech.index("999") < heard.speech.index("Samaritans")
    assert DIGITS_999 in heard.ssml and SAMARITANS_DIGITS in heard.ssml
    assert "Would you like" not in heard.speech
    assert not heard.ends_session
    assert heard.reprompt == said("overdose_reprompt")
    assert heard.reprompt.index("999") < heard.reprompt.index("116 123")
    assert heard.card["title"] == said("overdose_card_title") and "999" in heard.card["text"]


@pytest.mark.parametrize(
    "spoken",
    ["she's taken all her morphine", "I swallowed a whole packet of paracetamol", "he took too many tablets"],
)
def test_an_overdose_taken_in_a_slot_gets_999_before_samaritans(talk: Conversation, spoken: str) -> None:
    heard = talk.intent("SymptomIntent", symptom(spoken))
    assert heard.speech == said("overdose")
    assert not heard.ends_session


@pytest.mark.parametrize(
    "spoken",
    ["I've been stockpiling my tablets", "saving up my tablets", "I could take the lot", "hoarding pills"],
)
def test_saving_up_medicines_in_a_slot_gets_the_crisis_answer(talk: Conversation, spoken: str) -> None:
    heard = talk.intent("SymptomIntent", symptom(spoken))
    assert heard.speech == said("crisis")
    assert not heard.ends_session


@pytest.mark.parametrize(
    ("utterance", "answer"),
    [
        ("my dad has swallowed all of his oxycodone", "overdose"),
        ("i think she's had too much oramorph", "overdose"),
        ("i have been saving up my sleeping pills for when it gets too much", "crisis"),
        ("my sister has been hiding her painkillers", "crisis"),
        ("i've made a plan to end my life", "crisis"),
    ],
)
def test_typed_overdoses_and_stockpiling_reach_their_answer(utterance: str, answer: str) -> None:
    heard = Conversation().say(utterance)
    assert heard.speech == said(answer)
    assert not heard.ends_session


# --- Emergencies --------------------------------------------------------------------------


def test_an_emergency_beyond_doubt_starts_call_999_now_and_asks_nothing_else(talk: Conversation) -> None:
    heard = talk.intent("EmergencyIntent")  # "he's collapsed and I can't wake him"
    assert heard.speech == said("emergency_now")
    assert heard.speech.startswith("Call 999 now.")
    assert "?" not in heard.speech and "Would you like" not in heard.speech
    assert DIGITS_999 in heard.ssml
    assert not heard.ends_session and heard.reprompt == said("emergency_now_reprompt")
    assert heard.card["title"] == said("emergency_card_title")


def test_urgent_help_is_the_hospital_team_then_999_then_111_and_keeps_the_session_open(
    talk: Conversation,
) -> None:
    """As in UK practice for a temperature during chemotherapy, new numbness or weakness in
    the legs, or sudden confusion: the 24-hour number the hospital team gave them first, 999
    in an emergency, NHS 111 if they cannot reach the team (docs/behaviour.md §4.1)."""
    heard = talk.intent("UrgentHelpIntent")  # "she's got a high temperature after chemo"
    assert heard.speech.startswith(said("urgent"))
    order = [heard.speech.index(words) for words in ("hospital team", "24-hour", "999", "NHS 111")]
    assert order == sorted(order)
    assert DIGITS_999 in heard.ssml
    assert not heard.ends_session and heard.reprompt == said("urgent_reprompt")
    assert heard.reprompt.index("hospital team") < heard.reprompt.index("999")
    assert heard.card["title"] == said("urgent_card_title")
    card = heard.card["text"]
    assert card.index("hospital team") < card.index("999") < card.index("NHS 111")


def test_urgent_help_after_the_number_was_read_asks_what_else(talk: Conversation) -> None:
    talk.intent("HelplineIntent")
    heard = talk.intent("UrgentHelpIntent")
    assert heard.speech.startswith(said("urgent"))
    assert heard.speech.endswith(said("anything_else"))
    assert not heard.ends_session


@pytest.mark.parametrize("spoken", ["chest pain", "she's unconscious", "bleeding heavily", "I can't breathe"])
def test_emergency_words_in_a_slot_get_call_999_now(talk: Conversation, spoken: str) -> None:
    heard = talk.intent("SymptomIntent", symptom(spoken))
    assert heard.speech == said("emergency_now")
    assert not heard.ends_session


@pytest.mark.parametrize(
    "spoken",
    [
        "my legs have gone numb",
        "she's very confused",
        "a high temperature after chemo",
        "shivering",
        "severe pain the tablets don't touch",
    ],
)
def test_urgent_words_in_a_slot_get_the_urgent_help_answer(talk: Conversation, spoken: str) -> None:
    heard = talk.intent("SymptomIntent", symptom(spoken))
    assert heard.speech.startswith(said("urgent"))
    assert not heard.ends_session


@pytest.mark.parametrize("spoken", ["suicidal", "I want to kill myself", "she doesn't want to live"])
def test_crisis_words_in_a_slot_get_the_crisis_answer(talk: Conversation, spoken: str) -> None:
    heard = talk.intent("SymptomIntent", symptom(spoken))
    assert heard.speech == said("crisis")
    assert not heard.ends_session


def test_the_safety_net_covers_every_intent_and_resolved_values_too(talk: Conversation) -> None:
    heard = talk.intent(
        "TreatmentInfoIntent",
        {"treatment": slot_json("treatment", "chest pain", "TreatmentType", "chemotherapy", "chemotherapy")},
    )
    assert heard.speech == said("emergency_now")


SAFETY = knowledge.load().safety
#: The answer each kind of urgency gets, by dialogue key: every kind that can be more
#: urgent than another (urgent help, the least, is never).
WHOLE_ANSWERS = {"overdose": "overdose", "crisis": "crisis", "emergency": "emergency_now"}


def words_for(kind: Urgency) -> str:
    """Words from the kind's own [safety] list that call for that kind and no other."""
    return next(
        words
        for words in (" ".join(phrase) for phrase in SAFETY.phrases(kind))
        if SAFETY.urgency(words) == kind
    )


@pytest.mark.parametrize(
    ("more_urgent", "less_urgent"),
    [(a, b) for i, a in enumerate(URGENCIES) for b in URGENCIES[i + 1 :]],
)
@pytest.mark.parametrize("more_urgent_first", [True, False], ids=["more-urgent-first", "less-urgent-first"])
def test_with_two_slots_of_safety_words_the_most_urgent_kind_wins(
    more_urgent: Urgency, less_urgent: Urgency, more_urgent_first: bool
) -> None:
    """In either order. No intent of the model has two slots today, but the net reads
    every slot a request carries, and an intent may gain one."""
    kinds = (more_urgent, less_urgent) if more_urgent_first else (less_urgent, more_urgent)
    slots = {
        name: slot_json(name, words_for(kind), slot_type, None, None)
        for (name, slot_type), kind in zip(
            (("symptom", "SymptomType"), ("treatment", "TreatmentType")), kinds, strict=True
        )
    }
    heard = Conversation().intent("SymptomIntent", slots)
    assert heard.speech == said(WHOLE_ANSWERS[more_urgent])
    assert not heard.ends_session


def test_ordinary_symptoms_are_not_caught_by_the_safety_net(talk: Conversation) -> None:
    bone_pain = slot_json("symptom", "bone pain", "SymptomType", "bone_pain", "bone pain")
    heard = talk.intent("SymptomIntent", {"symptom": bone_pain})
    assert heard.speech.startswith(knowledge.load().topics["bone_pain"].speech)


def test_the_unknown_symptom_answer_carries_urgent_help(talk: Conversation) -> None:
    heard = talk.intent("SymptomIntent", symptom("itchy feet"))
    assert heard.speech.startswith(said("unknown_symptom"))
    assert said("urgent_help") in heard.speech
    assert not heard.ends_session


def test_breathlessness_answer_says_999_if_struggling_to_breathe_now() -> None:
    assert "999" in knowledge.load().topics["breathlessness"].speech


# --- The safety phrases are data, checked at start-up ---------------------------------


@pytest.mark.parametrize(
    ("text", "urgency"),
    [
        ("I'm SUICIDAL", "crisis"),
        ("she's taken an overdose", "overdose"),  # an overdose taken before the crisis
        ("thinking about an overdose", "crisis"),
        ("I don\u2019t want to live", "crisis"),
        ("chest pain and I want to die", "crisis"),  # crisis first
        ("can't breathe", "emergency"),
        ("unconscious!", "emergency"),
        ("bone pain", None),
        ("fit enough for surgery", None),
        ("numbers", None),  # whole words only
        ("my legs have gone numb", "urgent"),
        ("she's suddenly confused", "urgent"),
        ("he's running a temperature", "urgent"),
        # Emergency words in their everyday or emotional sense: no false alarm.
        ("I feel numb inside", None),
        ("confused about the options", None),
        ("a bit of a temperature check", None),
        ("tired of treatment", None),
    ],
)
def test_safety_words_match_whole_normalised_words(text: str, urgency: str | None) -> None:
    assert knowledge.load().safety.urgency(text) == urgency


def content() -> dict:
    return tomllib.loads(resources.files("skill.knowledge").joinpath("topics.toml").read_text())


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda s: s.pop("crisis"), "crisis"),
        (lambda s: s["emergency"].append("Can't Breathe"), "lower-case words"),
        (lambda s: s["emergency"].append("suicidal"), "listed twice"),
    ],
)
def test_broken_safety_phrases_fail_at_load(change: Callable[[dict], object], problem: str) -> None:
    data = content()
    change(data["safety"])
    with pytest.raises(ContentError, match=problem):
        knowledge.parse(data)
