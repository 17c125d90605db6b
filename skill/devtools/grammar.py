"""The interaction model's source: a compact grammar that ``make model`` expands into
``interaction_models/en-GB.json``, the file the Alexa console and the ASK CLI take.

Why a grammar: people ask the same thing in hundreds of ways ("can you tell me", "my
mum's been told", "what can help with", "is there anything for"). Written out by hand,
samples cannot keep up; written as a grammar, one reviewed line covers them, and a
newcomer can read what the skill understands.

The source lives in ``interaction_models/grammar/``:

- ``model.toml``: the invocation name, the fallback sensitivity, the grammar files, and
  the name-free launch phrases (``[name_free]``; see ``name_free_container``);
- ``slot_types.toml``: custom slot types, their value ids and synonyms;
- one ``<area>.grammar`` file per area (topics, helpline, safety, navigation) and
  ``common.grammar`` for the phrases they share.

A ``.grammar`` file holds definitions and intents::

    # a comment
    define LEAD:                      # a shared phrase: one alternative a line
        can you tell me
        I wanted to ask
    define ABOUT = about | regarding  # or on one line, separated by |

    intent SymptomIntent
        slot symptom: SymptomType
        [<LEAD>] what (can|might) help with {symptom}

Inside a line: ``(a|b)`` is one of the alternatives, ``[a|b]`` is one of them or
nothing, ``<NAME>`` is a definition, ``{slot}`` is a slot. Synonyms in
``slot_types.toml`` may use the same notation.

Expansion is deterministic: a line with few expansions is written out in full; a line
with more is written out as a cover (every alternative at least once) plus a fixed
pseudo-random selection, up to ``LINE_CAP`` (or the intent's ``cap``). The result is
sorted. The build fails, naming what is wrong, when a sample breaks Alexa's rules, is
in two intents, or the model exceeds Alexa's limits (below).
"""

from __future__ import annotations

import hashlib
import heapq
import json
import random
import re
import sys
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MODELS = Path(__file__).resolve().parents[2] / "interaction_models"
SOURCE = MODELS / "grammar"

# --- Alexa's rules and limits -----------------------------------------------------
# From the Alexa Skills Kit documentation: "Create the Interaction Model for Your
# Skill" (its "Interaction model limits" table), "Create Intents, Utterances, and
# Slots", "Create and Edit Custom Slot Types" and the rules for sample utterances.
# Our own targets sit well inside Amazon's limits.

#: Alexa: at most 250 intents in a skill's interaction model...
MAX_INTENTS = 250
#: ... and at most 350 intents and slot types together.
MAX_INTENTS_AND_TYPES = 350
#: Alexa: the whole interaction model may be at most 1.5 MB.
MAX_MODEL_BYTES = 1_500_000
#: Ours: at most 60% of that for the language model (the samples and slot types: the
#: part the grammar grows), so that the model has room to grow. The name-free launch
#: phrases (a few kilobytes at most, by Amazon's limits) count against Alexa's limit only.
MODEL_BUDGET_BYTES = 900_000
#: Alexa: a slot value or synonym may be at most 140 characters.
MAX_SLOT_VALUE_CHARACTERS = 140
#: Alexa: at most 50,000 custom slot values (with synonyms) across the skill.
MAX_SLOT_VALUES = 50_000
#: Ours: a sample is something a person says in one breath.
MAX_SAMPLE_CHARACTERS = 200
#: Ours: keep the model quick to build in the console, and reviewable.
TARGET_MAX_SAMPLES = 28_000
#: Ours: how many samples one grammar line may produce (an intent may say otherwise)...
LINE_CAP = 20
#: ... and how many of its core forms, without the optional lead-in it starts with.
CORE_CAP = 20
#: Of the forms with a lead-in, keep those that add at least this many word n-grams
#: (of up to ``NGRAM`` words) that no sample of the intent kept so far has.
NGRAM = 3
MIN_GAIN = 32

#: Alexa: samples hold letters, spaces, apostrophes (possessives and contractions),
#: periods (after spelled-out letters, "n. h. s."), word-internal hyphens and {slot}
#: references. Numbers are spelled out ("five", not "5"); other punctuation is refused.
SAMPLE_CHARACTERS = re.compile(r"^[A-Za-z' .]+(-[A-Za-z' .]+)*$")
SLOT_REFERENCE = re.compile(r"\{(\w+)\}")


class GrammarError(ValueError):
    """The grammar is malformed, or the model it makes breaks Alexa's rules."""


# --- Name-free launch phrases --------------------------------------------------------
# From the Alexa Skills Kit documentation, "Use the Name-free Interaction Toolkit" (the
# developer console, SMAPI and CLI pages say the same): a ``_nameFreeInteraction``
# container sits beside ``languageModel`` in the interaction model. Its ``ingressPoints``
# are a skill launch point (``type`` LAUNCH, no ``name``: the skill opens, as for "open
# ...") and intent launch points (``type`` INTENT, ``name`` a custom intent of the model:
# the skill starts on that intent), each with ``sampleUtterances``, every one ``{"format":
# "RAW_TEXT", "value": ...}``: a complete phrase, without slots. At most five skill
# launch phrases, and five for each intent. English locales only (en-GB among them); and
# Alexa routes requests by them only for a live skill that it judges eligible.

#: The container's key, beside ``languageModel``.
NAME_FREE = "_nameFreeInteraction"
#: Alexa: at most five skill launch phrases...
MAX_LAUNCH_PHRASES = 5
#: ... and at most five intent launch phrases for each intent.
MAX_INTENT_LAUNCH_PHRASES = 5
#: Ours: intents that are never a way in without the skill's name. The safety answers
#: (someone in crisis or in an emergency should get Alexa's own help, not a skill chosen
#: for them by guesswork), the biggest questions and the doses (their answer is: ask your
#: own team), and follow-ups that mean something only inside a conversation.
NOT_NAME_FREE = frozenset(
    {
        "CrisisIntent",
        "OverdoseIntent",
        "EmergencyIntent",
        "UrgentHelpIntent",
        "PrognosisIntent",
        "MedicineDoseIntent",
        "BeyondPageIntent",
        "TellMeMoreIntent",
        "OtherOptionsIntent",
        "SpeakSlowerIntent",
        "SpeakNormallyIntent",
        "ForgetMeIntent",
        "GoodbyeIntent",
    }
)
#: A phrase that starts with one of these is a fragment ("about chemo"), not a whole
#: phrase; and the wake word is never part of one.
_NOT_A_START = frozenset({"to", "for", "about", "if", "whether", "that", "and", "or", "alexa"})
_NAME_FREE_KEYS = frozenset({"launch", "intents"})


def name_free_container(section: Any, where: str = "model.toml [name_free]") -> dict[str, Any] | None:
    """The ``_nameFreeInteraction`` container from ``model.toml``'s ``[name_free]``:
    ``launch``, the skill launch phrases, and ``[name_free.intents]``, each intent's
    launch phrases. None without the section. Its rules are ``name_free_problems``'."""
    if section is None:
        return None
    if not isinstance(section, dict) or set(section) - _NAME_FREE_KEYS:
        raise GrammarError(f"{where}: holds only launch = [...] and [name_free.intents]")
    launch = section.get("launch", [])
    intents = section.get("intents", {})
    if not isinstance(launch, list) or not all(isinstance(phrase, str) for phrase in launch):
        raise GrammarError(f"{where}: launch must be a list of phrases")
    if not isinstance(intents, dict) or not all(
        isinstance(phrases, list) and all(isinstance(p, str) for p in phrases) for phrases in intents.values()
    ):
        raise GrammarError(f"{where}: each intent in [name_free.intents] needs a list of phrases")

    def utterances(phrases: list[str]) -> list[dict[str, str]]:
        return [{"format": "RAW_TEXT", "value": phrase} for phrase in phrases]

    points: list[dict[str, Any]] = []
    if launch:
        points.append({"type": "LAUNCH", "sampleUtterances": utterances(launch)})
    for name, phrases in intents.items():
        points.append({"type": "INTENT", "name": name, "sampleUtterances": utterances(phrases)})
    return {"ingressPoints": points} if points else None


def name_free_problems(model: dict[str, Any], resolver: Any = None) -> list[str]:
    """What breaks Amazon's rules, or ours, in the model's name-free container; none
    when it has none. Amazon's: the container's shape, no slots, at most five phrases
    each, custom intents of the model without required slots. Ours: whole phrases,
    without the invocation name, never twice; an intent launch phrase is a sample of its
    intent or resolves to it word for word (the exact resolver, ``skill.devtools.nlu``,
    or ``resolver``), so that it is answered as asking the skill would be; a skill
    launch phrase is no intent's sample (it would belong to that intent); no intent in
    ``NOT_NAME_FREE``."""
    interaction = model.get("interactionModel", {})
    if NAME_FREE not in interaction:
        return []
    container = interaction[NAME_FREE]
    points = container.get("ingressPoints") if isinstance(container, dict) else None
    if not isinstance(points, list) or set(container) != {"ingressPoints"}:
        return [f"{NAME_FREE} must hold ingressPoints, a list, and nothing else"]
    checker = _NameFree(model, resolver)
    for point in points:
        checker.point(point)
    launch = [p for p in points if isinstance(p, dict) and p.get("type") == "LAUNCH"]
    if len(launch) > 1:
        checker.problems.append(f"{NAME_FREE}: the skill launch phrases go in one LAUNCH point")
    if checker.launch_phrases > MAX_LAUNCH_PHRASES:
        checker.problems.append(
            f"{NAME_FREE}: {checker.launch_phrases} skill launch phrases; Alexa takes at most "
            f"{MAX_LAUNCH_PHRASES}"
        )
    return checker.problems


class _NameFree:
    """``name_free_problems``, point by point and phrase by phrase."""

    def __init__(self, model: dict[str, Any], resolver: Any) -> None:
        from skill.devtools import nlu

        self.nlu = nlu
        self.model = model
        self.resolver = resolver
        interaction = model["interactionModel"]
        language_model = interaction.get("languageModel", {})
        self.invocation = str(language_model.get("invocationName", "")).lower()
        self.samples = {
            intent.get("name"): {nlu.normalise(sample) for sample in intent.get("samples", [])}
            for intent in language_model.get("intents", [])
        }
        self.required = {
            (intent.get("name"), slot.get("name"))
            for intent in interaction.get("dialog", {}).get("intents", [])
            for slot in intent.get("slots", [])
            if slot.get("elicitationRequired") is True
        }
        self.problems: list[str] = []
        self.seen: dict[str, str] = {}
        self.named: set[str] = set()
        self.launch_phrases = 0

    def point(self, point: Any) -> None:
        kind = point.get("type") if isinstance(point, dict) else None
        name = point.get("name") if isinstance(point, dict) else None
        label = f"{NAME_FREE} {kind} {name}" if name else f"{NAME_FREE} {kind}"
        allowed = {"type", "name", "sampleUtterances"} if kind == "INTENT" else {"type", "sampleUtterances"}
        if kind not in ("LAUNCH", "INTENT") or set(point) != allowed:
            self.problems.append(f"{label}: an ingress point is type LAUNCH (no name) or INTENT with a name")
            return
        utterances = point["sampleUtterances"]
        if not isinstance(utterances, list) or not utterances or not all(_raw_text(u) for u in utterances):
            self.problems.append(f'{label}: sampleUtterances are {{"format": "RAW_TEXT", "value": "..."}}')
            return
        phrases = [u["value"] for u in utterances]
        if kind == "LAUNCH":
            self.launch_phrases += len(phrases)
        elif not self.intent(label, str(name), len(phrases)):
            return
        for phrase in phrases:
            self.phrase(label, kind, str(name), phrase)

    def intent(self, label: str, name: str, count: int) -> bool:
        """The intent's own rules; whether its phrases can be checked against it."""
        if count > MAX_INTENT_LAUNCH_PHRASES:
            self.problems.append(f"{label}: {count} phrases; Alexa takes at most {MAX_INTENT_LAUNCH_PHRASES}")
        if name in self.named:
            self.problems.append(f"{label}: the intent has two ingress points")
        self.named.add(name)
        if name not in self.samples:
            self.problems.append(f"{label}: the model has no intent {name}")
            return False
        if name.startswith("AMAZON."):
            self.problems.append(f"{label}: only the skill's own intents have intent launch phrases")
        if name in NOT_NAME_FREE:
            self.problems.append(f"{label}: {name} is never a way in without the skill's name")
        for intent, slot in sorted(self.required):
            if intent == name:
                self.problems.append(f"{label}: slot {slot} is required; intent launch phrases need none")
        return True

    def phrase(self, label: str, kind: str, name: str, phrase: str) -> None:
        text = self.nlu.normalise(phrase)
        words = text.split()
        if "{" in phrase or "}" in phrase:
            self.problems.append(f"{label}: {phrase!r} has a slot; name-free phrases have none")
            return
        if not SAMPLE_CHARACTERS.match(phrase) or len(phrase) > MAX_SAMPLE_CHARACTERS:
            self.problems.append(f"{label}: {phrase!r} has characters Alexa refuses, or is too long")
            return
        if len(words) < 2 or words[0] in _NOT_A_START:
            self.problems.append(f"{label}: {phrase!r} is not a whole phrase")
        if self.invocation and self.invocation in text:
            self.problems.append(f"{label}: {phrase!r} contains the invocation name")
        if text in self.seen:
            self.problems.append(f"{label}: {phrase!r} is also a phrase of {self.seen[text]}")
        self.seen[text] = label
        if kind == "LAUNCH":
            owners = sorted(str(owner) for owner, texts in self.samples.items() if text in texts)
            if owners:
                self.problems.append(
                    f"{label}: {phrase!r} is a sample of {owners[0]}: make it an intent launch phrase"
                )
        elif text not in self.samples[name]:
            if self.resolver is None:
                self.resolver = self.nlu.Resolver(self.model)
            resolved = self.resolver.resolve(phrase).intent
            if resolved != name:
                self.problems.append(f"{label}: {phrase!r} is not {name}'s: it resolves to {resolved}")


def _raw_text(utterance: Any) -> bool:
    return (
        isinstance(utterance, dict)
        and set(utterance) == {"format", "value"}
        and utterance["format"] == "RAW_TEXT"
        and isinstance(utterance["value"], str)
    )


# --- The expression tree ----------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Ref:
    name: str


@dataclass(frozen=True)
class Slot:
    name: str


@dataclass(frozen=True)
class Seq:
    items: tuple[Node, ...]


@dataclass(frozen=True)
class Alt:
    options: tuple[Seq, ...]
    optional: bool


Node = Word | Ref | Slot | Seq | Alt

_TOKEN = re.compile(r"\s*(\(|\)|\[|\]|\||<\w+>|\{\w+\}|[^\s()\[\]|<>{}]+)")


def _tokens(text: str, where: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if not match:
            raise GrammarError(f"{where}: cannot read {text[position:]!r}")
        tokens.append(match.group(1))
        position = match.end()
    return tokens


def parse_expression(text: str, where: str = "grammar") -> Seq:
    """Parse one line of the grammar notation into a tree."""
    tokens = _tokens(text, where)
    position = 0

    def alternatives(closing: str | None) -> list[Seq]:
        nonlocal position
        options: list[Seq] = []
        items: list[Node] = []
        while position < len(tokens):
            token = tokens[position]
            position += 1
            if token == "|":
                options.append(Seq(tuple(items)))
                items = []
            elif token in (")", "]"):
                if token != closing:
                    raise GrammarError(f"{where}: unexpected {token!r} in {text!r}")
                options.append(Seq(tuple(items)))
                return options
            elif token in ("(", "["):
                inner = alternatives(")" if token == "(" else "]")
                items.append(Alt(tuple(inner), optional=token == "["))
            elif token.startswith("<"):
                items.append(Ref(token[1:-1]))
            elif token.startswith("{"):
                items.append(Slot(token[1:-1]))
            else:
                items.append(Word(token))
        if closing is not None:
            raise GrammarError(f"{where}: {closing!r} missing in {text!r}")
        options.append(Seq(tuple(items)))
        return options

    top = alternatives(None)
    return top[0] if len(top) == 1 else Seq((Alt(tuple(top), optional=False),))


class Expander:
    """Expands expressions, resolving ``<NAME>`` references against definitions."""

    def __init__(self, definitions: dict[str, Alt]) -> None:
        self.definitions = definitions
        self._counts: dict[str, int] = {}

    def _definition(self, name: str) -> Alt:
        try:
            return self.definitions[name]
        except KeyError:
            raise GrammarError(f"<{name}> is not defined") from None

    def count(self, node: Node, depth: int = 0) -> int:
        """How many strings ``node`` expands to (before removing duplicates)."""
        if depth > 50:
            raise GrammarError("definitions refer to each other in a loop")
        if isinstance(node, Word | Slot):
            return 1
        if isinstance(node, Ref):
            if node.name not in self._counts:
                self._counts[node.name] = self.count(self._definition(node.name), depth + 1)
            return self._counts[node.name]
        if isinstance(node, Seq):
            total = 1
            for item in node.items:
                total *= self.count(item, depth + 1)
            return total
        return sum(self.count(option, depth + 1) for option in node.options) + int(node.optional)

    def all(self, node: Node) -> Iterator[str]:
        """Every expansion, in order."""
        if isinstance(node, Word):
            yield node.text
        elif isinstance(node, Slot):
            yield "{" + node.name + "}"
        elif isinstance(node, Ref):
            yield from self.all(self._definition(node.name))
        elif isinstance(node, Alt):
            if node.optional:
                yield ""
            for option in node.options:
                yield from self.all(option)
        else:
            yield from self._product(node.items)

    def _product(self, items: Sequence[Node]) -> Iterator[str]:
        if not items:
            yield ""
            return
        for head in self.all(items[0]):
            for tail in self._product(items[1:]):
                yield f"{head} {tail}"

    def widest(self, node: Node, depth: int = 0) -> int:
        """The most alternatives any one choice in ``node`` offers."""
        if depth > 50 or isinstance(node, Word | Slot):
            return 1
        if isinstance(node, Ref):
            return self.widest(self._definition(node.name), depth + 1)
        if isinstance(node, Seq):
            return max((self.widest(item, depth + 1) for item in node.items), default=1)
        own = len(node.options) + int(node.optional)
        return max(own, *(self.widest(option, depth + 1) for option in node.options))

    def pick(self, node: Node, choose: Any) -> str:
        """One expansion; ``choose(n)`` picks which of n alternatives."""
        if isinstance(node, Word):
            return node.text
        if isinstance(node, Slot):
            return "{" + node.name + "}"
        if isinstance(node, Ref):
            return self.pick(self._definition(node.name), choose)
        if isinstance(node, Alt):
            count = len(node.options) + int(node.optional)
            index = choose(count)
            if node.optional:
                if index == 0:
                    return ""
                index -= 1
            return self.pick(node.options[index], choose)
        return " ".join(self.pick(item, choose) for item in node.items)

    def expand_line(
        self, node: Seq, cap: int, seed: str, core_cap: int | None = None
    ) -> tuple[list[str], list[str]]:
        """A grammar line's samples, as (core forms, candidates). A line that starts with
        an optional lead-in (``[<LEAD>] what helps {symptom}``) has its core, the line
        without the lead-in, written out in full up to ``CORE_CAP``: the short, direct
        forms are what people say most and what Alexa matches most surely. The forms with
        a lead-in (up to ``cap``) are candidates, of which ``select`` keeps those that add
        something new. A line without a lead-in is all core."""
        first = node.items[0] if node.items else None
        if not (isinstance(first, Alt) and first.optional and len(node.items) > 1):
            return self.expand(node, cap, seed), []
        core_limit = max(cap, CORE_CAP) if core_cap is None else core_cap
        core = self.expand(Seq(node.items[1:]), core_limit, seed + "|core")
        return core, self.expand(node, cap, seed)

    def expand(self, node: Seq, cap: int, seed: str) -> list[str]:
        """At most ``cap`` distinct expansions of ``node``: all of them when there are
        few; otherwise a cover (each alternative at least once) and a fixed random
        selection, the same on every run."""
        total = self.count(node)
        if total <= cap:
            return _unique(tidy(text) for text in self.all(node))
        found: list[str] = []
        seen: set[str] = set()

        def add(text: str) -> None:
            text = tidy(text)
            if text not in seen:
                seen.add(text)
                found.append(text)

        for turn in range(min(cap, self.widest(node))):  # the cover: the turn-th alternative everywhere
            add(self.pick(node, lambda n, turn=turn: turn % n))
        rng = random.Random(int(hashlib.sha256(seed.encode()).hexdigest()[:16], 16))
        tries = 0
        while len(found) < cap and tries < cap * 20:
            add(self.pick(node, rng.randrange))
            tries += 1
        return found


def tidy(text: str) -> str:
    """Single spaces; a word written as ``'s`` or ``'ve`` joins the word before it."""
    return re.sub(r" (?='(?:s|ve|re|d|ll|m)\b)", "", " ".join(text.split()))


def _unique(texts: Iterator[str]) -> list[str]:
    return list(dict.fromkeys(texts))


def _ngrams(sample: str) -> set[tuple[str, ...]]:
    """The word n-grams (one to ``NGRAM``) of a sample, with its start and end marked."""
    words = ["<s>", *sample.lower().split(), "</s>"]
    return {tuple(words[i : i + n]) for n in range(1, NGRAM + 1) for i in range(len(words) - n + 1)}


def select(kept: Sequence[str], candidates: Sequence[str]) -> list[str]:
    """``kept``, then the candidates that add the most word n-grams that no sample
    kept so far has, greedily, while one adds at least ``MIN_GAIN``: coverage of how
    people lead into a question, not the full product of lead-ins and cores."""
    seen: set[tuple[str, ...]] = set()
    for sample in kept:
        seen |= _ngrams(sample)
    chosen = list(kept)
    pool = {sample: _ngrams(sample) for sample in candidates if sample not in set(kept)}
    # Lazy greedy: a candidate's gain only falls as more is seen, so a stale score on
    # top of the heap is re-scored before it is taken. Ties go to the earlier candidate.
    order = {sample: index for index, sample in enumerate(pool)}
    heap = [(-len(grams), order[sample], sample) for sample, grams in pool.items()]
    heapq.heapify(heap)
    while heap:
        _, index, sample = heapq.heappop(heap)
        gain = len(pool[sample] - seen)
        if gain < MIN_GAIN:
            continue
        if heap and -gain > heap[0][0]:
            heapq.heappush(heap, (-gain, index, sample))
            continue
        chosen.append(sample)
        seen |= pool[sample]
    return chosen


# --- Files ------------------------------------------------------------------------


@dataclass
class IntentSource:
    name: str
    where: str
    slots: dict[str, str] = field(default_factory=dict)
    cap: int = LINE_CAP
    #: How many core forms a line of this intent keeps (``core N``); by default the larger
    #: of ``CORE_CAP`` and ``cap``. Fewer makes room in the budget where plain forms are many.
    core: int | None = None
    lines: list[tuple[str, str]] = field(default_factory=list)  # (where, text)


@dataclass
class Grammar:
    definitions: dict[str, Alt]
    intents: dict[str, IntentSource]


def _alternatives(lines: Sequence[str], where: str) -> Alt:
    options: list[Seq] = []
    for line in lines:
        options.append(parse_expression(line, where))
    return Alt(tuple(options), optional=False)


def parse_grammar_files(files: dict[str, str]) -> Grammar:
    """Parse ``{file name: text}`` into definitions and intents."""
    definitions: dict[str, Alt] = {}
    intents: dict[str, IntentSource] = {}
    for file_name, text in files.items():
        current_define: tuple[str, list[str], str] | None = None
        current_intent: IntentSource | None = None

        def close_define() -> None:
            nonlocal current_define
            if current_define is not None:
                name, lines, where = current_define
                if not lines:
                    raise GrammarError(f"{where}: definition {name} has no alternatives")
                definitions[name] = _alternatives(lines, where)
                current_define = None

        for number, raw in enumerate(text.splitlines(), start=1):
            where = f"{file_name}:{number}"
            line = raw.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            indented = line[0].isspace()
            content = line.strip()
            if not indented:
                close_define()
                current_intent = None
                if content.startswith("define "):
                    match = re.fullmatch(r"define (\w+)\s*(:|=)\s*(.*)", content)
                    if not match:
                        raise GrammarError(f"{where}: expected 'define NAME:' or 'define NAME = a | b'")
                    name = match.group(1)
                    if name in definitions:
                        raise GrammarError(f"{where}: {name} is defined twice")
                    if match.group(2) == "=":
                        definitions[name] = _alternatives([match.group(3)], where)
                    else:
                        current_define = (name, [], where)
                elif content.startswith("intent "):
                    name = content.split(None, 1)[1].strip()
                    if name in intents:
                        raise GrammarError(f"{where}: intent {name} is defined twice")
                    current_intent = intents[name] = IntentSource(name, where)
                else:
                    raise GrammarError(f"{where}: expected 'define' or 'intent', got {content!r}")
                continue
            if current_define is not None:
                current_define[1].append(content)
            elif current_intent is not None:
                slot = re.fullmatch(r"slot (\w+)\s*:\s*([\w.]+)", content)
                cap = re.fullmatch(r"cap (\d+)", content)
                core = re.fullmatch(r"core (\d+)", content)
                if slot:
                    current_intent.slots[slot.group(1)] = slot.group(2)
                elif cap:
                    current_intent.cap = int(cap.group(1))
                elif core:
                    current_intent.core = int(core.group(1))
                else:
                    current_intent.lines.append((where, content))
            else:
                raise GrammarError(f"{where}: an indented line belongs under 'define' or 'intent'")
        close_define()
    return Grammar(definitions, intents)


def build_types(data: dict[str, Any], expander: Expander) -> list[dict[str, Any]]:
    """Custom slot types from ``slot_types.toml``: ``[TypeName.value_id]`` tables with
    ``name`` and ``synonyms`` (synonyms may use the grammar notation)."""
    types: list[dict[str, Any]] = []
    spoken_owner: dict[tuple[str, str], str] = {}
    for type_name in sorted(data):
        values = []
        for value_id, table in data[type_name].items():
            where = f"slot_types.toml [{type_name}.{value_id}]"
            name = table.get("name")
            if not isinstance(name, str) or not name:
                raise GrammarError(f"{where}: needs a name")
            synonyms: list[str] = []
            for text in table.get("synonyms", []):
                synonyms += [tidy(s) for s in expander.all(parse_expression(text, where))]
            synonyms = [s for s in _unique(iter(synonyms)) if s and s.lower() != name.lower()]
            for spoken in (name, *synonyms):
                if len(spoken) > MAX_SLOT_VALUE_CHARACTERS:
                    raise GrammarError(f"{where}: {spoken!r} is over {MAX_SLOT_VALUE_CHARACTERS} characters")
                if not SAMPLE_CHARACTERS.match(spoken):
                    raise GrammarError(f"{where}: {spoken!r} has characters Alexa refuses")
                key = (type_name, spoken.lower())
                if key in spoken_owner and spoken_owner[key] != value_id:
                    raise GrammarError(
                        f"{type_name}: {spoken!r} is a synonym of both {spoken_owner[key]} and {value_id}"
                    )
                spoken_owner[key] = value_id
            value: dict[str, Any] = {"id": value_id, "name": {"value": name}}
            if synonyms:
                value["name"]["synonyms"] = sorted(synonyms)
            values.append(value)
        types.append({"name": type_name, "values": sorted(values, key=lambda v: v["id"])})
    return types


def check_sample(sample: str, intent: IntentSource, invocation: str, where: str) -> None:
    text = SLOT_REFERENCE.sub("", sample)
    if not SAMPLE_CHARACTERS.match(text) and text.strip():
        raise GrammarError(f"{where}: {intent.name} sample {sample!r} has characters Alexa refuses")
    if len(sample) > MAX_SAMPLE_CHARACTERS:
        raise GrammarError(
            f"{where}: {intent.name} sample {sample!r} is over {MAX_SAMPLE_CHARACTERS} characters"
        )
    refs = SLOT_REFERENCE.findall(sample)
    for ref in refs:
        if ref not in intent.slots:
            raise GrammarError(f"{where}: {intent.name} sample {sample!r} uses undeclared slot {{{ref}}}")
    if len(refs) != len(set(refs)):
        raise GrammarError(f"{where}: {intent.name} sample {sample!r} uses a slot twice")
    if invocation in sample.lower():
        raise GrammarError(f"{where}: {intent.name} sample {sample!r} contains the invocation name")


def read_canonical(source: Path = SOURCE) -> dict[str, tuple[str, ...]]:
    """Each intent's canonical forms (``canonical.toml``): always samples, verbatim."""
    path = source / "canonical.toml"
    data = tomllib.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    for name, forms in data.items():
        if not isinstance(forms, list) or not all(isinstance(form, str) and form for form in forms):
            raise GrammarError(f"canonical.toml: {name} must be a list of phrasings")
    return {name: tuple(forms) for name, forms in data.items()}


def build(source: Path = SOURCE) -> dict[str, Any]:
    """The interaction model, as the JSON object the Alexa console takes."""
    settings = tomllib.loads((source / "model.toml").read_text(encoding="utf-8"))
    invocation: str = settings["invocation_name"]
    files = {
        f"{name}.grammar": (source / f"{name}.grammar").read_text(encoding="utf-8")
        for name in settings["grammar_files"]
    }
    grammar = parse_grammar_files(files)
    expander = Expander(grammar.definitions)
    slot_data = tomllib.loads((source / "slot_types.toml").read_text(encoding="utf-8"))
    types = build_types(slot_data, expander)
    type_names = {slot_type["name"] for slot_type in types}

    canonical = read_canonical(source)
    unknown = set(canonical) - set(grammar.intents)
    if unknown:
        raise GrammarError(f"canonical.toml: no intent {sorted(unknown)[0]} in the grammar")
    owner: dict[str, tuple[str, str]] = {}
    intents: list[dict[str, Any]] = []
    for name in sorted(grammar.intents):
        intent = grammar.intents[name]
        if not name.startswith("AMAZON.") and not intent.lines:
            raise GrammarError(f"{intent.where}: intent {name} has no samples")
        for slot_name, slot_type in intent.slots.items():
            if slot_type not in type_names and not slot_type.startswith("AMAZON."):
                raise GrammarError(f"{intent.where}: {name}.{slot_name} has undefined type {slot_type}")
        cores: list[str] = []
        candidates: list[str] = []
        lines = [*((f"canonical.toml [{name}]", form) for form in canonical.get(name, ())), *intent.lines]
        for where, text in lines:
            core, more = expander.expand_line(
                parse_expression(text, where), intent.cap, f"{name}|{text}", intent.core
            )
            for sample in (*core, *more):
                if not sample:
                    continue
                check_sample(sample, intent, invocation, where)
                key = sample.lower()
                if key in owner and owner[key][0] != name:
                    other, other_where = owner[key]
                    raise GrammarError(
                        f"sample {sample!r} is in both {other} ({other_where}) and {name} ({where})"
                    )
                if key not in owner:
                    owner[key] = (name, where)
                    (cores if sample in core else candidates).append(sample)
        samples = select(cores, candidates)
        used = {ref for sample in samples for ref in SLOT_REFERENCE.findall(sample)}
        for slot_name in intent.slots:
            if slot_name not in used:
                raise GrammarError(f"{intent.where}: slot {name}.{slot_name} is in no sample")
        entry: dict[str, Any] = {"name": name}
        if intent.slots:
            entry["slots"] = [{"name": s, "type": t} for s, t in intent.slots.items()]
        entry["samples"] = sorted(samples, key=str.lower)
        intents.append(entry)

    total_samples = sum(len(intent["samples"]) for intent in intents)
    total_values = sum(
        1 + len(value["name"].get("synonyms", [])) for slot_type in types for value in slot_type["values"]
    )
    if len(intents) > MAX_INTENTS:
        raise GrammarError(f"{len(intents)} intents: Alexa allows at most {MAX_INTENTS}")
    if total_values > MAX_SLOT_VALUES:
        raise GrammarError(f"{total_values} slot values: Alexa allows at most {MAX_SLOT_VALUES}")
    if len(intents) + len(types) > MAX_INTENTS_AND_TYPES:
        raise GrammarError(f"intents and slot types: Alexa allows at most {MAX_INTENTS_AND_TYPES} together")
    if total_samples > TARGET_MAX_SAMPLES:
        raise GrammarError(f"{total_samples} samples: over our target of {TARGET_MAX_SAMPLES}")
    language_model: dict[str, Any] = {"invocationName": invocation, "intents": intents, "types": types}
    if "fallback_sensitivity" in settings:
        language_model["modelConfiguration"] = {
            "fallbackIntentSensitivity": {"level": settings["fallback_sensitivity"]}
        }
    model: dict[str, Any] = {"interactionModel": {"languageModel": language_model}}
    container = name_free_container(settings.get("name_free"))
    if container is not None:
        model["interactionModel"][NAME_FREE] = container
        problems = name_free_problems(model)
        if problems:
            raise GrammarError(f"model.toml [name_free]: {'; '.join(problems)}")
    if len(render(model).encode("utf-8")) > MAX_MODEL_BYTES:
        raise GrammarError(f"the model is over Alexa's limit of {MAX_MODEL_BYTES} bytes")
    size = len(render(model).encode("utf-8"))
    if size > MODEL_BUDGET_BYTES:
        raise GrammarError(
            f"the model is {size} bytes: over our budget of {MODEL_BUDGET_BYTES} "
            f"({MODEL_BUDGET_BYTES / MAX_MODEL_BYTES:.0%} of Alexa's {MAX_MODEL_BYTES}); "
            "raise MIN_GAIN or lower CORE_CAP"
        )
    return model


def render(model: dict[str, Any]) -> str:
    """The model as the bytes written to ``en-GB.json``: stable across runs."""
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m skill.devtools.grammar [--check]``: write (or check) en-GB.json."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = MODELS / "en-GB.json"
    try:
        text = render(build())
    except GrammarError as error:
        print(f"model: {error}", file=sys.stderr)
        return 1
    if "--check" in args:
        if target.read_text(encoding="utf-8") != text:
            print("model: interaction_models/en-GB.json is stale: run `make model`", file=sys.stderr)
            return 1
        return 0
    target.write_text(text, encoding="utf-8")
    interaction = json.loads(text)["interactionModel"]
    model = interaction["languageModel"]
    samples = sum(len(intent.get("samples", [])) for intent in model["intents"])
    points = interaction.get(NAME_FREE, {}).get("ingressPoints", [])
    phrases = sum(len(point["sampleUtterances"]) for point in points)
    print(
        f"wrote {target.relative_to(MODELS.parent)}: {len(model['intents'])} intents, {samples} samples, "
        f"{phrases} name-free launch phrases"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
