"""Provenance: every sentence of ``topics.toml`` names the page text it rests on.

``skill/knowledge/provenance.toml`` has a table per topic whose keys are the topic's
sentences (of ``speech``, ``more``, ``card`` and ``side_effects``, split by
:func:`sentences`) and whose values are a quote of ``source-page.txt``, a list of quotes
(a sentence that combines facts), or ``"no fact"`` (a pointer to the doctor, the nurses or
999 that states nothing about cancer). ``python -m skill check`` holds the content to the
page with :func:`problems`; ``python -m skill source-diff NEW_PAGE.txt`` uses
:func:`changed` to say which answers rest on text that a new copy of the page no longer
has. A developer tool: nothing the skill runs on imports it.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from importlib import resources
from typing import NamedTuple, TextIO

from skill import knowledge

#: The fields of a topic that the user hears or reads.
FIELDS = ("speech", "more", "card", "side_effects")
NO_FACT = "no fact"

#: Entries as read: topic id -> sentence -> quotes (empty for "no fact").
Entries = dict[str, dict[str, tuple[str, ...]]]

_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")
_LIST_MARK = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")


class ProvenanceError(ValueError):
    """The provenance file is not the shape described above."""


class Cited(NamedTuple):
    """One sentence of a topic and the page text it cites."""

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


def topic_sentences(known: knowledge.Knowledge) -> Iterator[tuple[str, str, str]]:
    """(topic id, field, sentence) for every sentence of every topic, in file order."""
    for topic in known.topics.values():
        for field in FIELDS:
            for sentence in sentences(getattr(topic, field)):
                yield topic.id, field, sentence


def read_page() -> str:
    return resources.files("skill.knowledge").joinpath("source-page.txt").read_text(encoding="utf-8")


def parse(data: Mapping[str, object]) -> Entries:
    """The provenance file's tables as quotes; ProvenanceError names a malformed entry."""
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


def load() -> Entries:
    text = resources.files("skill.knowledge").joinpath("provenance.toml").read_text(encoding="utf-8")
    try:
        return parse(tomllib.loads(text))
    except tomllib.TOMLDecodeError as error:
        raise ProvenanceError(f"provenance: provenance.toml: {error}") from error


def cited(known: knowledge.Knowledge, entries: Entries) -> Iterator[Cited]:
    """Every sentence of the content that has an entry, with its quotes."""
    for topic_id, field, sentence in topic_sentences(known):
        quotes = entries.get(topic_id, {}).get(sentence)
        if quotes is not None:
            yield Cited(topic_id, field, sentence, quotes)


def problems(known: knowledge.Knowledge, entries: Entries, page: str) -> list[str]:
    """A sentence without an entry, a quote the page lacks, an entry for no sentence."""
    found: list[str] = []
    said: dict[str, set[str]] = {topic_id: set() for topic_id in known.topics}
    for topic_id, field, sentence in topic_sentences(known):
        said[topic_id].add(sentence)
        if sentence not in entries.get(topic_id, {}):
            found.append(f"provenance: topics.{topic_id}.{field}: no entry for {sentence!r}")
    for topic_id, table in entries.items():
        for sentence, quotes in table.items():
            if sentence not in said.get(topic_id, set()):
                found.append(f"provenance: [{topic_id}] {sentence!r} is stale: no such sentence in the topic")
                continue
            for quote in quotes:
                if not on_page(quote, page):
                    found.append(
                        f"provenance: [{topic_id}] {sentence!r} cites {quote!r}, which the page lacks"
                    )
    return found


def counts(known: knowledge.Knowledge, entries: Entries) -> tuple[int, int]:
    """(sentences traced to a quote, sentences marked no fact), each sentence once per topic."""
    unique = {(c.topic, c.sentence): c.quotes for c in cited(known, entries)}
    no_fact = sum(1 for quotes in unique.values() if not quotes)
    return len(unique) - no_fact, no_fact


def counts_line(known: knowledge.Knowledge, entries: Entries) -> str:
    traced, no_fact = counts(known, entries)
    return f"provenance: {traced} sentences traced to the page, {no_fact} marked no fact"


def changed(known: knowledge.Knowledge, entries: Entries, new_page: str) -> list[Cited]:
    """Sentences (once per topic) citing a quote that ``new_page`` no longer has; each
    keeps only its missing quotes."""
    missing: dict[tuple[str, str], Cited] = {}
    for entry in cited(known, entries):
        gone = tuple(quote for quote in entry.quotes if not on_page(quote, new_page))
        if gone and (entry.topic, entry.sentence) not in missing:
            missing[entry.topic, entry.sentence] = entry._replace(quotes=gone)
    return list(missing.values())


def diff_lines(changes: list[Cited]) -> list[str]:
    """The report of ``source-diff``: topic by topic, each sentence and the text gone."""
    if not changes:
        return ["source-diff: every cited text is still on the page: nothing changed"]
    topics = sorted({c.topic for c in changes})
    lines = [f"source-diff: {len(changes)} sentence(s) in {len(topics)} topic(s) rest on text that changed"]
    for topic_id in topics:
        lines.append(f"topics.{topic_id}:")
        for change in (c for c in changes if c.topic == topic_id):
            lines.append(f"  {change.field}: {change.sentence!r}")
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
    changes = changed(knowledge.load(), load(), new_page)
    print("\n".join(diff_lines(changes)), file=out)
    return 1 if changes else 0
