"""The one skill every host serves: its serializer reads Alexa's timestamps quickly and
exactly, and falls back to the SDK's own parser for anything else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ask_sdk_model import RequestEnvelope

from skill.builder import Serializer, create_skill
from skill.devtools.envelopes import Session


def test_alexas_timestamp_is_read_as_an_aware_utc_datetime() -> None:
    event = Session().launch(at=datetime(2026, 3, 29, 0, 30, tzinfo=UTC))
    envelope = Serializer().deserialize(json.dumps(event), RequestEnvelope)
    assert envelope.request.timestamp == datetime(2026, 3, 29, 0, 30, tzinfo=UTC)
    assert envelope.request.timestamp.utcoffset().total_seconds() == 0


def test_a_timestamp_fromisoformat_refuses_goes_to_the_sdks_parser() -> None:
    event = Session().launch()
    event["request"]["timestamp"] = "29 March 2026 00:30 UTC"
    envelope = Serializer().deserialize(json.dumps(event), RequestEnvelope)
    assert envelope.request.timestamp.replace(tzinfo=None) == datetime(2026, 3, 29, 0, 30)


def test_every_host_gets_the_skill_with_this_serializer() -> None:
    assert isinstance(create_skill().serializer, Serializer)
