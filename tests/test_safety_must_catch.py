"""A fixed list of crisis and emergency phrases that must always be caught: one phrase
for every entry in the safety word lists (``[safety]`` in skill/knowledge/topics.toml),
each caught by that entry and no other, so that taking a word out of the lists
("overdose", "fever") fails a test here. Asserted through Alexa's JSON envelopes and the
real Lambda handler: the words arrive in a slot the model could not resolve.

The list is written out on purpose, not derived from the word lists: a test that read
its phrases from the lists could not notice a word going missing.
"""

from __future__ import annotations

import pytest

from skill import knowledge
from skill.devtools.envelopes import slot_json
from skill.knowledge import SafetyWords, normalised_words
from tests.conftest import Conversation, said

CRISIS = {
    "suicidal": "I feel suicidal",
    "suicide": "I keep thinking about suicide",
    "kill myself": "I want to kill myself",
    "kill herself": "she said she would kill herself",
    "kill himself": "he talks about trying to kill himself",
    "killing myself": "I keep thinking about killing myself",
    "end my life": "I want to end my life",
    "end her life": "my mum is talking about how to end her life",
    "end his life": "my husband wants help to end his life",
    "end it all": "I just want to end it all",
    "take my own life": "I might take my own life",
    "want to die": "I want to die",
    "wants to die": "my sister wants to die",
    "wish i was dead": "I wish I was dead",
    "wish i were dead": "sometimes I wish I were dead",
    "better off dead": "they would be better off dead without me",
    "dont want to live": "I don't want to live like this",
    "doesnt want to live": "my dad doesn't want to live any more",
    "dont want to be here": "I don't want to be here any more",
    "self harm": "I've been thinking about self harm",
    "self harming": "my daughter is self harming",
    "harm myself": "I want to harm myself",
    "hurt myself": "I might hurt myself",
    "harming myself": "I can't stop harming myself",
    "hurting myself": "I've been hurting myself",
    "overdose": "I've taken an overdose",
    "take all my tablets": "I could take all my tablets at once",
    "taking all my tablets": "I'm thinking of taking all my tablets",
}

EMERGENCY = {
    "chest pain": "I have chest pain",
    "chest pains": "I keep getting chest pains",
    "pain in my chest": "there's a pain in my chest",
    "pain in her chest": "she has a pain in her chest",
    "pain in his chest": "he has a pain in his chest",
    "unconscious": "she's unconscious",
    "collapsed": "he has collapsed",
    "collapse": "I think she's going to collapse",
    "passed out": "he passed out",
    "fainted": "I fainted in the kitchen",
    "wont wake up": "she won't wake up",
    "not breathing": "he's not breathing",
    "stopped breathing": "she's stopped breathing",
    "cant breathe": "I can't breathe",
    "cannot breathe": "I cannot breathe",
    "struggling to breathe": "I'm struggling to breathe",
    "choking": "he's choking",
    "bleeding heavily": "I'm bleeding heavily",
    "heavy bleeding": "there's heavy bleeding from the wound",
    "bleeding a lot": "she's bleeding a lot",
    "losing a lot of blood": "he's losing a lot of blood",
    "haemorrhage": "I think it's a haemorrhage",
    "coughing up blood": "I'm coughing up blood",
    "vomiting blood": "she's vomiting blood",
    "numb": "my legs are numb",
    "numbness": "there's numbness in my legs",
    "cant feel my legs": "I can't feel my legs",
    "cant move my legs": "I can't move my legs",
    "legs gone weak": "both legs gone weak",
    "legs have gone weak": "my legs have gone weak",
    "sudden weakness": "a sudden weakness in her arm",
    "paralysed": "he's paralysed down one side",
    "confused": "she's suddenly very confused",
    "confusion": "he has sudden confusion",
    "delirious": "she seems delirious",
    "high temperature": "he has a high temperature after chemo",
    "a temperature": "I've got a temperature during treatment",
    "fever": "she has a fever",
    "feverish": "I feel feverish",
    "shivering": "he can't stop shivering",
    "shivery": "I feel hot and shivery",
    "rigors": "she's having rigors",
    "severe pain": "I'm in severe pain",
    "terrible pain": "I'm in terrible pain",
    "unbearable pain": "I am in unbearable pain",
    "agony": "I'm in agony",
    "agonising": "the pain is agonising",
    "seizure": "she's having a seizure",
    "fitting": "he's fitting",
    "stroke": "I think he's having a stroke",
    "emergency": "this is an emergency",
}

SAFETY = knowledge.load().safety


def entry(words: tuple[str, ...]) -> str:
    return " ".join(words)


def symptom(spoken: str) -> dict:
    """Words the model heard in the symptom slot but could not match to a value."""
    return {"symptom": slot_json("symptom", spoken, "SymptomType", None, None)}


def test_every_safety_entry_has_a_must_catch_phrase_here() -> None:
    """A word added to the lists needs a phrase here; one taken out fails the tests below."""
    assert sorted(entry(p) for p in SAFETY.crisis) == sorted(CRISIS)
    assert sorted(entry(p) for p in SAFETY.emergency) == sorted(EMERGENCY)


@pytest.mark.parametrize(("word", "phrase"), sorted(CRISIS.items()))
def test_the_crisis_phrase_is_caught_through_a_real_envelope(word: str, phrase: str) -> None:
    heard = Conversation().intent("SymptomIntent", symptom(phrase))
    assert heard.speech == said("crisis"), (word, phrase)
    assert not heard.ends_session


@pytest.mark.parametrize(("word", "phrase"), sorted(EMERGENCY.items()))
def test_the_emergency_phrase_is_caught_through_a_real_envelope(word: str, phrase: str) -> None:
    heard = Conversation().intent("SymptomIntent", symptom(phrase))
    assert heard.speech.startswith(said("emergency")), (word, phrase)
    assert not heard.ends_session


@pytest.mark.parametrize(("word", "phrase"), sorted({**CRISIS, **EMERGENCY}.items()))
def test_each_phrase_is_caught_by_its_own_entry_and_no_other(word: str, phrase: str) -> None:
    """So that taking that one word out of the lists fails the test above."""
    target = tuple(normalised_words(word))
    crisis = tuple(p for p in SAFETY.crisis if p != target)
    emergency = tuple(p for p in SAFETY.emergency if p != target)
    assert SafetyWords(crisis, emergency).urgency(phrase) is None, (word, phrase)
