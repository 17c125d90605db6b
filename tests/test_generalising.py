"""The generalising resolver understands phrasings no sample spells out, as Alexa does."""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

import pytest

from skill.devtools.envelopes import Session
from skill.devtools.generalising import (
    OUT_OF_DOMAIN_SAMPLES,
    SETTINGS,
    GeneralisingResolver,
    SlotFiller,
    generalising_resolver,
    training_set,
)
from skill.devtools.nlu import BUILT_IN_SAMPLES, FALLBACK, normalise, resolver

#: A small model whose every sample and value the tests know.
TINY: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "tiny skill",
            "intents": [
                {
                    "name": "ColourIntent",
                    "slots": [{"name": "colour", "type": "Colour"}],
                    "samples": [
                        "I like {colour}",
                        "my favourite colour is {colour}",
                        "{colour} is the best colour",
                        "I love the colour {colour}",
                        "what goes with {colour}",
                    ],
                },
                {
                    "name": "FoodIntent",
                    "slots": [{"name": "food", "type": "Food"}],
                    "samples": [
                        "I want to eat {food}",
                        "can I have some {food}",
                        "I am hungry for {food}",
                        "cook me {food} for dinner",
                    ],
                },
                {
                    "name": "GreetIntent",
                    "samples": ["hello", "hi there", "good morning", "hello there friend", "good evening"],
                },
                {"name": "AMAZON.YesIntent", "samples": []},
                {"name": "AMAZON.FallbackIntent", "samples": ["what's the weather", "play some music"]},
            ],
            "types": [
                {
                    "name": "Colour",
                    "values": [
                        {"id": "RED", "name": {"value": "red", "synonyms": ["scarlet", "crimson"]}},
                        {"id": "BLUE", "name": {"value": "blue", "synonyms": ["navy"]}},
                        {"id": "LIGHT_BLUE", "name": {"value": "light blue", "synonyms": ["sky blue"]}},
                    ],
                },
                {
                    "name": "Food",
                    "values": [
                        {"id": "BREAD", "name": {"value": "bread", "synonyms": ["toast"]}},
                        {"id": "APPLE", "name": {"value": "an apple", "synonyms": ["apples"]}},
                    ],
                },
            ],
        }
    }
}


@pytest.fixture(scope="module")
def tiny() -> GeneralisingResolver:
    return GeneralisingResolver(TINY)


# Phrasings of the skill's real model that no sample says word for word (the exact
# matcher falls back on every one), with the intent and slot value id they must reach.
UNSEEN = [
    (
        "sorry to trouble you but my mum's bones have been aching something rotten what might ease it",
        "SymptomIntent",
        "bone_pain",
    ),
    ("right so what was that number again for them nurses love", "HelplineIntent", None),
    ("i was wondering who i could have a proper chat with about all of this", "TalkToSomeoneIntent", None),
    ("could you tell me all about the chemo then", "TreatmentInfoIntent", "chemotherapy"),
]


@pytest.mark.parametrize(("utterance", "intent", "value_id"), UNSEEN)
def test_understands_a_phrasing_that_no_sample_spells_out(
    utterance: str, intent: str, value_id: str | None
) -> None:
    said = [
        sample
        for _, sample, slots in resolver().samples_matching(utterance, built_in=True)
        if all(value.value_id is not None for value in slots.values())
    ]
    assert not said, "a sample says this: pick an unseen phrasing"
    resolution = generalising_resolver().resolve(utterance)
    assert resolution.intent == intent
    assert [value.value_id for value in resolution.slots.values()] == ([value_id] if value_id else [])
    assert resolution.confidence >= SETTINGS.threshold


def test_a_slot_sample_no_longer_swallows_another_concept() -> None:
    # The hand-written sample "what about {symptom}" takes this to the symptom answer
    # word for word; a statistical model hears the treatment (docs/behaviour.md §3.1).
    resolution = generalising_resolver().resolve("what about chemotherapy")
    assert resolution.intent == "TreatmentInfoIntent"
    assert resolution.slots["treatment"].value_id == "chemotherapy"


def test_generalises_on_a_small_model(tiny: GeneralisingResolver) -> None:
    assert tiny.resolve("honestly I just really like navy").intent == "ColourIntent"
    assert tiny.resolve("could I please eat some toast").intent == "FoodIntent"
    assert tiny.resolve("hello good morning to you").intent == "GreetIntent"


def test_falls_back_below_the_threshold(tiny: GeneralisingResolver) -> None:
    utterance = "is it going to snow"
    best, probability = tiny.rank(utterance)[0]
    above = GeneralisingResolver(TINY, replace(SETTINGS, threshold=probability - 0.01))
    below = GeneralisingResolver(TINY, replace(SETTINGS, threshold=probability + 0.01))
    assert above.resolve(utterance).intent == best
    fallen = below.resolve(utterance)
    assert (fallen.intent, fallen.slots, fallen.empty_slots) == (FALLBACK, {}, ())
    assert fallen.confidence == pytest.approx(probability)


def test_an_overdose_long_past_is_a_past_event_and_one_just_taken_is_999() -> None:
    nlu = generalising_resolver()
    said = "she took double her morphine last year by mistake but she's fine now, can she have chemo"
    past = nlu.resolve(said)
    # An ordinary question about treatment, and no safety words for the slot safety net.
    assert past.intent in {"TreatmentFactorsIntent", "TreatmentInfoIntent"}
    assert "safetyCue" not in past.slots
    assert nlu.resolve("she's just taken double her morphine by mistake").intent == "OverdoseIntent"


def test_out_of_domain_requests_fall_back() -> None:
    for utterance in ("what's the weather going to do this afternoon", "put some jazz on"):
        assert generalising_resolver().resolve(utterance).intent == FALLBACK


def test_slot_values_resolve_to_their_id_and_canonical_name(tiny: GeneralisingResolver) -> None:
    value = tiny.resolve("honestly I like scarlet the most").slots["colour"]
    assert (value.spoken, value.value_id, value.canonical, value.slot_type) == (
        "scarlet",
        "RED",
        "red",
        "Colour",
    )


def test_the_longest_value_heard_wins(tiny: GeneralisingResolver) -> None:
    value = tiny.resolve("my favourite colour is sky blue").slots["colour"]
    assert (value.spoken, value.value_id) == ("sky blue", "LIGHT_BLUE")


def test_words_the_type_lacks_come_from_a_sample_with_no_match(tiny: GeneralisingResolver) -> None:
    for utterance in ("I like turquoise", "well to be honest I like turquoise"):
        resolution = tiny.resolve(utterance)
        assert resolution.intent == "ColourIntent"
        value = resolution.slots["colour"]
        assert (value.spoken, value.value_id, value.canonical) == ("turquoise", None, None)


def test_only_the_chosen_intents_slot_types_are_filled(tiny: GeneralisingResolver) -> None:
    resolution = tiny.resolve("I want to eat toast off a red plate")
    assert resolution.intent == "FoodIntent"
    assert list(resolution.slots) == ["food"]
    assert resolution.slots["food"].value_id == "BREAD"


def test_an_intent_without_the_slot_words_reports_the_empty_slot(tiny: GeneralisingResolver) -> None:
    resolution = tiny.resolve("what is your favourite colour")
    assert resolution.intent == "ColourIntent"
    assert (resolution.slots, resolution.empty_slots) == ({}, ("colour",))


def test_the_envelope_carries_entity_resolution_as_alexa_sends_it() -> None:
    nlu = generalising_resolver()
    for utterance, code, name in (
        ("could you tell me all about the chemo then", "ER_SUCCESS_MATCH", "treatment"),
        ("i think it has spread to the pancreas", "ER_SUCCESS_NO_MATCH", "bodySite"),
    ):
        resolution = nlu.resolve(utterance)
        envelope = Session().resolved(resolution, nlu.intent_slots[resolution.intent])
        slots = envelope["request"]["intent"]["slots"]
        # The safety cue slot is sent empty, as Alexa sends a slot nobody filled.
        assert slots["safetyCue"] == {"name": "safetyCue", "confirmationStatus": "NONE"}
        slot = slots[name]
        authority = slot["resolutions"]["resolutionsPerAuthority"][0]
        assert authority["status"]["code"] == code
        if code == "ER_SUCCESS_MATCH":
            assert authority["values"] == [{"value": {"name": "chemotherapy", "id": "chemotherapy"}}]
        else:
            assert slot["value"] == "pancreas" and "values" not in authority


def test_training_fills_every_synonym_and_adds_built_in_and_out_of_domain_samples() -> None:
    data = training_set(TINY)
    colours = [
        text for text, intent in zip(data.texts, data.intents, strict=True) if intent == "ColourIntent"
    ]
    for spoken in ("red", "scarlet", "crimson", "blue", "navy", "light blue", "sky blue"):
        assert any(spoken in text for text in colours), spoken
    assert not any("{" in text for text in data.texts)
    yes = {
        text for text, intent in zip(data.texts, data.intents, strict=True) if intent == "AMAZON.YesIntent"
    }
    assert yes == {normalise(sample) for sample in BUILT_IN_SAMPLES["AMAZON.YesIntent"]}
    fallback = [text for text, intent in zip(data.texts, data.intents, strict=True) if intent == FALLBACK]
    assert {normalise(sample) for sample in OUT_OF_DOMAIN_SAMPLES} <= set(fallback)
    # Every filling of one sample shares its group, so cross-validation holds out whole templates.
    assert len(set(data.groups)) < len(data.texts)


def test_training_and_answers_are_deterministic() -> None:
    assert training_set(TINY) == training_set(copy.deepcopy(TINY))
    first, second = GeneralisingResolver(TINY), GeneralisingResolver(TINY)
    for utterance in ("I like scarlet", "is it going to snow", "can I have toast"):
        assert first.rank(utterance) == second.rank(utterance)
        assert first.resolve(utterance) == second.resolve(utterance)


def test_is_trained_once_per_process() -> None:
    assert generalising_resolver() is generalising_resolver()


# What a new user tried: fallbacks, misroutes and missing safety answers then; each must
# now reach the right intent and value (what each should hear: docs/behaviour.md §1 to §5).
TRIED = [
    ("I feel breathless", "SymptomIntent", "breathlessness"),
    ("I feel sick", "SymptomIntent", "sickness"),
    ("my bones hurt", "SymptomIntent", "bone_pain"),
    ("can I talk to someone", "TalkToSomeoneIntent", None),
    ("will chemo make my hair fall out", "BeyondPageIntent", None),
    ("are they open now", "HelplineHoursIntent", "now"),
    ("can I call the nurses at the weekend", "HelplineHoursIntent", "weekend"),
    ("thank you", "GoodbyeIntent", None),
    ("goodbye", "GoodbyeIntent", None),
    ("what about chemotherapy", "TreatmentInfoIntent", "chemotherapy"),
    ("my mum has secondary breast cancer what treatments are there", "TreatmentOptionsIntent", None),
    ("I want to die", "CrisisIntent", None),
    ("I feel suicidal", "CrisisIntent", None),
    ("I don't want to live", "CrisisIntent", None),
    ("I've got chest pain", "EmergencyIntent", None),
    ("she's unconscious", "EmergencyIntent", None),
    ("I'm bleeding", "EmergencyIntent", None),
    ("my legs have gone numb", "UrgentHelpIntent", None),
    ("she's very confused", "UrgentHelpIntent", None),
    ("I've got a temperature after chemo", "UrgentHelpIntent", None),
    ("can it be cured", "PrognosisIntent", None),
    ("how long have I got", "PrognosisIntent", None),
    ("is it terminal", "PrognosisIntent", None),
    ("are there any clinical trials", "BeyondPageIntent", None),
]


@pytest.mark.parametrize(("utterance", "intent", "value_id"), TRIED)
def test_what_a_new_user_tried_is_understood(utterance: str, intent: str, value_id: str | None) -> None:
    resolution = generalising_resolver().resolve(utterance)
    assert resolution.intent == intent
    assert [value.value_id for value in resolution.slots.values()] == ([value_id] if value_id else [])


# --- Filling slots by where the samples put them ----------------------------------------

PLACES: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "places skill",
            "intents": [
                {
                    "name": "SpreadIntent",
                    "slots": [
                        {"name": "bodySite", "type": "BodySiteType"},
                        {"name": "mistakenSite", "type": "BodySiteType"},
                    ],
                    "samples": ["it's in her {bodySite}", "not the {mistakenSite} the {bodySite}", "bones"],
                },
                {
                    "name": "HoursIntent",
                    "slots": [
                        {"name": "alsoAsked", "type": "QuestionType"},
                        {"name": "askedFirst", "type": "QuestionType"},
                    ],
                    "samples": [
                        "when are they open and {alsoAsked}",
                        "{askedFirst} and when are they open",
                    ],
                },
            ],
            "types": [
                {
                    "name": "BodySiteType",
                    "values": [{"id": site, "name": {"value": site}} for site in ("liver", "lungs", "bones")],
                },
                {
                    "name": "QuestionType",
                    "values": [
                        {"id": "chemo", "name": {"value": "what is chemo"}},
                        {"id": "hours", "name": {"value": "when are they open"}},
                    ],
                },
            ],
        }
    }
}


def test_the_last_places_said_fill_the_slots_and_one_said_twice_is_one() -> None:
    slots = SlotFiller(PLACES)
    heard = slots.heard_slots("SpreadIntent", "it's in her liver no not the liver the lungs")
    assert (heard["mistakenSite"].value_id, heard["bodySite"].value_id) == ("liver", "lungs")
    twice = slots.heard_slots("SpreadIntent", "it's the lungs it's in her lungs")
    assert list(twice) == ["bodySite"] and twice["bodySite"].value_id == "lungs"


def ids(slots: dict[str, Any]) -> dict[str, str | None]:
    return {name: value.value_id for name, value in slots.items()}


def test_a_question_fills_the_slot_whose_place_it_is_in() -> None:
    slots = SlotFiller(PLACES)
    first = slots.heard_slots("HoursIntent", "what is chemo and when are they open")
    assert ids(first) == {"askedFirst": "chemo", "alsoAsked": "hours"}
    second = slots.heard_slots("HoursIntent", "when are they open and what is chemo")
    # The intent's own question in the other slot is the skill's to pass over.
    assert ids(second) == {"alsoAsked": "chemo", "askedFirst": "hours"}


def test_a_sample_word_for_word_is_held_with_its_listed_values_filled() -> None:
    exact = SlotFiller(PLACES).exact
    held = exact.held("bones")  # a literal sample, and "{bodySite}" nowhere alone: as said
    assert held is not None and held.intent == "SpreadIntent" and held.slots == {}
    filled = exact.held("it's in her lungs")
    assert filled is not None and filled.slots["bodySite"].value_id == "lungs"
    assert exact.held("it's in her pancreas") is None  # a word the type does not list
