"""The skill's own sentences: every key the code uses, with only the fields it fills."""

from __future__ import annotations

import random
import tomllib
from importlib import resources

import pytest

from skill import dialogue
from skill.dialogue import DialogueError


def data() -> dict:
    return tomllib.loads(resources.files("skill.dialogue").joinpath("en-GB.toml").read_text())


def test_the_file_has_exactly_the_keys_the_code_uses() -> None:
    assert dialogue.load().keys == set(dialogue.KEYS)


def test_missing_key_fails_at_load() -> None:
    broken = data()
    del broken["goodbye"]
    with pytest.raises(DialogueError, match="missing keys \\['goodbye'\\]"):
        dialogue.parse("en-GB", broken)


def test_unknown_field_fails_at_load() -> None:
    broken = data()
    broken["goodbye"] = "Goodbye {name}."
    with pytest.raises(DialogueError, match="unknown fields"):
        dialogue.parse("en-GB", broken)


def test_fields_are_filled_in() -> None:
    assert dialogue.load().say("when_day", day="Monday", opens="9am") == "on Monday at 9am"


def test_say_with_a_random_source_picks_every_phrasing_of_a_key() -> None:
    rng = random.Random(1)
    said = {dialogue.load().say("goodbye", rng) for _ in range(50)}
    assert said == set(data()["goodbye"])


def test_unknown_locale_falls_back_to_british_english() -> None:
    assert dialogue.load("fr-FR").locale == "en-GB"


def test_request_locales_do_not_grow_the_cache() -> None:
    for n in range(50):
        dialogue.load(f"xx-{n}")
    assert dialogue._load.cache_info().currsize <= len(dialogue._available())
