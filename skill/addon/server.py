"""The add-on's MCP server: four read-only tools and the page as a resource.

Built with the official MCP SDK (``mcp``, its FastMCP server) for Streamable HTTP,
stateless and answering in JSON, so that any worker process can answer any request and
nothing about a conversation is kept between requests. ``skill.hosts.asgi`` serves it at
``/mcp``. Every tool is read-only; each answer is plain text for an assistant to speak
from, with the same answer as structured content (see ``skill.addon.answers``).

Nothing about the person: no user id is asked for, and the words a tool is given are
checked for safety words and then forgotten. The log says which tool answered and the
kind of answer (``mcp tool=get_topic_answer answer=topic``), never the words.
"""

# No ``from __future__ import annotations`` here: the SDK reads each tool's argument
# types, whose schemas name the topic ids known at start-up, when the tool is made.
import logging
from typing import Annotated

from mcp.server.fastmcp import FastMCP
from mcp.server.fastmcp.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from skill import dialogue, knowledge
from skill.addon import answers
from skill.addon.answers import (
    Answers,
    HelplineResult,
    SafetyGuidance,
    TopicAnswerResult,
    TopicsResult,
)
from skill.clock import Clock, utc_now
from skill.devtools import provenance
from skill.knowledge.safety_words import URGENCIES

log = logging.getLogger("skill.addon")

NAME = "secondary-breast-cancer-help"
#: Tool arguments are a topic id and a sentence or two: far below this.
MAX_BODY_BYTES = 64 * 1024

INSTRUCTIONS = """\
Answers from Cancer Research UK's page 'Treatment options for secondary breast cancer', \
for people in the UK living with secondary breast cancer and those who care for them.
Safety first: if the person mentions thoughts of suicide or self-harm, an overdose \
already taken (a question about a dose is not one), a medical emergency (collapsed, \
not breathing, chest pain, heavy bleeding) or urgent symptoms (a high temperature during \
treatment, sudden confusion, pain that medicines do not touch), call \
get_safety_guidance before anything else and say its words first, exactly. Where a tool \
takes `question`, pass the person's own words: they are checked for safety words and \
then forgotten.
Say answers in the words given: they are checked against the page, sentence by \
sentence. Do not add medical facts of your own; for anything the page does not cover, \
point to their own doctor or specialist nurse and the Cancer Research UK nurses \
(get_nurse_helpline). Say the disclaimer once, with the first answer."""

QUESTION_HELP = (
    "The person's own words, if you have them. They are checked for words that need a safety "
    "answer first (the same check the Alexa skill makes), then forgotten: never stored or logged."
)

Question = Annotated[str | None, Field(description=QUESTION_HELP)]

READ_ONLY = {"readOnlyHint": True, "destructiveHint": False, "idempotentHint": True, "openWorldHint": False}


def _annotations(title: str) -> ToolAnnotations:
    return ToolAnnotations(title=title, **READ_ONLY)


def _result(text: str, structured: BaseModel) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structuredContent=structured.model_dump(mode="json"),
    )


def _logged(tool: str, kind: str) -> None:
    log.info("mcp tool=%s answer=%s", tool, kind)


def load_answers() -> Answers:
    """The answers' sources, read and checked once, at start-up: a sentence without its
    page text, or a quote the page lacks, stops the server before it serves anything."""
    known = knowledge.load()
    cited = provenance.load()
    problems = provenance.problems(known, cited, provenance.read_page())
    if problems:
        raise knowledge.ContentError("; ".join(problems))
    return Answers(known, dialogue.load(), cited)


def create_server(*, clock: Clock = utc_now, loopback_only: bool = False) -> FastMCP:
    """The MCP server. ``clock`` gives the time for the nurse line's status (tests fix
    it); ``loopback_only`` turns on the SDK's DNS rebinding protection for a server on
    127.0.0.1 (development mode), accepting only loopback Host and Origin headers."""
    answers_of = load_answers()
    source = answers_of.known.source
    page = provenance.read_page()
    topic_ids = list(answers_of.known.topics)
    kinds = list(URGENCIES)
    security = (
        TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
        )
        if loopback_only
        else TransportSecuritySettings(enable_dns_rebinding_protection=False)
    )
    server = FastMCP(
        NAME,
        instructions=INSTRUCTIONS,
        stateless_http=True,
        json_response=True,
        streamable_http_path="/mcp",
        max_request_body_size=MAX_BODY_BYTES,
        transport_security=security,
        log_level="WARNING",
    )

    @server.tool(
        title="List the topics",
        annotations=_annotations("List the topics"),
        description=(
            "The topics this service can answer about secondary breast cancer (treatments, "
            "symptoms, where it has spread, choices, support): each topic's id, title and first "
            "sentence. Use the id with get_topic_answer."
        ),
    )
    def list_topics(question: Question = None) -> Annotated[CallToolResult, TopicsResult]:
        guidance = answers_of.guidance(question)
        withheld = guidance is not None and guidance.whole_reply
        topics = None if withheld else answers_of.topics()
        _logged("list_topics", _kind(guidance, "topics"))
        text = answers.with_safety(guidance, None if topics is None else answers.topics_text(topics))
        return _result(text, TopicsResult(safety=guidance, topics=topics))

    @server.tool(
        title="Answer a topic",
        annotations=_annotations("Answer a topic"),
        description=(
            "Cancer Research UK's answer on one topic, in the words the Alexa skill speaks: the "
            "short answer to say, the fuller answer for when they want more, a treatment's side "
            "effects, the one-line disclaimer (say it once), the source and its address, and the "
            "page text each sentence rests on. Say the answer in these words; add no medical facts."
        ),
    )
    def get_topic_answer(
        topic_id: Annotated[
            str,
            Field(
                description="A topic id from list_topics, such as bone_pain or chemotherapy.",
                json_schema_extra={"enum": topic_ids},
            ),
        ],
        question: Question = None,
    ) -> Annotated[CallToolResult, TopicAnswerResult]:
        guidance = answers_of.guidance(question, topic_id)
        if guidance is not None and guidance.whole_reply:
            _logged("get_topic_answer", _kind(guidance, "topic"))
            return _result(
                answers.with_safety(guidance, None), TopicAnswerResult(safety=guidance, answer=None)
            )
        answer = answers_of.topic(topic_id)
        if answer is None:
            _logged("get_topic_answer", "unknown_topic")
            raise ToolError(
                f"There is no topic {topic_id!r}. Call list_topics for the topic ids; for anything "
                "the page does not cover, point to their own doctor or specialist nurse."
            )
        _logged("get_topic_answer", _kind(guidance, "topic"))
        text = answers.with_safety(guidance, answers.topic_text(answer))
        return _result(text, TopicAnswerResult(safety=guidance, answer=answer))

    @server.tool(
        title="The nurse helpline",
        annotations=_annotations("The nurse helpline"),
        description=(
            "The Cancer Research UK nurse helpline: its number, that it is free to call, its hours, "
            "and whether it is open now or when it next opens, in UK time, with England and Wales "
            "bank holidays (when it may be closed). For information and support, and for anything "
            "the topics do not cover."
        ),
    )
    def get_nurse_helpline(question: Question = None) -> Annotated[CallToolResult, HelplineResult]:
        guidance = answers_of.guidance(question)
        status = None if guidance is not None and guidance.whole_reply else answers_of.helpline(clock())
        _logged("get_nurse_helpline", _kind(guidance, "helpline"))
        text = answers.with_safety(guidance, None if status is None else answers.helpline_text(status))
        return _result(text, HelplineResult(safety=guidance, helpline=status))

    @server.tool(
        title="Safety guidance: say this first",
        annotations=_annotations("Safety guidance: say this first"),
        description=(
            "CALL THIS FIRST, before any other tool, whenever the person mentions: thoughts of "
            "suicide or self-harm, or saving up medicines (kind 'crisis'); an overdose already "
            "taken, theirs or someone else's (kind 'overdose'); an emergency such as someone "
            "collapsed, unconscious, not breathing, chest pain or heavy bleeding (kind "
            "'emergency'); or urgent symptoms that leave room for doubt, such as a high "
            "temperature during treatment, sudden confusion or weakness in the legs, or pain "
            "that medicines do not touch (kind 'urgent'). Say the returned words first, exactly, "
            "before anything else. For crisis, overdose and emergency they are the whole reply. "
            "A question about a dose (how much of a medicine, how many tablets, how often) is not "
            "an overdose: it needs no safety guidance."
        ),
    )
    def get_safety_guidance(
        kind: Annotated[
            str,
            Field(
                description="crisis, overdose, emergency or urgent",
                json_schema_extra={"enum": kinds},
            ),
        ],
    ) -> Annotated[CallToolResult, SafetyGuidance]:
        urgency = next((known for known in URGENCIES if known == kind), None)
        if urgency is None:
            _logged("get_safety_guidance", "unknown_kind")
            raise ToolError(f"kind must be one of {', '.join(kinds)}, not {kind!r}.")
        guidance = answers_of.safety(urgency)
        _logged("get_safety_guidance", f"safety:{urgency}")
        return _result(answers.safety_text(guidance), guidance)

    @server.resource(
        answers.PAGE_URI,
        name="source-page",
        title=source.page_title,
        description=(
            f"The copy of {source.organisation}'s page '{source.page_title}' ({source.url}) "
            "that every answer comes from."
        ),
        mime_type="text/plain",
    )
    def source_page() -> str:
        log.info("mcp resource=source-page")
        return page

    return server


def _kind(guidance: SafetyGuidance | None, answer: str) -> str:
    """What a log line may say of an answer: its kind, and which safety answer came first."""
    if guidance is None:
        return answer
    return f"safety:{guidance.kind}" if guidance.whole_reply else f"safety:{guidance.kind}+{answer}"
