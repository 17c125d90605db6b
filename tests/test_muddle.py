"""Conversations that survive muddle (docs/behaviour.md §3.3): a correction as the next
turn, and going back to the answer before, from the conversation's history.

Multi-turn, through the real Lambda handler with Alexa's JSON envelopes; expected words
are read from the content by key.
"""

from __future__ import annotations

import pytest

from skill.devtools.envelopes import slot_json
from tests.conftest import KNOWN, Conversation, said

DECLINING = KNOWN.topic_for_intent("DeclineTreatmentIntent")


def treatment(value_id: str | None, spoken: str | None = None) -> dict:
    return {"treatment": slot_json("treatment", spoken or value_id, "TreatmentType", value_id, value_id)}


def body_site(value_id: str) -> dict:
    return {"bodySite": slot_json("bodySite", value_id, "BodySiteType", value_id, value_id)}


def speech_of(topic_id: str) -> str:
    return KNOWN.topics[topic_id].speech


# --- Corrections ------------------------------------------------------------------------


def test_a_correction_naming_a_treatment_answers_it_never_declining_treatment(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("hormone_therapy"))
    heard = talk.intent("CorrectionIntent", treatment("radiotherapy"))  # "no, I meant radiotherapy"
    assert heard.speech.startswith(speech_of("radiotherapy"))
    assert DECLINING is not None and DECLINING.speech not in heard.speech
    assert not heard.ends_session
    assert talk.intent("TellMeMoreIntent").speech.startswith(KNOWN.topics["radiotherapy"].more)


def test_a_correction_is_not_a_no_to_the_offer_a_yes_after_it_reads_the_number(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))  # ends with the offer of the number
    corrected = talk.intent("CorrectionIntent", treatment("radiotherapy"))
    assert corrected.speech.startswith(speech_of("radiotherapy"))
    assert said("no_to_offer_first") not in corrected.speech
    heard = talk.intent("AMAZON.YesIntent")
    assert heard.speech.startswith(said("helpline_intro"))


def test_a_correction_naming_a_place_answers_exactly_as_the_topic_intent_does(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    corrected = talk.intent("CorrectionIntent", body_site("lungs"))  # "sorry, the lungs"
    other = Conversation()
    other.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    asked = other.intent("SpreadIntent", body_site("lungs"))
    assert corrected.speech == asked.speech
    lungs = KNOWN.topic_for_slot_value("bodySite", "lungs")
    assert lungs is not None and corrected.speech.startswith(lungs.speech)


def test_a_correction_naming_a_treatment_the_page_does_not_cover_says_so(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("CorrectionIntent", treatment(None, "immunotherapy"))
    assert heard.speech.startswith(said("unknown_treatment"))
    assert not heard.ends_session


def test_a_correction_with_safety_words_gets_the_safety_answer_first(talk: Conversation) -> None:
    cue = {"safetyCue": slot_json("safetyCue", "better off without me", "SafetyCueType", "crisis", "crisis")}
    heard = talk.intent("CorrectionIntent", {**treatment("radiotherapy"), **cue})
    assert heard.speech.startswith(said("crisis"))


def test_a_correction_naming_nothing_asks_which_naming_the_last_topics_most_recent_first(
    talk: Conversation,
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    heard = talk.intent("CorrectionIntent")  # "that's the wrong one"
    assert heard.speech == said("correction_which", topics="radiotherapy and chemotherapy")
    assert not heard.ends_session and heard.reprompt


def test_a_correction_naming_nothing_names_at_most_three_topics(talk: Conversation) -> None:
    for value_id in ("hormone_therapy", "chemotherapy", "radiotherapy", "surgery"):
        talk.intent("TreatmentInfoIntent", treatment(value_id))
    heard = talk.intent("CorrectionIntent")
    assert heard.speech == said("correction_which", topics="surgery, radiotherapy and chemotherapy")


def test_a_correction_naming_nothing_with_nothing_answered_asks_which(talk: Conversation) -> None:
    heard = talk.intent("CorrectionIntent")
    assert heard.speech == said("correction_nothing")
    assert not heard.ends_session and heard.reprompt


@pytest.mark.parametrize(
    ("utterance", "value_id"),
    [("no I meant radiotherapy", "radiotherapy"), ("sorry I meant chemo", "chemotherapy")],
)
def test_a_spoken_correction_after_the_offer_is_a_correction_not_a_no(
    talk: Conversation, utterance: str, value_id: str
) -> None:
    talk.intent("TreatmentInfoIntent", treatment("hormone_therapy"))
    heard = talk.say(utterance)
    assert heard.speech.startswith(speech_of(value_id))
    assert not heard.ends_session


# --- Going back -------------------------------------------------------------------------


def test_go_back_answers_the_topic_before_the_current_one(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    heard = talk.intent("GoBackIntent")
    assert heard.speech.startswith(speech_of("chemotherapy"))
    assert not heard.ends_session


def test_go_back_after_the_nurse_line_answers_the_last_topic(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("HelplineIntent")
    assert talk.intent("GoBackIntent").speech.startswith(speech_of("chemotherapy"))


def test_go_back_with_nothing_earlier_says_so_and_keeps_the_session_open(talk: Conversation) -> None:
    heard = talk.intent("GoBackIntent")
    assert heard.speech == said("back_nothing")
    assert not heard.ends_session and heard.reprompt
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    assert talk.intent("GoBackIntent").speech == said("back_nothing")  # nothing before it


def test_go_back_is_understood_as_going_back_and_start_again_still_starts_over(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    talk.intent("TreatmentInfoIntent", treatment("radiotherapy"))
    assert talk.say("go back").speech.startswith(speech_of("chemotherapy"))
    again = talk.say("start again")
    assert again.speech.startswith(said("start_over"))
    assert talk.intent("AMAZON.StartOverIntent").speech.startswith(said("start_over"))
