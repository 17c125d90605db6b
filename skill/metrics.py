"""Counts without words: one CloudWatch Embedded Metric Format (EMF) line per request,
saying what kind of answer it got, so that an operator can see what people ask for and
how often the skill did not understand, without anyone's words.

The line is JSON that CloudWatch Logs turns into a metric on its own (no API call, no
agent): on AWS Lambda, whatever the function prints goes to its log group. It carries
the metric ``Answers`` in ``NAMESPACE``, with the function's name and the answer's kind
as dimensions, and nothing else:

- ``Kind`` is a topic's id (``bone_pain``) when a topic was answered; else one of the
  safety answers (``overdose``, ``crisis``, ``emergency``, ``urgent``), however they were
  reached (their intent, or the safety net on a slot); ``helpline`` when the nurse
  line's number was read; else what the handler that answered is for (``fallback``,
  ``beyond_page``, ``medicine_dose``, ``not_covered``: a treatment, symptom or place the
  page does not cover, ``launch``, ``help``...); ``error`` when the catch-all answered.
  Every kind comes from the code or the content (``kinds`` lists them all): never from a
  slot, an utterance or an id.
- ``Answers`` is 1 for a reply the user hears, 0 for a request nothing is said to (a
  session ending, the skill disabled): one line per request, and sums that count replies.

What it never carries: a user, device, session or request id, a slot value, an
utterance, a time of day beyond the metric's own timestamp.

How the kind is known without touching a handler: the SDK runs a handler chain's own
request interceptors only for the handler it chose (as ``handler_log`` does), so one on
each chain notes its handler's kind; the turn says whether a topic was answered or the
number read; a response interceptor, the last, writes the line. The SDK skips response
interceptors when an exception handler answers, so that handler is wrapped to write the
line (once) too.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)

from skill import log as logs
from skill.knowledge import URGENCIES

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.skill_builder import SkillBuilder
    from ask_sdk_model import Response

log = logs.get("skill.metrics")

#: The CloudWatch namespace, metric and dimensions (template.yaml's dashboard and alarm
#: read these; tests/test_deployment.py holds them to it).
NAMESPACE = "SecondaryBreastCancerHelp"
METRIC = "Answers"
KIND = "Kind"
FUNCTION = "FunctionName"

#: The kinds that are not topic ids.
FALLBACK = "fallback"
HELPLINE = "helpline"
ERROR = "error"
SAFETY: tuple[str, ...] = URGENCIES
#: The kind of a handler that always answers a topic: the topic's id is sent instead.
TOPIC = "topic"
#: A handler's kind is its class name without "Handler", in snake case
#: (``BeyondPageHandler``: ``beyond_page``), except where that would not say it plainly.
NAMED: dict[str, str] = {
    "UrgentHelpHandler": "urgent",
    # Without a topic: a slot value the page does not cover ("immunotherapy").
    "RoutedTopicHandler": "not_covered",
    # These always answer a topic; their own kind is never sent.
    "TopicHandler": TOPIC,
    "SideEffectsHandler": TOPIC,
    "PermissionResponseHandler": "reminder_permission",
    # A touch that named no topic (an old document): answered as the fallback is.
    "TouchHandler": "touch",
}

_KIND_ATTRIBUTE = "metrics.kind"
_COUNTED_ATTRIBUTE = "metrics.counted"


def handler_kind(handler: AbstractRequestHandler) -> str:
    name = type(handler).__name__
    if name in NAMED:
        return NAMED[name]
    words = re.findall(r"[A-Z][a-z0-9]*", name.removesuffix("Handler"))
    return "_".join(word.lower() for word in words)


def kinds(handlers: Iterable[AbstractRequestHandler], topic_ids: Iterable[str]) -> set[str]:
    """Every kind a line can carry: the topics, the safety answers, the number read, an
    error, and each handler's own (but the safety net's, which sends what it found, and
    those that always answer a topic)."""
    own = {handler_kind(h) for h in handlers if not callable(getattr(h, "urgency", None))}
    return {*topic_ids, *SAFETY, HELPLINE, ERROR, *(own - {TOPIC})}


Write = Callable[[str], None]


def print_line(line: str) -> None:
    """To standard output, whole: on Lambda, one line is one log event."""
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Counter:
    """Writes the EMF line for a request: ``write`` takes it (``print_line`` on Lambda)."""

    def __init__(self, write: Write, function_name: str, clock: Callable[[], float] = time.time) -> None:
        self.write = write
        self.function_name = function_name
        self.clock = clock

    def document(self, kind: str, answers: int) -> dict[str, Any]:
        """The EMF document: the metric with and without the kind, for this function."""
        named = {FUNCTION: self.function_name} if self.function_name else {}
        return {
            "_aws": {
                "Timestamp": int(self.clock() * 1000),
                "CloudWatchMetrics": [
                    {
                        "Namespace": NAMESPACE,
                        "Dimensions": [[*named, KIND], [*named]],
                        "Metrics": [{"Name": METRIC, "Unit": "Count"}],
                    }
                ],
            },
            **named,
            KIND: kind,
            METRIC: answers,
        }

    def count(self, handler_input: HandlerInput, kind: str, answers: int) -> None:
        """One line for this request, however many times it is asked (never raises)."""
        attributes = handler_input.attributes_manager.request_attributes
        if attributes.get(_COUNTED_ATTRIBUTE):
            return
        attributes[_COUNTED_ATTRIBUTE] = True
        try:
            self.write(json.dumps(self.document(kind, answers), separators=(",", ":")))
        except Exception as error:  # a metric is never worth an answer
            log.warning("metrics: not written (%s)", type(error).__name__)


def for_lambda(environ: Mapping[str, str]) -> Counter | None:
    """The counter for a Lambda function (its output is its CloudWatch log group); None
    elsewhere: a local run's standard output is not CloudWatch, and tools read it."""
    name = environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
    return Counter(print_line, name) if name else None


class _Chosen(AbstractRequestInterceptor):
    """On each handler chain: notes the kind of the handler the SDK chose."""

    def __init__(self, handler: AbstractRequestHandler) -> None:
        self.handler = handler
        self.kind = handler_kind(handler)
        # The safety net's answer is the kind of urgency it found in a slot.
        urgency = getattr(handler, "urgency", None)
        self.urgency: Callable[[HandlerInput], str | None] | None = urgency if callable(urgency) else None

    def process(self, handler_input: HandlerInput) -> None:
        kind = self.urgency(handler_input) if self.urgency is not None else None
        handler_input.attributes_manager.request_attributes[_KIND_ATTRIBUTE] = kind or self.kind


def answer_kind(handler_input: HandlerInput) -> str:
    """A topic answered wins, then the number read, then the handler's own kind."""
    from skill.conversation.turn import turn_of

    chosen = handler_input.attributes_manager.request_attributes.get(_KIND_ATTRIBUTE, ERROR)
    if chosen in SAFETY:
        return str(chosen)
    try:
        turn = turn_of(handler_input)
    except RuntimeError:
        return str(chosen)
    if turn.topic_answered is not None:
        return turn.topic_answered.id
    if turn.said is not None and turn.said.replay == "helpline":
        return HELPLINE
    return str(chosen)


class CountInterceptor(AbstractResponseInterceptor):
    """The last response interceptor: the request's one line."""

    def __init__(self, counter: Counter) -> None:
        self.counter = counter

    def process(self, handler_input: HandlerInput, response: Response | None) -> None:
        try:
            kind = answer_kind(handler_input)
        except Exception:
            kind = ERROR
        heard = response is not None and response.output_speech is not None
        self.counter.count(handler_input, kind, int(heard))


class CountedExceptionHandler(AbstractExceptionHandler):
    """An exception handler whose answers are counted as ``error``."""

    def __init__(self, inner: AbstractExceptionHandler, counter: Counter) -> None:
        self.inner = inner
        self.counter = counter

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return bool(self.inner.can_handle(handler_input, exception))

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response | None:
        response = self.inner.handle(handler_input, exception)
        heard = response is not None and response.output_speech is not None
        self.counter.count(handler_input, ERROR, int(heard))
        return response


def install(builder: SkillBuilder, counter: Counter) -> None:
    """Count every request the builder's skill answers. Call it last, once every handler,
    interceptor and exception handler is added: the line is written after all of them."""
    parts = builder.runtime_configuration_builder
    for chain in parts.request_handler_chains:
        chain.add_request_interceptor(_Chosen(chain.request_handler))
    builder.add_global_response_interceptor(CountInterceptor(counter))
    parts.exception_handlers[:] = [CountedExceptionHandler(h, counter) for h in parts.exception_handlers]
