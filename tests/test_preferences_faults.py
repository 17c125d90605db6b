"""An optional feature never takes the skill down: a preference store that cannot be
opened or used at start-up (a corrupt file, a file locked by another process, a
read-only folder, a full disk, DynamoDB out of reach) leaves the skill answering, the
emergency answer first of all, without preferences, after one warning that names the
error's type and the path, and never anything about a user.

Each fault is made for real and met by the real hosts in their own processes: the web
service (``python -m skill serve --dev`` on 127.0.0.1, whose ``/health`` then says
``"preferences": "unavailable"``) and the Lambda entry point (``lambda_function``),
both sent Alexa's JSON envelopes.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from skill.devtools.envelopes import Session, slot_json
from skill.devtools.serving import FAKE_AWS, free_port, stop
from skill.preferences.sqlite import SqliteAdapter
from skill.speech import plain_text
from tests.conftest import KEYS, ROOT, hold_write_lock, said

USER = "amzn1.ask.account.FAULTS-USER-ID"
WARNING = "preferences: not remembered"


def _drop_root_overrides() -> None:
    """Run as root, a process may write anywhere: take away the capabilities that let
    it (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER) before the host starts, so
    that a read-only folder is read-only to it too."""
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2, 3):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _full_disk() -> None:
    """No file may grow past 100 bytes: every write that would, fails, as on a full disk.
    (The host's output goes to a pipe, which the limit does not touch.)"""
    resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))


@dataclass
class Fault:
    """The environment that points the host at a broken store, what runs in the host's
    process before it starts, and what the one warning must name."""

    env: dict[str, str]
    names: list[str]
    before_start: Callable[[], None] | None = None
    cleanup: list[Callable[[], None]] = field(default_factory=list)


def corrupt(folder: Path) -> Fault:
    path = folder / "preferences.sqlite3"
    path.write_bytes(b"this is not a database " * 200)
    return Fault({"PREFERENCES_DB": str(path)}, [str(path), "DatabaseError SQLITE_NOTADB"])


def locked(folder: Path) -> Fault:
    path = folder / "preferences.sqlite3"
    SqliteAdapter(path, keys=KEYS)
    release = hold_write_lock(path)
    names = [str(path), "OperationalError SQLITE_BUSY"]
    return Fault({"PREFERENCES_DB": str(path)}, names, cleanup=[release])


def read_only(folder: Path) -> Fault:
    readonly = folder / "read-only"
    readonly.mkdir()
    readonly.chmod(0o500)
    path = readonly / "preferences.sqlite3"
    before = _drop_root_overrides if os.geteuid() == 0 else None
    return Fault(
        {"PREFERENCES_DB": str(path)},
        [str(path), "PermissionError EACCES"],
        before_start=before,
        cleanup=[lambda: readonly.chmod(0o700)],
    )


def full(folder: Path) -> Fault:
    path = folder / "preferences.sqlite3"
    return Fault({"PREFERENCES_DB": str(path)}, [str(path), "OperationalError SQLITE_IOERR"], _full_disk)


def dynamodb_unreachable(folder: Path) -> Fault:
    env = {
        **FAKE_AWS,
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{free_port()}",  # nothing listens there
        "PREFERENCES_TABLE": "preferences",
        "PREFERENCES_TIMEOUT": "0.5",
    }
    return Fault(env, ["DynamoDB table preferences", "EndpointConnectionError"])


FAULTS = {
    "corrupt file": corrupt,
    "locked file": locked,
    "read-only folder": read_only,
    "full disk": full,
    "DynamoDB unreachable": dynamodb_unreachable,
}


@pytest.fixture(params=list(FAULTS))
def fault(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Fault]:
    made = FAULTS[request.param](tmp_path)
    try:
        yield made
    finally:
        for undo in made.cleanup:
            undo()


def envelopes() -> list[dict[str, Any]]:
    """A user opens the skill, says it is an emergency, then asks about chest pain (the
    safety net, in a slot), then asks to speak slower (a turn that would write)."""
    session = Session(user_id=USER)
    chest_pain = {"symptom": slot_json("symptom", "chest pain", "SymptomType", None, None)}
    return [
        session.launch(),
        session.intent("EmergencyIntent"),
        session.intent("SymptomIntent", chest_pain),
        session.intent("SpeakSlowerIntent"),
    ]


def assert_answered(responses: list[dict[str, Any]]) -> None:
    welcome, emergency, slot_emergency, slower = (r["response"] for r in responses)
    assert "Welcome" in welcome["outputSpeech"]["ssml"]
    for answer in (emergency, slot_emergency):
        assert plain_text(answer["outputSpeech"]["ssml"]) == said("emergency_now")
        assert answer.get("shouldEndSession") is not True
    assert slower["outputSpeech"]["ssml"].startswith('<speak><prosody rate="80%">')


def assert_one_warning(output: str, fault: Fault) -> None:
    warnings = [line for line in output.splitlines() if WARNING in line]
    assert len(warnings) == 1, output
    for name in fault.names:
        assert name in warnings[0], warnings[0]
    assert USER not in output and "FAULTS-USER" not in output


@contextmanager
def dev_server(fault: Fault) -> Iterator[tuple[str, Callable[[], str]]]:
    """``python -m skill serve --dev`` with the fault, its output in a pipe (so that the
    full disk's file-size limit does not touch it)."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "skill", "serve", "--dev", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **fault.env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        preexec_fn=fault.before_start,
    )
    url = f"http://127.0.0.1:{port}"
    output: list[str] = []

    def finished_output() -> str:
        stop(process, grace=15)
        assert process.stdout is not None
        output.append(process.stdout.read())
        return "".join(output)

    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError(f"the server stopped:\n{finished_output()}")
            try:
                urllib.request.urlopen(f"{url}/health", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise AssertionError(f"the server never answered:\n{finished_output()}") from None
                time.sleep(0.1)
        yield url, finished_output
    finally:
        if process.poll() is None:
            stop(process, grace=15)


def post(url: str, envelope: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url + "/", data=json.dumps(envelope).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        answer: dict[str, Any] = json.loads(response.read())
        return answer


def test_the_web_service_starts_and_answers_without_a_broken_store(fault: Fault) -> None:
    with dev_server(fault) as (url, finished_output):
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok", "preferences": "unavailable"}
        assert_answered([post(url, envelope) for envelope in envelopes()])
        output = finished_output()
    assert_one_warning(output, fault)


LAMBDA = """
import json, sys
sys.path.insert(0, "lambda")
import lambda_function
events = json.loads(sys.stdin.read())
print(json.dumps([lambda_function.lambda_handler(event, None) for event in events]))
"""


def test_the_lambda_function_starts_and_answers_without_a_broken_store(fault: Fault) -> None:
    env = {
        **os.environ,
        "AWS_LAMBDA_FUNCTION_NAME": "skill",
        # On Lambda the SQLite store is chosen only when asked for.
        "PREFERENCES_STORE": "dynamodb" if "PREFERENCES_TABLE" in fault.env else "sqlite",
        **fault.env,
    }
    result = subprocess.run(
        [sys.executable, "-c", LAMBDA],
        cwd=ROOT,
        env=env,
        input=json.dumps(envelopes()),
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=fault.before_start,
    )
    assert result.returncode == 0, result.stderr
    assert_answered(json.loads(result.stdout.splitlines()[-1]))
    assert_one_warning(result.stderr, fault)


def test_the_web_service_answers_without_memory_when_its_key_file_cannot_be_read(tmp_path: Path) -> None:
    """With no PREFERENCES_KEY, the web service reads the key it keeps beside the SQLite
    file (skill/preferences/key_file.py); one it may not read is a fault like the others."""
    database = tmp_path / "preferences.sqlite3"
    key = tmp_path / "preferences.sqlite3.key"
    key.write_text("0123456789abcdef" * 4 + "\n")
    key.chmod(0o000)
    before = _drop_root_overrides if os.geteuid() == 0 else None
    unreadable = Fault(
        {"PREFERENCES_DB": str(database), "PREFERENCES_KEY": ""}, [str(key), "PermissionError EACCES"], before
    )
    with dev_server(unreadable) as (url, finished_output):
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok", "preferences": "unavailable"}
        assert_answered([post(url, envelope) for envelope in envelopes()])
        output = finished_output()
    assert_one_warning(output, unreadable)
    assert "0123456789abcdef" not in output
    key.chmod(0o600)
    assert key.read_text() == "0123456789abcdef" * 4 + "\n"  # never replaced
    assert not database.exists()


def test_a_store_that_opens_is_reported_on(tmp_path: Path) -> None:
    """The other side: with a good store, /health says so."""
    good = Fault({"PREFERENCES_DB": str(tmp_path / "p.sqlite3")}, [])
    with dev_server(good) as (url, finished_output):
        with urllib.request.urlopen(f"{url}/health", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok", "preferences": "on"}
        finished_output()
    with sqlite3.connect(tmp_path / "p.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM preferences").fetchone() == (0,)
