"""Whatever arrives at the endpoint: never a 5xx, never a handler crash behind a polite
answer, and the skill still answers afterwards.

``CatchAllExceptionHandler`` (``skill/conversation/errors.py``) turns any exception into
a spoken apology with HTTP 200, so "no 5xx and some speech" holds even while a handler
crashes. Each property here also listens to the catch-all: the error record it logs for
every exception it answers, and its apology in the reply. It may answer only the SDK's
"no handler for this request" (``DispatchException``), and only for a request the skill
has no handler for by design (an intent outside the model, a ``Connections.Response``
other than the reminders permission); anything else it answers is a crash and fails the
property. The tests under "The properties can fail" inject crashes (in half the intent
requests, and in one handler on half its requests) and prove that the properties then
fail, so that they can never silently become unable to.

The session attributes sent are drawn from the state model itself
(``tests/session_states.py``), and the slots from the interaction model.
"""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

import pytest
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from cryptography.x509.verification import Store
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from skill.builder import create_skill
from skill.conversation import errors, topics
from skill.conversation.base import IntentHandler
from skill.devtools.envelopes import Session, slot_json
from skill.devtools.nlu import load_model
from skill.devtools.signing import CERT_URL, Authority, Signer
from skill.hosts import web
from skill.hosts.verification import CertificateChains, production_verifiers
from skill.speech import plain_text
from tests.conftest import KNOWN, WORDS
from tests.session_states import (
    MOVES,
    json_values,
    keys_read,
    model_moves,
    session_attributes,
    valid_attributes,
)

SKILL_ID = "amzn1.ask.skill.99999999-2222-4333-8444-555555555555"
LANGUAGE_MODEL = load_model()["interactionModel"]["languageModel"]
MODEL_INTENTS = [intent["name"] for intent in LANGUAGE_MODEL["intents"]]
#: Every slot of the model (each name with its type), and one it does not have.
MODEL_SLOTS = sorted({(s["name"], s["type"]) for i in LANGUAGE_MODEL["intents"] for s in i.get("slots", [])})
SLOTS = [*MODEL_SLOTS, ("other", "TreatmentType")]
#: Every value id of the model's slot types, and one it does not have.
VALUE_IDS = [*sorted({v["id"] for kind in LANGUAGE_MODEL["types"] for v in kind["values"]}), "nonsense"]

#: Request types that a handler in ``skill/builder.py`` takes whatever they hold.
HANDLED_TYPES = frozenset(
    {
        "LaunchRequest",
        "SessionEndedRequest",
        "Alexa.Presentation.APL.UserEvent",
        "Alexa.Presentation.APL.RuntimeError",
        "AlexaSkillEvent.SkillDisabled",
    }
)
#: What the catch-all says: its dialogue key, heard from the outside.
APOLOGY = frozenset(WORDS.phrasings("error"))
#: The SDK's exception for a request no handler takes: the one the catch-all may answer.
NO_HANDLER = "DispatchException"


@st.composite
def slots(draw: st.DrawFn) -> dict[str, Any]:
    result = {}
    for name, slot_type in draw(st.lists(st.sampled_from(SLOTS), max_size=3, unique_by=lambda s: s[0])):
        spoken = draw(st.none() | st.text(max_size=30))
        value_id = draw(st.none() | st.sampled_from(VALUE_IDS))
        result[name] = slot_json(name, spoken, slot_type, value_id, value_id, SKILL_ID)
        if draw(st.booleans()):
            result[name]["resolutions"] = draw(json_values)
    return result


@st.composite
def envelopes(draw: st.DrawFn, intent: str | None = None) -> dict[str, Any]:
    """Alexa-shaped envelopes: real structure, odd contents; with ``intent``, always an
    IntentRequest for it."""
    session = Session(skill_id=SKILL_ID, locale=draw(st.sampled_from(["en-GB", "en-US", "fr-FR", "", "xx"])))
    session.new = draw(st.booleans())
    session.attributes = draw(session_attributes())
    # The Reminders API, if a reminder is set: a closed loopback port, never the network.
    session.api_endpoint = "https://127.0.0.1:9"
    session.consent_token = draw(st.none() | st.just("consent"))
    kind = (
        "intent" if intent else draw(st.sampled_from(["intent", "launch", "ended", "connections", "other"]))
    )
    if kind == "connections":
        status = st.sampled_from(["ACCEPTED", "DENIED", "NOT_ANSWERED"]) | json_values
        payload = draw(st.none() | st.fixed_dictionaries({"status": status}) | json_values)
        code = draw(st.sampled_from(["200", "400", "500"]) | st.text(max_size=5))
        envelope = session.connections_response(draw(st.sampled_from(["AskFor", "Buy"])), None, code)
        envelope["request"]["payload"] = payload
    elif kind == "launch":
        envelope = session.launch()
    elif kind == "ended":
        envelope = session.session_ended(
            draw(st.sampled_from(["USER_INITIATED", "ERROR", "EXCEEDED_MAX_REPROMPTS"]))
        )
    elif kind == "intent":
        name = intent or draw(st.sampled_from(MODEL_INTENTS) | st.text(max_size=20))
        envelope = session.intent(name, draw(slots()))
    else:
        envelope = session.envelope({"type": draw(st.text(max_size=30))})
    if draw(st.booleans()):
        section = draw(st.sampled_from(["session", "context"]))
        envelope.pop(section)
        if section == "context":
            envelope["context"] = {"System": {"application": {"applicationId": SKILL_ID}}}
    return envelope


# --- Listening to the catch-all -------------------------------------------------------------


class _CatchAllRecords(logging.Handler):
    """The catch-all logs one error for each exception it answers, naming its type first."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.answered: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        args = record.args if isinstance(record.args, tuple) else ()
        self.answered.append(str(args[0]) if args else record.getMessage())


@contextmanager
def catch_all_answers() -> Iterator[list[str]]:
    """The type of each exception the catch-all answers while the block runs."""
    records = _CatchAllRecords()
    logger = logging.getLogger(errors.log.name)
    logger.addHandler(records)
    try:
        yield records.answered
    finally:
        logger.removeHandler(records)


def has_a_handler(envelope: Any) -> bool:
    """A request some handler of the skill is there for (the model's intents and the
    request types the builder registers), whatever the rest of it holds."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    if not isinstance(request, dict):
        return False
    kind = request.get("type")
    if kind == "IntentRequest":
        intent = request.get("intent")
        return isinstance(intent, dict) and intent.get("name") in MODEL_INTENTS
    if kind == "Connections.Response":
        return request.get("name") == "AskFor"
    return kind in HANDLED_TYPES


def spoken(body: Any) -> str:
    speech = ((body or {}).get("response") or {}).get("outputSpeech") or {}
    ssml = speech.get("ssml")
    return plain_text(ssml) if isinstance(ssml, str) and ssml else ""


def assert_no_crash(envelope: Any, answered: list[str], body: Any) -> None:
    """The catch-all answered nothing but "no handler" for a request no handler is for."""
    allowed = set() if has_a_handler(envelope) else {NO_HANDLER}
    crashes = [kind for kind in answered if kind not in allowed]
    assert not crashes, f"the catch-all answered {crashes}: a handler or interceptor crashed"
    if has_a_handler(envelope):
        assert spoken(body) not in APOLOGY, "the catch-all's apology was heard"


# --- The clients ------------------------------------------------------------------------------


@cache
def authority() -> tuple[Authority, Signer]:
    root = Authority.root()
    return root, root.signing_certificate()


@cache
def dev_client() -> FlaskClient:
    return web.create_app(create_skill()).test_client()


@cache
def production_client() -> FlaskClient:
    root, signer = authority()
    assert root.certificate is not None
    chain = signer.pem()
    chains = CertificateChains(trust_store=Store([root.certificate]), fetch=lambda url, timeout, size: chain)
    verifiers = production_verifiers(SKILL_ID, chains, lambda: datetime.now(UTC))
    return web.create_app(create_skill(), verifiers=verifiers).test_client()


def still_answers(client: FlaskClient, signer: Signer | None = None) -> None:
    envelope = Session(skill_id=SKILL_ID).launch()
    body = json.dumps(envelope).encode()
    headers = signer.headers(body) if signer else {"Content-Type": "application/json"}
    with catch_all_answers() as answered:
        response = client.post("/", data=body, headers=headers)
    assert response.status_code == 200
    assert "Welcome" in spoken(response.get_json())
    assert_no_crash(envelope, answered, response.get_json())


def posted(client: FlaskClient, envelope: Any, **post: Any) -> tuple[int, Any]:
    """Post, listening to the catch-all: the status, and the body if it is JSON."""
    with catch_all_answers() as answered:
        response = client.post("/", **post)
    body = response.get_json(silent=True)
    assert_no_crash(envelope, answered, body)
    return response.status_code, body


# --- The properties -------------------------------------------------------------------------


def check_bytes(body: bytes) -> None:
    client = dev_client()
    try:
        envelope = json.loads(body)
    except (ValueError, RecursionError):
        envelope = None  # not JSON (or nested past Python's limit): no request at all
    status, _ = posted(client, envelope, data=body, content_type="application/json")
    assert status < 500
    still_answers(client)


def check_json(value: Any) -> None:
    client = dev_client()
    status, _ = posted(client, value, json=value)
    assert status < 500
    still_answers(client)


def check_dev_envelope(envelope: dict[str, Any]) -> None:
    client = dev_client()
    status, body = posted(client, envelope, json=envelope)
    assert status in (200, 400)
    if status == 200 and envelope["request"].get("type") != "SessionEndedRequest":
        answer = body["response"]
        # Only the voice permission request says nothing: Alexa asks the question itself.
        asks = [d for d in answer.get("directives", []) if d.get("type") == "Connections.SendRequest"]
        assert "outputSpeech" in answer or asks
    still_answers(client)


def check_signed_envelope(envelope: dict[str, Any]) -> None:
    _, signer = authority()
    client = production_client()
    body = json.dumps(envelope).encode()
    status, _ = posted(client, envelope, data=body, headers=signer.headers(body, CERT_URL))
    assert status in (200, 400)
    still_answers(client, signer)


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_never_get_a_5xx_or_a_crash(body: bytes) -> None:
    check_bytes(body)


@SETTINGS
@given(value=json_values)
def test_arbitrary_json_never_gets_a_5xx_or_a_crash(value: Any) -> None:
    check_json(value)


@SETTINGS
@given(envelope=envelopes())
def test_odd_alexa_envelopes_never_get_a_5xx_or_a_crash_in_dev_mode(envelope: dict[str, Any]) -> None:
    check_dev_envelope(envelope)


@SETTINGS
@given(envelope=envelopes())
def test_odd_signed_envelopes_never_get_a_5xx_or_a_crash_in_production_mode(envelope: dict[str, Any]) -> None:
    check_signed_envelope(envelope)


PER_INTENT = settings(SETTINGS, max_examples=20)


@PER_INTENT
@pytest.mark.parametrize("intent", MODEL_INTENTS)
@given(data=st.data())
def test_every_intent_of_the_model_with_odd_sessions_and_slots_gets_no_crash(
    intent: str, data: st.DataObject
) -> None:
    """Each intent, so that every handler meets the odd sessions, whatever Hypothesis
    favours when it draws an intent's name."""
    check_dev_envelope(data.draw(envelopes(intent)))


# --- The properties can fail ------------------------------------------------------------------


def crash_half_the_requests(monkeypatch: pytest.MonkeyPatch, handler: type[Any]) -> None:
    """``handler`` raises on half the requests it takes, as a bug that depends on what
    the session holds would; the catch-all then answers politely, with HTTP 200. Which
    half is fixed by a hash of the intent and the session attributes sent, so that the
    same request always crashes and Hypothesis can replay it."""
    handle = handler.handle

    def crashing(self: AbstractRequestHandler, handler_input: HandlerInput) -> Response | None:
        envelope = handler_input.request_envelope
        sent = [getattr(getattr(envelope.request, "intent", None), "name", None)]
        sent.append(envelope.session.attributes if envelope.session else None)
        if zlib.crc32(json.dumps(sent, sort_keys=True, default=str).encode()) % 2:
            raise RuntimeError("a crash injected by the test")
        return handle(self, handler_input)

    monkeypatch.setattr(handler, "handle", crashing)


#: The properties' own budgets, the same examples every run, and no shrinking: these
#: tests ask only whether the properties fail.
INJECTED = settings(SETTINGS, derandomize=True, database=None, phases=[Phase.generate])
INJECTED_PER_INTENT = settings(PER_INTENT, derandomize=True, database=None, phases=[Phase.generate])


@pytest.mark.parametrize("check", [check_dev_envelope, check_signed_envelope], ids=["dev", "signed"])
def test_a_crash_in_half_the_intent_requests_fails_the_envelope_properties(
    monkeypatch: pytest.MonkeyPatch, check: Callable[[dict[str, Any]], None]
) -> None:
    crash_half_the_requests(monkeypatch, IntentHandler)
    with pytest.raises(AssertionError, match="the catch-all answered"):
        INJECTED(given(envelope=envelopes())(check))()


def test_a_crash_in_one_handler_on_half_its_requests_fails_the_property_of_its_intent(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    crash_half_the_requests(monkeypatch, topics.TopicHandler)
    intent = topics.TopicHandler(KNOWN).handled_intents()[0]

    @INJECTED_PER_INTENT
    @given(data=st.data())
    def the_property(data: st.DataObject) -> None:
        check_dev_envelope(data.draw(envelopes(intent)))

    with pytest.raises(AssertionError, match="the catch-all answered"):
        the_property()


def test_without_the_injection_those_same_examples_pass() -> None:
    """The injected tests fail for the crash, not for something else in their examples."""
    INJECTED(given(envelope=envelopes())(check_dev_envelope))()


def test_the_attributes_sent_hold_every_key_and_move_of_the_state_model() -> None:
    assert set(MOVES) == model_moves(), "teach tests/session_states.py the model's new move"
    assert {"rate", "pending", "thread", "history", "lastContent", "stored"} <= keys_read()
    for key in keys_read():
        find(valid_attributes(), holding(key))


def holding(key: str) -> Callable[[dict[str, Any]], bool]:
    return lambda attributes: key in attributes
