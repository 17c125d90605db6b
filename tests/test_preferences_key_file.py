"""Preferences on by default where the skill is self-hosted: ``make run`` and
``python -m skill serve`` with no ``PREFERENCES_KEY`` make a key once, keep it beside the
SQLite file (owner only, whole or not at all), say so once (never the key), and read it
back on later starts. Lambda never makes one. A key file that cannot be read leaves the
skill answering, without remembering, after one warning.

Driven with Alexa's JSON envelopes, through the app that ``serve --dev`` makes
(``server.make_app``) and through the real command."""

from __future__ import annotations

import argparse
import json
import logging
import os
import stat
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from scripts import build_lambda
from skill import builder, preferences
from skill.devtools.envelopes import Session
from skill.devtools.serving import free_port, running_server
from skill.hosts import server
from skill.preferences import key_file
from tests.conftest import DISCLAIMER, SLOW

DATABASE = Path("secondary-breast-cancer-help") / "preferences.sqlite3"
MADE = "a new key was made"
NOT_REMEMBERED = "preferences: not remembered"


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh server's world: its state folder empty, and no key exported."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.delenv("PREFERENCES_KEY", raising=False)
    return tmp_path


def key_path(state: Path) -> Path:
    return key_file.path_for(state / DATABASE)


Send = Callable[[dict[str, Any]], dict[str, Any]]


def dev_app() -> tuple[Send, Callable[[], dict[str, Any]]]:
    """The application ``serve --dev`` makes, and a way to post envelopes to it and to
    ask it for ``/health``."""
    client = server.make_app(argparse.Namespace(dev=True)).test_client()

    def send(envelope: dict[str, Any]) -> dict[str, Any]:
        response = client.post("/", json=envelope)
        assert response.status_code == 200, response.data
        answer: dict[str, Any] = response.get_json()
        return answer

    def health() -> dict[str, Any]:
        found: dict[str, Any] = client.get("/health").get_json()
        return found

    return send, health


def first_session(send: Send, session: Session) -> None:
    """Open, hear an answer (and the disclaimer), ask for slower speech, leave."""
    for envelope in (session.launch(), session.intent("TreatmentOptionsIntent")):
        session.carry(answer := send(envelope))
    assert DISCLAIMER in answer["response"]["outputSpeech"]["ssml"]
    session.carry(slower := send(session.intent("SpeakSlowerIntent")))
    assert slower["response"]["outputSpeech"]["ssml"].startswith(SLOW)
    send(session.session_ended())


def next_session(session: Session) -> Session:
    """The same user on the same device, another day."""
    return Session(user_id=session.user_id, device_id=session.device_id)


def preference_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and r.name.startswith("skill.preferences")
    ]


def comes_back_slow(send: Send, session: Session) -> bool:
    welcome = send(session.launch())["response"]["outputSpeech"]["ssml"]
    assert "Welcome" in welcome
    return welcome.startswith(SLOW)


def test_serve_dev_with_no_key_remembers_speak_slower_across_sessions(
    state: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="skill")
    send, health = dev_app()
    assert health() == {"status": "ok", "preferences": "on"}
    user = Session()
    first_session(send, user)
    again = next_session(user)
    assert comes_back_slow(send, again)
    # The note about general information is not given twice either.
    assert DISCLAIMER not in send(again.intent("TreatmentOptionsIntent"))["response"]["outputSpeech"]["ssml"]
    # Said once, naming where the key is, and never the key itself.
    key = key_path(state).read_text().strip()
    assert len(key) == 2 * key_file.KEY_BYTES
    made = [r.getMessage() for r in caplog.records if MADE in r.getMessage()]
    assert len(made) == 1 and str(key_path(state)) in made[0]
    assert key not in caplog.text
    assert preference_warnings(caplog) == []


def test_the_key_file_is_owner_only_from_the_start_even_under_umask_000(state: Path) -> None:
    old = os.umask(0)
    try:
        dev_app()
    finally:
        os.umask(old)
    assert stat.S_IMODE(key_path(state).stat().st_mode) == 0o600
    assert stat.S_IMODE(key_path(state).parent.stat().st_mode) == 0o700
    # Nothing but the key is left behind (no temporary file).
    assert sorted(p.name for p in key_path(state).parent.iterdir() if "key" in p.name) == [
        key_path(state).name
    ]


def test_a_second_start_reuses_the_key_and_remembers(state: Path, caplog: pytest.LogCaptureFixture) -> None:
    send, _ = dev_app()
    user = Session()
    first_session(send, user)
    key = key_path(state).read_bytes()
    caplog.clear()
    caplog.set_level(logging.INFO, logger="skill")
    send, health = dev_app()  # the server restarted
    assert health()["preferences"] == "on"
    assert key_path(state).read_bytes() == key
    assert comes_back_slow(send, next_session(user))
    assert not [r for r in caplog.records if MADE in r.getMessage()]
    assert any("key kept beside it" in r.getMessage() for r in caplog.records)


def test_an_exported_key_is_used_and_no_key_file_is_made(
    state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PREFERENCES_KEY", "an-operators-own-key-" + "0" * 32)
    _, health = dev_app()
    assert health()["preferences"] == "on"
    assert (state / DATABASE).exists() and not key_path(state).exists()


def _directory(path: Path) -> None:
    path.mkdir(parents=True)


def _short(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_text("too short\n")


def _binary(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\xff\xfe" * 40)


@pytest.mark.parametrize(
    ("make_broken", "named"),
    [
        (_directory, "is not a regular file"),
        (_short, "does not hold a key of at least 32 characters"),
        (_binary, "does not hold a key (not text)"),
    ],
)
def test_a_key_file_that_cannot_be_read_fails_open_and_says_so(
    state: Path, caplog: pytest.LogCaptureFixture, make_broken: Callable[[Path], None], named: str
) -> None:
    """The skill still answers (the emergency first of all); it just does not remember.
    A file that is there is never replaced. (A file without read permission, met by the
    real command, is in tests/test_preferences_faults.py.)"""
    make_broken(key_path(state))
    send, health = dev_app()
    assert health() == {"status": "ok", "preferences": "unavailable"}
    user = Session()
    first_session(send, user)
    emergency = send(user.intent("EmergencyIntent"))["response"]["outputSpeech"]["ssml"]
    assert "999" in emergency
    assert not comes_back_slow(send, next_session(user))
    warnings = preference_warnings(caplog)
    assert len(warnings) == 1, warnings
    assert NOT_REMEMBERED in warnings[0] and str(key_path(state)) in warnings[0] and named in warnings[0]
    assert not (state / DATABASE).exists()  # the store is not opened without its key


def test_lambda_never_makes_a_key(state: Path, caplog: pytest.LogCaptureFixture) -> None:
    """On Lambda the key comes from the template's parameter: even told to keep SQLite
    (its disk is not kept), with no key it remembers nothing and makes none."""
    env = {"XDG_STATE_HOME": str(state), "AWS_LAMBDA_FUNCTION_NAME": "skill", "PREFERENCES_STORE": "sqlite"}
    assert builder.create_skill(environ=env).preferences_status == "unavailable"
    assert preferences.open_store(env, make_key=True) == (None, "unavailable")
    assert not key_path(state).exists() and not (state / DATABASE).exists()
    warnings = preference_warnings(caplog)
    assert len(warnings) == 2 and all("PREFERENCES_KEY is not set" in w for w in warnings)
    # The Lambda zip does not even carry the code that makes one.
    assert "preferences/key_file.py" in build_lambda.LEFT_OUT
    source = (Path(build_lambda.__file__).parents[1] / "skill" / "hosts" / "lambda_host.py").read_text()
    assert "make_key" not in source


def test_servers_sharing_a_dynamodb_table_are_never_given_a_key_of_their_own(state: Path) -> None:
    env = {"XDG_STATE_HOME": str(state), "PREFERENCES_TABLE": "preferences", "AWS_REGION": "eu-west-2"}
    assert preferences.open_store(env, make_key=True) == (None, "unavailable")
    assert not key_path(state).exists()


def test_processes_starting_at_once_end_up_with_one_key(tmp_path: Path) -> None:
    path = tmp_path / "folder" / "preferences.sqlite3.key"
    results: list[tuple[str, bool]] = []
    start = threading.Barrier(8)

    def race() -> None:
        start.wait()
        results.append(key_file.load_or_make(path))

    threads = [threading.Thread(target=race) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({key for key, _ in results}) == 1
    assert sum(made for _, made in results) == 1
    assert path.read_text().strip() == results[0][0]
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_a_key_file_others_could_read_is_made_owner_only_again(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    key, made = key_file.load_or_make(path)
    assert made
    path.chmod(0o644)
    assert key_file.load_or_make(path) == (key, False)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


# --- The real command ----------------------------------------------------------------------


def post(url: str, envelope: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url + "/", data=json.dumps(envelope).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_a_fresh_serve_dev_remembers_with_no_key_exported_and_reuses_its_key(tmp_path: Path) -> None:
    """``python -m skill serve --dev``, started twice on a fresh state folder, with
    ``PREFERENCES_KEY`` empty: the second start reads the first one's key back."""
    env = {"XDG_STATE_HOME": str(tmp_path), "PREFERENCES_KEY": "", "PYTHONWARNINGS": "ignore"}
    command = ["-m", "skill", "serve", "--dev", "--workers", "1", "--threads", "2"]
    user = Session()
    port = free_port()
    with running_server([*command, "--port", str(port)], port=port, env=env) as first:
        first_session(lambda envelope: post(first.url, envelope), user)
        with urllib.request.urlopen(f"{first.url}/health", timeout=10) as response:
            assert json.loads(response.read())["preferences"] == "on"
        first_output = first.output()
    key = key_path(tmp_path).read_text().strip()
    assert first_output.count(MADE) == 1 and key not in first_output
    port = free_port()
    with running_server([*command, "--port", str(port)], port=port, env=env) as second:
        assert comes_back_slow(lambda envelope: post(second.url, envelope), next_session(user))
        second_output = second.output()
    assert MADE not in second_output and NOT_REMEMBERED not in second_output
    assert key_path(tmp_path).read_text().strip() == key
