"""A fixed list of overdose, crisis, emergency and urgent phrases that must always be
caught: one phrase for every entry in the safety word lists (``[safety]`` in
skill/knowledge/topics.toml), each of which, without its entry, no longer gets its
answer, so that taking a word out of the lists ("overdose", "fever") fails a test here.
Asserted through Alexa's JSON envelopes and the real Lambda handler: the words arrive in
a slot the model could not resolve.

The list is written out on purpose, not derived from the word lists: a test that read
its phrases from the lists could not notice a word going missing.
"""

from __future__ import annotations

import pytest

from skill import knowledge
from skill.devtools.envelopes import slot_json
from skill.knowledge.safety_words import SafetyWords, normalised_words
from tests.conftest import Conversation, said

OVERDOSE = {
    "taken an overdose": "she's taken an overdose",
    "took an overdose": "he took an overdose last night",
    "had an overdose": "I think I've had an overdose",
    "swallowed": "I swallowed them all",
    "taken too many": "she's taken too many of them",
    "took too many": "he took too many",
    "taken too much": "I've taken too much oramorph",
    "took too much": "she took too much of it",
    "taken all of": "he's taken all of them",
    "took all of": "she took all of them",
    "taken all my": "I've taken all my tablets",
    "taken all her": "she's taken all her pills",
    "taken all his": "he's taken all his morphine",
    "took all my": "I took all my pills",
    "took all her": "she took all her sleeping pills",
    "took all his": "he took all his painkillers",
    "taken the lot": "she's taken the lot",
    "took the lot": "he took the lot",
    "whole packet": "a whole packet of paracetamol",
    "whole bottle": "a whole bottle of them",
    "whole box": "a whole box of pills",
}

CRISIS = {
    "stockpiling": "I've been stockpiling them",
    "stockpiled": "I've stockpiled enough",
    "stockpile": "I have a stockpile",
    "hoarding": "she's been hoarding them",
    "stash": "I've got a stash",
    "saving up my tablets": "I'm saving up my tablets",
    "saving up tablets": "saving up tablets for later",
    "saving up my pills": "I'm saving up my pills",
    "saving up pills": "saving up pills",
    "saving my tablets": "I'm saving my tablets",
    "saving my pills": "I've been saving my pills",
    "saving up her tablets": "she's saving up her tablets",
    "saving up his tablets": "he's saving up his tablets",
    "take the lot": "I could take the lot",
    "taking the lot": "I'm thinking of taking the lot",
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
    "overdose": "I'm thinking about an overdose",
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
    "seizure": "she's having a seizure",
    "fitting": "he's fitting",
    "stroke": "I think he's having a stroke",
}

URGENT = {
    "gone numb": "her feet have gone numb",
    "legs numb": "both legs numb",
    "numb legs": "she's got numb legs",
    "suddenly numb": "my arm is suddenly numb",
    "sudden numbness": "a sudden numbness",
    "numbness in her legs": "there's numbness in her legs",
    "numbness in his legs": "he has numbness in his legs",
    "numbness in my legs": "there's numbness in my legs",
    "cant feel my legs": "I can't feel my legs",
    "cant move my legs": "I can't move my legs",
    "legs gone weak": "both legs gone weak",
    "legs have gone weak": "my legs have gone weak",
    "sudden weakness": "a sudden weakness in her arm",
    "paralysed": "he's paralysed down one side",
    "very confused": "she's very confused",
    "suddenly confused": "he's suddenly confused",
    "sudden confusion": "he has sudden confusion",
    "gone confused": "mum's gone confused",
    "confused and drowsy": "she's confused and drowsy",
    "delirious": "she seems delirious",
    "high temperature": "he has a high temperature after chemo",
    "temperature of thirty eight": "a temperature of thirty eight",
    "running a temperature": "she's running a temperature",
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
    "emergency": "this is an emergency",
}

LISTS = {"overdose": OVERDOSE, "crisis": CRISIS, "emergency": EMERGENCY, "urgent": URGENT}
ANSWER = {"overdose": "overdose", "crisis": "crisis", "emergency": "emergency_now", "urgent": "urgent"}

SAFETY = knowledge.load().safety


def entry(words: tuple[str, ...]) -> str:
    return " ".join(words)


def symptom(spoken: str) -> dict:
    """Words the model heard in the symptom slot but could not match to a value."""
    return {"symptom": slot_json("symptom", spoken, "SymptomType", None, None)}


def test_every_safety_entry_has_a_must_catch_phrase_here() -> None:
    """A word added to the lists needs a phrase here; one taken out fails the tests below."""
    for kind, phrases in LISTS.items():
        assert sorted(entry(p) for p in SAFETY.phrases(kind)) == sorted(phrases), kind  # type: ignore[arg-type]


CASES = sorted((kind, word, phrase) for kind, phrases in LISTS.items() for word, phrase in phrases.items())


@pytest.mark.parametrize(("kind", "word", "phrase"), CASES)
def test_the_phrase_gets_its_answer_through_a_real_envelope(kind: str, word: str, phrase: str) -> None:
    heard = Conversation().intent("SymptomIntent", symptom(phrase))
    assert heard.speech.startswith(said(ANSWER[kind])), (word, phrase)
    assert not heard.ends_session


@pytest.mark.parametrize(("kind", "word", "phrase"), CASES)
def test_each_phrase_is_caught_by_its_own_entry(kind: str, word: str, phrase: str) -> None:
    """Without its entry, the phrase no longer gets its answer: so that taking that one
    word out of the lists fails the test above."""
    assert SAFETY.urgency(phrase) == kind, (word, phrase)
    target = tuple(normalised_words(word))
    lists = {k: tuple(p for p in SAFETY.phrases(k) if p != target) for k in LISTS}  # type: ignore[arg-type]
    assert SafetyWords(**lists).urgency(phrase) != kind, (word, phrase)
