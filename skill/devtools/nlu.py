"""A local stand-in for Alexa's language understanding, for typing at the skill.

It resolves an utterance against ``interaction_models/en-GB.json`` the way Alexa does
for an utterance that matches a sample: the sample's intent, each slot's words, and
entity resolution against the custom slot types (ER_SUCCESS_MATCH with the value's id,
or ER_SUCCESS_NO_MATCH for words the type does not list). Anything that matches no
sample goes to AMAZON.FallbackIntent. Real Alexa also generalises beyond the samples;
this does not, which makes it a strict test of the samples themselves. The stand-ins
that generalise are ``skill.devtools.generalising`` (n-grams) and ``skill.devtools.meaning``
(sentence embeddings); all three answer with the same ``Resolution``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Protocol

MODELS = Path(__file__).resolve().parents[2] / "interaction_models"
FALLBACK = "AMAZON.FallbackIntent"

#: What people say for the built-in intents that need no samples in the model.
BUILT_IN_SAMPLES: dict[str, tuple[str, ...]] = {
    "AMAZON.YesIntent": ("yes", "yeah", "yes please", "yep", "sure", "okay", "ok", "please", "go on then"),
    "AMAZON.NoIntent": ("no", "no thanks", "no thank you", "nope", "not now", "no I'm fine"),
    "AMAZON.StopIntent": ("stop", "stop it", "be quiet", "that's all", "I'm done", "shut up"),
    "AMAZON.CancelIntent": ("cancel", "never mind", "forget it"),
    "AMAZON.HelpIntent": ("help", "help me", "what can I say"),
    "AMAZON.RepeatIntent": ("repeat", "repeat that", "say that again", "pardon", "come again"),
    "AMAZON.StartOverIntent": ("start over", "restart", "start from the beginning"),
    "AMAZON.NavigateHomeIntent": ("go home", "home"),
}


def normalise(text: str) -> str:
    """Lower case, words and apostrophes only, single spaces."""
    text = text.lower().replace("\u2019", "'")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class SlotValue:
    name: str
    spoken: str
    #: The custom slot type's value id and canonical name; None for no match.
    value_id: str | None
    canonical: str | None
    slot_type: str


@dataclass(frozen=True)
class Resolution:
    intent: str
    slots: dict[str, SlotValue] = field(default_factory=dict)
    #: Slots the intent has but the utterance did not fill.
    empty_slots: tuple[str, ...] = ()
    #: How sure the resolver is of its best intent, 0 to 1. The exact matcher is sure (1.0);
    #: the generalising one gives its probability, and under its threshold answers the
    #: fallback with the best intent's (too low) probability here.
    confidence: float = 1.0


class UtteranceResolver(Protocol):
    """What the typed tools need of a resolver, exact or generalising."""

    @property
    def intent_slots(self) -> dict[str, dict[str, str]]: ...

    def resolve(self, utterance: str) -> Resolution: ...


@dataclass(frozen=True)
class _Sample:
    intent: str
    text: str
    pattern: re.Pattern[str]
    slot_names: tuple[str, ...]
    literal_length: int
    #: One of ``BUILT_IN_SAMPLES`` (Amazon's own training, approximated), not the model's.
    built_in: bool = False


#: How a word-for-word match ranks (higher is better), or None to pass it over.
Score = Callable[["_Sample", dict[str, SlotValue]], tuple[int, int] | None]


def _specific(sample: _Sample, slots: dict[str, SlotValue]) -> tuple[int, int] | None:
    """Samples whose slot words the model knows first, then the most specific."""
    known = sum(1 for value in slots.values() if value.value_id is not None)
    unknown = len(slots) - known
    if unknown and not sample.literal_length:
        return None  # a bare "{treatment}" sample is no catch-all for any words
    return (-unknown, sample.literal_length + 2 * known)


class Resolver:
    """Resolves typed utterances against one interaction model."""

    def __init__(self, model: dict[str, Any]) -> None:
        language_model = model["interactionModel"]["languageModel"]
        self.invocation_name: str = language_model["invocationName"]
        self._synonyms: dict[str, dict[str, tuple[str, str]]] = {}
        for slot_type in language_model.get("types", []):
            table: dict[str, tuple[str, str]] = {}
            for value in slot_type.get("values", []):
                canonical = value["name"]["value"]
                value_id = value.get("id") or canonical
                for spoken in (canonical, *value["name"].get("synonyms", [])):
                    table.setdefault(normalise(spoken), (value_id, canonical))
            self._synonyms[slot_type["name"]] = table
        self.intent_slots: dict[str, dict[str, str]] = {}
        self._samples: list[_Sample] = []
        for intent in language_model["intents"]:
            name = intent["name"]
            slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
            self.intent_slots[name] = slot_types
            for sample in intent.get("samples", []):
                self._samples.append(self._compile(name, sample))
            for sample in BUILT_IN_SAMPLES.get(name, ()):
                self._samples.append(self._compile(name, sample, built_in=True))

    def _compile(self, intent: str, sample: str, built_in: bool = False) -> _Sample:
        parts = re.split(r"(\{\w+\})", sample)
        pattern = []
        slot_names = []
        literal = 0
        for part in parts:
            if part.startswith("{") and part.endswith("}"):
                slot_names.append(part[1:-1])
                pattern.append(rf"(?<!\S)(?P<{part[1:-1]}>.+?)(?!\S)")  # whole words only
            elif part.strip():
                words = normalise(part)
                literal += len(words)
                pattern.append(re.escape(words))
        regex = r"\s*".join(pattern) if pattern else r"$^"
        return _Sample(intent, sample, re.compile(rf"^{regex}$"), tuple(slot_names), literal, built_in)

    def spoken_forms(self, slot_type: str) -> dict[str, tuple[str, str]]:
        """Every normalised value and synonym of a custom slot type: (value id, canonical)."""
        return self._synonyms.get(slot_type, {})

    def slot_value(self, intent: str, slot: str, spoken: str) -> SlotValue:
        slot_type = self.intent_slots[intent][slot]
        match = self._synonyms.get(slot_type, {}).get(normalise(spoken))
        return SlotValue(
            name=slot,
            spoken=spoken,
            value_id=match[0] if match else None,
            canonical=match[1] if match else None,
            slot_type=slot_type,
        )

    def resolve(self, utterance: str) -> Resolution:
        """The intent and slots Alexa would send for this utterance."""
        return self._best_match(normalise(utterance), self._samples) or Resolution(FALLBACK, {}, ())

    def held(self, utterance: str) -> Resolution | None:
        """The sample that the utterance is word for word, every slot's words a value its
        type lists; None if there is none. Alexa is surest of the samples it holds: the
        trained stand-ins answer these as a sample says, before they classify."""

        def score(sample: _Sample, slots: dict[str, SlotValue]) -> tuple[int, int] | None:
            if any(value.value_id is None for value in slots.values()):
                return None
            # A value the slot's type lists is heard as that value, even where a sample
            # also says its words ("what can help with bone pain"): the most slots filled.
            return (len(slots), sample.literal_length)

        return self._best_match(normalise(utterance), self._samples, score)

    def template_match(self, intent: str, utterance: str) -> Resolution | None:
        """The best word-for-word match among one intent's samples, if any.

        The generalising resolver uses it to find the words heard in a slot that the slot
        type does not list (ER_SUCCESS_NO_MATCH), as only a sample's shape can show them.
        """
        samples = [sample for sample in self._samples if sample.intent == intent]
        return self._best_match(normalise(utterance), samples)

    def _best_match(
        self, text: str, samples: list[_Sample], score: Score | None = None
    ) -> Resolution | None:
        """The matching sample that scores highest (``_specific`` unless told), skipping
        those the score rules out (None)."""
        best: tuple[tuple[int, int], Resolution] | None = None
        for sample, slots in self._matches(text, samples):
            ranked = (score or _specific)(sample, slots)
            if ranked is not None and (best is None or ranked > best[0]):
                empty = tuple(s for s in self.intent_slots[sample.intent] if s not in slots)
                best = (ranked, Resolution(sample.intent, slots, empty))
        return best[1] if best else None

    def _matches(
        self, text: str, samples: Iterable[_Sample]
    ) -> Iterator[tuple[_Sample, dict[str, SlotValue]]]:
        """Each sample that ``text`` (normalised) matches word for word, with its slots."""
        for sample in samples:
            match = sample.pattern.match(text)
            if match:
                yield (
                    sample,
                    {
                        name: self.slot_value(sample.intent, name, match.group(name))
                        for name in sample.slot_names
                    },
                )

    def samples_matching(
        self, utterance: str, built_in: bool = False
    ) -> list[tuple[str, str, dict[str, SlotValue]]]:
        """Every sample (intent, sample, slots) of the model that matches the utterance word
        for word; the built-in stand-ins too if asked."""
        samples = (sample for sample in self._samples if built_in or not sample.built_in)
        return [
            (sample.intent, sample.text, slots)
            for sample, slots in self._matches(normalise(utterance), samples)
        ]

    def samples(self, intent: str) -> list[str]:
        return [sample.text for sample in self._samples if sample.intent == intent]


def load_model(locale: str = "en-GB") -> dict[str, Any]:
    data: dict[str, Any] = json.loads((MODELS / f"{locale}.json").read_text(encoding="utf-8"))
    return data


@cache
def resolver(locale: str = "en-GB") -> Resolver:
    return Resolver(load_model(locale))
