"""The MCP add-on, through the SDK's own Streamable HTTP client against the server on
127.0.0.1: initialising, the tools and the resource, every tool called, the nurse line
at fixed moments, safety words in a tool's argument, errors, and answers that are the
skill's own, word for word, from the same files."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession
from mcp.types import (
    CallToolResult,
    InitializeResult,
    ListResourcesResult,
    ListToolsResult,
    TextResourceContents,
)
from pydantic import AnyUrl

from skill import knowledge
from skill.addon import answers
from skill.devtools.envelopes import slot_json
from skill.devtools.provenance import read_page
from skill.speech import Speech, plain_text
from tests.conftest import CLOSED_TIME, KNOWN, OPEN_TIME, ROOT, Conversation, said
from tests.mcp_client import Moment, call_tool, in_process_server, serve_arguments, text_of, with_session

TOOLS = {"list_topics", "get_topic_answer", "get_nurse_helpline", "get_safety_guidance"}
#: A Tuesday evening in March (GMT): closed until tomorrow morning.
EVENING = datetime(2026, 3, 3, 19, 0, tzinfo=UTC)
#: Easter Monday 2026, 11:00 UK time (BST): an England and Wales bank holiday.
EASTER_MONDAY = datetime(2026, 4, 6, 10, 0, tzinfo=UTC)
#: St Andrew's Day 2026, a Monday: a Scottish bank holiday only, an ordinary day for the line.
ST_ANDREWS_DAY = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)

#: Words that call for each safety answer, as a person might put them.
HEARD = {
    "overdose": "my husband has taken too many of his tablets, what is chemotherapy",
    "crisis": "I want to kill myself, what is chemotherapy",
    "emergency": "she has collapsed and what does chemo do",
    "urgent": "I am very confused, tell me about chemotherapy",
}
#: The intent whose answer is each safety answer, at the Alexa door.
SAFETY_INTENTS = {
    "overdose": "OverdoseIntent",
    "crisis": "CrisisIntent",
    "emergency": "EmergencyIntent",
    "urgent": "UrgentHelpIntent",
}

#: Phrasings held apart from the model that are not emergencies, each with its intent.
FALSE_ALARMS = ROOT / "tests" / "phrasings" / "false-alarms.tsv"

moment = Moment(OPEN_TIME)


@pytest.fixture(scope="module")
def url() -> Iterator[str]:
    """The MCP door alone, in development mode (loopback only), at a moment tests set."""
    with in_process_server(serve_arguments("--dev", "--door", "mcp"), clock=moment) as base:
        yield base


@pytest.fixture
def at() -> Iterator[Moment]:
    yield moment
    moment.now = OPEN_TIME


def structured(result: CallToolResult) -> dict[str, Any]:
    assert result.isError is False, text_of(result)
    assert result.structuredContent is not None
    return result.structuredContent


def plain(text: str) -> str:
    return plain_text(Speech().say(text).ssml())


# --- The handshake, the tools and the resource ----------------------------------------


def test_initialise_lists_four_read_only_tools_and_the_page(url: str) -> None:
    async def work(session: ClientSession) -> tuple[ListToolsResult, ListResourcesResult]:
        return await session.list_tools(), await session.list_resources()

    tools, resources = with_session(url, work)
    assert {tool.name for tool in tools.tools} == TOOLS
    for tool in tools.tools:
        assert tool.annotations is not None and tool.annotations.readOnlyHint is True, tool.name
        assert tool.annotations.destructiveHint is False and tool.annotations.openWorldHint is False
        assert tool.description and tool.outputSchema is not None
    guidance = next(tool for tool in tools.tools if tool.name == "get_safety_guidance")
    assert guidance.description is not None and guidance.description.startswith("CALL THIS FIRST")
    (page,) = resources.resources
    assert str(page.uri) == answers.PAGE_URI and page.mimeType == "text/plain"


def test_initialise_speaks_protocol_2025_11_25_and_says_safety_first(url: str) -> None:
    async def work(session: ClientSession) -> InitializeResult:
        return await session.initialize()

    result = with_session(url, work)
    assert result.protocolVersion == "2025-11-25"
    assert result.serverInfo.name == "secondary-breast-cancer-help"
    assert (
        result.instructions is not None and "get_safety_guidance before anything else" in result.instructions
    )


def test_the_page_is_a_resource(url: str) -> None:
    async def work(session: ClientSession) -> Any:
        return await session.read_resource(AnyUrl(answers.PAGE_URI))

    (content,) = with_session(url, work).contents
    assert isinstance(content, TextResourceContents)
    assert content.text == read_page()


# --- Every tool ---------------------------------------------------------------------------


def test_list_topics_gives_every_topic_in_one_line(url: str) -> None:
    result = call_tool(url, "list_topics")
    topics = structured(result)["topics"]
    assert [topic["id"] for topic in topics] == list(KNOWN.topics)
    bone_pain = next(topic for topic in topics if topic["id"] == "bone_pain")
    assert bone_pain["title"] == KNOWN.topics["bone_pain"].title
    assert KNOWN.topics["bone_pain"].speech.startswith(bone_pain["summary"])
    assert len(text_of(result).splitlines()) == len(KNOWN.topics)
    assert structured(result)["safety"] is None


def test_topic_answer_has_the_answers_their_page_text_source_and_disclaimer(url: str) -> None:
    result = call_tool(url, "get_topic_answer", {"topic_id": "chemotherapy"})
    answer = structured(result)["answer"]
    topic = KNOWN.topics["chemotherapy"]
    assert (answer["say"], answer["more"]) == (plain(topic.speech), plain(topic.more))
    assert answer["side_effects"] == plain(topic.side_effects)
    assert answer["disclaimer"] == said("disclaimer")
    assert answer["source"] == {
        "organisation": KNOWN.source.organisation,
        "page_title": KNOWN.source.page_title,
        "url": KNOWN.source.url,
        "resource": answers.PAGE_URI,
    }
    page = " ".join(read_page().lower().split())
    quoted = [sentence for sentence in answer["sentences"] if sentence["page_text"]]
    assert quoted, "some sentences rest on the page"
    for sentence in answer["sentences"]:
        assert sentence["sentence"] in answer[{"speech": "say"}.get(sentence["part"], sentence["part"])]
        for quote in sentence["page_text"]:
            assert " ".join(quote.lower().split()) in page
    text = text_of(result)
    assert (
        text.startswith(f"Say: {answer['say']}") and said("disclaimer") in text and KNOWN.source.url in text
    )
    assert "<" not in text and "speak" not in text  # plain text, no SSML


@pytest.mark.parametrize("kind", ["overdose", "crisis", "emergency", "urgent"])
def test_safety_guidance_for_each_kind(url: str, kind: str) -> None:
    result = call_tool(url, "get_safety_guidance", {"kind": kind})
    guidance = structured(result)
    assert guidance["kind"] == kind and guidance["whole_reply"] is (kind != "urgent")
    assert text_of(result).startswith(f"Say this first, in these words: {guidance['say_first']}")
    assert "999" in guidance["say_first"]


# --- The nurse line at fixed moments ------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "open_now", "status"),
    [
        (OPEN_TIME, True, said("helpline_open_now", closes="5pm")),
        (EVENING, False, said("helpline_closed_now", when=said("when_tomorrow", opens="9am"))),
        (CLOSED_TIME, False, said("helpline_closed_now", when=said("when_day", day="Monday", opens="9am"))),
        (
            EASTER_MONDAY,
            False,
            said(
                "helpline_holiday_today",
                where=said("holiday_where"),
                when=said("when_tomorrow", opens="9am"),
            ),
        ),
        (ST_ANDREWS_DAY, True, said("helpline_open_now", closes="5pm")),
    ],
    ids=["open", "closed-evening", "weekend", "bank-holiday", "scottish-holiday-only"],
)
def test_nurse_helpline_now(url: str, at: Moment, now: datetime, open_now: bool, status: str) -> None:
    at.now = now
    result = call_tool(url, "get_nurse_helpline")
    line = structured(result)["helpline"]
    assert line["number"] == KNOWN.helpline.display and line["free_to_call"] is True
    assert line["hours"] == KNOWN.helpline.hours_text
    assert line["open_now"] is open_now
    assert line["bank_holiday_today"] is (now == EASTER_MONDAY)
    assert line["say"].endswith(status)
    assert text_of(result) == f"Say: {line['say']}"


def test_nurse_helpline_on_a_bank_holiday_may_next_open_tomorrow(url: str, at: Moment) -> None:
    at.now = EASTER_MONDAY
    line = structured(call_tool(url, "get_nurse_helpline"))["helpline"]
    assert line["next_opens_at"] == "2026-04-07T09:00+01:00"  # UK time, BST
    assert line["next_opening"] == said("when_tomorrow", opens="9am")
    assert line["uk_time_now"] == "2026-04-06T11:00+01:00"
    assert line["calendar"] == f"bank holidays {said('holiday_where')}"


# --- Safety words in a tool's argument ----------------------------------------------------


@pytest.mark.parametrize("kind", ["overdose", "crisis", "emergency"])
def test_safety_words_in_a_question_are_answered_instead(url: str, kind: str) -> None:
    for tool, arguments in [
        ("get_topic_answer", {"topic_id": "chemotherapy", "question": HEARD[kind]}),
        ("get_nurse_helpline", {"question": HEARD[kind]}),
        ("list_topics", {"question": HEARD[kind]}),
    ]:
        result = call_tool(url, tool, arguments)
        content = structured(result)
        assert content["safety"]["kind"] == kind and content["safety"]["whole_reply"] is True
        assert not [key for key, value in content.items() if key != "safety" and value is not None]
        assert text_of(result).startswith(f"Say this first, in these words: {content['safety']['say_first']}")


def test_urgent_words_get_999_or_111_first_then_the_answer(url: str) -> None:
    result = call_tool(url, "get_topic_answer", {"topic_id": "chemotherapy", "question": HEARD["urgent"]})
    content = structured(result)
    assert content["safety"]["kind"] == "urgent" and content["answer"]["topic_id"] == "chemotherapy"
    text = text_of(result)
    assert text.index(content["safety"]["say_first"]) < text.index(content["answer"]["say"])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("i've written letters to say goodbye to my grandchildren, what does chemo do", "crisis"),
        ("what's the nurse number, they'd be better off without me", "crisis"),
        ("he's out cold on the floor, what's the nurse number", "emergency"),
    ],
)
def test_indirect_safety_talk_the_skill_catches_by_its_cue_slot_is_caught_here_too(
    url: str, question: str, kind: str
) -> None:
    """The skill's Alexa door catches these by the interaction model's safety cue slot,
    not by the content's safety words: the add-on reads the same phrases."""
    assert knowledge.load().safety.urgency(question) is None  # not the content's words alone
    result = call_tool(url, "get_topic_answer", {"topic_id": "chemotherapy", "question": question})
    assert structured(result)["safety"]["kind"] == kind


def test_a_model_without_the_safety_cue_type_stops_the_server(tmp_path: Path) -> None:
    model = tmp_path / "en-GB.json"
    model.write_text('{"interactionModel": {"languageModel": {"types": []}}}', encoding="utf-8")
    with pytest.raises(knowledge.ContentError, match="SafetyCueType"):
        answers.cue_words(model)


def test_safety_words_in_place_of_a_topic_id_get_the_safety_answer(url: str) -> None:
    result = call_tool(url, "get_topic_answer", {"topic_id": "I want to end it all"})
    assert structured(result)["safety"]["kind"] == "crisis"


def dose_questions() -> list[str]:
    """The held-apart questions about doses ("how many paracetamol can my dad have in one
    go"), which the skill answers with its medicine_dose line, never as an overdose."""
    rows = (line.split("\t") for line in FALSE_ALARMS.read_text(encoding="utf-8").splitlines())
    return [row[0] for row in rows if len(row) > 1 and row[1] == "MedicineDoseIntent"]


def test_a_question_about_a_dose_raises_no_alarm_of_the_add_ons_own(url: str) -> None:
    """The add-on looks for no dose words of its own: the skill's safety words decide
    (and hear no overdose in "how many paracetamol can my dad have in one go")."""
    questions = dose_questions()
    assert len(questions) > 10
    expected = {words: KNOWN.safety.urgency(words) for words in questions}
    assert expected["how many paracetamol can my dad have in one go"] is None

    async def work(session: ClientSession) -> dict[str, str | None]:
        found = {}
        for words in questions:
            result = await session.call_tool("get_topic_answer", {"topic_id": "pain", "question": words})
            content = structured(result)
            found[words] = None if content["safety"] is None else content["safety"]["kind"]
            assert (content["answer"] is None) is (found[words] in answers.WHOLE_REPLY), words
        return found

    assert with_session(url, work) == expected


def test_the_words_are_never_logged(url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    call_tool(url, "get_topic_answer", {"topic_id": "chemotherapy", "question": HEARD["crisis"]})
    call_tool(url, "get_topic_answer", {"topic_id": "bone_pain", "question": "what helps my aching hip"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "mcp tool=get_topic_answer answer=safety:crisis" in logged
    assert "mcp tool=get_topic_answer answer=topic" in logged
    for words in ("kill myself", "aching hip", "chemotherapy"):
        assert words not in logged


# --- Errors: clear, and never a 500 ------------------------------------------------------


@pytest.mark.parametrize(
    ("tool", "arguments", "says"),
    [
        ("get_topic_answer", {"topic_id": "astrology"}, "There is no topic 'astrology'. Call list_topics"),
        ("get_topic_answer", {}, "topic_id"),
        ("get_topic_answer", {"topic_id": 7}, "topic_id"),
        ("get_topic_answer", {"topic_id": "bone_pain", "question": ["not", "text"]}, "question"),
        (
            "get_safety_guidance",
            {"kind": "bad day"},
            "kind must be one of overdose, crisis, emergency, urgent",
        ),
        ("get_nurse_helpline", {"question": {"nested": True}}, "question"),
        ("no_such_tool", {}, "Unknown tool"),
    ],
    ids=[
        "unknown-topic",
        "missing-id",
        "id-not-text",
        "question-not-text",
        "unknown-kind",
        "odd-question",
        "tool",
    ],
)
def test_bad_calls_get_a_clear_tool_error(url: str, tool: str, arguments: dict[str, Any], says: str) -> None:
    result = call_tool(url, tool, arguments)
    assert result.isError is True
    assert says in text_of(result)


def raw_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


JSON_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"{not json", JSON_HEADERS),
        (b'{"jsonrpc": "2.0", "id": 1, "method": "tools/call"}', JSON_HEADERS),
        (json.dumps({"jsonrpc": "2.0", "id": 1, "method": "nope"}).encode(), JSON_HEADERS),
        (b"[]", JSON_HEADERS),
        (b"{}", {"Content-Type": "text/plain"}),
        (b"{" + b" " * 100_000 + b"}", JSON_HEADERS),
    ],
    ids=["not-json", "no-params", "unknown-method", "empty-batch", "not-json-type", "too-large"],
)
def test_malformed_requests_are_refused_without_a_500(url: str, body: bytes, headers: dict[str, str]) -> None:
    status, _ = raw_post(f"{url}/mcp", body, headers)
    assert status < 500


def test_dev_mode_refuses_a_host_that_is_not_loopback(url: str) -> None:
    headers = {**JSON_HEADERS, "Host": "attacker.example"}
    initialise = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    status, _ = raw_post(f"{url}/mcp", json.dumps(initialise).encode(), headers)
    assert status == 421


# --- The skill's answers, word for word, from the same files ----------------------------


def alexa_envelope_for(topic_id: str, talk: Conversation) -> dict[str, Any]:
    """The Alexa request that reaches a topic: its intent, or a routed intent, with the
    slot value that leads to it or with none (the route's default)."""
    topic = KNOWN.topics[topic_id]
    if topic.intents:
        return talk.session.intent(topic.intents[0])
    default = next((route for route in KNOWN.routes.values() if route.default == topic_id), None)
    if default is not None:
        return talk.session.intent(default.intent)
    slot, (value_id, *_) = next(iter(topic.slot_values.items()))
    route = next(route for route in KNOWN.routes.values() if route.slot == slot)
    spoken = value_id.replace("_", " ")
    return talk.session.intent(route.intent, {slot: slot_json(slot, spoken, "Type", value_id, spoken)})


def test_topic_answers_are_the_skills_answers_word_for_word(url: str) -> None:
    listed = [topic["id"] for topic in structured(call_tool(url, "list_topics"))["topics"]]

    async def work(session: ClientSession) -> dict[str, dict[str, Any]]:
        found = {}
        for topic_id in listed:
            result = await session.call_tool("get_topic_answer", {"topic_id": topic_id})
            found[topic_id] = structured(result)["answer"]
        return found

    tool_answers = with_session(url, work)
    for topic_id, answer in tool_answers.items():
        talk = Conversation()
        heard = talk.send(alexa_envelope_for(topic_id, talk))
        assert heard.speech.startswith(f"{answer['say']} {answer['disclaimer']}"), topic_id
        assert talk.intent("TellMeMoreIntent").speech.startswith(answer["more"]), topic_id


@pytest.mark.parametrize("kind", ["overdose", "crisis", "emergency", "urgent"])
def test_safety_answers_are_the_skills_safety_answers_word_for_word(url: str, kind: str) -> None:
    guidance = structured(call_tool(url, "get_safety_guidance", {"kind": kind}))
    heard = Conversation().intent(SAFETY_INTENTS[kind])
    if kind == "urgent":  # the skill goes on to offer the nurses' number
        assert heard.speech.startswith(guidance["say_first"])
    else:
        assert heard.speech == guidance["say_first"]
    assert heard.card["title"] == guidance["title"]
    assert heard.card["text"].startswith(guidance["written"])


@pytest.mark.parametrize("now", [OPEN_TIME, EVENING, CLOSED_TIME, EASTER_MONDAY], ids=str)
def test_nurse_helpline_is_the_skills_reading_of_the_number(url: str, at: Moment, now: datetime) -> None:
    at.now = now
    line = structured(call_tool(url, "get_nurse_helpline"))["helpline"]
    skill = Conversation(now=now).intent("HelplineIntent").speech
    intro, hours_and_status = line["say"].split(". ", 1)
    assert skill.startswith(intro)
    assert hours_and_status in skill
