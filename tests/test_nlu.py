"""Utterances people will say resolve through the interaction model to the right answer."""

from __future__ import annotations

import pytest

from skill.devtools.nlu import FALLBACK, Resolver, normalise, resolver
from tests.conftest import Conversation

# Each example question (docs/behaviour.md §1), what it must resolve to, and what the user hears
# (the card title of the topic, or the start of what is said).
EXAMPLES = [
    ("what can help with bone pain", "SymptomIntent", "Bone pain"),
    ("how can I manage feeling breathless", "SymptomIntent", "Feeling breathless"),
    ("what are the treatments for secondary breast cancer", "TreatmentOptionsIntent", "Types of treatment"),
    ("what is targeted therapy", "TreatmentInfoIntent", "Targeted therapy"),
    ("tell me about radiotherapy", "TreatmentInfoIntent", "Radiotherapy"),
    ("what does hormone therapy do", "TreatmentInfoIntent", "Hormone therapy"),
    ("is surgery possible", "TreatmentInfoIntent", "Surgery"),
    ("what if I say no to chemotherapy", "DeclineTreatmentIntent", "If you decide not to have treatment"),
    ("what is a bisphosphonate", "TreatmentInfoIntent", "Bisphosphonates"),
    ("the cancer is in my lungs", "SpreadIntent", "The lungs"),
    ("what can I do about a weeping wound", "SymptomIntent", "A wound at the tumour site"),
    ("read me the nurse number", "HelplineIntent", "Cancer Research UK nurse helpline"),
    ("are the nurses open now", "HelplineHoursIntent", "Cancer Research UK nurse helpline"),
    ("how do I choose between treatments", "ChoicesIntent", "Your choices"),
    ("what affects which treatment I have", "TreatmentFactorsIntent", "What treatment depends on"),
    ("where can I find support", "SupportIntent", "Support at home"),
    ("who can I talk to", "TalkToSomeoneIntent", "Who you can talk to"),
    ("what does advanced breast cancer mean", "WhatIsIntent", "What secondary breast cancer means"),
    ("what can electrochemotherapy do", "TreatmentInfoIntent", "Electrochemotherapy"),
    ("can I stop chemotherapy if it's too much", "StopTreatmentIntent", "Stopping a treatment"),
    ("I'm in terrible pain", "UrgentHelpIntent", "Urgent help"),
    ("my mum's cancer has spread to her bones", "SpreadIntent", "Spread to the bones"),
    ("what can treatment do for me", "TreatmentGoalsIntent", "What treatment can do"),
    ("what are the side effects of chemo", "SideEffectsIntent", "Chemotherapy: side effects"),
    ("I've got fluid on my lungs", "SymptomIntent", "Fluid on the lungs"),
    ("my wife is struggling with feeling sick", "SymptomIntent", "Feeling sick"),
    ("it has spread to my brain", "SpreadIntent", "Spread to the brain"),
    ("it has come back in my operation scar", "SpreadIntent", "The skin or the operation scar"),
    ("can I have a combination of treatments", "TreatmentInfoIntent", "Combining treatments"),
    ("how can symptoms be controlled", "SymptomIntent", "Controlling symptoms"),
]

# Built-ins and session controls, and the start of what the user hears.
CONTROLS = [
    ("speak slower", "SpeakSlowerIntent", "All right, I'll speak more slowly."),
    ("say that again", "AMAZON.RepeatIntent", "I haven't said anything to repeat yet."),
    ("tell me more", "TellMeMoreIntent", "Which treatment do you mean?"),
    ("start again", "AMAZON.StartOverIntent", "Let's start again."),
    ("speak normally", "SpeakNormallyIntent", "All right, I'll speak at my normal speed."),
    ("help", "AMAZON.HelpIntent", "I can tell you about secondary breast cancer"),
]


@pytest.mark.parametrize(("utterance", "intent", "card_title"), EXAMPLES)
def test_example_phrase_resolves_to_the_right_answer(utterance: str, intent: str, card_title: str) -> None:
    talk = Conversation()
    assert talk.nlu.resolve(utterance).intent == intent
    heard = talk.say(utterance)
    assert heard.card.get("title") == card_title
    assert heard.speech


@pytest.mark.parametrize(("utterance", "intent", "start"), CONTROLS)
def test_control_phrase_resolves_and_answers(utterance: str, intent: str, start: str) -> None:
    talk = Conversation()
    assert talk.nlu.resolve(utterance).intent == intent
    assert talk.say(utterance).speech.startswith(start)


def test_synonyms_resolve_to_the_value_id() -> None:
    resolution = resolver().resolve("tell me about chemo")
    value = resolution.slots["treatment"]
    assert (value.spoken, value.value_id, value.canonical) == ("chemo", "chemotherapy", "chemotherapy")


def test_words_the_slot_type_lacks_resolve_with_no_match() -> None:
    resolution = resolver().resolve("the cancer is in my pancreas")
    assert resolution.intent == "SpreadIntent"
    assert resolution.slots["bodySite"].value_id is None


def test_unrelated_words_go_to_fallback() -> None:
    assert resolver().resolve("how do I bake flapjacks").intent == FALLBACK
    assert resolver().resolve("zebra").intent == FALLBACK


def test_intent_without_slot_words_reports_the_empty_slot() -> None:
    resolution = resolver().resolve("what are the side effects")
    assert resolution.intent == "SideEffectsIntent"
    # Its other slots are empty too: no other question, no safety words, nothing taken back.
    assert resolution.empty_slots == ("askedFirst", "treatment", "safetyCue", "mistakenTreatment")


def test_normalise_keeps_apostrophes_and_drops_punctuation() -> None:
    assert normalise("  What's   THAT?! ") == "what's that"


def test_resolver_on_a_small_model() -> None:
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "tiny skill",
                "intents": [
                    {
                        "name": "ColourIntent",
                        "slots": [{"name": "c", "type": "Colour"}],
                        "samples": ["I like {c}"],
                    }
                ],
                "types": [
                    {
                        "name": "Colour",
                        "values": [{"id": "RED", "name": {"value": "red", "synonyms": ["scarlet"]}}],
                    }
                ],
            }
        }
    }
    tiny = Resolver(model)
    assert tiny.resolve("I like scarlet").slots["c"].value_id == "RED"
    assert tiny.resolve("I like blue").slots["c"].value_id is None
    assert tiny.resolve("hello").intent == FALLBACK
