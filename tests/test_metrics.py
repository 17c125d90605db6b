"""Counts without words: one CloudWatch Embedded Metric Format line per request, with the
kind of answer (a topic's id, the fallback, each safety answer...), valid EMF, and never
an id or a word the user said. Driven with Alexa's JSON envelopes through the real
Lambda handler, and the Lambda entry point in its own process."""

from __future__ import annotations

import json
import logging
import os
import string
import subprocess
import sys
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill import builder, knowledge, metrics
from skill.devtools.envelopes import Session, slot_json
from skill.devtools.nlu import load_model
from skill.knowledge import URGENCIES
from tests.conftest import OPEN_TIME, ROOT

KNOWN = knowledge.load()
KINDS = metrics.kinds(builder.request_handlers(KNOWN), KNOWN.topics)
#: What CloudWatch takes as a unit (the EMF specification's list).
UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second", "Terabytes/Second",
    "Bits/Second", "Kilobits/Second", "Megabits/Second", "Gigabits/Second", "Terabits/Second",
    "Count/Second", "None",
}  # fmt: skip


class Skill:
    """The real Lambda handler with a counter that keeps its lines; a user's session."""

    def __init__(self, function_name: str = "skill-function") -> None:
        self.lines: list[str] = []
        counter = metrics.Counter(self.lines.append, function_name, clock=OPEN_TIME.timestamp)
        self.handler = builder.lambda_handler(clock=lambda: OPEN_TIME, counter=counter)
        self.session = Session()

    def send(self, envelope: dict[str, Any]) -> dict[str, Any]:
        before = len(self.lines)
        raw = self.handler(envelope, None)
        assert len(self.lines) == before + 1, self.lines[before:]  # one line per request
        self.session.carry(raw)
        return raw

    def kind_of(self, envelope: dict[str, Any]) -> str:
        self.send(envelope)
        return str(json.loads(self.lines[-1])["Kind"])


def valid_emf(line: str) -> dict[str, Any]:
    """The line as a CloudWatch EMF document, checked against the specification: one JSON
    object; ``_aws`` with a millisecond ``Timestamp`` and ``CloudWatchMetrics`` directives,
    each a namespace, dimension sets whose keys are string members of the root (at most
    30 each), and metrics that are numbers at the root with a CloudWatch unit."""
    assert "\n" not in line  # one log event
    document = json.loads(line)
    assert isinstance(document, dict)
    aws = document["_aws"]
    assert set(aws) == {"Timestamp", "CloudWatchMetrics"}
    assert isinstance(aws["Timestamp"], int) and aws["Timestamp"] > 10**12
    assert isinstance(aws["CloudWatchMetrics"], list) and aws["CloudWatchMetrics"]
    for directive in aws["CloudWatchMetrics"]:
        assert set(directive) == {"Namespace", "Dimensions", "Metrics"}
        assert isinstance(directive["Namespace"], str) and 1 <= len(directive["Namespace"]) <= 255
        assert isinstance(directive["Dimensions"], list)
        for dimension_set in directive["Dimensions"]:
            assert isinstance(dimension_set, list) and len(dimension_set) <= 30
            for key in dimension_set:
                assert isinstance(document[key], str) and 1 <= len(document[key]) <= 1024
        assert directive["Metrics"]
        for metric in directive["Metrics"]:
            assert set(metric) <= {"Name", "Unit", "StorageResolution"}
            value = document[metric["Name"]]
            assert isinstance(value, int | float) and not isinstance(value, bool)
            assert metric.get("Unit", "None") in UNITS
    return document


def test_each_request_writes_one_valid_emf_line_and_nothing_else() -> None:
    skill = Skill()
    session = skill.session
    skill.send(session.launch())
    skill.send(session.intent("TreatmentOptionsIntent"))  # ... Would you like the nurse helpline number?
    skill.send(session.intent("AMAZON.YesIntent"))
    skill.send(session.intent("AMAZON.StopIntent"))
    for line in skill.lines:
        document = valid_emf(line)
        # Exactly the metric, the function and the kind: nothing to tie it to anyone.
        assert set(document) == {"_aws", metrics.FUNCTION, metrics.KIND, metrics.METRIC}
        [directive] = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == metrics.NAMESPACE
        assert directive["Dimensions"] == [[metrics.FUNCTION, metrics.KIND], [metrics.FUNCTION]]
        assert directive["Metrics"] == [{"Name": metrics.METRIC, "Unit": "Count"}]
        assert document[metrics.FUNCTION] == "skill-function"
        assert document["_aws"]["Timestamp"] == int(OPEN_TIME.timestamp() * 1000)
    kinds = [json.loads(line)["Kind"] for line in skill.lines]
    assert kinds == ["launch", "treatment_types", "helpline", "stop"]


def symptom(spoken: str, value_id: str | None) -> dict[str, Any]:
    return {"symptom": slot_json("symptom", spoken, "SymptomType", value_id, spoken if value_id else None)}


def test_a_topic_is_counted_by_its_id() -> None:
    skill = Skill()
    bone_pain = skill.session.intent("SymptomIntent", symptom("bone pain", "bone_pain"))
    assert skill.kind_of(bone_pain) == "bone_pain"
    assert skill.kind_of(skill.session.intent("TellMeMoreIntent")) == "bone_pain"  # its fuller version
    assert skill.kind_of(skill.session.intent("WhatIsIntent")) == "what_is"


def test_the_fallback_is_counted_as_fallback() -> None:
    skill = Skill()
    assert skill.kind_of(skill.session.intent("AMAZON.FallbackIntent")) == metrics.FALLBACK


@pytest.mark.parametrize("intent", ["CrisisIntent", "OverdoseIntent", "EmergencyIntent", "UrgentHelpIntent"])
def test_each_safety_answer_is_counted_by_its_kind(intent: str) -> None:
    kind = {"CrisisIntent": "crisis", "OverdoseIntent": "overdose"}.get(intent)
    kind = kind or {"EmergencyIntent": "emergency", "UrgentHelpIntent": "urgent"}[intent]
    skill = Skill()
    assert skill.kind_of(skill.session.intent(intent)) == kind


def test_the_safety_net_is_counted_by_the_answer_it_gave_not_the_intent() -> None:
    """"Chest pain" heard as a symptom the model does not know: the emergency answer."""
    skill = Skill()
    assert skill.kind_of(skill.session.intent("SymptomIntent", symptom("chest pain", None))) == "emergency"
    cue = {"safetyCue": slot_json("safetyCue", "I want to die", "SafetyCueType", "crisis", "crisis")}
    assert skill.kind_of(skill.session.intent("TreatmentOptionsIntent", cue)) == "crisis"


def test_questions_beyond_the_page_doses_and_the_number_have_their_own_kinds() -> None:
    skill = Skill()
    assert skill.kind_of(skill.session.intent("BeyondPageIntent")) == "beyond_page"
    assert skill.kind_of(skill.session.intent("MedicineDoseIntent")) == "medicine_dose"
    assert skill.kind_of(skill.session.intent("PrognosisIntent")) == "prognosis"
    assert skill.kind_of(skill.session.intent("SymptomIntent", symptom("itchy feet", None))) == "not_covered"
    assert skill.kind_of(skill.session.intent("HelplineIntent")) == metrics.HELPLINE


def test_an_error_is_counted_once_and_a_session_end_is_no_answer(caplog: pytest.LogCaptureFixture) -> None:
    skill = Skill()
    raw = skill.send(skill.session.intent("NoSuchIntent"))  # no handler: the catch-all answers
    assert raw["response"]["outputSpeech"]
    assert json.loads(skill.lines[-1])[metrics.KIND] == metrics.ERROR
    skill.send(skill.session.session_ended())
    assert json.loads(skill.lines[-1]) | {"_aws": None} == {
        "_aws": None,
        metrics.FUNCTION: "skill-function",
        metrics.KIND: "session_ended",
        metrics.METRIC: 0,
    }


def test_a_line_that_cannot_be_written_never_costs_an_answer(caplog: pytest.LogCaptureFixture) -> None:
    def broken(line: str) -> None:
        raise OSError("stdout is gone")

    handler = builder.lambda_handler(counter=metrics.Counter(broken, "skill-function"))
    raw = handler(Session().intent("EmergencyIntent"), None)
    assert "999" in raw["response"]["outputSpeech"]["ssml"]
    assert [r.getMessage() for r in caplog.records if r.name == "skill.metrics"] == [
        "metrics: not written (OSError)"
    ]


def test_every_kind_is_from_the_code_or_the_content_and_none_is_mistaken_for_a_topic() -> None:
    handlers = builder.request_handlers(KNOWN)
    own = {metrics.handler_kind(h) for h in handlers}
    assert {"fallback", "beyond_page", "medicine_dose", "not_covered", "launch", "session_ended"} <= own
    assert not own & set(KNOWN.topics)
    assert set(URGENCIES) == {"crisis", "overdose", "emergency", "urgent"} <= KINDS
    assert all(kind.isidentifier() and kind.islower() for kind in KINDS)


# --- Never an id or a word the user said ------------------------------------------------

MODEL = load_model()["interactionModel"]["languageModel"]
SLOTTED = [
    (intent["name"], slot["name"], slot["type"])
    for intent in MODEL["intents"]
    for slot in intent.get("slots", [])
]
VALUE_IDS = {
    slot_type["name"]: [value["id"] for value in slot_type["values"]] for slot_type in MODEL["types"]
}
#: Every text a line can hold, whatever is asked: a drawn word found in it proves nothing.
SKELETON = " ".join(
    json.dumps(metrics.Counter(print, "skill-function").document(kind, 1)) for kind in KINDS
).lower()

spoken = st.text(alphabet=string.ascii_letters + string.digits + " '-.", min_size=4, max_size=40).filter(
    lambda text: text.strip().lower() not in SKELETON
)


@st.composite
def requests(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    """An IntentRequest with a slot holding drawn words (resolved to a value id or not),
    from a drawn user, device and session: the envelope, and every private string in it."""
    secret = st.text(alphabet=string.ascii_letters + string.digits, min_size=12, max_size=24)
    session = Session(
        user_id="amzn1.ask.account." + draw(secret),
        device_id="amzn1.ask.device." + draw(secret),
        session_id="amzn1.echo-api.session." + draw(secret),
    )
    intent, slot, slot_type = draw(st.sampled_from(SLOTTED))
    words = draw(spoken)
    value_id = draw(st.none() | st.sampled_from(VALUE_IDS.get(slot_type) or [None]))
    envelope = session.intent(intent, {slot: slot_json(slot, words, slot_type, value_id, words)})
    private = [words.strip(), session.user_id, session.device_id, session.session_id]
    private.append(envelope["request"]["requestId"])
    return envelope, private


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(requests())
def test_no_slot_value_or_id_ever_appears_in_the_line(request: tuple[dict[str, Any], list[str]]) -> None:
    envelope, private = request
    lines: list[str] = []
    handler = builder.lambda_handler(clock=lambda: OPEN_TIME, counter=metrics.Counter(lines.append, "fn"))
    handler(envelope, None)
    [line] = lines
    document = valid_emf(line)
    assert document[metrics.KIND] in KINDS
    assert set(document) == {"_aws", metrics.FUNCTION, metrics.KIND, metrics.METRIC}
    for text in private:
        assert text.lower() not in line.lower(), text


# --- On Lambda, and only there ----------------------------------------------------------

LAMBDA = """
import json, sys
sys.path.insert(0, "lambda")
import lambda_function
for event in json.loads(sys.stdin.read()):
    lambda_function.lambda_handler(event, None)
print("done")
"""


def test_the_lambda_function_prints_one_line_per_request_to_its_log_group() -> None:
    session = Session()
    events = [session.launch(), session.intent("AMAZON.FallbackIntent"), session.intent("CrisisIntent")]
    env = {**os.environ, "AWS_LAMBDA_FUNCTION_NAME": "skill-function", "PREFERENCES_STORE": "none"}
    result = subprocess.run(
        [sys.executable, "-c", LAMBDA],
        cwd=ROOT,
        env=env,
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    *lines, done = result.stdout.splitlines()
    assert done == "done"
    kinds = [valid_emf(line)[metrics.KIND] for line in lines]
    assert kinds == ["launch", "fallback", "crisis"]
    assert session.user_id not in result.stdout + result.stderr


def test_off_lambda_nothing_is_printed() -> None:
    """The developer tools print JSON and text on standard output: no metric line there."""
    assert metrics.for_lambda({}) is None
    counter = metrics.for_lambda({"AWS_LAMBDA_FUNCTION_NAME": "skill-function"})
    assert counter is not None and counter.write is metrics.print_line
    result = subprocess.run(
        [sys.executable, "-m", "skill", "replay", "/dev/stdin"],
        cwd=ROOT,
        input=json.dumps(Session().launch()),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "_aws" not in result.stdout


def test_logging_is_untouched(caplog: pytest.LogCaptureFixture) -> None:
    """The metric line is not a log record: the logs keep their one received and one
    answered line per request."""
    caplog.set_level(logging.INFO, logger="skill")
    skill = Skill()
    skill.send(skill.session.launch())
    messages = [r.getMessage() for r in caplog.records if r.name == "skill.requests"]
    assert [m.split()[0] for m in messages] == ["received", "answered"]
    assert not [r for r in caplog.records if "_aws" in r.getMessage()]
