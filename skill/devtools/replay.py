"""``python -m skill replay FILE [--trace] [--at TIME]``: why did the skill say that?

Plays one recorded request envelope (the JSON Alexa sends) through the real Lambda
handler (``skill.builder.lambda_handler``) and prints the reply: the spoken text, the
reprompt, the card and whether the session ends. With ``--trace`` it also says how the
reply came about: the request interceptors that ran, the handler the SDK chose, whether
the safety net took over and why (which of its lists matched: overdose, crisis or
emergency; never the words that matched), any exception handler, the response
interceptors and the session attributes written.

Nothing in the skill is changed for this: the skill builder that ``lambda_handler``
builds is instrumented as it is made, with the SDK's own parts (interceptors on the
handler chains, wrapped global interceptors and exception handlers).

The clock is the request's own timestamp, so that "is the line open?" is answered as it
was when the request was recorded; ``--at`` gives another time.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO, cast

from ask_sdk_core.dispatch_components import (
    AbstractExceptionHandler,
    AbstractRequestHandler,
    AbstractRequestInterceptor,
    AbstractResponseInterceptor,
)
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import Response

from skill import builder
from skill.conversation import offers
from skill.conversation.safety import SlotSafetyNetHandler
from skill.speech import plain_text

#: The exit code for a file that cannot be replayed (as for a usage error).
UNUSABLE = 2


class ReplayError(Exception):
    """A file that cannot be replayed, and why, in a sentence."""


@dataclass
class Trace:
    """How one reply came about, as the SDK ran it."""

    request_interceptors: list[str] = field(default_factory=list)
    handler: str | None = None
    #: The list the safety net's words matched in the request's slots, if any.
    urgency: str | None = None
    exception: str | None = None
    response_interceptors: list[str] = field(default_factory=list)
    #: The session attributes the request brought (what the offer policy read).
    before: dict[str, Any] = field(default_factory=dict)

    @property
    def safety_net_took_over(self) -> bool:
        return self.handler == SlotSafetyNetHandler.__name__

    def safety_net(self) -> str:
        if self.safety_net_took_over:
            return f"took over: a slot matched the {self.urgency} list"
        if self.urgency:
            return f"not needed: {self.handler} answered first (a slot matched the {self.urgency} list)"
        return "did not take over: no slot matched the overdose, crisis, emergency or urgent lists"


# --- Instrumenting the skill as lambda_handler builds it ---------------------------------


class _TracedRequestInterceptor(AbstractRequestInterceptor):
    def __init__(self, inner: AbstractRequestInterceptor, trace: Trace) -> None:
        self.inner, self.trace = inner, trace

    def process(self, handler_input: HandlerInput) -> None:
        self.trace.request_interceptors.append(type(self.inner).__name__)
        self.inner.process(handler_input)


class _TracedResponseInterceptor(AbstractResponseInterceptor):
    def __init__(self, inner: AbstractResponseInterceptor, trace: Trace) -> None:
        self.inner, self.trace = inner, trace

    def process(self, handler_input: HandlerInput, response: Response) -> None:
        self.trace.response_interceptors.append(type(self.inner).__name__)
        self.inner.process(handler_input, response)


class _TracedExceptionHandler(AbstractExceptionHandler):
    def __init__(self, inner: AbstractExceptionHandler, trace: Trace) -> None:
        self.inner, self.trace = inner, trace

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return bool(self.inner.can_handle(handler_input, exception))

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        self.trace.exception = f"{type(self.inner).__name__} (after {type(exception).__name__})"
        return cast(Response, self.inner.handle(handler_input, exception))


class _Chosen(AbstractRequestInterceptor):
    """On each handler chain: the SDK runs it only for the handler it chose."""

    def __init__(
        self, handler: AbstractRequestHandler, safety_net: SlotSafetyNetHandler | None, trace: Trace
    ) -> None:
        self.handler, self.safety_net, self.trace = handler, safety_net, trace

    def process(self, handler_input: HandlerInput) -> None:
        self.trace.handler = type(self.handler).__name__
        if self.safety_net is not None:
            self.trace.urgency = self.safety_net.urgency(handler_input)


def instrument(skill_builder: CustomSkillBuilder, trace: Trace) -> None:
    """Record into ``trace`` what the skill built by ``skill_builder`` does."""
    parts = skill_builder.runtime_configuration_builder
    parts.global_request_interceptors[:] = [
        _TracedRequestInterceptor(inner, trace) for inner in parts.global_request_interceptors
    ]
    parts.global_response_interceptors[:] = [
        _TracedResponseInterceptor(inner, trace) for inner in parts.global_response_interceptors
    ]
    parts.exception_handlers[:] = [
        _TracedExceptionHandler(inner, trace) for inner in parts.exception_handlers
    ]
    chains = parts.request_handler_chains
    handlers = [chain.request_handler for chain in chains]
    net = next((h for h in handlers if isinstance(h, SlotSafetyNetHandler)), None)
    for chain in chains:
        chain.add_request_interceptor(_Chosen(chain.request_handler, net, trace))


@contextmanager
def _instrumented_builds(trace: Trace) -> Iterator[None]:
    """While inside, every skill ``skill.builder`` builds is instrumented."""
    original = builder.build

    def build(*args: Any, **kwargs: Any) -> CustomSkillBuilder:
        made = original(*args, **kwargs)
        instrument(made, trace)
        return made

    builder.build = build  # type: ignore[assignment]  # restored below
    try:
        yield
    finally:
        builder.build = original


# --- Reading, playing, reporting ------------------------------------------------------------


def read_envelope(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ReplayError(f"cannot read {path}: {getattr(error, 'strerror', None) or error}") from None
    try:
        envelope = json.loads(text)
    except json.JSONDecodeError as error:
        where = f"line {error.lineno} column {error.colno}"
        raise ReplayError(f"{path} is not JSON ({error.msg}, {where})") from None
    request = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(request, dict) or not isinstance(request.get("type"), str):
        raise ReplayError(
            f"{path} is not an Alexa request envelope: it needs a JSON object with request.type"
        )
    if not isinstance(envelope.get("context", {}), dict) or not isinstance(envelope.get("session", {}), dict):
        raise ReplayError(f"{path} is not an Alexa request envelope: context and session must be objects")
    return envelope


def moment(at: str | None, envelope: dict[str, Any]) -> datetime:
    """``--at`` if given (ISO 8601 with a zone), else when the request was recorded, else now."""
    if at:
        try:
            given = datetime.fromisoformat(at)
        except ValueError:
            raise ReplayError(f"--at {at!r} is not an ISO 8601 time, e.g. 2026-03-30T09:30+01:00") from None
        if given.tzinfo is None:
            raise ReplayError("--at needs a time zone, e.g. 2026-03-30T09:30+01:00")
        return given
    recorded = envelope["request"].get("timestamp")
    try:
        stamp = datetime.fromisoformat(recorded) if isinstance(recorded, str) else None
    except ValueError:
        stamp = None
    return stamp if stamp is not None and stamp.tzinfo is not None else datetime.now(UTC)


def replay(envelope: dict[str, Any], at: datetime) -> tuple[dict[str, Any], Trace]:
    """The response the real Lambda handler gives ``envelope`` at ``at``, and how."""
    trace = Trace(before=dict((envelope.get("session") or {}).get("attributes") or {}))
    clock: Callable[[], datetime] = lambda: at  # noqa: E731
    with _instrumented_builds(trace):
        handle = builder.lambda_handler(clock=clock)
    try:
        response = handle(envelope, None)
    except Exception as error:  # the SDK refusing the envelope: say so, never a traceback
        why = f"{type(error).__name__}: {error}"
        raise ReplayError(f"the skill could not take this envelope: {why}") from None
    return response, trace


def offer_decision(before: dict[str, Any], after: dict[str, Any]) -> str:
    """How the reply ended, by the offer policy (``skill.conversation.offers``), and why."""
    pending = after.get("pending")
    if pending == "helpline":
        return f"offered the nurse helpline number ({after.get('offerStreak', 1)} in a row)"
    if pending == "reminder":
        return "offered a reminder for when the nurse line opens"
    if before.get("helplineRead") is True:
        return "no offer: the number has been read in this session"
    if isinstance(before.get("offerStreak"), int) and before["offerStreak"] >= offers.OFFERS_IN_A_ROW:
        return f"no offer: offered {before['offerStreak']} times in a row, passed over each time"
    if before.get("offerDeclined") is True:
        return "no offer: the user said no to it earlier (only the nurses' own topics offer it)"
    return "no offer: this reply does not end with one"


def report(response: dict[str, Any], trace: Trace | None, out: TextIO) -> None:
    body = response.get("response") or {}

    def text(speech: dict[str, Any] | None) -> str:
        speech = speech or {}
        if speech.get("ssml"):
            return plain_text(speech["ssml"])
        return str(speech.get("text") or "(nothing)")

    print(f"Alexa: {text(body.get('outputSpeech'))}", file=out)
    if body.get("reprompt"):
        print(f"Reprompt: {text(body['reprompt'].get('outputSpeech'))}", file=out)
    card = body.get("card")
    if card:
        print(f"Card: {card.get('title') or card.get('type')}", file=out)
        for line in (card.get("text") or card.get("content") or "").splitlines():
            print(f"      {line}", file=out)
    for directive in body.get("directives") or []:
        print(f"Directive: {directive.get('type')}", file=out)
    ends = body.get("shouldEndSession")
    session = "stays open" if ends is False else "ends" if ends else "ends (no reply expected)"
    print(f"Session: {session}", file=out)
    if trace is None:
        return
    print("Trace:", file=out)
    print(f"  request interceptors: {', '.join(trace.request_interceptors) or '(none)'}", file=out)
    print(f"  handler: {trace.handler or '(none matched)'}", file=out)
    print(f"  safety net: {trace.safety_net()}", file=out)
    if trace.exception:
        print(f"  exception handler: {trace.exception}", file=out)
    print(f"  offer: {offer_decision(trace.before, response.get('sessionAttributes') or {})}", file=out)
    print(f"  response interceptors: {', '.join(trace.response_interceptors) or '(none)'}", file=out)
    attributes = response.get("sessionAttributes") or {}
    print("  session attributes written:" + ("" if attributes else " (none)"), file=out)
    for name in sorted(attributes):
        print(f"    {name} = {json.dumps(attributes[name], ensure_ascii=False)}", file=out)


def main(path: str, at: str | None, trace: bool, out: TextIO, err: TextIO) -> int:
    try:
        envelope = read_envelope(Path(path))
        response, traced = replay(envelope, moment(at, envelope))
    except ReplayError as error:
        print(f"replay: {error}", file=err)
        return UNUSABLE
    report(response, traced if trace else None, out)
    return 0
