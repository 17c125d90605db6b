"""``python -m skill evaluate``: how well the model understands phrasings it has never
seen, and the floors the project holds itself to.

The evaluation sets (``SETS``: ``tests/phrasings/*.tsv``) were written apart from the
model's samples; ``verbatim_lines`` proves none of their lines is a sample word for word.
Each line names the intent and the slot value id it must reach; a line is right only when
both are. Every set is evaluated under each resolver that stands in for Alexa (the n-gram
one and the meaning one), and the floors must hold under each.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from skill import knowledge
from skill.conversation.safety import SAFETY_CUE_SLOT, net_urgency
from skill.devtools.conversations import SessionOutcome
from skill.devtools.nlu import FALLBACK, Resolution, Resolver, UtteranceResolver, normalise
from skill.knowledge import SafetyWords

PHRASINGS = Path(__file__).resolve().parents[2] / "tests" / "phrasings" / "en-GB.tsv"
#: Near misses in both directions (an overdose taken or a crisis said unusually; emergency
#: words in an everyday sense, tiredness of treatment): every line must be right.
NEAR_MISSES = PHRASINGS.with_name("safety-near-misses.tsv")
#: Follow-ups said mid-conversation that name no topic ("is it free?", "any others?").
FOLLOW_UPS = PHRASINGS.with_name("follow-ups.tsv")
#: Crises, overdoses and emergencies said indirectly: every line must be right.
SAFETY_INDIRECT = PHRASINGS.with_name("safety-indirect.tsv")
#: Near misses that must not be taken for an emergency or a crisis: no line may get a
#: safety answer (a safety net that cries wolf gets ignored); their labels count toward
#: the overall floor like any other line.
FALSE_ALARMS = PHRASINGS.with_name("false-alarms.tsv")


@dataclass(frozen=True)
class PhrasingSet:
    """One file of phrasings: its tag in reports, and what its lines must do: every line
    right (``strict``), or at least never a safety answer where none is expected
    (``alarm_free``)."""

    path: Path
    tag: str = ""
    strict: bool = False
    alarm_free: bool = False
    #: May be registered before it is written: while its file is missing, evaluate says so
    #: and goes on without it.
    optional: bool = False

    @property
    def name(self) -> str:
        return self.path.name


#: Every evaluation set, in the order reports list them.
SETS: tuple[PhrasingSet, ...] = (
    PhrasingSet(PHRASINGS),
    PhrasingSet(FOLLOW_UPS, "follow-ups"),
    PhrasingSet(NEAR_MISSES, "near-misses", strict=True),
    PhrasingSet(SAFETY_INDIRECT, "safety-indirect", strict=True, optional=True),
    PhrasingSet(FALSE_ALARMS, "false-alarms", alarm_free=True, optional=True),
)

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
    #: A line of an alarm-free set must never get a safety answer it does not expect.
    alarm_free: bool = False
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


def present(sets: Sequence[PhrasingSet] = SETS) -> list[PhrasingSet]:
    """The sets whose files are there: an optional set not yet written is left out
    (``absent`` names it); a required one that is missing fails when it is read."""
    return [each for each in sets if not each.optional or each.path.exists()]


def absent(sets: Sequence[PhrasingSet] = SETS) -> list[PhrasingSet]:
    """The optional sets whose files are not there yet."""
    return [each for each in sets if each.optional and not each.path.exists()]


def read_set(each: PhrasingSet) -> list[Phrasing]:
    return read_phrasings(each.path, strict=each.strict, alarm_free=each.alarm_free, tag=each.tag)


def read_all(sets: Sequence[PhrasingSet] = SETS) -> list[Phrasing]:
    """The whole evaluation set: every set of ``SETS`` that is there (the everyday
    phrasings, the follow-ups, the safety near misses, the indirect safety lines and the
    false alarms)."""
    return [phrasing for each in present(sets) for phrasing in read_set(each)]


def set_for(path: Path, sets: Sequence[PhrasingSet] = SETS) -> PhrasingSet:
    """A file named on the command line: one of ``SETS`` (with its strictness) if it is
    one, else an ordinary set of its own."""
    for each in sets:
        if each.path.resolve() == path.resolve():
            return each
    return PhrasingSet(path)


def read_phrasings(
    path: Path = PHRASINGS, *, strict: bool = False, alarm_free: bool = False, tag: str = ""
) -> list[Phrasing]:
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
                number,
                columns[0].strip(),
                columns[1].strip(),
                columns[2].strip(),
                strict=strict,
                alarm_free=alarm_free,
                tag=tag,
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
    cue = resolution.slots.get(SAFETY_CUE_SLOT)
    spoken = (value.spoken for value in resolution.slots.values())
    kind = net_urgency(safety, spoken, cue.value_id if cue else None)
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
            problems.append(f"a strict line went wrong: {expected} expected ({outcome.phrasing.where})")
        elif outcome.phrasing.alarm_free and outcome.got_intent in SAFETY_INTENTS:
            problems.append(
                f"a false alarm: {outcome.got_intent} for a {expected} line ({outcome.phrasing.where})"
            )
        if expected == FALLBACK and outcome.got_intent != FALLBACK:
            problems.append(f"an out-of-domain line reached {outcome.got_intent} ({outcome.phrasing.where})")
    return problems


SLOT = re.compile(r"\{\w+\}")

#: The intents that end a conversation: a safety phrasing that shares a word with their
#: samples must never be heard as one of them.
ENDINGS = ("GoodbyeIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent")


def farewell_words(model: dict[str, Any]) -> frozenset[str]:
    """The distinctive words of the goodbye, stop and cancel samples ("goodbye", "bye",
    "stop", "enough", "done"...): words at least three times as common in the samples of
    one of those intents as in the other intents' ("I" and "it" are everywhere)."""
    per_intent: dict[str, list[set[str]]] = {}
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        per_intent[intent["name"]] = [
            set(normalise(SLOT.sub(" ", sample)).split()) for sample in intent.get("samples", [])
        ]
    others = [words for name, samples in per_intent.items() if name not in ENDINGS for words in samples]
    elsewhere = Counter(word for words in others for word in words)
    found: set[str] = set()
    for name in ENDINGS:
        samples = per_intent.get(name, [])
        here = Counter(word for words in samples for word in words)
        found.update(
            word
            for word, count in here.items()
            if count / max(len(samples), 1) >= 3 * elsewhere[word] / max(len(others), 1)
        )
    return frozenset(found)


def farewell_lines(outcomes: Sequence[Outcome], words: frozenset[str]) -> list[Outcome]:
    """The safety lines (crisis, overdose, emergency, urgent) that carry a farewell word:
    "I've said my goodbyes", "I just want it all to stop"."""
    return [
        outcome
        for outcome in outcomes
        if outcome.phrasing.intent in SAFETY_INTENTS
        and words & set(normalise(outcome.phrasing.utterance).split())
    ]


def by_set(outcomes: Sequence[Outcome]) -> dict[str, tuple[int, int]]:
    """Lines right and lines in all, per set (by tag; the everyday set's tag is '')."""
    counts: dict[str, tuple[int, int]] = {}
    for outcome in outcomes:
        right, total = counts.get(outcome.phrasing.tag, (0, 0))
        counts[outcome.phrasing.tag] = (right + outcome.right, total + 1)
    return counts


def share(right: int, total: int) -> str:
    """'871/898 (97.0%)'."""
    return f"{right}/{total} ({right / max(total, 1):.1%})"


def report(outcomes: Sequence[Outcome], out: TextIO, sets: Sequence[PhrasingSet] = SETS) -> None:
    """Accuracy overall, per set and per intent, the most confused pairs, and every miss."""
    right = sum(outcome.right for outcome in outcomes)
    print(f"{right}/{len(outcomes)} lines right ({right / max(len(outcomes), 1):.1%})", file=out)
    counts = by_set(outcomes)
    if len(counts) > 1:
        names = {each.tag: each.name for each in sets}
        strict = {each.tag for each in sets if each.strict}
        alarm_free = {each.tag for each in sets if each.alarm_free}
        print("\nper set (right / lines):", file=out)
        for tag, (good, total) in counts.items():
            note = " (strict: every line must be right)" if tag in strict else ""
            note = " (no line may get a safety answer)" if tag in alarm_free else note
            print(f"  {names.get(tag, tag or 'phrasings'):28} {share(good, total)}{note}", file=out)
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


#: The resolvers whose floors ``evaluate`` holds (its exit code): both. A resolver left
#: out would be measured and reported, every miss printed, but would not fail it.
HELD: frozenset[str] = frozenset({"ngram", "meaning"})
#: Whether the muddle sessions' floor is held under the resolvers of ``HELD``: it is.
MUDDLE_HELD = True


@dataclass(frozen=True)
class Verdict:
    """One resolver's evaluation: every line, every session played, the floors it failed."""

    outcomes: list[Outcome]
    sessions: list[SessionOutcome]
    problems: list[str]
    #: The muddle sessions played, and their floors not met (held as ``MUDDLE_HELD`` says).
    muddle: list[SessionOutcome] = field(default_factory=list)
    muddle_problems: list[str] = field(default_factory=list)

    def failed(self, kind: str) -> list[str]:
        """The problems that fail ``evaluate`` for this resolver."""
        if kind not in HELD:
            return []
        return [*self.problems, *(self.muddle_problems if MUDDLE_HELD else [])]

    def below(self, kind: str) -> list[str]:
        """The problems measured and printed, but not held."""
        if kind not in HELD:
            return [*self.problems, *self.muddle_problems]
        return [] if MUDDLE_HELD else list(self.muddle_problems)


def summary(verdicts: dict[str, Verdict], sets: Sequence[PhrasingSet], out: TextIO) -> None:
    """One table, a column per resolver: each set, all lines, the conversations, the floors."""

    def right_of(items: Sequence[Outcome] | Sequence[SessionOutcome]) -> str:
        return share(sum(item.right for item in items), len(items))

    rows = [
        (
            f"{each.name}{' (strict)' if each.strict else ' (no alarms)' if each.alarm_free else ''}",
            [share(*by_set(verdict.outcomes).get(each.tag, (0, 0))) for verdict in verdicts.values()],
        )
        for each in sets
    ]
    rows.append(("all lines", [right_of(v.outcomes) for v in verdicts.values()]))
    if any(v.sessions for v in verdicts.values()):
        rows.append(("conversations (sessions)", [right_of(v.sessions) for v in verdicts.values()]))
    if any(v.muddle for v in verdicts.values()):
        held = "" if MUDDLE_HELD else ", not held"
        rows.append((f"muddle sessions{held}", [right_of(v.muddle) for v in verdicts.values()]))
    floors = [
        "FAILED" + f" ({len(v.failed(kind))})"
        if v.failed(kind)
        else "below" + f" ({len(v.below(kind))})"
        if v.below(kind)
        else "met"
        for kind, v in verdicts.items()
    ]
    rows.append(("floors", floors))
    print("\n===== summary: right / all, by resolver =====\n", file=out)
    print(f"  {'':34}" + "".join(f"{kind:22}" for kind in verdicts), file=out)
    for label, cells in rows:
        print(f"  {label:34}" + "".join(f"{cell:22}" for cell in cells), file=out)
    print("", file=out)


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
