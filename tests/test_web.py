"""The web service in development mode: the real Flask endpoint and a real server."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from skill.builder import create_skill
from skill.devtools.envelopes import Session
from skill.devtools.serving import free_port, running_server
from skill.hosts import web
from skill.hosts.web_common import is_loopback
from skill.speech import plain_text
from tests.conftest import OPEN_TIME, WELCOME

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def client() -> FlaskClient:
    return web.create_app(create_skill(clock=lambda: OPEN_TIME)).test_client()


def spoken(response_json: dict) -> str:
    return plain_text(response_json["response"]["outputSpeech"]["ssml"])


def test_alexa_request_is_answered(client: FlaskClient) -> None:
    session = Session()
    response = client.post("/", json=session.launch())
    assert response.status_code == 200
    assert spoken(response.get_json()).startswith(WELCOME)


def test_conversation_over_http_carries_session_attributes(client: FlaskClient) -> None:
    session = Session()
    first = client.post("/", json=session.intent("HelplineHoursIntent")).get_json()
    session.carry(first)
    second = client.post("/", json=session.intent("AMAZON.YesIntent")).get_json()
    assert "0808" in second["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"not json", "body is not UTF-8 JSON"),
        (b"\xff\xfe\x00", "body is not UTF-8 JSON"),
        (b"[1, 2]", "body is not a JSON object"),
        (b'{"hello": "world"}', "not an Alexa request envelope"),
        (b'{"version": "1.0", "request": {"type": "LaunchRequest"}}', "request has no requestId"),
    ],
)
def test_bad_bodies_get_400_with_a_reason(client: FlaskClient, body: bytes, reason: str) -> None:
    response = client.post("/", data=body, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": reason}


def test_other_methods_get_405(client: FlaskClient) -> None:
    assert client.get("/").status_code == 405
    assert client.put("/", data=b"{}").status_code == 405


def test_oversized_body_gets_413(client: FlaskClient) -> None:
    response = client.post("/", data=b" " * (web.MAX_BODY_BYTES + 1), content_type="application/json")
    assert response.status_code == 413


def test_health_route_for_load_balancers(client: FlaskClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.get_json() == {"status": "ok", "preferences": "off"}


@pytest.fixture
def dev_server() -> Iterator[str]:
    port = free_port()
    with running_server(["-m", "skill", "serve", "--dev", "--port", str(port)], port=port) as server:
        yield server.url


def test_make_run_server_answers_over_real_http(dev_server: str) -> None:
    request = urllib.request.Request(
        dev_server + "/",
        data=json.dumps(Session().launch()).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200
        assert WELCOME in json.loads(response.read())["response"]["outputSpeech"]["ssml"]
    bad = urllib.request.Request(dev_server + "/", data=b"{oops", method="POST")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(bad, timeout=10)
    assert refused.value.code == 400


def test_dev_mode_refuses_to_bind_beyond_loopback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--dev", "--host", "0.0.0.0", "--port", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "loopback only" in result.stderr


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("::1", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("10.0.0.5", False),
        ("example", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_deeply_nested_body_gets_400_not_500(client: FlaskClient) -> None:
    response = client.post("/", data=b"[" * 100_000, content_type="application/json")
    assert (response.status_code, response.get_json()) == (400, {"error": "body is not UTF-8 JSON"})


SENTINEL = "my secret words about my body"


def test_unexpected_error_is_logged_by_type_and_stack_never_its_message(
    client: FlaskClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(body: bytes, skill: object) -> None:
        raise RuntimeError(f"could not handle {SENTINEL}")

    monkeypatch.setattr(web, "parse_envelope", broken)
    response = client.post("/", json=Session().launch())
    assert response.status_code == 500 and response.get_json() == {"error": "internal error"}
    assert "unexpected RuntimeError" in caplog.text
    assert SENTINEL not in caplog.text


def test_error_handler_logs_no_user_words(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from skill.builder import lambda_handler
    from skill.conversation import topics

    def broken(self: object, turn: object) -> None:
        raise ValueError(f"heard {SENTINEL}")

    monkeypatch.setattr(topics.RoutedTopicHandler, "answer", broken)
    caplog.set_level(logging.INFO)
    envelope = Session().intent("SymptomIntent", {"symptom": {"name": "symptom", "value": SENTINEL}})
    answer = lambda_handler(clock=lambda: OPEN_TIME)(envelope, None)
    assert answer["response"]["shouldEndSession"] is False
    assert "unhandled ValueError" in caplog.text and SENTINEL not in caplog.text
