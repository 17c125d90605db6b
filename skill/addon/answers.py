"""What each of the add-on's tools answers, from the skill's own files and code.

Nothing here is new content. A topic's answers are ``topics.toml``'s, each sentence
with the page text ``provenance.toml`` says it rests on (read with the developer tool's
own reader, ``skill.devtools.provenance``, so that an answer cites exactly what
``python -m skill check`` checks); the nurse line's number, hours and status are worded
by the conversation's own code (``LineHours``, over ``opening_hours`` and the England
and Wales calendar in ``bank_holidays``), which needs the line, the time and the
dialogue's lines, never a turn; the safety answers are the dialogue lines the skill's
safety answers say (``skill.conversation.safety``). Text is what the skill would say, as
plain text (``skill.speech.plain_text``): never SSML.

Words a person said are checked with the skill's own safety matching, in the skill's
order (overdose, crisis, emergency, urgent): the safety words of the content
(``SafetyWords.urgency``) and the phrases of the interaction model's safety cue slot
(``SafetyCueType`` in ``interaction_models/en-GB.json``: "goodbye letters", "better off
without me", "walking into the sea"...), which the skill's Alexa door reads from that
slot; then they are forgotten. As in the skill, the overdose, crisis and emergency
answers are the whole reply ("Call 999 now." with nothing after it to answer); urgent
words that leave room for doubt get the urgent answer first (the hospital team, 999, NHS
111), then the answer asked for. What is not an emergency is the matcher's to say too: a
question about a dose ("how many paracetamol can she have?") is not an overdose, and
nothing here looks for dose words of its own.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from skill.conversation.line_hours import LineHours
from skill.devtools import provenance
from skill.dialogue import Dialogue
from skill.knowledge import ContentError, Knowledge, Topic
from skill.knowledge.safety_words import URGENCIES, SafetyWords, Urgency, most_urgent, normalised_words
from skill.speech import Speech, plain_text

#: The MCP resource that holds the copy of the page every answer comes from.
PAGE_URI = "page://cancer-research-uk/treatment-options-for-secondary-breast-cancer"

#: The dialogue keys the skill's safety answers say, by kind: the words, the card's
#: title and the card's text (``skill.conversation.safety``; a test holds the two to
#: each other word for word).
SAFETY_LINES: dict[Urgency, tuple[str, str, str]] = {
    "overdose": ("overdose", "overdose_card_title", "overdose_card"),
    "crisis": ("crisis", "crisis_card_title", "crisis_card"),
    "emergency": ("emergency_now", "emergency_card_title", "emergency_card"),
    "urgent": ("urgent", "urgent_card_title", "urgent_card"),
}
#: The safety answers that are the whole reply, as in the skill.
WHOLE_REPLY: frozenset[Urgency] = frozenset({"overdose", "crisis", "emergency"})

#: The fields of a topic that are spoken: the short answer, the fuller one ("tell me
#: more"), and a treatment's side effects.
Spoken = Literal["speech", "more", "side_effects"]
SPOKEN: tuple[Spoken, ...] = ("speech", "more", "side_effects")


class Source(BaseModel):
    organisation: str
    page_title: str
    url: str = Field(description="where the page was published")
    resource: str = Field(description="the MCP resource holding the copy of the page the answers come from")


class CitedSentence(BaseModel):
    part: Spoken = Field(description="which answer the sentence is in: speech, more or side_effects")
    sentence: str
    page_text: list[str] = Field(
        description="the exact text of the page the sentence rests on; empty for a sentence that states "
        "no fact (a pointer to the doctor, the specialist nurse, the nurses or 999)"
    )


class TopicSummary(BaseModel):
    id: str
    title: str
    summary: str = Field(description="the first sentence of the topic's spoken answer")
    group: str = Field(description="treatment, symptom or site, or empty")


class TopicAnswer(BaseModel):
    topic_id: str
    title: str
    say: str = Field(description="the short spoken answer: say it in these words")
    more: str = Field(description="the fuller answer, for when the person wants more")
    side_effects: str | None = Field(description="what the page says of a treatment's side effects")
    disclaimer: str = Field(description="say once, with the first answer")
    sentences: list[CitedSentence]
    source: Source


class SafetyGuidance(BaseModel):
    kind: Urgency
    say_first: str = Field(description="say these words first, exactly, before anything else")
    title: str
    written: str = Field(description="the same guidance written down, with the numbers")
    whole_reply: bool = Field(
        description="true: this is the whole reply, add nothing to answer; "
        "false: the answer asked for may follow"
    )


class HelplineStatus(BaseModel):
    name: str
    number: str
    free_to_call: bool
    hours: str
    open_now: bool
    closes_at: str | None = Field(description="today's closing time, UK time (ISO 8601), when open now")
    next_opens_at: str | None = Field(description="when it next opens, UK time (ISO 8601), when closed now")
    next_opening: str | None = Field(description="when it next opens, in words: 'tomorrow at 9am'")
    bank_holiday_today: bool = Field(
        description="today is a bank holiday in England and Wales: it may be closed"
    )
    after_bank_holiday: bool = Field(
        description="the next opening is after a bank holiday: it may open later"
    )
    calendar: str
    uk_time_now: str
    say: str = Field(description="the number, the hours and whether it is open now, as the skill says them")


class TopicsResult(BaseModel):
    safety: SafetyGuidance | None = Field(
        description="present when the person's words call for it: say it first"
    )
    topics: list[TopicSummary] | None


class TopicAnswerResult(BaseModel):
    safety: SafetyGuidance | None = Field(
        description="present when the person's words call for it: say it first"
    )
    answer: TopicAnswer | None


class HelplineResult(BaseModel):
    safety: SafetyGuidance | None = Field(
        description="present when the person's words call for it: say it first"
    )
    helpline: HelplineStatus | None


#: The interaction model the skill's Alexa door is deployed with: its safety cue slot's
#: phrases are the indirect safety talk the skill answers first.
MODEL = Path(__file__).resolve().parents[2] / "interaction_models" / "en-GB.json"


def cue_words(model: Path = MODEL) -> SafetyWords:
    """The safety cue slot's phrases (``SafetyCueType``: each value's id is the kind of
    answer) as safety words, read once at start-up; a model without them stops the
    server, as a broken content file does."""
    try:
        language_model = json.loads(model.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
        cue_type = next(t for t in language_model["types"] if t["name"] == "SafetyCueType")
    except (OSError, ValueError, KeyError, StopIteration) as error:
        raise ContentError(f"{model.name}: no SafetyCueType to check people's words with ({error})") from None
    phrases: dict[str, set[tuple[str, ...]]] = {kind: set() for kind in URGENCIES}
    for value in cue_type["values"]:
        kind = value["id"]
        if kind not in phrases:
            raise ContentError(f"{model.name}: SafetyCueType value {kind!r} is not a kind of safety answer")
        for spoken in (value["name"]["value"], *value["name"].get("synonyms", [])):
            phrases[kind].add(normalised_words(spoken))
    return SafetyWords(
        crisis=tuple(sorted(phrases["crisis"])),
        emergency=tuple(sorted(phrases["emergency"])),
        overdose=tuple(sorted(phrases["overdose"])),
        urgent=tuple(sorted(phrases["urgent"])),
    )


class Answers:
    """The answers, from one knowledge, dialogue and provenance, read at start-up."""

    def __init__(
        self, known: Knowledge, words: Dialogue, cited: provenance.Entries, cues: SafetyWords | None = None
    ) -> None:
        self.known = known
        self.words = words
        self.cited = cited
        self.cues = cues if cues is not None else cue_words()

    @property
    def source(self) -> Source:
        source = self.known.source
        return Source(
            organisation=source.organisation, page_title=source.page_title, url=source.url, resource=PAGE_URI
        )

    def line(self, key: str, **values: str) -> str:
        """One dialogue line by key, its fields filled (a ``skill.dialogue.Lines``, as
        ``Turn.line`` is): the first phrasing, so that a tool answers the same each time."""
        return self.words.say(key, None, **values)

    def urgency(self, *heard: str | None) -> Urgency | None:
        """The first of ``URGENCIES`` that any of these words call for, as the skill's
        safety net finds it in slots; the words are not kept."""
        matchers = (self.known.safety, self.cues)
        return most_urgent(matcher.urgency(text) for text in heard if text for matcher in matchers)

    def guidance(self, *heard: str | None) -> SafetyGuidance | None:
        """The safety guidance these words call for, to be said first; None for none."""
        urgency = self.urgency(*heard)
        return self.safety(urgency) if urgency else None

    def safety(self, kind: Urgency) -> SafetyGuidance:
        said, title, card = SAFETY_LINES[kind]
        line = self.known.helpline
        return SafetyGuidance(
            kind=kind,
            say_first=_plain(self.line(said)),
            title=self.line(title),
            written=self.line(card, number=line.display, hours=line.hours_text),
            whole_reply=kind in WHOLE_REPLY,
        )

    def topics(self) -> list[TopicSummary]:
        return [
            TopicSummary(
                id=topic.id,
                title=topic.title,
                summary=provenance.sentences(topic.speech)[0],
                group=topic.group,
            )
            for topic in self.known.topics.values()
        ]

    def topic(self, topic_id: str) -> TopicAnswer | None:
        topic = self.known.topics.get(topic_id)
        if topic is None:
            return None
        return TopicAnswer(
            topic_id=topic.id,
            title=topic.title,
            say=_plain(topic.speech),
            more=_plain(topic.more),
            side_effects=_plain(topic.side_effects) if topic.side_effects else None,
            disclaimer=self.line("disclaimer"),
            sentences=self._cited(topic),
            source=self.source,
        )

    def _cited(self, topic: Topic) -> list[CitedSentence]:
        entries = self.cited.get(topic.id, {})
        return [
            CitedSentence(part=part, sentence=sentence, page_text=list(entries[sentence]))
            for part in SPOKEN
            for sentence in provenance.sentences(getattr(topic, part))
        ]

    def helpline(self, now: datetime) -> HelplineStatus:
        """The number, the hours, and open now or when it next opens (UK time, the England
        and Wales calendar), in the sentences the skill reads after the number."""
        line = self.known.helpline
        hours = LineHours(line, now, self.line)
        status = hours.status
        speech = Speech().say(self.line("helpline_intro")).phone_number(line.groups, slowly=False).say(".")
        speech.say(self.line("helpline_hours", hours=line.hours_text))
        speech.say(hours.status_line())
        return HelplineStatus(
            name=line.name,
            number=line.display,
            free_to_call=line.freephone,
            hours=line.hours_text,
            open_now=status.open_now,
            closes_at=_iso(status.closes),
            next_opens_at=_iso(status.next_opening),
            next_opening=hours.when_next_open() if hours.opens_later else None,
            bank_holiday_today=status.holiday_today is not None,
            after_bank_holiday=status.after_holiday,
            calendar=f"bank holidays {self.line('holiday_where')}",
            uk_time_now=_iso(hours.local_now) or "",
            say=plain_text(speech.ssml()),
        )


def _plain(text: str) -> str:
    """Content as the skill says it, as plain text: digit runs and escapes as spoken."""
    return plain_text(Speech().say(text).ssml())


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat(timespec="minutes")


# --- Plain text, for an assistant to speak from -------------------------------------------


def safety_text(guidance: SafetyGuidance) -> str:
    lines = [f"Say this first, in these words: {guidance.say_first}"]
    if guidance.whole_reply:
        lines.append("This is the whole reply: add nothing to answer. The question asked can wait.")
    return "\n".join(lines)


def topics_text(topics: list[TopicSummary]) -> str:
    return "\n".join(f"{topic.id}: {topic.title}. {topic.summary}" for topic in topics)


def topic_text(answer: TopicAnswer) -> str:
    source = answer.source
    lines = [
        f"Say: {answer.say}",
        f"If they want more: {answer.more}",
    ]
    if answer.side_effects:
        lines.append(f"If they ask about its side effects: {answer.side_effects}")
    lines += [
        f"Say once, with the first answer: {answer.disclaimer}",
        f"Source: {source.organisation}, '{source.page_title}', {source.url}",
    ]
    return "\n".join(lines)


def helpline_text(status: HelplineStatus) -> str:
    return f"Say: {status.say}"


def with_safety(guidance: SafetyGuidance | None, text: str | None) -> str:
    """The safety guidance first, then the answer (unless the guidance is the whole reply)."""
    parts = [safety_text(guidance)] if guidance is not None else []
    if text is not None:
        parts.append(text)
    return "\n\n".join(parts)
