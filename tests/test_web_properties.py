"""Whatever arrives at the endpoint: never a 5xx, and the skill still answers afterwards."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from typing import Any

from cryptography.x509.verification import Store
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skill.builder import create_skill
from skill.devtools.envelopes import Session, slot_json
from skill.devtools.nlu import load_model
from skill.devtools.signing import CERT_URL, Authority, Signer
from skill.hosts import web
from skill.hosts.verification import CertificateChains, production_verifiers

SKILL_ID = "amzn1.ask.skill.99999999-2222-4333-8444-555555555555"
MODEL_INTENTS = [i["name"] for i in load_model()["interactionModel"]["languageModel"]["intents"]]
SLOT_NAMES = ["treatment", "symptom", "bodySite", "other"]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def slots(draw: st.DrawFn) -> dict[str, Any]:
    result = {}
    for name in draw(st.lists(st.sampled_from(SLOT_NAMES), max_size=3, unique=True)):
        spoken = draw(st.none() | st.text(max_size=30))
        value_id = draw(st.none() | st.sampled_from(["chemotherapy", "bone_pain", "bones", "nonsense"]))
        slot_type = draw(st.sampled_from(["TreatmentType", "SymptomType", "BodySiteType"]))
        result[name] = slot_json(name, spoken, slot_type, value_id, value_id, SKILL_ID)
        if draw(st.booleans()):
            result[name]["resolutions"] = draw(json_values)
    return result


@st.composite
def envelopes(draw: st.DrawFn) -> dict[str, Any]:
    """Alexa-shaped envelopes: real structure, odd contents."""
    session = Session(skill_id=SKILL_ID, locale=draw(st.sampled_from(["en-GB", "en-US", "fr-FR", "", "xx"])))
    session.new = draw(st.booleans())
    session.attributes = draw(st.dictionaries(st.sampled_from(
        ["rate", "pending", "lastTopic", "moreGiven", "helplineRead", "disclaimerGiven", "lastSpeech",
         "lastReprompt", "reminderOffered", "reminderPermissionAsked", "other"]),
        json_values | st.sampled_from(["reminder", "helpline", True]), max_size=6))  # fmt: skip
    # The Reminders API, if a reminder is set: a closed loopback port, never the network.
    session.api_endpoint = "https://127.0.0.1:9"
    session.consent_token = draw(st.none() | st.just("consent"))
    kind = draw(st.sampled_from(["launch", "intent", "ended", "connections", "other"]))
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
        name = draw(st.sampled_from(MODEL_INTENTS) | st.text(max_size=20))
        envelope = session.intent(name, draw(slots()))
    else:
        envelope = session.envelope({"type": draw(st.text(max_size=30))})
    if draw(st.booleans()):
        section = draw(st.sampled_from(["session", "context"]))
        envelope.pop(section)
        if section == "context":
            envelope["context"] = {"System": {"application": {"applicationId": SKILL_ID}}}
    return envelope


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
    body = json.dumps(Session(skill_id=SKILL_ID).launch()).encode()
    headers = signer.headers(body) if signer else {"Content-Type": "application/json"}
    response = client.post("/", data=body, headers=headers)
    assert response.status_code == 200
    assert "Welcome" in response.get_json()["response"]["outputSpeech"]["ssml"]


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(body=st.binary(max_size=2000))
def test_arbitrary_bytes_never_get_a_5xx(body: bytes) -> None:
    client = dev_client()
    assert client.post("/", data=body, content_type="application/json").status_code < 500
    still_answers(client)


@SETTINGS
@given(value=json_values)
def test_arbitrary_json_never_gets_a_5xx(value: Any) -> None:
    client = dev_client()
    assert client.post("/", json=value).status_code < 500
    still_answers(client)


@SETTINGS
@given(envelope=envelopes())
def test_odd_alexa_envelopes_never_get_a_5xx_in_dev_mode(envelope: dict[str, Any]) -> None:
    client = dev_client()
    response = client.post("/", json=envelope)
    assert response.status_code in (200, 400)
    if response.status_code == 200 and envelope["request"].get("type") != "SessionEndedRequest":
        answer = response.get_json()["response"]
        # Only the voice permission request says nothing: Alexa asks the question itself.
        asks = [d for d in answer.get("directives", []) if d.get("type") == "Connections.SendRequest"]
        assert "outputSpeech" in answer or asks
    still_answers(client)


@SETTINGS
@given(envelope=envelopes())
def test_odd_signed_envelopes_never_get_a_5xx_in_production_mode(envelope: dict[str, Any]) -> None:
    _, signer = authority()
    client = production_client()
    body = json.dumps(envelope).encode()
    response = client.post("/", data=body, headers=signer.headers(body, CERT_URL))
    assert response.status_code in (200, 400)
    still_answers(client, signer)
