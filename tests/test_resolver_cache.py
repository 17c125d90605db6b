"""The typed tools' trained resolver is kept on disk, keyed by what it was trained on."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from skill.devtools import generalising
from skill.devtools.generalising import GeneralisingResolver, cache_key, cached_resolver


def tiny_model() -> dict[str, Any]:
    intents = [
        {
            "name": "HelplineIntent",
            "samples": ["what's the nurse number", "nurse number please", "phone the nurses"],
        },
        {
            "name": "SupportIntent",
            "samples": ["support at home", "help at home", "someone to visit us at home"],
        },
        {"name": "AMAZON.FallbackIntent", "samples": ["what's the weather"]},
    ]
    return {"interactionModel": {"languageModel": {"invocationName": "x", "intents": intents, "types": []}}}


def test_a_trained_resolver_is_stored_and_read_back_instead_of_trained_again(
    tmp_path: Path, monkeypatch
) -> None:
    model = tiny_model()
    first = cached_resolver(model, tmp_path)
    stored = list(tmp_path.glob("resolver-*.pickle"))
    assert [path.name for path in stored] == [f"resolver-{cache_key(model)}.pickle"]

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again although a cached resolver was there")

    monkeypatch.setattr(GeneralisingResolver, "__init__", no_training)
    second = cached_resolver(model, tmp_path)
    assert second is not first
    assert (
        second.resolve("the nurse number").intent
        == first.resolve("the nurse number").intent
        == "HelplineIntent"
    )


def test_the_key_changes_with_the_model_and_the_settings() -> None:
    model = tiny_model()
    changed = copy.deepcopy(model)
    changed["interactionModel"]["languageModel"]["intents"][0]["samples"].append("ring a nurse")
    assert cache_key(model) != cache_key(changed)
    other = generalising.Settings(threshold=0.5)
    assert cache_key(model) != cache_key(model, other)


def test_a_broken_cache_file_is_trained_over_never_trusted(tmp_path: Path) -> None:
    model = tiny_model()
    (tmp_path / f"resolver-{cache_key(model)}.pickle").write_bytes(b"not a pickle")
    resolver = cached_resolver(model, tmp_path)
    assert resolver.resolve("support at home please").intent == "SupportIntent"
