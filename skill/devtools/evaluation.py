"""``python -m skill evaluate``: how well the model understands phrasings it has never
seen, and the floors the project holds itself to.

The evaluation set (``tests/phrasings/en-GB.tsv``) was written apart from the model's
samples; ``verbatim_lines`` proves none of its lines is a sample word for word. Each line
names the intent and the slot value id it must reach; a line is right only when both are.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from skill import knowledge
from skill.conversation.safety import SAFETY_CUE_SLOT
from skill.devtools.nlu import FALLBACK, Resolution, Resolver, UtteranceResolver, normalise
from skill.knowledge import URGENCIES, SafetyWords

PHRASINGS = Path(__file__).resolve().parents[2] / "tests" / "phrasings" / "en-GB.tsv"
#: Near misses in both directions (an overdose taken or a crisis said unusually; emergency
#: words in an everyday sense, tiredness of treatment): every line must be right.
NEAR_MISSES = PHRASINGS.with_name("safety-near-misses.tsv")
#: Follow-ups said mid-conversation that name no topic ("is it free?", "any others?").
FOLLOW_UPS = PHRASINGS.with_name("follow-ups.tsv")

#: At least this share of lines must get the right intent and slot.
OVERALL_FLOOR = 0.95
#: Every line expecting one of these must be right: a miss here leaves someone in danger
#: without the right number.
SAFETY_INTENTS = frozenset({"EmergencyIntent", "UrgentHelpIntent", "CrisisIntent", "OverdoseIntent"})
#: Every out-of-domain line must reach the fallback, never an answer about cancer.
#: (The slot column ``?`` means: a value is heard that the slot type does not list.)
UNLISTED = "?"


@dataclass(frozen=True)
class Phrasing:
    line: int
    utterance: str
    intent: str
    slot: str
    #: Every line of a strict set must be right (the safety near misses).
    strict: bool = False
    #: Which set the line is from, when it is not the main one.
    tag: str = ""

    @property
    def where(self) -> str:
        return f"{self.tag} line {self.line}" if self.tag else f"line {self.line}"


@dataclass(frozen=True)
class Outcome:
    phrasing: Phrasing
    got_intent: str
    got_slot: str
    confidence: float

    @property
    def right(self) -> bool:
        return self.got_intent == self.phrasing.intent and self.got_slot == self.phrasing.slot


def read_all() -> list[Phrasing]:
    """The whole evaluation set: the everyday phrasings, the follow-ups and the safety
    near misses."""
    return [
        *read_phrasings(PHRASINGS),
        *read_phrasings(FOLLOW_UPS, tag="follow-ups"),
        *read_phrasings(NEAR_MISSES, strict=True, tag="near-misses"),
    ]


def read_phrasings(path: Path = PHRASINGS, *, strict: bool = False, tag: str = "") -> list[Phrasing]:
    """An evaluation set: ``utterance<TAB>intent<TAB>slot`` after a header line."""
    phrasings: list[Phrasing] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#") or raw.startswith("utterance\t"):
            continue
        columns = raw.split("\t")
        if len(columns) != 3 or not columns[0].strip() or not columns[1].strip():
            raise ValueError(f"{path.name}:{number}: expected utterance, intent and slot, tab-separated")
        phrasings.append(
            Phrasing(
                number, columns[0].strip(), columns[1].strip(), columns[2].strip(), strict=strict, tag=tag
            )
        )
    return phrasings


def slot_heard(resolution: Resolution) -> str:
    """The slot column for a resolution: a value id, ``?`` for an unlisted value, or ''."""
    for value in resolution.slots.values():
        return value.value_id or UNLISTED
    return ""


#: The intent whose answer the skill's slot safety net gives for each kind it finds.
SAFETY_NET_INTENTS = {
    "overdose": "OverdoseIntent",
    "crisis": "CrisisIntent",
    "emergency": "EmergencyIntent",
    "urgent": "UrgentHelpIntent",
}


def answered_as(resolution: Resolution, safety: SafetyWords) -> tuple[str, str]:
    """(intent, slot) as the skill answers it: the resolved intent and slot, unless the
    slot safety net answers first (a filled safety cue slot, or safety words in a slot),
    in which case the safety intent whose answer it gives, with no slot. So a line
    "what's chemo, I've written my goodbye letters" that reaches the chemotherapy intent
    with its cue slot filled counts as the crisis answer it gets."""
    kinds: set[str | None] = {safety.urgency(value.spoken) for value in resolution.slots.values()}
    kinds |= {value.value_id for name, value in resolution.slots.items() if name == SAFETY_CUE_SLOT}
    kind = next((kind for kind in URGENCIES if kind in kinds), None)
    if kind is not None and resolution.intent not in SAFETY_INTENTS:
        return SAFETY_NET_INTENTS[kind], ""
    plain = Resolution(
        resolution.intent,
        {name: value for name, value in resolution.slots.items() if name != SAFETY_CUE_SLOT},
        resolution.empty_slots,
        resolution.confidence,
    )
    return resolution.intent, slot_heard(plain)


def evaluate(resolver: UtteranceResolver, phrasings: Sequence[Phrasing]) -> list[Outcome]:
    safety = knowledge.load().safety
    outcomes = []
    for phrasing in phrasings:
        resolution = resolver.resolve(phrasing.utterance)
        intent, slot = answered_as(resolution, safety)
        outcomes.append(Outcome(phrasing, intent, slot, resolution.confidence))
    return outcomes


def failures(outcomes: Sequence[Outcome]) -> list[str]:
    """Which floors are not met; empty when the evaluation passes."""
    problems = []
    if not outcomes:
        return ["no phrasings to evaluate"]
    share = sum(outcome.right for outcome in outcomes) / len(outcomes)
    if share < OVERALL_FLOOR:
        problems.append(f"{share:.1%} of lines right, under the floor of {OVERALL_FLOOR:.0%}")
    for outcome in outcomes:
        expected = outcome.phrasing.intent
        if not outcome.right and expected in SAFETY_INTENTS:
            problems.append(f"a {expected} line missed ({outcome.phrasing.where})")
        elif not outcome.right and outcome.phrasing.strict:
            problems.append(f"a near miss went wrong: {expected} expected ({outcome.phrasing.where})")
        if expected == FALLBACK and outcome.got_intent != FALLBACK:
            problems.append(f"an out-of-domain line reached {outcome.got_intent} ({outcome.phrasing.where})")
    return problems


def report(outcomes: Sequence[Outcome], out: TextIO) -> None:
    """Accuracy overall and per intent, the most confused pairs, and every miss."""
    right = sum(outcome.right for outcome in outcomes)
    print(f"{right}/{len(outcomes)} lines right ({right / max(len(outcomes), 1):.1%})", file=out)
    totals: Counter[str] = Counter(outcome.phrasing.intent for outcome in outcomes)
    goods: Counter[str] = Counter(outcome.phrasing.intent for outcome in outcomes if outcome.right)
    print("\nper intent (right / lines):", file=out)
    for intent in sorted(totals):
        print(
            f"  {intent:28} {goods[intent]:4d} / {totals[intent]:<4d} {goods[intent] / totals[intent]:6.1%}",
            file=out,
        )
    confused: Counter[tuple[str, str]] = Counter(
        (outcome.phrasing.intent, outcome.got_intent)
        for outcome in outcomes
        if outcome.got_intent != outcome.phrasing.intent
    )
    if confused:
        print("\nmost confused (expected -> got):", file=out)
        for (expected, got), count in confused.most_common(10):
            print(f"  {count:3d}  {expected} -> {got}", file=out)
    misses = [outcome for outcome in outcomes if not outcome.right]
    if misses:
        print(f"\nevery miss ({len(misses)}):", file=out)
        for outcome in misses:
            phrasing = outcome.phrasing
            expected = f"{phrasing.intent}[{phrasing.slot}]" if phrasing.slot else phrasing.intent
            got = f"{outcome.got_intent}[{outcome.got_slot}]" if outcome.got_slot else outcome.got_intent
            print(f"  {phrasing.where}: {phrasing.utterance!r}", file=out)
            print(f"      expected {expected}, got {got} ({outcome.confidence:.2f})", file=out)


def verbatim_lines(phrasings: Sequence[Phrasing], exact: Resolver) -> list[tuple[Phrasing, str, str]]:
    """Lines that are a sample of the model word for word: (line, intent, sample). Such a
    line measures memory, not generalisation. (A line that fills a sample's slot with a
    value, "does chemo have side effects", is not a sample: people do say that.)"""
    found = []
    for phrasing in phrasings:
        for intent, sample, slots in exact.samples_matching(phrasing.utterance):
            if not slots:
                found.append((phrasing, intent, sample))
                break
    return found


def annotation_set(phrasings: Sequence[Phrasing], model: dict[str, Any]) -> dict[str, Any]:
    """The set as an Alexa NLU annotation set, in the JSON the Skill Management API's
    NLU Evaluation Tool takes (developer.amazon.com/docs/smapi/nlu-evaluation-tool-api.html):
    ``{"data": [{"inputs": {"utterance"}, "expected": [{"intent": {"name", "slots"}}]}]}``,
    slots as ``{"slotValue": {"type": "Simple", "value": ...}}`` with the value's name."""
    language_model = model["interactionModel"]["languageModel"]
    names = {
        (slot_type["name"], value["id"]): value["name"]["value"]
        for slot_type in language_model.get("types", [])
        for value in slot_type.get("values", [])
    }
    slot_of = {
        intent["name"]: {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for intent in language_model["intents"]
    }
    data = []
    for phrasing in phrasings:
        intent: dict[str, Any] = {"name": phrasing.intent}
        if phrasing.slot and phrasing.slot != UNLISTED:
            for slot_name, slot_type in slot_of.get(phrasing.intent, {}).items():
                value = names.get((slot_type, phrasing.slot))
                if value is not None:
                    intent["slots"] = {slot_name: {"slotValue": {"type": "Simple", "value": value}}}
                    break
        data.append(
            {"inputs": {"utterance": normalise(phrasing.utterance)}, "expected": [{"intent": intent}]}
        )
    return {"data": data}


def write_annotation_set(path: Path, phrasings: Sequence[Phrasing], model: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(annotation_set(phrasings, model), indent=2) + "\n", encoding="utf-8")
