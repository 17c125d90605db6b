"""A local stand-in for Alexa's statistical understanding: it generalises beyond the samples.

Alexa does not match a sample word for word: it trains a statistical model on the
interaction model's samples and slot values, and so also understands phrasings that no
sample spells out. The exact matcher (``nlu.py``) cannot show how well our model does
that; this resolver can. It is trained on the same material only, never on the
evaluation set:

- every sample of every intent, with its slot placeholders filled by the slot type's
  values and synonyms (``Settings.fillings`` fillings a sample, in a fixed order);
- ``BUILT_IN_SAMPLES`` for Amazon's built-in intents, whose training Amazon does not
  publish, and ``OUT_OF_DOMAIN_SAMPLES`` for the fallback, standing in for Alexa's own
  out-of-domain model (plus the model's own AMAZON.FallbackIntent samples).

A linear classifier (logistic regression) over word and character n-grams picks the
intent; under ``Settings.threshold`` the answer is AMAZON.FallbackIntent. Slots are then
filled from the values and synonyms heard (longest first, only the slot types that the
chosen intent has), with entity resolution as Alexa sends it: ER_SUCCESS_MATCH with the
value's id and canonical name, or ER_SUCCESS_NO_MATCH for heard words the type lacks,
which only a sample's shape can show (a word-for-word template match of the intent's
samples).

A developer tool: scikit-learn is a development dependency only (requirements/dev.txt),
nothing in production imports this module, and ``skill/devtools`` stays out of the
Lambda zip.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import pickle
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline, make_pipeline, make_union

from skill.devtools.nlu import (
    BUILT_IN_SAMPLES,
    FALLBACK,
    Resolution,
    Resolver,
    SlotValue,
    load_model,
    normalise,
)

#: A few things people ask that no skill of ours answers. Alexa's fallback has its own
#: out-of-domain model behind it; these stand in for it, so that the fallback class is
#: more than the model's handful of samples.
OUT_OF_DOMAIN_SAMPLES: tuple[str, ...] = (
    "what's the weather like tomorrow",
    "will it rain today",
    "play some music",
    "play the radio",
    "set a timer for ten minutes",
    "wake me up at seven",
    "add milk to my shopping list",
    "what's in the news",
    "tell me a joke",
    "what time is it",
    "what's the football score",
    "turn the lights off",
    "how do you make a cake",
    "what's on television tonight",
    "call my daughter",
    "how far is it to london",
    "who won the match last night",
    "spell necessary",
    "what's two plus two",
    "order more washing up liquid",
    "how do I get rid of a cold",
    "what's good for hay fever",
    "how do I treat a sprained ankle",
    "where's the nearest chemist",
    "book a taxi",
    "what's the capital of france",
)

_TOKENS = r"[a-z0-9']+"
#: Carrier words before a slot value ("the pancreas"): not part of the value.
_CARRIERS = frozenset(["the", "my", "her", "his", "their", "a", "an", "your", "our"])
#: Words that fill a sample's slot position without naming anything (pronouns and
#: the like): never reported as a heard value.
_NOT_A_VALUE = frozenset(
    [
        "it",
        "that",
        "this",
        "they",
        "them",
        "these",
        "those",
        "her",
        "him",
        "she",
        "he",
        "me",
        "my",
        "anything",
        "something",
        "any",
        "one",
        "the",
        "a",
        "things",
        "stuff",
        "what",
        "which",
        "there",
    ]
)
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass(frozen=True)
class Settings:
    """The classifier's hyperparameters.

    Chosen by cross-validation on the interaction model's own samples, holding out whole
    sample templates (``python -m skill.devtools.tuning``), never on the evaluation set.
    """

    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)
    #: Inverse regularisation strength of the logistic regression.
    c: float = 30.0
    #: Weigh intents equally, however many samples each has.
    balanced: bool = True
    #: Under this probability for the best intent, the answer is the fallback.
    threshold: float = 0.3
    #: How many fillings of slot values each sample with a placeholder gets.
    fillings: int = 3


SETTINGS = Settings()


@dataclass(frozen=True)
class TrainingSet:
    """Texts and intents to train on; ``groups`` numbers the sample each text came from."""

    texts: list[str]
    intents: list[str]
    groups: list[int]


def training_set(model: dict[str, Any], fillings: int = SETTINGS.fillings) -> TrainingSet:
    """The model's samples with slots filled, built-in samples and out-of-domain samples.

    Each slot type's values and synonyms are dealt out in turn (in a fixed shuffled order
    per intent), so every synonym is seen and the same model always gives the same set.
    """
    language_model = model["interactionModel"]["languageModel"]
    spoken: dict[str, list[str]] = {}
    for slot_type in language_model.get("types", []):
        forms: set[str] = set()
        for value in slot_type.get("values", []):
            forms.update(normalise(s) for s in (value["name"]["value"], *value["name"].get("synonyms", [])))
        spoken[slot_type["name"]] = sorted(forms - {""})
    texts: list[str] = []
    intents: list[str] = []
    groups: list[int] = []
    group = itertools.count()
    for intent in language_model["intents"]:
        name = intent["name"]
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        dealers = {
            slot_type: _dealer(name, slot_type, spoken.get(slot_type, []))
            for slot_type in slot_types.values()
        }
        samples = [*intent.get("samples", []), *BUILT_IN_SAMPLES.get(name, ())]
        if name == FALLBACK:
            samples += OUT_OF_DOMAIN_SAMPLES
        for sample in samples:
            number = next(group)
            placeholders = _PLACEHOLDER.findall(sample)
            filled = set()
            for _ in range(fillings if placeholders else 1):
                text = sample
                for slot in placeholders:
                    dealer = dealers.get(slot_types.get(slot, ""))
                    text = text.replace(f"{{{slot}}}", next(dealer) if dealer else "", 1)
                filled.add(normalise(text))
            for text in sorted(filled - {""}):
                texts.append(text)
                intents.append(name)
                groups.append(number)
    return TrainingSet(texts, intents, groups)


def _dealer(intent: str, slot_type: str, forms: list[str]) -> Iterator[str] | None:
    if not forms:
        return None  # a built-in slot type: no values to fill it with; the carrier words remain
    order = list(forms)
    random.Random(f"{intent}/{slot_type}").shuffle(order)
    return itertools.cycle(order)


def classifier(settings: Settings = SETTINGS) -> Pipeline:
    """Word and character n-grams (tf-idf) into a multinomial logistic regression."""
    return make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=settings.word_ngrams, token_pattern=_TOKENS, sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=settings.char_ngrams, sublinear_tf=True),
        ),
        LogisticRegression(
            C=settings.c,
            class_weight="balanced" if settings.balanced else None,
            max_iter=3000,
            random_state=0,
        ),
    )


class SlotFiller:
    """The answer for an intent once a classifier has chosen it: the fallback under the
    threshold, else the intent with its slots filled from the values and synonyms heard,
    then from the shape of its samples. Shared by every resolver that classifies (the
    n-gram one here, the meaning one in ``meaning.py``), so that slots are filled alike."""

    def __init__(self, model: dict[str, Any]) -> None:
        self.exact = Resolver(model)
        # Words the samples themselves say: an unlisted slot value is a word the model
        # does not otherwise know ("pancreas"), never one of its carrier words ("nurses").
        self._sample_words = frozenset(
            word
            for intent in model["interactionModel"]["languageModel"]["intents"]
            for sample in intent.get("samples", [])
            for word in normalise(_PLACEHOLDER.sub(" ", sample)).split()
        )
        # Per slot type, each spoken form as words, longest first: the first found wins.
        self._forms: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for slot_types in self.exact.intent_slots.values():
            for slot_type in slot_types.values():
                forms = self.exact.spoken_forms(slot_type)
                self._forms[slot_type] = sorted(
                    ((tuple(spoken.split()), *found) for spoken, found in forms.items() if spoken),
                    key=lambda form: (-len(form[0]), -len(" ".join(form[0])), form[0]),
                )

        self._order: dict[tuple[str, str], tuple[str, ...]] = {}
        self._alone: dict[tuple[str, str], str] = {}
        # Per (intent, slot name): the one word every sample says just before the slot
        # ("and {alsoAsked}"), and the one word every sample says just after it
        # ("{askedFirst} and").
        self._after: dict[tuple[str, str], str] = {}
        self._before: dict[tuple[str, str], str] = {}
        for intent in model["interactionModel"]["languageModel"]["intents"]:
            self._learn_places(intent["name"], intent.get("samples", []))

    def _learn_places(self, intent: str, samples: list[str]) -> None:
        """Where the intent's samples put their slots, as Alexa fills slots by place:
        for a type with several slots said together, their order and the one said alone;
        for a slot that every sample puts after one same word ("and {alsoAsked}"), or
        before one ("{askedFirst} and"), that word."""
        slot_types = self.intent_slots.get(intent, {})
        before: dict[str, set[str]] = {}
        after: dict[str, set[str]] = {}
        orders: dict[str, Counter[tuple[str, ...]]] = {}
        alone: dict[str, Counter[str]] = {}
        for sample in samples:
            tokens = sample.split()
            for index, token in enumerate(tokens):
                name = token[1:-1] if token.startswith("{") and token.endswith("}") else None
                if name in slot_types:
                    before.setdefault(name, set()).add(tokens[index - 1].lower() if index else "")
                    following = tokens[index + 1].lower() if index + 1 < len(tokens) else ""
                    after.setdefault(name, set()).add(following)
            named = [name for name in _PLACEHOLDER.findall(sample) if name in slot_types]
            for slot_type in {slot_types[name] for name in named}:
                of_type = tuple(name for name in named if slot_types[name] == slot_type)
                if len(of_type) > 1:
                    orders.setdefault(slot_type, Counter())[of_type] += 1
                else:
                    alone.setdefault(slot_type, Counter())[of_type[0]] += 1
        for slot_type, counted in orders.items():
            self._order[intent, slot_type] = counted.most_common(1)[0][0]
            if slot_type in alone:
                self._alone[intent, slot_type] = alone[slot_type].most_common(1)[0][0]
        for place, seen in ((self._after, before), (self._before, after)):
            for name, words in seen.items():
                if len(words) == 1 and "" not in words:
                    place[intent, name] = next(iter(words))

    def _in_place(self, intent: str, name: str, words: list[str], start: int, size: int) -> bool:
        """A value can be where the samples put its slot: after its one word and before
        its one word, where the samples always say one, else anywhere."""
        after = self._after.get((intent, name))
        before = self._before.get((intent, name))
        return (after is None or (start > 0 and words[start - 1] == after)) and (
            before is None or (start + size < len(words) and words[start + size] == before)
        )

    def _placed(self, intent: str, name: str) -> bool:
        return (intent, name) in self._after or (intent, name) in self._before

    @property
    def intent_slots(self) -> dict[str, dict[str, str]]:
        return self.exact.intent_slots

    def resolution(self, utterance: str, intent: str, confidence: float, threshold: float) -> Resolution:
        """What Alexa would send when the classifier's best intent for ``utterance`` is
        ``intent`` with this confidence: the fallback under ``threshold``. An utterance
        that is a sample word for word, with listed slot values, is that sample's."""
        held = self.exact.held(utterance)
        if held is not None:
            return held
        if confidence < threshold or intent == FALLBACK or intent not in self.intent_slots:
            return Resolution(FALLBACK, {}, (), confidence)
        slots = self.heard_slots(intent, utterance)
        empty = tuple(name for name in self.intent_slots[intent] if name not in slots)
        return Resolution(intent, slots, empty, confidence)

    def heard_slots(self, intent: str, utterance: str) -> dict[str, SlotValue]:
        """The intent's slots filled from the values and synonyms heard, then from its samples.

        Values are found longest first and never overlap; one slot of a type takes the
        longest value heard, several slots of one type are filled in the order they are
        heard. Words that a sample's slot position holds but
        the type does not list come back with no value id (ER_SUCCESS_NO_MATCH).
        """
        words = normalise(utterance).split()
        slot_types = self.intent_slots[intent]
        taken = [False] * len(words)
        slots: dict[str, SlotValue] = {}
        for slot_type in dict.fromkeys(slot_types.values()):
            # Each type finds its values among the words no earlier type has filled a
            # slot with; a value it finds but fills no slot with stays free for the next.
            found: list[tuple[int, SlotValue]] = []
            mine = list(taken)
            for form, value_id, canonical in self._forms.get(slot_type, []):
                size = len(form)
                for start in range(len(words) - size + 1):
                    if tuple(words[start : start + size]) == form and not any(mine[start : start + size]):
                        mine[start : start + size] = [True] * size
                        found.append((start, SlotValue("", " ".join(form), value_id, canonical, slot_type)))
            names = [name for name, kind in slot_types.items() if kind == slot_type]
            for name, (start, value) in self._fill(intent, slot_type, names, words, found):
                size = len(value.spoken.split())
                taken[start : start + size] = [True] * size
                slots[name] = SlotValue(name, value.spoken, value.value_id, value.canonical, slot_type)
        if len(slots) < len(slot_types):
            for name, value in self._template_slots(intent, words).items():
                spoken = normalise(value.spoken).split()
                while value.value_id is None and len(spoken) > 1 and spoken[0] in _CARRIERS:
                    spoken = spoken[1:]  # "the pancreas": the sample's "the" is a carrier word
                    value = SlotValue(name, " ".join(spoken), None, None, value.slot_type)
                if value.value_id is None and (
                    set(spoken) <= _NOT_A_VALUE or len(spoken) > 3 or set(spoken) <= self._sample_words
                ):
                    # "will it have side effects": "it" names nothing the slot could hold;
                    # and a value is a few words, not the rest of a sentence.
                    continue
                slots.setdefault(name, value)
        return {name: slots[name] for name in slot_types if name in slots}

    def _fill(
        self,
        intent: str,
        slot_type: str,
        names: list[str],
        words: list[str],
        found: list[tuple[int, SlotValue]],
    ) -> list[tuple[str, tuple[int, SlotValue]]]:
        """Which of the values heard fill which of the type's slots: one slot takes the
        longest value in its place; several slots each take theirs, when the samples
        put each in a place of its own and never say them together ("{askedFirst} and
        ...", "... and {alsoAsked}"); else, as Alexa fills several slots of one type
        said together ("not the {mistakenSite} the {bodySite}"), the last ones said, in
        the order the samples put them; one value alone goes to the slot the samples
        name alone."""

        def longest(candidates: list[tuple[int, SlotValue]]) -> list[tuple[int, SlotValue]]:
            return sorted(candidates, key=lambda x: (-len(x[1].spoken.split()), x[0]))

        def in_place(name: str) -> list[tuple[int, SlotValue]]:
            return [
                (start, value)
                for start, value in found
                if self._in_place(intent, name, words, start, len(value.spoken.split()))
            ]

        if len(names) == 1:
            return [(names[0], best) for best in longest(in_place(names[0]))[:1]]
        if (intent, slot_type) not in self._order and all(self._placed(intent, name) for name in names):
            filled: list[tuple[str, tuple[int, SlotValue]]] = []
            for name in names:
                free = [f for f in in_place(name) if all(f[0] != other[0] for _, other in filled)]
                filled.extend((name, best) for best in longest(free)[:1])
            return filled
        # A value said twice is the same value ("the liver no not the liver the lungs"):
        # its last saying counts; the last ones said are the ones meant.
        last_said = {value.value_id or value.spoken: (start, value) for start, value in sorted(found)}
        in_order = sorted(last_said.values())
        if len(in_order) == 1:
            return [(self._alone.get((intent, slot_type), names[0]), in_order[0])]
        names = list(self._order.get((intent, slot_type), names))
        return list(zip(names, in_order[-len(names) :], strict=False))

    def _template_slots(self, intent: str, words: list[str]) -> dict[str, SlotValue]:
        """Slots from the best sample of the intent that the utterance, less a lead-in, matches.

        People start with words no sample has ("I think", "the doctor said"); dropping
        them one by one lets a sample's shape still show which words fill its slot.
        """
        for start in range(len(words)):
            template = self.exact.template_match(intent, " ".join(words[start:]))
            if template and template.slots:
                return template.slots
        return {}


class GeneralisingResolver:
    """Resolves typed utterances as Alexa's statistical understanding would, roughly."""

    def __init__(self, model: dict[str, Any], settings: Settings = SETTINGS) -> None:
        self.settings = settings
        self.slots = SlotFiller(model)
        data = training_set(model, settings.fillings)
        self.pipeline = classifier(settings).fit(data.texts, data.intents)
        self.intents: list[str] = [str(name) for name in self.pipeline.classes_]
        self.training_size = len(data.texts)

    @property
    def intent_slots(self) -> dict[str, dict[str, str]]:
        return self.slots.intent_slots

    def rank(self, utterance: str) -> list[tuple[str, float]]:
        """Every intent with its probability, most likely first."""
        probabilities = self.pipeline.predict_proba([normalise(utterance)])[0]
        ranked = sorted(
            zip(self.intents, (float(p) for p in probabilities), strict=True), key=lambda x: -x[1]
        )
        return ranked

    def resolve(self, utterance: str) -> Resolution:
        """The intent and slots Alexa would send for this utterance, with a confidence."""
        text = normalise(utterance)
        intent, confidence = self.rank(text)[0]
        return self.slots.resolution(text, intent, confidence, self.settings.threshold)


#: Trained resolvers are kept here between runs, so that ``ask`` answers in a second or
#: two rather than training again every time.
CACHE = Path(__file__).resolve().parents[2] / "build" / "cache"


def trained_key(model: dict[str, Any], settings: object, *more: str) -> str:
    """What a trained stand-in resolver depends on: the model, its settings, the stand-in
    samples, ``more`` (the code that trains it, and whatever else it reads) and
    scikit-learn's version. Any change trains afresh."""
    digest = hashlib.sha256()
    for part in (
        json.dumps(model, sort_keys=True),
        repr(settings),
        repr(BUILT_IN_SAMPLES),
        repr(OUT_OF_DOMAIN_SAMPLES),
        *more,
        sklearn.__version__,
    ):
        digest.update(part.encode("utf-8"))
    return digest.hexdigest()[:24]


def cache_key(model: dict[str, Any], settings: Settings = SETTINGS) -> str:
    """The n-gram resolver's ``trained_key``: its code is this module."""
    return trained_key(model, settings, Path(__file__).read_text(encoding="utf-8"))


def cached_resolver(model: dict[str, Any], directory: Path = CACHE) -> GeneralisingResolver:
    """The resolver trained on ``model``, from the cache on disk when it is there (keyed
    by ``cache_key``), else trained now and stored. A cache that cannot be read or
    written is only slower, never wrong: the resolver is trained instead."""
    path = directory / f"resolver-{cache_key(model)}.pickle"
    found = read_cached(path)
    if isinstance(found, GeneralisingResolver):
        return found
    resolver = GeneralisingResolver(model)
    write_cached(path, resolver)
    return resolver


def read_cached(path: Path) -> object | None:
    """What a cache file holds, or None when it is missing or cannot be read: a cache is
    only ever slower, never wrong."""
    try:
        with path.open("rb") as file:
            return pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError, TypeError):
        return None


def write_cached(path: Path, value: object) -> None:
    """Keep ``value`` at ``path`` (``<kind>-<key>.pickle``), in place of older files of the
    same kind, written whole or not at all; a cache that cannot be written is skipped."""
    kind = path.name.split("-", 1)[0]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in path.parent.glob(f"{kind}-*.pickle"):
            stale.unlink(missing_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        with partial.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)
        partial.replace(path)
    except OSError:
        pass


@cache
def generalising_resolver(locale: str = "en-GB") -> GeneralisingResolver:
    """Trained once per process, and kept on disk between runs (``cached_resolver``)."""
    return cached_resolver(load_model(locale))
