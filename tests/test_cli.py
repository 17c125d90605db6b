"""The developer tools: ask and chat, as a developer types them."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

from skill import knowledge
from skill.cli import main
from tests.conftest import WELCOME, first_sentence, said, topic_speech

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str, typed: str = "") -> str:
    out = io.StringIO()
    assert main(list(argv), out=out, lines=io.StringIO(typed)) == 0
    return out.getvalue()


def test_ask_prints_what_alexa_would_say() -> None:
    printed = run("ask", "what can help with bone pain")
    assert "(SymptomIntent symptom=bone_pain " in printed
    assert f"Alexa: {first_sentence(topic_speech('bone_pain'))}" in printed


def test_ask_json_prints_the_whole_response() -> None:
    response = json.loads(run("ask", "read me the nurse number", "--json", "--at", "2026-03-02T11:00+00:00"))
    assert response["response"]["card"]["title"] == "Cancer Research UK nurse helpline"
    assert said("helpline_open_now", closes="5pm") in response["response"]["outputSpeech"]["ssml"]


def test_ask_on_st_andrews_day_at_ten_says_the_line_is_open_now() -> None:
    # Monday 30 November 2026: a bank holiday in Scotland only, an ordinary day for the line.
    printed = run("ask", "--at", "2026-11-30T10:00+00:00", "are the nurses open now")
    assert "(HelplineHoursIntent" in printed  # a sample word for word: no time, so now
    hours = knowledge.load().helpline.hours_text
    assert f"Alexa: {said('hours_open_answer', closes='5pm', hours=hours)}" in printed
    assert "holiday" not in printed


def test_ask_with_nothing_opens_the_skill() -> None:
    assert f"Alexa: {WELCOME}" in run("ask", "")


def test_chat_carries_the_conversation_across_turns() -> None:
    printed = run(
        "chat", "--cards", "--at", "2026-03-07T20:00+00:00", typed="what is radiotherapy\nyes\nno\nno\n"
    )
    assert f"Alexa: {first_sentence(topic_speech('radiotherapy'))}" in printed
    assert said("next_opening", when=said("when_day", day="Monday", opens="9am")) in printed
    assert "[card] Cancer Research UK nurse helpline" in printed
    assert "remind you when the line opens, on Monday at 9am?" in printed
    assert "no reminder" in printed
    assert "Goodbye" in printed.rstrip().splitlines()[-1]


def test_chat_as_a_real_process() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "chat"],
        cwd=ROOT,
        input="tell me about chemo\ntell me more\n\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Alexa: Chemotherapy can help to reduce symptoms" in result.stdout
    chemotherapy = knowledge.load().topics["chemotherapy"]
    assert chemotherapy.more.split(".")[0] in result.stdout  # "tell me more" is the fuller answer


def test_chat_shows_that_alexa_asks_for_the_reminders_permission() -> None:
    printed = run("chat", "--at", "2026-03-07T20:00+00:00", typed="read me the nurse number\nyes\n")
    assert "remind you when the line opens, on Monday at 9am?" in printed
    assert "[Alexa asks the user, by voice, to allow the skill's reminders]" in printed
