"""In production, one DEBUG line names the handler that answered: no user data, off at INFO."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest

from skill import builder
from skill.devtools.envelopes import Session, slot_json


def answer(envelope: dict[str, Any]) -> None:
    skill_builder = builder.build()  # which installs the handler log
    # The SDK's own Lambda handler: its type says a string, but it takes the event's dict.
    skill_builder.lambda_handler()(cast(str, envelope), None)


def handler_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "skill.handler"]


def test_one_debug_line_names_the_handler_chosen_and_nothing_the_user_said(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="skill")
    slot = slot_json("symptom", "chest pain", "SymptomType", None, None)
    envelope = Session().intent("SymptomIntent", {"symptom": slot})
    answer(envelope)
    [line] = handler_lines(caplog)
    assert line.levelno == logging.DEBUG
    request_id = envelope["request"]["requestId"]
    assert line.getMessage() == f"request={request_id!r} handler=SlotSafetyNetHandler"
    user = envelope["session"]["user"]["userId"]
    assert "chest pain" not in line.getMessage() and user not in line.getMessage()


def test_the_handler_line_is_off_at_info(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="skill")
    answer(Session().launch())
    assert handler_lines(caplog) == []
