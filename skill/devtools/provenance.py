"""Provenance: every sentence the skill says or shows names what it rests on.

``skill/knowledge/provenance.toml`` has a table per topic whose keys are the topic's
sentences (of ``speech``, ``more``, ``card`` and ``side_effects``, split by
:func:`sentences`); ``skill/knowledge/dialogue-provenance.toml`` has a table per dialogue
key whose keys are the sentences of its phrasings. Each value is a quote of
``source-page.txt``, a reference to the facts the content file writes down itself
(``"[helpline] hours"``: the nurse line's number, freephone or hours; ``"[services.samaritans]"``:
a service a safety answer names), a list of these (a sentence that combines facts), or
``"no fact"`` (a pointer to the doctor or the nurses, or the skill talking about itself,
that states nothing about cancer, its treatment or a phone line). ``python -m skill
check`` holds the content to them with :func:`problems` and :func:`dialogue_problems`;
``python -m skill source-diff NEW_PAGE.txt`` uses :func:`changed` to say which answers
rest on text that a new copy of the page no longer has. A developer tool: nothing the
skill runs on imports it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from typing import NamedTuple, TextIO

from skill import dialogue, knowledge

#: The fields of a topic that the user hears or reads.
FIELDS = ("speech", "more", "card", "side_effects")
NO_FACT = "no fact"
TOPICS_FILE = "provenance.toml"
DIALOGUE_FILE = "dialogue-provenance.toml"

#: Entries as read: topic id (or dialogue key) -> sentence -> what it cites: quotes of the
#: page and references to the content's own facts; empty for "no fact".
Entries = dict[str, dict[str, tuple[str, ...]]]

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")
#: "[helpline] hours" (a fact of [helpline] in topics.toml) or "[services.samaritans]".
_REFERENCE = re.compile(r"^\[(?:helpline\] (?P<fact>\w+)|services\.(?P<service>\w+)\])$")
#: The nurse line's facts in [helpline] that a sentence can rest on.
HELPLINE_FACTS = frozenset({"number", "freephone", "hours"})
#: Words that state a phone line's fact: a sentence with one is never "no fact".
_FACT_MARKS = re.compile(
    r"\d{3}|\{(?:number|hours|opens|closes|when)\}|\bfree|samaritans|\bnhs\b|24-hour", re.IGNORECASE
)
#: A phone number as written: groups of three or more digits ("116 123", "999").
_PHONE_NUMBER = re.compile(r"\b\d{3,}(?: \d{3,})*\b")


class ProvenanceError(ValueError):
    """The provenance file is not the shape described above."""


class Cited(NamedTuple):
    """One sentence of a topic (or of a dialogue key: ``field`` is "dialogue") and what
    it cites."""

    topic: str
    field: str
    sentence: str
    quotes: tuple[str, ...]


def sentences(text: str) -> list[str]:
    """The sentences of an answer: each line (a card's paragraphs and list items, without
    the list mark) split after ". ", "? " and "! ". The one splitter, for writing the
    provenance file and for checking it."""
    found: list[str] = []
    for line in text.splitlines():
        line = _LIST_MARK.sub("", line).strip()
        found += [part.strip() for part in _SENTENCE_END.split(line) if part.strip()]
    return found


def flat(text: str) -> str:
    """Lower case, runs of white space as one space: how quotes are matched to the page."""
    return " ".join(text.lower().split())


def on_page(quote: str, page: str) -> bool:
    return bool(quote.strip()) and flat(quote) in flat(page)


class Said(NamedTuple):
    """One sentence the skill says or shows: the table of the provenance file it belongs
    to (a topic id or a dialogue key), where it is, and the sentence."""

    table: str
    where: str
    sentence: str


def topic_sentences(known: knowledge.Knowledge) -> Iterator[tuple[str, str, str]]:
    """(topic id, field, sentence) for every sentence of every topic, in file order."""
    for topic in known.topics.values():
        for field in FIELDS:
            for sentence in sentences(getattr(topic, field)):
                yield topic.id, field, sentence


def dialogue_sentences(words: dialogue.Dialogue) -> Iterator[Said]:
    """Every sentence of every phrasing of every dialogue key, {fields} unfilled."""
    for key in sorted(words.keys):
        for text in words.phrasings(key):
            for sentence in sentences(text):
                yield Said(key, f"dialogue.{key}", sentence)


def _topic_said(known: knowledge.Knowledge) -> Iterator[Said]:
    for topic_id, field, sentence in topic_sentences(known):
        yield Said(topic_id, f"topics.{topic_id}.{field}", sentence)


def is_reference(cited: str) -> bool:
    return cited.startswith("[")


def read_page() -> str:
    return resources.files("skill.knowledge").joinpath("source-page.txt").read_text(encoding="utf-8")


def parse(data: Mapping[str, object]) -> Entries:
    """A provenance file's tables as what each sentence cites; ProvenanceError names a
    malformed entry."""
    entries: Entries = {}
    for topic_id, table in data.items():
        if not isinstance(table, dict):
            raise ProvenanceError(f"provenance: {topic_id} must be a table of sentences")
        entries[topic_id] = {}
        for sentence, cited in table.items():
            where = f"provenance: [{topic_id}] {sentence!r}"
            if cited == NO_FACT:
                entries[topic_id][sentence] = ()
            elif isinstance(cited, str) and cited.strip():
                entries[topic_id][sentence] = (cited,)
            elif isinstance(cited, list) and cited and all(isinstance(q, str) and q.strip() for q in cited):
                entries[topic_id][sentence] = tuple(cited)
            else:
                raise ProvenanceError(f"{where}: expected a quote, a list of quotes or {NO_FACT!r}")
    return entries


def _load(name: str) -> Entries:
    text = resources.files("skill.knowledge").joinpath(name).read_text(encoding="utf-8")
    try:
        return parse(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise ProvenanceError(f"provenance: {name}: {error}") from error


def load() -> Entries:
    """What each topic sentence rests on (``provenance.toml``)."""
    return _load(TOPICS_FILE)


def load_dialogue() -> Entries:
    """What each dialogue sentence rests on (``dialogue-provenance.toml``)."""
    return _load(DIALOGUE_FILE)


def cited(known: knowledge.Knowledge, entries: Entries) -> Iterator[Cited]:
    """Every sentence of the content that has an entry, with what it cites."""
    for topic_id, field, sentence in topic_sentences(known):
        quotes = entries.get(topic_id, {}).get(sentence)
        if quotes is not None:
            yield Cited(topic_id, field, sentence, quotes)


def dialogue_cited(words: dialogue.Dialogue, entries: Entries) -> Iterator[Cited]:
    """Every dialogue sentence that has an entry, with what it cites."""
    for said in dialogue_sentences(words):
        quotes = entries.get(said.table, {}).get(said.sentence)
        if quotes is not None:
            yield Cited(said.table, "dialogue", said.sentence, quotes)


def reference_problem(reference: str, known: knowledge.Knowledge) -> str | None:
    """Why ``reference`` names no fact the content writes down, or None: a fact of
    [helpline] (number, freephone, hours) or a service of [services]."""
    match = _REFERENCE.match(reference)
    if match is None:
        return "which is not '[helpline] number|freephone|hours' or '[services.ID]'"
    fact, service_id = match.group("fact"), match.group("service")
    if fact is not None and fact not in HELPLINE_FACTS:
        return f"but [helpline] has no fact {fact!r}: one of {sorted(HELPLINE_FACTS)}"
    if service_id is not None and service_id not in known.services:
        return f"but there is no [services.{service_id}] in topics.toml"
    return None


def owners(known: knowledge.Knowledge) -> dict[str, str]:
    """Each phone number the skill knows, and the reference that names it."""
    numbers = {service.display: f"[services.{service.id}]" for service in known.services.values()}
    numbers[known.helpline.display] = "[helpline] number"
    return {number: owner for number, owner in numbers.items() if number}


def number_problem(sentence: str, quotes: tuple[str, ...], known: knowledge.Knowledge) -> str | None:
    """A phone number in ``sentence`` that the skill does not know, or that the sentence
    does not cite (the reference that names it, or a quote of the page that says it)."""
    known_numbers = owners(known)
    for number in _PHONE_NUMBER.findall(sentence):
        owner = known_numbers.get(number)
        if owner is None:
            return f"says {number!r}, which is no number in [helpline] or [services]"
        if owner not in quotes and not any(number in quote for quote in quotes):
            return f"says {number!r} but does not cite {owner}"
    return None


def _problems(
    said: Iterable[Said], entries: Entries, known: knowledge.Knowledge, page: str, label: str, kind: str
) -> list[str]:
    """A sentence without an entry, a quote the page lacks, a reference to no fact or one
    the sentence does not say, "no fact" on a sentence that states one, an entry for no
    sentence."""
    found: list[str] = []
    by_table: dict[str, set[str]] = {}
    for item in said:
        by_table.setdefault(item.table, set()).add(item.sentence)
        if item.sentence not in entries.get(item.table, {}):
            found.append(f"provenance: {item.where}: no entry for {item.sentence!r}")
    for table, sentences_of in entries.items():
        for sentence, quotes in sentences_of.items():
            where = f"{label}: [{table}] {sentence!r}"
            if sentence not in by_table.get(table, set()):
                found.append(f"{where} is stale: no such sentence in the {kind}")
                continue
            mark = _FACT_MARKS.search(sentence)
            if not quotes and mark is not None:
                found.append(
                    f"{where} is marked {NO_FACT!r} but states a fact ({mark.group(0)!r}): "
                    "cite the page, [helpline] or [services]"
                )
            elif (problem := number_problem(sentence, quotes, known)) is not None:
                found.append(f"{where} {problem}")
            for quote in quotes:
                if is_reference(quote):
                    if (problem := reference_problem(quote, known)) is not None:
                        found.append(f"{where} cites {quote!r}, {problem}")
                elif not on_page(quote, page):
                    found.append(f"{where} cites {quote!r}, which the page lacks")
    return found


def problems(known: knowledge.Knowledge, entries: Entries, page: str) -> list[str]:
    """The topics' sentences against ``provenance.toml`` (see ``_problems``)."""
    return _problems(_topic_said(known), entries, known, page, "provenance", "topic")


def dialogue_problems(
    words: dialogue.Dialogue, entries: Entries, known: knowledge.Knowledge, page: str
) -> list[str]:
    """The dialogue's sentences against ``dialogue-provenance.toml``: every sentence that
    states a fact about cancer, its treatment or a phone line names what it rests on."""
    return _problems(dialogue_sentences(words), entries, known, page, "dialogue provenance", "key")


def _counts(cites: Iterable[Cited]) -> tuple[int, int]:
    unique = {(c.topic, c.sentence): c.quotes for c in cites}
    no_fact = sum(1 for quotes in unique.values() if not quotes)
    return len(unique) - no_fact, no_fact


def counts(known: knowledge.Knowledge, entries: Entries) -> tuple[int, int]:
    """(sentences traced, sentences marked no fact), each sentence once per topic."""
    return _counts(cited(known, entries))


def dialogue_counts(words: dialogue.Dialogue, entries: Entries) -> tuple[int, int]:
    """(sentences traced, sentences marked no fact), each sentence once per key."""
    return _counts(dialogue_cited(words, entries))


def counts_line(
    known: knowledge.Knowledge,
    entries: Entries,
    words: dialogue.Dialogue | None = None,
    dialogue_entries: Entries | None = None,
) -> str:
    traced, no_fact = counts(known, entries)
    line = f"provenance: {traced} sentences traced to the page, {no_fact} marked no fact"
    if words is not None and dialogue_entries is not None:
        said, none = dialogue_counts(words, dialogue_entries)
        line += f"; dialogue: {said} traced to the page, [helpline] or [services], {none} marked no fact"
    return line


def changed(
    known: knowledge.Knowledge,
    entries: Entries,
    new_page: str,
    words: dialogue.Dialogue | None = None,
    dialogue_entries: Entries | None = None,
) -> list[Cited]:
    """Sentences (once per topic or dialogue key) citing a quote that ``new_page`` no
    longer has; each keeps only its missing quotes. References to [helpline] and
    [services] are not the page's, and never change with it."""
    entries_cited = list(cited(known, entries))
    if words is not None and dialogue_entries is not None:
        entries_cited += dialogue_cited(words, dialogue_entries)
    missing: dict[tuple[bool, str, str], Cited] = {}
    for entry in entries_cited:
        gone = tuple(q for q in entry.quotes if not is_reference(q) and not on_page(q, new_page))
        key = (entry.field == "dialogue", entry.topic, entry.sentence)
        if gone and key not in missing:
            missing[key] = entry._replace(quotes=gone)
    return list(missing.values())


def diff_lines(changes: list[Cited]) -> list[str]:
    """The report of ``source-diff``: topic by topic (then dialogue key by key), each
    sentence and the text gone."""
    if not changes:
        return ["source-diff: every cited text is still on the page: nothing changed"]
    places = sorted({(c.field == "dialogue", c.topic) for c in changes})
    lines = [
        f"source-diff: {len(changes)} sentence(s) in {len(places)} topic(s) or dialogue key(s) "
        "rest on text that changed"
    ]
    for in_dialogue, table in places:
        lines.append(f"{'dialogue' if in_dialogue else 'topics'}.{table}:")
        for change in (c for c in changes if (c.field == "dialogue", c.topic) == (in_dialogue, table)):
            where = "" if in_dialogue else f"{change.field}: "
            lines.append(f"  {where}{change.sentence!r}")
            lines += [f"    no longer on the page: {quote!r}" for quote in change.quotes]
    return lines


def source_diff(path: str, out: TextIO, err: TextIO) -> int:
    """``python -m skill source-diff NEW_PAGE.txt``: 0 when every cited text is still on the
    new page, 1 when some is not (listed on ``out``), 2 when the file cannot be read."""
    try:
        with open(path, encoding="utf-8") as page:
            new_page = page.read()
    except (OSError, UnicodeDecodeError) as error:
        print(f"source-diff: cannot read {path}: {error}", file=err)
        return 2
    changes = changed(knowledge.load(), load(), new_page, dialogue.load(), load_dialogue())
    print("\n".join(diff_lines(changes)), file=out)
    return 1 if changes else 0
