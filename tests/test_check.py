"""`python -m skill check` passes on the real files and fails on broken ones."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from skill import builder, knowledge
from skill.devtools import check
from skill.devtools.envelopes import Session, slot_json
from skill.devtools.nlu import load_model

ROOT = Path(__file__).resolve().parents[1]


def manifest() -> dict:
    return json.loads((ROOT / "interaction_models" / "skill.json").read_text())


def intents(model: dict) -> list[dict]:
    return model["interactionModel"]["languageModel"]["intents"]


def test_check_passes_on_the_real_model_and_content() -> None:
    assert check.run() == []


def test_check_command_exits_zero() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "check"], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "check passed" in result.stdout


def test_check_command_exits_non_zero_on_a_broken_model(tmp_path: Path) -> None:
    """The real command, on a copy of the project whose model lacks an intent."""
    copy_root = tmp_path / "project"
    (copy_root / "interaction_models").mkdir(parents=True)
    model = load_model()
    model["interactionModel"]["languageModel"]["intents"] = [
        i for i in intents(model) if i["name"] != "HelplineIntent"
    ]
    (copy_root / "interaction_models" / "en-GB.json").write_text(json.dumps(model))
    (copy_root / "interaction_models" / "skill.json").write_text(json.dumps(manifest()))
    subprocess.run(["cp", "-r", str(ROOT / "skill"), str(copy_root / "skill")], check=True)
    result = subprocess.run(
        [sys.executable, "-m", "skill", "check"], cwd=copy_root, capture_output=True, text=True
    )
    assert result.returncode == 1
    assert "code: a handler answers HelplineIntent, which the model does not have" in result.stdout


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (
            lambda m: intents(m).append({"name": "OrphanIntent", "samples": ["orphan"]}),
            "OrphanIntent has no handler",
        ),
        (
            lambda m: intents(m).pop(
                next(i for i, x in enumerate(intents(m)) if x["name"] == "AMAZON.StopIntent")
            ),
            "AMAZON.StopIntent is missing",
        ),
        (lambda m: intents(m)[0]["samples"].append("tell me about {nothing}"), "unknown slot {nothing}"),
        (lambda m: intents(m)[1]["samples"].append(intents(m)[0]["samples"][0]), "is in both"),
        (lambda m: intents(m)[0]["samples"].append("what is 5G"), "characters Alexa refuses"),
        (lambda m: m["interactionModel"]["languageModel"].update(invocationName="Help"), "invocation name"),
    ],
)
def test_check_fails_on_a_broken_model(breakage, problem: str) -> None:
    model = copy.deepcopy(load_model())
    breakage(model)
    problems = check.run(model=model)
    assert any(problem in p for p in problems), problems


def test_check_fails_when_a_slot_value_leads_nowhere() -> None:
    model = copy.deepcopy(load_model())
    types = model["interactionModel"]["languageModel"]["types"]
    treatment = next(t for t in types if t["name"] == "TreatmentType")
    treatment["values"].append({"id": "immunotherapy", "name": {"value": "immunotherapy"}})
    assert "content: treatment value immunotherapy leads to no topic" in check.run(model=model)


def test_check_fails_when_a_topic_cannot_be_reached() -> None:
    data = tomllib.loads(resources.files("skill.knowledge").joinpath("topics.toml").read_text())
    data["topics"]["choices"]["intents"] = []
    broken = knowledge.parse(data)
    problems = check.run(load_knowledge=lambda: broken)
    assert "content: topics.choices cannot be reached by voice" in problems
    assert "model: intent ChoicesIntent has no handler" in problems


def test_check_reports_a_model_of_the_wrong_shape() -> None:
    assert check.run(model={"languageModel": {}}) == [check._MALFORMED]


def test_check_reports_broken_content_instead_of_crashing() -> None:
    def broken() -> knowledge.Knowledge:
        raise knowledge.ContentError("topics.what_is: 'speech' must be non-empty text")

    assert check.run(load_knowledge=broken) == ["content: topics.what_is: 'speech' must be non-empty text"]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (
            lambda m: m["manifest"]["publishingInformation"]["locales"]["en-GB"].update(
                description="A skill."
            ),
            "disclaimer",
        ),
        (
            lambda m: m["manifest"]["publishingInformation"]["locales"]["en-GB"]["examplePhrases"].append(
                "Alexa, ask secondary breast cancer help to sing a song"
            ),
            "matches no sample",
        ),
        (lambda m: m["manifest"]["privacyAndCompliance"].pop("containsAds"), "containsAds"),
        (lambda m: m["manifest"].pop("permissions"), "alexa::alerts:reminders:skill:readwrite"),
        (lambda m: m["manifest"]["apis"]["custom"].pop("interfaces"), "ALEXA_PRESENTATION_APL"),
    ],
)
def test_check_fails_on_a_broken_manifest(change, problem: str) -> None:
    broken = manifest()
    change(broken)
    problems = check.run(manifest=broken)
    assert any(problem in p for p in problems), problems


def test_the_map_shows_which_handler_and_topic_each_intent_reaches() -> None:
    lines = check.routing_map()
    assert "CrisisIntent -> CrisisHandler" in lines
    assert "PracticalitiesIntent -> TopicHandler -> practical_factors" in lines
    assert "SymptomIntent -> RoutedTopicHandler -> by symptom (none: controlling_symptoms)" in lines
    assert "    symptom=bone_pain -> bone_pain" in lines
    assert not [line for line in lines if "(no handler)" in line]


def test_every_response_to_every_intent_and_slot_value_is_valid_ssml_and_says_something() -> None:
    """Every intent, every slot value, an unknown value and none, at both speeds, with the
    line open and closed: slow, so here and not in `python -m skill check`."""
    assert check.check_responses(load_model()) == []


def test_a_response_that_says_nothing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    real = builder.lambda_handler

    def silent(**kwargs: Any) -> Any:
        handler = real(**kwargs)

        def wrapped(envelope: dict[str, Any], context: Any) -> dict[str, Any]:
            answer = handler(envelope, context)
            answer["response"].pop("outputSpeech", None)
            return answer

        return wrapped

    monkeypatch.setattr(check.builder, "lambda_handler", silent)
    problems = check.check_responses(load_model())
    assert "response to launch: says nothing" in problems


def test_a_package_not_built_yet_is_a_note_and_a_stale_one_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check.skill_package, "PACKAGE", tmp_path / "skill-package")
    monkeypatch.setattr(check.skill_package.built, "__defaults__", (tmp_path / "skill-package",))
    monkeypatch.setattr(
        check.skill_package.stale, "__defaults__", (tmp_path / "skill-package", check.skill_package.SOURCE)
    )
    assert check.run() == []
    assert any("not built yet" in note for note in check.notes())
    (tmp_path / "skill-package").mkdir()
    (tmp_path / "skill-package" / "skill.json").write_text("{}", encoding="utf-8")
    assert any("is stale" in problem for problem in check.run())
    assert check.notes() == []


def test_every_whole_turn_is_within_its_spoken_word_limit() -> None:
    """Answer, disclaimer and offer together, counted as spoken, on a first turn."""
    assert check.check_turn_lengths(knowledge.load()) == []


def test_a_turn_over_its_limit_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "TURN_WORD_LIMIT", 30)
    monkeypatch.setattr(check, "HELPLINE_CLOSED_WORD_LIMIT", 40)
    problems = check.check_turn_lengths(knowledge.load())
    assert any(p.startswith("turn length: chemotherapy is ") for p in problems)
    assert any("the nurse number (line closed)" in p for p in problems)
    assert not any("(more)" in p for p in problems)  # "tell me more" has its own, longer limit


def test_every_safety_answer_is_counted_and_within_60_words() -> None:
    """docs/behaviour.md §1.1, §4.1: the urgent-help answer, with its offer of the nurse
    number, is one turn of at most 60 spoken words, as every safety answer is."""
    handler = builder.lambda_handler(clock=lambda: check.OPEN)
    for intent in check.SAFETY_INTENTS:
        assert check.spoken_words(handler(Session().intent(intent), None)) <= check.TURN_WORD_LIMIT, intent


def test_a_safety_answer_over_the_limit_is_reported_by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "TURN_WORD_LIMIT", 25)
    problems = check.check_turn_lengths(knowledge.load())
    assert any(p.startswith("turn length: the answer to UrgentHelpIntent is ") for p in problems)


def test_the_first_answer_counts_the_disclaimer_and_the_offer() -> None:
    handler = builder.lambda_handler(clock=lambda: check.OPEN)
    chemo = slot_json("treatment", "chemo", "TreatmentType", "chemotherapy", "chemotherapy")
    words = check.spoken_words(handler(Session().intent("TreatmentInfoIntent", {"treatment": chemo}), None))
    speech = knowledge.load().topics["chemotherapy"].speech
    assert words > len(speech.split()) + 10


def name_free(model: dict) -> list[dict]:
    return model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]


def launch_phrases(model: dict) -> list[dict]:
    return next(point for point in name_free(model) if point["type"] == "LAUNCH")["sampleUtterances"]


def raw(value: str) -> dict:
    return {"format": "RAW_TEXT", "value": value}


def intent_point(name: str, *values: str) -> dict:
    return {"type": "INTENT", "name": name, "sampleUtterances": [raw(value) for value in values]}


@pytest.mark.parametrize(
    ("breakage", "problem"),
    [
        (
            lambda m: launch_phrases(m).extend(raw(f"more about breast cancer {n}") for n in ("one", "two")),
            "7 skill launch phrases; Alexa takes at most 5",
        ),
        (lambda m: launch_phrases(m).append({"format": "TEXT", "value": "hello there"}), "RAW_TEXT"),
        (lambda m: launch_phrases(m)[0].update(value="tell me about {treatment}"), "has a slot"),
        (lambda m: name_free(m).append(intent_point("CrisisIntent", "I want to die")), "never a way in"),
        (
            lambda m: name_free(m).append(intent_point("SupportIntent", "what is chemo")),
            "it resolves to TreatmentInfoIntent",
        ),
        (lambda m: m["interactionModel"].update(_nameFreeInteraction=[]), "must hold ingressPoints"),
    ],
)
def test_check_fails_on_broken_name_free_phrases(breakage, problem: str) -> None:
    """The model as it reaches Alexa, checked by Amazon's rules and ours, whoever wrote it."""
    model = copy.deepcopy(load_model())
    breakage(model)
    problems = check.run(model=model)
    assert any(problem in p and p.startswith("model: _nameFreeInteraction") for p in problems), problems
