"""The knowledge: Cancer Research UK's page on secondary breast cancer, as topics.

This module knows nothing about Alexa. It loads ``topics.toml`` once, checks it, and
answers two questions: which topic answers this intent, and which topic does this slot
value lead to; its safety phrases answer a third, do these words sound like a crisis or
an emergency (``safety_words``). A broken content file raises ``ContentError`` at
start-up, never in the middle of a user's question.

``topics.toml`` is the file people edit. ``make lambda`` checks it and ships it as
``topics.json`` instead (see ``skill.content``): parsing TOML takes several times
longer than everything else the skill does at start-up, JSON almost nothing. Either
form goes through the same checks here when it is loaded.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from functools import cache
from types import MappingProxyType
from typing import Any, NamedTuple

from skill import content
from skill.knowledge.safety_words import URGENCIES, SafetyWords, normalised_words
from skill.time_words import hours_prose, spoken_time

#: Spoken answers are one or two breaths (with the disclaimer and the offer, a whole turn
#: is at most 60 words: ``python -m skill check`` counts it); "tell me more" may take longer.
SPEECH_WORD_LIMIT = 40
#: A whole spoken turn, in words.
TURN_WORD_LIMIT = 60
MORE_WORD_LIMIT = 90
#: Topics suggested after an answer (buttons on a screen): a few, not a menu.
NEXT_LIMIT = 4
#: The groups of options a topic may belong to ('' for none).
GROUPS = frozenset({"", "treatment", "symptom", "site"})
#: The services whose numbers the safety screens show ([services]).
REQUIRED_SERVICES = frozenset({"emergency", "samaritans"})


class ContentError(ValueError):
    """The content file is missing something or contradicts itself."""


# The records below are NamedTuples, not dataclasses: a dataclass compiles its methods
# when its module is imported (about a millisecond each on Python 3.12), and a dozen of
# them were a tenth of the skill's cold start. They are immutable all the same.


class Topic(NamedTuple):
    id: str
    title: str
    section: str
    speech: str
    more: str
    card: str
    intents: tuple[str, ...] = ()
    slot_values: Mapping[str, tuple[str, ...]] = MappingProxyType({})
    #: The nurses are the natural next step after this answer: offer them even after a no.
    nurses_next: bool = False
    #: Topics people often ask next (topic ids): buttons on a screen.
    next: tuple[str, ...] = ()
    #: The options this topic is one of ("treatment", "symptom", "site"): "are there
    #: others?" lists the rest of its group.
    group: str = ""
    #: How the topic is named in a spoken list; by default its title, in lower case.
    name: str = ""
    #: What the page says about this treatment's side effects (treatments only).
    side_effects: str = ""
    #: The topics its short answer names as a list, in the order said ("the first one",
    #: "the tube one" then pick one of them) (optional).
    items: tuple[str, ...] = ()
    #: The parts of the body it is about (bodySite value ids), where its answer is not
    #: itself about that place: "the skin one" after a list naming it (optional).
    sites: tuple[str, ...] = ()

    @property
    def spoken_name(self) -> str:
        return self.name or self.title.lower()


class Route(NamedTuple):
    """An intent whose topic is chosen by the value of one slot."""

    intent: str
    slot: str
    default: str
    unknown: str


class Helpline(NamedTuple):
    name: str
    display: str
    groups: tuple[str, ...]
    freephone: bool
    timezone: str
    open_days: frozenset[int]
    opens: time
    closes: time
    hours_text: str


class Service(NamedTuple):
    """A service a safety answer names (999, Samaritans, NHS 111, the hospital team): not
    on the page, so its facts are written here, and its number is shown from here."""

    id: str
    name: str
    #: Its number as written ("116 123"); empty for one the skill cannot know.
    display: str
    #: What the skill says of it, in a sentence: what the dialogue's sentences rest on.
    facts: str


class Source(NamedTuple):
    organisation: str
    page_title: str
    card_line: str
    #: Where the page was published (https).
    url: str


class Knowledge(NamedTuple):
    topics: Mapping[str, Topic]
    routes: Mapping[str, Route]
    helpline: Helpline
    source: Source
    safety: SafetyWords
    #: Topics to suggest before any question (topic ids): buttons on the welcome screen.
    starters: tuple[str, ...] = ()
    #: The services the safety answers name, by id ([services]).
    services: Mapping[str, Service] = MappingProxyType({})

    def topic_for_intent(self, intent: str) -> Topic | None:
        """The topic that answers ``intent`` outright, if any."""
        for topic in self.topics.values():
            if intent in topic.intents:
                return topic
        return None

    def topic_for_slot_value(self, slot: str, value_id: str) -> Topic | None:
        """The topic that a resolved slot value (its id in the model) leads to."""
        for topic in self.topics.values():
            if value_id in topic.slot_values.get(slot, ()):
                return topic
        return None


def _text(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ContentError(f"{where}: '{key}' must be non-empty text")
    return value.strip()


def _optional_text(table: Mapping[str, Any], key: str, where: str) -> str:
    return _text(table, key, where) if key in table else ""


def _strings(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise ContentError(f"{where}: '{key}' must be a list of non-empty text")
    return tuple(value)


def _flag(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise ContentError(f"{where}: '{key}' must be true or false")
    return value


def _safety(table: Any) -> SafetyWords:
    """The safety phrases, each a sequence of normalised words: none empty, none twice."""
    if not isinstance(table, dict):
        raise ContentError("no [safety] table in the content file")
    lists: dict[str, tuple[tuple[str, ...], ...]] = {}
    seen: dict[tuple[str, ...], str] = {}
    for kind in URGENCIES:
        phrases = _strings(table, kind, "safety")
        if not phrases:
            raise ContentError(f"safety: '{kind}' must list at least one phrase")
        words_of = []
        for phrase in phrases:
            normal = normalised_words(phrase)
            if " ".join(normal) != phrase:
                raise ContentError(f"safety: write {phrase!r} as lower-case words without apostrophes")
            if normal in seen:
                raise ContentError(f"safety: {phrase!r} is listed twice ({seen[normal]} and {kind})")
            seen[normal] = kind
            words_of.append(normal)
        lists[kind] = tuple(words_of)
    unknown = set(table) - set(URGENCIES)
    if unknown:
        raise ContentError(f"safety: unknown keys {sorted(unknown)}")
    return SafetyWords(**lists)


_TIME_RANGE = re.compile(r"\b(\d{1,2}(?::\d\d)?[ap]m) to (\d{1,2}(?::\d\d)?[ap]m)\b")


def _check_hours_mentions(topics: Mapping[str, Topic], helpline: Helpline) -> None:
    """Every time range a topic speaks of ("9am to 5pm") is the line's hours."""
    expected = (spoken_time(helpline.opens), spoken_time(helpline.closes))
    for topic in topics.values():
        for text in (topic.speech, topic.more, topic.card):
            for found in _TIME_RANGE.findall(text):
                if found != expected:
                    raise ContentError(
                        f"topics.{topic.id}: says {found[0]} to {found[1]}, but the line opens "
                        f"{expected[0]} to {expected[1]} ([helpline])"
                    )


def _clock(text: str, where: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError as error:
        raise ContentError(f"{where}: '{text}' is not a time like 09:00") from error


def words(text: str) -> int:
    return len(text.split())


def _topic(topic_id: str, table: Mapping[str, Any]) -> Topic:
    where = f"topics.{topic_id}"
    slot_table = table.get("slot_values", {})
    if not isinstance(slot_table, dict):
        raise ContentError(f"{where}: 'slot_values' must be a table")
    topic = Topic(
        id=topic_id,
        title=_text(table, "title", where),
        section=_text(table, "section", where),
        speech=_text(table, "speech", where),
        more=_text(table, "more", where),
        card=_text(table, "card", where),
        intents=_strings(table, "intents", where),
        slot_values=MappingProxyType(
            {slot: _strings(slot_table, slot, f"{where}.slot_values") for slot in slot_table}
        ),
        nurses_next=_flag(table, "nurses_next", where),
        next=_strings(table, "next", where),
        group=_optional_text(table, "group", where),
        name=_optional_text(table, "name", where),
        side_effects=_optional_text(table, "side_effects", where),
        items=_strings(table, "items", where),
        sites=_strings(table, "sites", where),
    )
    if topic.group not in GROUPS:
        raise ContentError(f"{where}: group must be one of {sorted(GROUPS - {''})}")
    if words(topic.side_effects) > SPEECH_WORD_LIMIT:
        raise ContentError(
            f"{where}: side_effects has {words(topic.side_effects)} words, over {SPEECH_WORD_LIMIT}"
        )
    if words(topic.speech) > SPEECH_WORD_LIMIT:
        raise ContentError(f"{where}: speech has {words(topic.speech)} words, over {SPEECH_WORD_LIMIT}")
    if words(topic.more) > MORE_WORD_LIMIT:
        raise ContentError(f"{where}: more has {words(topic.more)} words, over {MORE_WORD_LIMIT}")
    unknown = set(table) - set(Topic._fields)
    if unknown:
        raise ContentError(f"{where}: unknown keys {sorted(unknown)}")
    return topic


def _check_list(
    topic: Topic, topics: Mapping[str, Topic], seen_values: Mapping[tuple[str, str], str]
) -> None:
    """A list names topics, each once, never itself; a place a topic is about is a
    place some topic answers."""
    where = f"topics.{topic.id}"
    if len(topic.items) == 1 or len(set(topic.items)) != len(topic.items) or topic.id in topic.items:
        raise ContentError(f"{where}: items must name two or more other topics, each once")
    for item in topic.items:
        if item not in topics:
            raise ContentError(f"{where}: items names '{item}', which is not a topic")
    for site in topic.sites:
        if ("bodySite", site) not in seen_values:
            raise ContentError(f"{where}: sites names '{site}', which no topic answers")


def parse(data: Mapping[str, Any]) -> Knowledge:
    """Build and check the knowledge from the parsed content file."""
    topics_table = data.get("topics")
    if not isinstance(topics_table, dict) or not topics_table:
        raise ContentError("no [topics] in the content file")
    topics = {topic_id: _topic(topic_id, table) for topic_id, table in topics_table.items()}

    routes: dict[str, Route] = {}
    for intent, table in data.get("routes", {}).items():
        where = f"routes.{intent}"
        route = Route(
            intent=intent,
            slot=_text(table, "slot", where),
            default=_text(table, "default", where),
            unknown=_text(table, "unknown", where),
        )
        if route.default not in topics:
            raise ContentError(f"{where}: default topic '{route.default}' does not exist")
        routes[intent] = route

    seen_intents: dict[str, str] = {}
    seen_values: dict[tuple[str, str], str] = {}
    for topic in topics.values():
        for intent in topic.intents:
            if intent in seen_intents:
                raise ContentError(f"intent {intent} answered by both {seen_intents[intent]} and {topic.id}")
            if intent in routes:
                raise ContentError(f"topics.{topic.id}: {intent} is routed by slot, not answered outright")
            seen_intents[intent] = topic.id
        for slot, values in topic.slot_values.items():
            if slot not in {route.slot for route in routes.values()}:
                raise ContentError(f"topics.{topic.id}: no route uses the slot '{slot}'")
            for value in values:
                if (slot, value) in seen_values:
                    raise ContentError(
                        f"slot value {slot}={value} leads to both {seen_values[slot, value]} and {topic.id}"
                    )
                seen_values[slot, value] = topic.id

    for topic in topics.values():
        _check_suggested(topic.next, topics, f"topics.{topic.id}: next", avoid=topic.id)
        _check_list(topic, topics, seen_values)
    starters = _strings(data.get("suggestions", {}), "start", "suggestions")
    _check_suggested(starters, topics, "suggestions: start")

    helpline_table = data.get("helpline", {})
    groups = _strings(helpline_table, "groups", "helpline")
    display = _text(helpline_table, "display", "helpline")
    if " ".join(groups) != display or not all(group.isdigit() for group in groups):
        raise ContentError("helpline: 'groups' must be the digits of 'display', in order")
    days = helpline_table.get("open_days", [])
    if not days or not all(isinstance(day, int) and 1 <= day <= 7 for day in days):
        raise ContentError("helpline: 'open_days' must list ISO weekdays, 1 (Monday) to 7")
    helpline = Helpline(
        name=_text(helpline_table, "name", "helpline"),
        display=display,
        groups=groups,
        freephone=bool(helpline_table.get("freephone", False)),
        timezone=_text(helpline_table, "timezone", "helpline"),
        open_days=frozenset(days),
        opens=_clock(_text(helpline_table, "opens", "helpline"), "helpline"),
        closes=_clock(_text(helpline_table, "closes", "helpline"), "helpline"),
        hours_text=_text(helpline_table, "hours_text", "helpline"),
    )
    if helpline.opens >= helpline.closes:
        raise ContentError("helpline: 'opens' must be before 'closes'")
    expected_hours = hours_prose(helpline.open_days, helpline.opens, helpline.closes)
    if helpline.hours_text != expected_hours:
        raise ContentError(f"helpline: 'hours_text' must say {expected_hours!r}, as the hours above do")
    _check_hours_mentions(topics, helpline)

    services_table = data.get("services", {})
    services = {service_id: _service(service_id, table) for service_id, table in services_table.items()}
    missing = sorted(REQUIRED_SERVICES - set(services))
    if missing:
        raise ContentError(f"services: no [services.{missing[0]}]: the safety screens show its number")

    source_table = data.get("source", {})
    source = Source(
        organisation=_text(source_table, "organisation", "source"),
        page_title=_text(source_table, "page_title", "source"),
        card_line=_text(source_table, "card_line", "source"),
        url=_text(source_table, "url", "source"),
    )
    if not source.url.startswith("https://"):
        raise ContentError("source: 'url' must be the page's https address")
    return Knowledge(
        topics=MappingProxyType(topics),
        routes=MappingProxyType(routes),
        helpline=helpline,
        source=source,
        safety=_safety(data.get("safety")),
        starters=starters,
        services=MappingProxyType(services),
    )


def _service(service_id: str, table: Any) -> Service:
    where = f"services.{service_id}"
    if not isinstance(table, dict):
        raise ContentError(f"{where}: must be a table")
    unknown = set(table) - {"name", "display", "facts"}
    if unknown:
        raise ContentError(f"{where}: unknown keys {sorted(unknown)}")
    service = Service(
        id=service_id,
        name=_text(table, "name", where),
        display=_optional_text(table, "display", where),
        facts=_text(table, "facts", where),
    )
    if service.display and not all(group.isdigit() for group in service.display.split(" ")):
        raise ContentError(f"{where}: 'display' must be digits in groups, like '116 123'")
    return service


def _check_suggested(ids: tuple[str, ...], topics: Mapping[str, Topic], where: str, avoid: str = "") -> None:
    """Suggested topics exist, are few, differ, and never suggest the topic just answered."""
    if len(ids) > NEXT_LIMIT:
        raise ContentError(f"{where}: at most {NEXT_LIMIT} topics, not {len(ids)}")
    if len(set(ids)) != len(ids):
        raise ContentError(f"{where}: a topic is listed twice")
    for topic_id in ids:
        if topic_id not in topics:
            raise ContentError(f"{where}: no topic '{topic_id}'")
        if topic_id == avoid:
            raise ContentError(f"{where}: suggests itself")


@cache
def load() -> Knowledge:
    """The skill's knowledge, read from the package once per process and checked."""
    try:
        data = content.read(__file__, "topics")
    except content.ContentFileError as error:
        raise ContentError(str(error)) from error
    return parse(data)
