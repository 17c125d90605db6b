"""``python -m skill replay``: a recorded request played through the real Lambda handler,
with a trace that says which handler answered and whether the safety net took over."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from skill import cli
from skill.devtools.envelopes import Session, slot_json
from tests.conftest import ROOT

SATURDAY_EVENING = "2026-03-28T19:00:00+00:00"


def recorded(tmp_path: Path, envelope: dict[str, Any] | str, name: str = "request.json") -> str:
    path = tmp_path / name
    path.write_text(envelope if isinstance(envelope, str) else json.dumps(envelope), encoding="utf-8")
    return str(path)


def replay(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    out = io.StringIO()
    code = cli.main(["replay", *argv], out=out)
    return code, out.getvalue(), capsys.readouterr().err


def test_an_emergency_heard_through_a_slot_replays_with_the_safety_net_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    slot = slot_json("symptom", "chest pain", "SymptomType", None, None)
    envelope = Session().intent("SymptomIntent", {"symptom": slot})
    code, out, err = replay(capsys, recorded(tmp_path, envelope), "--trace")
    assert code == 0, err
    assert out.startswith("Alexa: Call 999 now.")
    assert "Session: stays open" in out
    trace = out.split("Trace:\n", 1)[1]
    assert "  handler: SlotSafetyNetHandler\n" in trace
    assert "  safety net: took over: a slot matched the emergency list\n" in trace
    assert "TurnInterceptor" in trace.split("\n")[0]
    # Which list matched, never the words that matched it.
    assert "chest pain" not in out


def test_an_ordinary_question_names_its_handler_and_the_session_attributes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    envelope = Session().intent("TreatmentOptionsIntent")
    code, out, _ = replay(capsys, recorded(tmp_path, envelope), "--trace")
    assert code == 0
    assert "Reprompt: " in out and "Card: " in out
    assert "  handler: TopicHandler\n" in out
    assert "  safety net: did not take over" in out
    assert "  response interceptors: " in out
    assert '    thread = "treatment_types"\n' in out


def test_without_trace_only_the_reply_is_printed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = replay(capsys, recorded(tmp_path, Session().launch()))
    assert code == 0
    assert out.startswith("Alexa: ")
    assert "Trace:" not in out


def test_the_clock_is_the_requests_own_time_unless_at_is_given(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saturday = datetime.fromisoformat(SATURDAY_EVENING)
    path = recorded(tmp_path, Session().intent("HelplineHoursIntent", at=saturday))
    _, at_recording, _ = replay(capsys, path)
    _, on_monday, _ = replay(capsys, path, "--at", "2026-03-30T10:00+01:00")
    assert at_recording != on_monday


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not JSON"),
        ("[1, 2]", "is not an Alexa request envelope"),
        ('{"version": "1.0", "request": {"intent": {}}}', "is not an Alexa request envelope"),
        ('{"version": "1.0", "request": {"type": "IntentRequest"}, "context": []}', "must be objects"),
    ],
)
def test_a_malformed_file_is_a_clear_error_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    code, out, err = replay(capsys, recorded(tmp_path, content))
    assert code == 2
    assert message in err
    assert "Traceback" not in err + out


def test_a_missing_file_or_a_bad_time_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = replay(capsys, str(tmp_path / "absent.json"))
    assert code == 2 and "cannot read" in err
    code, _, err = replay(capsys, recorded(tmp_path, Session().launch()), "--at", "2026-03-30T10:00")
    assert code == 2 and "--at needs a time zone" in err


def test_from_the_command_line_a_malformed_file_exits_2_without_a_traceback(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "replay", recorded(tmp_path, "{not json"), "--trace"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith("replay: ") and "Traceback" not in result.stderr


def test_the_trace_names_the_offer_decision_and_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    session = Session()
    first = Session().intent("TreatmentOptionsIntent")
    code, out, _ = replay(capsys, recorded(tmp_path, first), "--trace")
    assert code == 0 and "  offer: offered the nurse helpline number (1 in a row)\n" in out
    session.attributes = {"offerStreak": 2, "pending": "helpline"}
    third = session.intent("WhatIsIntent")
    code, out, _ = replay(capsys, recorded(tmp_path, third), "--trace")
    assert code == 0 and "  offer: no offer: offered 2 times in a row, passed over each time\n" in out
