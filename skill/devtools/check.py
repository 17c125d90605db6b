"""``python -m skill check``: the interaction model, the manifest, the content and the
code, checked against each other. Every problem is listed; any problem fails the check.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial
from typing import Any

from skill import builder, dialogue, knowledge, reminders_api
from skill.conversation.base import IntentHandler
from skill.devtools import grammar, nlu, provenance, skill_package
from skill.devtools.envelopes import Session, slot_json
from skill.speech import Speech, plain_text, validate

#: Built-in intents a custom skill must have (certification) or that docs/behaviour.md §3.2 promises.
REQUIRED_BUILT_INS = {
    "AMAZON.CancelIntent",
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.NavigateHomeIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.RepeatIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.YesIntent",
    "AMAZON.NoIntent",
}
_CONNECTING_WORDS = ("to", "for", "about", "if", "whether", "that")
_PRIVACY_FLAGS = (
    "allowsPurchases",
    "usesPersonalInfo",
    "isChildDirected",
    "isExportCompliant",
    "containsAds",
)

Problems = list[str]
_MALFORMED = "model: expected {'interactionModel': {'languageModel': {'intents': [...]}}}"


def check_model(model: dict[str, Any], handled: set[str]) -> Problems:
    problems: Problems = []
    try:
        language_model = model["interactionModel"]["languageModel"]
        intents = language_model["intents"]
    except (KeyError, TypeError):
        return [_MALFORMED]
    invocation = language_model.get("invocationName", "")
    if not re.fullmatch(r"[a-z]+( [a-z]+)+", invocation or ""):
        problems.append(f"model: invocation name {invocation!r} must be two or more lower-case words")
    names = [intent.get("name", "") for intent in intents]
    for name, count in Counter(names).items():
        if count > 1:
            problems.append(f"model: intent {name} is defined {count} times")
    for missing in sorted(REQUIRED_BUILT_INS - set(names)):
        problems.append(f"model: required built-in intent {missing} is missing")
    for name in sorted(set(names) - handled):
        problems.append(f"model: intent {name} has no handler")
    for name in sorted(handled - set(names)):
        problems.append(f"code: a handler answers {name}, which the model does not have")

    types = {slot_type.get("name"): slot_type for slot_type in language_model.get("types", [])}
    for type_name, slot_type in types.items():
        ids = [value.get("id") for value in slot_type.get("values", [])]
        if not ids or not all(ids):
            problems.append(f"model: every value of {type_name} needs an id")
        for value_id, count in Counter(ids).items():
            if count > 1:
                problems.append(f"model: {type_name} has the id {value_id} {count} times")
        spoken = [
            nlu.normalise(text)
            for value in slot_type.get("values", [])
            for text in (value["name"]["value"], *value["name"].get("synonyms", []))
        ]
        for text, count in Counter(spoken).items():
            if count > 1:
                problems.append(f"model: {type_name} lists {text!r} {count} times")

    owner: dict[str, str] = {}
    for intent in intents:
        name = intent.get("name", "")
        slots = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for slot_name, slot_type in slots.items():
            if slot_type not in types and not slot_type.startswith("AMAZON."):
                problems.append(f"model: {name}.{slot_name} has undefined type {slot_type}")
        used: set[str] = set()
        for sample in intent.get("samples", []):
            if not grammar.SAMPLE_CHARACTERS.match(grammar.SLOT_REFERENCE.sub("x", sample)):
                problems.append(f"model: {name} sample {sample!r} has characters Alexa refuses")
            refs = set(re.findall(r"\{(\w+)\}", sample))
            used |= refs
            for ref in sorted(refs - set(slots)):
                problems.append(f"model: {name} sample {sample!r} uses unknown slot {{{ref}}}")
            if invocation and invocation in sample.lower():
                problems.append(f"model: {name} sample {sample!r} contains the invocation name")
            key = " ".join(sample.lower().split())
            if key in owner:
                problems.append(f"model: sample {sample!r} is in both {owner[key]} and {name}")
            owner[key] = name
        for unused in sorted(set(slots) - used):
            problems.append(f"model: slot {name}.{unused} is in no sample")
        if not name.startswith("AMAZON.") and len(intent.get("samples", [])) < 8:
            problems.append(f"model: {name} has fewer than 8 sample utterances")
    return problems


def check_content(model: dict[str, Any], known: knowledge.Knowledge) -> Problems:
    problems: Problems = []
    language_model = model["interactionModel"]["languageModel"]
    intents = {intent["name"]: intent for intent in language_model["intents"]}
    types = {slot_type["name"]: slot_type for slot_type in language_model.get("types", [])}
    reachable: set[str] = set()

    for topic in known.topics.values():
        for intent in topic.intents:
            if intent in intents:
                reachable.add(topic.id)
            else:
                problems.append(f"content: topics.{topic.id} names {intent}, which the model lacks")

    for route in known.routes.values():
        routed = intents.get(route.intent)
        if routed is None:
            problems.append(f"content: route {route.intent} is not an intent in the model")
            continue
        slot_types = {slot["name"]: slot["type"] for slot in routed.get("slots", [])}
        if route.slot not in slot_types:
            problems.append(f"content: route {route.intent} uses slot {route.slot}, which it lacks")
            continue
        reachable.add(route.default)
        type_values = {value["id"] for value in types.get(slot_types[route.slot], {}).get("values", [])}
        for value_id in sorted(type_values):
            led_to = known.topic_for_slot_value(route.slot, value_id)
            if led_to is None:
                problems.append(f"content: {route.slot} value {value_id} leads to no topic")
            else:
                reachable.add(led_to.id)
        for topic in known.topics.values():
            for value_id in topic.slot_values.get(route.slot, ()):
                if value_id not in type_values:
                    problems.append(
                        f"content: topics.{topic.id} lists {route.slot} value {value_id}, "
                        f"which {slot_types[route.slot]} lacks"
                    )

    for topic_id in sorted(set(known.topics) - reachable):
        problems.append(f"content: topics.{topic_id} cannot be reached by voice")
    for topic in known.topics.values():
        for label, text, limit in (
            ("speech", topic.speech, knowledge.SPEECH_WORD_LIMIT),
            ("more", topic.more, knowledge.MORE_WORD_LIMIT),
        ):
            if knowledge.words(text) > limit:
                problems.append(f"content: topics.{topic.id}.{label} is over {limit} words")
    return problems


def check_dialogue(words: dialogue.Dialogue) -> Problems:
    """Every phrasing of every key renders to valid SSML at every rate."""
    problems: Problems = []
    for key in sorted(words.keys):
        fields = {name: "9am" for name in dialogue.KEYS.get(key, ())}
        for text in words.phrasings(key):
            ssml = Speech().say(text.format(**fields)).ssml()
            problems += [f"dialogue: {key}: {problem}" for problem in validate(ssml)]
    return problems


def conversation_requests(model: dict[str, Any]) -> Iterable[tuple[str, dict[str, Any]]]:
    """One request for every intent, every slot value, an unknown value and no value."""
    language_model = model["interactionModel"]["languageModel"]
    types = {slot_type["name"]: slot_type for slot_type in language_model.get("types", [])}
    session = Session()
    yield "launch", session.launch()
    for intent in language_model["intents"]:
        name = intent["name"]
        slots = intent.get("slots", [])
        yield name, session.intent(name)
        for slot in slots:
            for value in types.get(slot["type"], {}).get("values", []):
                spoken = value["name"]["value"]
                filled = slot_json(slot["name"], spoken, slot["type"], value["id"], spoken)
                yield f"{name}({spoken})", session.intent(name, {slot["name"]: filled})
            unknown = slot_json(slot["name"], "something else", slot["type"], None, None)
            yield f"{name}(unknown)", session.intent(name, {slot["name"]: unknown})
    yield "session ended", session.session_ended()


def _fixed(moment: datetime) -> datetime:
    return moment


def check_responses(model: dict[str, Any]) -> Problems:
    """Drive the real skill with every request above, at both speeds, open and closed.
    Slow (it plays thousands of requests): run by the tests, not by ``check``."""
    problems: Problems = []
    for when in (datetime(2026, 3, 2, 11, tzinfo=UTC), datetime(2026, 3, 7, 20, tzinfo=UTC)):
        handler = builder.lambda_handler(clock=partial(_fixed, when))
        for rate in ("normal", "slow"):
            for label, envelope in conversation_requests(model):
                envelope["session"]["attributes"] = {"rate": rate, "pending": "helpline"}
                response = handler(envelope, None)["response"]
                for part in ("outputSpeech", "reprompt"):
                    speech = response.get(part, {})
                    ssml = speech.get("ssml") or speech.get("outputSpeech", {}).get("ssml")
                    if ssml:
                        problems += [f"response to {label}: {p}" for p in validate(ssml)]
                if envelope["request"]["type"] != "SessionEndedRequest" and "outputSpeech" not in response:
                    problems.append(f"response to {label}: says nothing")
    return problems


#: What is spoken in a whole turn (answer, disclaimer and offer), in words: an answer (or a
#: safety answer) on the first turn of a session; its fuller version ("tell me more"); the nurse line's
#: number while the line is open, and while it is closed (with the reminder offer).
TURN_WORD_LIMIT = 60
MORE_TURN_WORD_LIMIT = 90
HELPLINE_OPEN_WORD_LIMIT = 60
HELPLINE_CLOSED_WORD_LIMIT = 70
#: The safety answers, each on a session's first turn, keep to TURN_WORD_LIMIT too.
SAFETY_INTENTS = ("OverdoseIntent", "CrisisIntent", "EmergencyIntent", "UrgentHelpIntent")
OPEN = datetime(2026, 3, 2, 11, tzinfo=UTC)
CLOSED = datetime(2026, 3, 7, 20, tzinfo=UTC)


def spoken_words(response: dict[str, Any]) -> int:
    """How many words the user hears: the SSML as plain text ("0808 800 4040" is three)."""
    ssml = response["response"].get("outputSpeech", {}).get("ssml", "")
    return len(plain_text(ssml).split())


def topic_requests(
    known: knowledge.Knowledge, model: dict[str, Any]
) -> Iterable[tuple[str, dict[str, Any]]]:
    """For every topic, a first turn of a new session that its answer ends, then "tell me
    more" in a session whose last answer was that topic; and each treatment's side effects."""
    slot_types = {
        slot["name"]: slot["type"]
        for intent in model["interactionModel"]["languageModel"]["intents"]
        for slot in intent.get("slots", [])
    }
    for topic in known.topics.values():
        if topic.intents:
            yield topic.id, Session().intent(topic.intents[0])
        for route in known.routes.values():
            for value in topic.slot_values.get(route.slot, ())[:1]:
                filled = slot_json(route.slot, value, slot_types[route.slot], value, value)
                yield topic.id, Session().intent(route.intent, {route.slot: filled})
            if route.default == topic.id and not topic.intents:
                yield topic.id, Session().intent(route.intent)
        more = Session()
        more.attributes = {"thread": topic.id, "disclaimerGiven": True}
        yield f"{topic.id} (more)", more.intent("TellMeMoreIntent")
        if topic.side_effects:
            filled = slot_json("treatment", topic.id, slot_types["treatment"], topic.id, topic.id)
            yield f"{topic.id} (side effects)", Session().intent("SideEffectsIntent", {"treatment": filled})


def check_turn_lengths(known: knowledge.Knowledge, model: dict[str, Any] | None = None) -> Problems:
    """Every whole turn the user hears is one or two breaths: counted as spoken."""
    problems: Problems = []
    handlers = {when: builder.lambda_handler(clock=partial(_fixed, when)) for when in (OPEN, CLOSED)}
    for label, envelope in topic_requests(known, model or nlu.load_model()):
        limit = MORE_TURN_WORD_LIMIT if label.endswith("(more)") else TURN_WORD_LIMIT
        count = spoken_words(handlers[OPEN](envelope, None))
        if count > limit:
            problems.append(f"turn length: {label} is {count} words spoken, over {limit}")
    for intent in SAFETY_INTENTS:
        count = spoken_words(handlers[OPEN](Session().intent(intent), None))
        if count > TURN_WORD_LIMIT:
            problems.append(
                f"turn length: the answer to {intent} is {count} words spoken, over {TURN_WORD_LIMIT}"
            )
    for when, limit in ((OPEN, HELPLINE_OPEN_WORD_LIMIT), (CLOSED, HELPLINE_CLOSED_WORD_LIMIT)):
        count = spoken_words(handlers[when](Session().intent("HelplineIntent"), None))
        if count > limit:
            state = "open" if when == OPEN else "closed"
            problems.append(f"turn length: the nurse number (line {state}) is {count} words, over {limit}")
    return problems


def check_manifest(manifest: dict[str, Any], resolver: nlu.Resolver) -> Problems:
    problems: Problems = []
    try:
        info = manifest["manifest"]["publishingInformation"]
        locale = info["locales"]["en-GB"]
        privacy = manifest["manifest"]["privacyAndCompliance"]
    except (KeyError, TypeError):
        return ["manifest: needs publishingInformation.locales.en-GB and privacyAndCompliance"]
    for key in ("name", "summary", "description"):
        if not locale.get(key):
            problems.append(f"manifest: en-GB {key} is missing")
    description = locale.get("description", "")
    for phrase in ("not a substitute", "Cancer Research UK", "999"):
        if phrase not in description:
            problems.append(f"manifest: the description must carry the disclaimer ({phrase!r})")
    if len(locale.get("summary", "")) > 160:
        problems.append("manifest: summary is over 160 characters")
    phrases = locale.get("examplePhrases", [])
    if not 1 <= len(phrases) <= 3:
        problems.append("manifest: give one to three example phrases")
    invocation = resolver.invocation_name
    for index, phrase in enumerate(phrases):
        match = re.fullmatch(rf"Alexa, (open|ask|tell) {invocation}(?: (.+))?", phrase)
        if not match:
            problems.append(f"manifest: example phrase {phrase!r} must be 'Alexa, open/ask {invocation} ...'")
            continue
        if index == 0 and match.group(1) != "open":
            problems.append("manifest: the first example phrase must open the skill")
        utterance = match.group(2)
        if utterance:
            first, _, rest = utterance.partition(" ")
            if first in _CONNECTING_WORDS and rest:
                utterance = rest
            if resolver.resolve(utterance).intent == nlu.FALLBACK:
                problems.append(f"manifest: example phrase {phrase!r} matches no sample utterance")
    for flag in _PRIVACY_FLAGS:
        if not isinstance(privacy.get(flag), bool):
            problems.append(f"manifest: privacyAndCompliance.{flag} must be true or false")
    if privacy.get("usesPersonalInfo") is not False:
        problems.append("manifest: the skill collects no personal information; say so")
    declared = manifest["manifest"].get("permissions") or []
    if not any(isinstance(p, dict) and p.get("name") == reminders_api.SCOPE for p in declared):
        problems.append(f"manifest: the skill sets reminders; declare the permission {reminders_api.SCOPE}")
    interfaces = manifest["manifest"].get("apis", {}).get("custom", {}).get("interfaces", [])
    if not any(isinstance(i, dict) and i.get("type") == "ALEXA_PRESENTATION_APL" for i in interfaces):
        problems.append("manifest: the skill sends screens; declare the ALEXA_PRESENTATION_APL interface")
    for phrase in ("speaking speed", "forget me"):
        if phrase not in description:
            problems.append(
                f"manifest: the description must say what is remembered and how to delete it ({phrase!r})"
            )
    return problems


def owner_to_do(manifest: dict[str, Any] | None = None) -> list[str]:
    """What only the skill's owner can supply (privacy policy, terms, icons), still missing."""
    if manifest is None:
        manifest = json.loads((nlu.MODELS / "skill.json").read_text(encoding="utf-8"))
    return skill_package.owner_to_do(manifest)


def run(
    model: dict[str, Any] | None = None,
    manifest: dict[str, Any] | None = None,
    load_knowledge: Callable[[], knowledge.Knowledge] = knowledge.load,
    load_dialogue: Callable[[], dialogue.Dialogue] = dialogue.load,
    load_provenance: Callable[[], provenance.Entries] = provenance.load,
    load_dialogue_provenance: Callable[[], provenance.Entries] = provenance.load_dialogue,
) -> Problems:
    """Every problem found; an empty list means the check passes."""
    if model is None:
        model = nlu.load_model()
    if manifest is None:
        manifest = json.loads((nlu.MODELS / "skill.json").read_text(encoding="utf-8"))
    try:
        known = load_knowledge()
        words = load_dialogue()
    except (knowledge.ContentError, dialogue.DialogueError) as error:
        return [f"content: {error}"]
    problems = check_model(model, builder.handled_intents(builder.request_handlers(known)))
    if problems[:1] == [_MALFORMED]:
        return problems  # the rest needs the model's basic shape
    problems += check_content(model, known)
    page = provenance.read_page()
    try:
        problems += provenance.problems(known, load_provenance(), page)
    except provenance.ProvenanceError as error:
        problems.append(str(error))
    try:
        problems += provenance.dialogue_problems(words, load_dialogue_provenance(), known, page)
    except provenance.ProvenanceError as error:
        problems.append(str(error))
    problems += check_dialogue(words)
    resolver = nlu.Resolver(model)
    # The name-free launch phrases (model.toml's [name_free]), by Amazon's rules and ours.
    problems += [f"model: {problem}" for problem in grammar.name_free_problems(model, resolver)]
    problems += check_manifest(manifest, resolver)
    if skill_package.built():
        problems += [
            f"skill-package: {name} is stale: run `make skill-package`" for name in skill_package.stale()
        ]
    return problems


def notes() -> list[str]:
    """What ``check`` says without failing: a skill package not built yet (a fresh clone)."""
    if skill_package.built():
        return []
    return ["skill-package: not built yet (it is generated): run `make skill-package` before `ask deploy`"]


def provenance_line() -> str:
    """How many sentences of the content and the dialogue are traced to what they rest on,
    and how many carry no fact."""
    return provenance.counts_line(
        knowledge.load(), provenance.load(), dialogue.load(), provenance.load_dialogue()
    )


def model_size_line() -> str:
    """The model's size (name-free launch phrases included) against Alexa's limit and
    our budget."""
    size = (nlu.MODELS / "en-GB.json").stat().st_size
    return (
        f"model: {size:,} bytes, {size / grammar.MAX_MODEL_BYTES:.0%} of Alexa's "
        f"{grammar.MAX_MODEL_BYTES:,}-byte limit (budget {grammar.MODEL_BUDGET_BYTES:,})"
    )


def routing_map(model: dict[str, Any] | None = None) -> list[str]:
    """Which phrasing reaches which answer, in one place: every intent of the model, the
    handler that answers it (the first that can, in the builder's order) and, for topic
    intents, the topic; for routed intents, each slot value id and its topic."""
    if model is None:
        model = nlu.load_model()
    known = knowledge.load()
    handlers = builder.request_handlers(known)
    lines: list[str] = []
    for intent in sorted(i["name"] for i in model["interactionModel"]["languageModel"]["intents"]):
        handler = next(
            (h for h in handlers if isinstance(h, IntentHandler) and intent in h.handled_intents()), None
        )
        name = type(handler).__name__ if handler else "(no handler)"
        topic = known.topic_for_intent(intent)
        route = known.routes.get(intent)
        if topic is not None:
            lines.append(f"{intent} -> {name} -> {topic.id}")
        elif route is not None:
            lines.append(f"{intent} -> {name} -> by {route.slot} (none: {route.default})")
            for value_id in sorted(
                {v for t in known.topics.values() for v in t.slot_values.get(route.slot, ())}
            ):
                led_to = known.topic_for_slot_value(route.slot, value_id)
                lines.append(f"    {route.slot}={value_id} -> {led_to.id if led_to else '(unknown answer)'}")
        else:
            lines.append(f"{intent} -> {name}")
    return lines
