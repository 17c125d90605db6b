"""Safety in real speech: a crisis, an overdose or an emergency said in the same breath as
an ordinary question (the safety cue slot), a dose question that is not an overdose,
and a goodbye after a crisis answer.

Through the real Lambda handler with Alexa's JSON envelopes; expected words are read
from the dialogue by key.
"""

from __future__ import annotations

import json

import pytest

from skill import knowledge
from skill.conversation.safety import SAFETY_CUE_SLOT
from skill.devtools import evaluation
from skill.devtools.envelopes import slot_json
from skill.devtools.nlu import MODELS, Resolution, SlotValue
from skill.knowledge.safety_words import URGENCIES
from tests.conftest import Conversation, said

#: The intents a question said with safety words most often reaches.
COMMON = (
    "TreatmentInfoIntent",
    "TreatmentOptionsIntent",
    "SideEffectsIntent",
    "SymptomIntent",
    "SpreadIntent",
    "HelplineIntent",
    "HelplineHoursIntent",
    "HelplineCostIntent",
    "SupportIntent",
    "StopTreatmentIntent",
    "DeclineTreatmentIntent",
    "GoodbyeIntent",
    "MedicineDoseIntent",
)


def cue(kind: str | None, spoken: str = "I've written letters to say goodbye") -> dict:
    """The safety cue slot as Alexa sends it: matched to a kind, or heard with no match."""
    return {SAFETY_CUE_SLOT: slot_json(SAFETY_CUE_SLOT, spoken, "SafetyCueType", kind, spoken)}


def treatment(value_id: str = "targeted_therapy") -> dict:
    return {
        "treatment": slot_json("treatment", "targeted therapy", "TreatmentType", value_id, "targeted therapy")
    }


def language_model() -> dict:
    return json.loads((MODELS / "en-GB.json").read_text(encoding="utf-8"))["interactionModel"][
        "languageModel"
    ]


# --- The safety cue slot -----------------------------------------------------------------


def test_the_common_intents_carry_the_safety_cue_slot_and_its_ids_are_the_safety_kinds() -> None:
    model = language_model()
    slots = {i["name"]: {s["name"]: s["type"] for s in i.get("slots", [])} for i in model["intents"]}
    for name in COMMON:
        assert slots[name].get(SAFETY_CUE_SLOT) == "SafetyCueType", name
    cue_type = next(t for t in model["types"] if t["name"] == "SafetyCueType")
    assert {value["id"] for value in cue_type["values"]} == {"crisis", "overdose", "emergency"}
    assert set(URGENCIES) >= {value["id"] for value in cue_type["values"]}


def test_crisis_words_said_with_a_question_get_the_crisis_answer_first(talk: Conversation) -> None:
    heard = talk.intent("TreatmentInfoIntent", {**treatment(), **cue("crisis")})
    assert heard.speech == said("crisis")
    assert not heard.ends_session


def test_overdose_words_said_with_a_question_get_999_first(talk: Conversation) -> None:
    heard = talk.intent("HelplineIntent", cue("overdose", "she's had the whole box"))
    assert heard.speech == said("overdose")
    assert heard.speech.startswith("Call 999 now.")
    assert not heard.ends_session


def test_emergency_words_said_with_a_question_get_call_999_now(talk: Conversation) -> None:
    heard = talk.intent("SymptomIntent", cue("emergency", "she's not breathing"))
    assert heard.speech == said("emergency_now")
    assert not heard.ends_session


@pytest.mark.parametrize("intent", COMMON)
def test_every_common_intent_with_crisis_words_gets_the_crisis_answer(
    talk: Conversation, intent: str
) -> None:
    assert talk.intent(intent, cue("crisis")).speech == said("crisis")


def test_an_unmatched_cue_is_no_alarm_the_question_is_answered(talk: Conversation) -> None:
    # Words Alexa put in the cue slot that the list does not hold, and no safety words.
    heard = talk.intent("TreatmentInfoIntent", {**treatment(), **cue(None, "sorry to bother you")})
    assert "Samaritans" not in heard.speech and "999" not in heard.speech
    assert "argeted" in heard.speech


# --- A dose question is not an overdose --------------------------------------------------


def test_a_dose_question_gets_the_pharmacist_and_the_label_never_an_alarm(talk: Conversation) -> None:
    heard = talk.intent("MedicineDoseIntent")
    assert heard.speech.startswith(said("medicine_dose"))
    for words in ("pharmacist", "label", "already taken too much, call 999"):
        assert words in heard.speech
    assert "Samaritans" not in heard.speech
    assert not heard.ends_session


# --- A goodbye after a crisis ------------------------------------------------------------


@pytest.mark.parametrize("safety", ["CrisisIntent", "OverdoseIntent"])
@pytest.mark.parametrize("farewell", ["GoodbyeIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_a_goodbye_after_a_crisis_gives_samaritans_number_once_more(safety: str, farewell: str) -> None:
    talk = Conversation()
    talk.intent(safety)
    heard = talk.intent(farewell)
    assert heard.speech == said("goodbye_after_crisis")
    assert "116 123" in heard.speech
    assert heard.ends_session


def test_a_goodbye_later_in_a_session_with_a_crisis_still_gives_samaritans(talk: Conversation) -> None:
    talk.intent("CrisisIntent")
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    assert talk.intent("GoodbyeIntent").speech == said("goodbye_after_crisis")


def test_an_ordinary_goodbye_says_nothing_of_samaritans(talk: Conversation) -> None:
    talk.intent("TreatmentInfoIntent", treatment("chemotherapy"))
    heard = talk.intent("GoodbyeIntent")
    assert "Samaritans" not in heard.speech and "116" not in heard.speech
    assert heard.ends_session


# --- evaluate counts a line as the skill answers it ----------------------------------


def _resolution(intent: str, slots: dict[str, SlotValue]) -> Resolution:
    return Resolution(intent, slots, (), 0.9)


def test_evaluate_counts_a_filled_cue_slot_as_the_safety_answer_the_skill_gives() -> None:
    safety = knowledge.load().safety
    crisis_cue = SlotValue(
        SAFETY_CUE_SLOT, "better off without me", "crisis", "I want to die", "SafetyCueType"
    )
    chemo = SlotValue("treatment", "chemo", "chemotherapy", "chemotherapy", "TreatmentType")
    both = _resolution("TreatmentInfoIntent", {"treatment": chemo, SAFETY_CUE_SLOT: crisis_cue})
    assert evaluation.answered_as(both, safety) == ("CrisisIntent", "")
    plain = _resolution("TreatmentInfoIntent", {"treatment": chemo})
    assert evaluation.answered_as(plain, safety) == ("TreatmentInfoIntent", "chemotherapy")
    unmatched = SlotValue(SAFETY_CUE_SLOT, "sorry", None, None, "SafetyCueType")
    quiet = _resolution("TreatmentInfoIntent", {SAFETY_CUE_SLOT: unmatched, "treatment": chemo})
    assert evaluation.answered_as(quiet, safety) == ("TreatmentInfoIntent", "chemotherapy")
