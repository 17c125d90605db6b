"""The model source: the grammar expands into the interaction model Alexa takes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from skill.devtools import grammar
from skill.devtools.grammar import Expander, GrammarError, parse_expression, parse_grammar_files


def _build(tmp_path: Path, grammar_text: str, types: str = "", **settings: str) -> dict:
    (tmp_path / "model.toml").write_text(
        'invocation_name = "secondary breast cancer help"\ngrammar_files = ["main"]\n'
        + "".join(f'{key} = "{value}"\n' for key, value in settings.items()),
        encoding="utf-8",
    )
    (tmp_path / "main.grammar").write_text(grammar_text, encoding="utf-8")
    (tmp_path / "slot_types.toml").write_text(types, encoding="utf-8")
    return grammar.build(tmp_path)


def _samples(model: dict, intent: str) -> list[str]:
    intents = model["interactionModel"]["languageModel"]["intents"]
    return next(entry["samples"] for entry in intents if entry["name"] == intent)


def test_the_json_is_the_grammar_expanded_byte_for_byte() -> None:
    """`make model` has been run: a stale en-GB.json fails here."""
    on_disk = (grammar.MODELS / "en-GB.json").read_text(encoding="utf-8")
    stale = "interaction_models/en-GB.json is stale: run `make model`"
    assert grammar.render(grammar.build()) == on_disk, stale


def test_expansion_is_deterministic() -> None:
    assert grammar.render(grammar.build()) == grammar.render(grammar.build())


def test_alternatives_optional_words_and_definitions_expand() -> None:
    parsed = parse_grammar_files({"a.grammar": "define WHO = I | my mum\n"})
    expander = Expander(parsed.definitions)
    texts = expander.expand(parse_expression("[so] <WHO> (feel|felt) sick"), cap=100, seed="x")
    assert sorted(texts) == sorted(
        f"{lead}{who} {verb} sick".strip()
        for lead in ("", "so ")
        for who in ("I", "my mum")
        for verb in ("feel", "felt")
    )


def test_a_large_line_is_capped_and_still_covers_every_alternative() -> None:
    options = " | ".join(f"word{chr(97 + i)}" for i in range(20))
    parsed = parse_grammar_files({"a.grammar": f"define A = {options}\ndefine B = {options}\n"})
    expander = Expander(parsed.definitions)
    texts = expander.expand(parse_expression("<A> and <B>"), cap=30, seed="line")
    assert len(texts) == 30
    assert {text.split()[0] for text in texts} == {f"word{chr(97 + i)}" for i in range(20)}
    assert texts == expander.expand(parse_expression("<A> and <B>"), cap=30, seed="line")


def test_contractions_join_the_word_before() -> None:
    assert grammar.tidy("my husband 's  taken") == "my husband's taken"


def test_a_model_is_built_with_slots_types_and_synonyms(tmp_path: Path) -> None:
    model = _build(
        tmp_path,
        "intent SymptomIntent\n    slot symptom: SymptomType\n    what helps {symptom}\n",
        '[SymptomType.sickness]\nname = "sickness"\nsynonyms = ["(feeling|being) sick"]\n',
        fallback_sensitivity="MEDIUM",
    )
    language_model = model["interactionModel"]["languageModel"]
    assert language_model["intents"] == [
        {
            "name": "SymptomIntent",
            "slots": [{"name": "symptom", "type": "SymptomType"}],
            "samples": ["what helps {symptom}"],
        }
    ]
    assert language_model["types"][0]["values"] == [
        {"id": "sickness", "name": {"value": "sickness", "synonyms": ["being sick", "feeling sick"]}}
    ]
    assert language_model["modelConfiguration"] == {"fallbackIntentSensitivity": {"level": "MEDIUM"}}


def test_a_sample_in_two_intents_is_an_error_naming_both(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match=r"'what now'.*OneIntent.*TwoIntent"):
        _build(tmp_path, "intent OneIntent\n    what now\nintent TwoIntent\n    (what now|so)\n")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("call 999", "characters Alexa refuses"),
        ("what's this?", "characters Alexa refuses"),
        ("ask secondary breast cancer help about it", "invocation name"),
        ("tell me about {treatment}", "undeclared slot"),
    ],
)
def test_samples_follow_alexas_rules(tmp_path: Path, line: str, problem: str) -> None:
    with pytest.raises(GrammarError, match=problem):
        _build(tmp_path, f"intent OneIntent\n    {line}\n")


def test_a_slot_used_twice_in_a_sample_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match="uses a slot twice"):
        _build(
            tmp_path,
            "intent OneIntent\n    slot x: XType\n    {x} or {x}\n",
            '[XType.a]\nname = "a"\n',
        )


def test_a_synonym_of_two_values_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GrammarError, match="synonym of both"):
        _build(
            tmp_path,
            "intent OneIntent\n    slot x: XType\n    about {x}\n",
            '[XType.a]\nname = "a"\nsynonyms = ["same"]\n[XType.b]\nname = "b"\nsynonyms = ["same"]\n',
        )


def test_the_model_stays_within_our_sample_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar, "TARGET_MAX_SAMPLES", 3)
    with pytest.raises(GrammarError, match="over our target"):
        _build(tmp_path, "intent OneIntent\n    (a|b|c|d) thing\n")


def test_the_real_model_is_within_alexas_limits() -> None:
    model = grammar.build()
    language_model = model["interactionModel"]["languageModel"]
    assert len(grammar.render(model).encode()) <= grammar.MAX_MODEL_BYTES
    assert len(language_model["intents"]) <= grammar.MAX_INTENTS
    for intent in language_model["intents"]:
        for sample in intent["samples"]:
            assert len(sample) <= grammar.MAX_SAMPLE_CHARACTERS
    assert json.loads(grammar.render(model)) == model


# --- The canonical forms, the budget, and choosing samples -------------------------------


def _filled(form: str, model: dict) -> str:
    """A canonical form with each {slot} filled by its type's first value."""
    language_model = model["interactionModel"]["languageModel"]
    first_value = {t["name"]: t["values"][0]["name"]["value"] for t in language_model["types"]}
    slot_type = {
        slot["name"]: slot["type"] for intent in language_model["intents"] for slot in intent.get("slots", [])
    }
    return grammar.SLOT_REFERENCE.sub(lambda m: first_value[slot_type[m.group(1)]], form)


def test_every_canonical_form_is_a_sample_and_resolves_to_its_intent_word_for_word() -> None:
    from skill.devtools.nlu import load_model, resolver

    model = load_model()
    samples = {
        intent["name"]: {sample.lower() for sample in intent.get("samples", [])}
        for intent in model["interactionModel"]["languageModel"]["intents"]
    }
    canonical = grammar.read_canonical()
    assert len(canonical) == len(samples)  # every intent has its plainest forms listed
    assert {intent: len(forms) for intent, forms in canonical.items() if len(forms) < 10} == {}
    assert {"forget me", "help", "what is chemotherapy", "what's the nurse number", "stop"} <= {
        form.lower() for forms in canonical.values() for form in forms
    }
    for intent, forms in canonical.items():
        for form in forms:
            assert form.lower() in samples[intent], (intent, form)
            assert resolver().resolve(_filled(form, model)).intent == intent, (intent, form)


def test_a_canonical_form_is_kept_however_the_samples_are_chosen(tmp_path: Path) -> None:
    (tmp_path / "canonical.toml").write_text('OneIntent = ["plain words"]\n', encoding="utf-8")
    model = _build(tmp_path, "intent OneIntent\n    other words\n")
    assert "plain words" in _samples(model, "OneIntent")


def test_lead_in_forms_are_kept_only_when_they_add_new_word_sequences(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(grammar, "MIN_GAIN", 11)  # "could you tell me" adds 12 new n-grams
    kept = grammar.select(
        ["what helps pain", "um what helps pain"],
        ["um what helps pain", "what helps", "could you tell me what helps pain"],
    )
    assert kept == ["what helps pain", "um what helps pain", "could you tell me what helps pain"]


def test_the_model_fits_our_budget_with_room_to_grow() -> None:
    model = grammar.build()
    # The whole model as written, name-free launch phrases included.
    size = len(grammar.render(model).encode("utf-8"))
    assert size <= grammar.MODEL_BUDGET_BYTES == 900_000
    assert grammar.MODEL_BUDGET_BYTES <= 0.6 * grammar.MAX_MODEL_BYTES


def test_a_model_over_the_budget_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(grammar, "MODEL_BUDGET_BYTES", 100)
    with pytest.raises(GrammarError, match="over our budget"):
        _build(tmp_path, "intent OneIntent\n    (a|b|c|d) thing\n")


def test_no_junk_synonyms() -> None:
    """A combination names two different treatments; imaging is not radiotherapy."""
    model = grammar.build()
    values = {
        (slot_type["name"], value["id"]): [value["name"]["value"], *value["name"].get("synonyms", [])]
        for slot_type in model["interactionModel"]["languageModel"]["types"]
        for value in slot_type["values"]
    }
    words = ("chemo", "chemotherapy", "radiotherapy", "hormone", "targeted", "bisphosphonates")
    for synonym in values[("TreatmentType", "combination")]:
        for joiner in (" and ", " alongside ", " with "):
            if joiner in synonym:
                left, right = synonym.split(joiner, 1)
                named = [w for w in words if w in left.split() or w in right.split()]
                assert not any(w in left.split() and w in right.split() for w in words), synonym
                assert len(named) != 1 or "treatment" in synonym, synonym
    radiotherapy = set(values[("TreatmentType", "radiotherapy")])
    assert not {"radiology", "radiography"} & radiotherapy


# --- Name-free launch phrases ------------------------------------------------------------

NAME_FREE_GRAMMAR = """
intent HelplineIntent
    what's the nurse number
    can I speak to a nurse
intent SymptomIntent
    slot symptom: SymptomType
    what can help with bone pain
    what helps with {symptom}
intent CrisisIntent
    I want to die
"""
NAME_FREE_TYPES = '[SymptomType.sickness]\nname = "sickness"\n'


def _build_name_free(tmp_path: Path, section: str) -> dict:
    """A small model whose model.toml has this [name_free] section."""
    (tmp_path / "model.toml").write_text(
        'invocation_name = "secondary breast cancer help"\ngrammar_files = ["main"]\n' + section,
        encoding="utf-8",
    )
    (tmp_path / "main.grammar").write_text(NAME_FREE_GRAMMAR, encoding="utf-8")
    (tmp_path / "slot_types.toml").write_text(NAME_FREE_TYPES, encoding="utf-8")
    return grammar.build(tmp_path)


def test_name_free_phrases_are_written_in_amazons_shape_beside_the_language_model(tmp_path: Path) -> None:
    model = _build_name_free(
        tmp_path,
        '[name_free]\nlaunch = ["help me understand my treatment"]\n'
        '[name_free.intents]\nHelplineIntent = ["what\'s the nurse number", "can I speak to a nurse"]\n',
    )
    assert list(model["interactionModel"]) == ["languageModel", "_nameFreeInteraction"]
    assert model["interactionModel"]["_nameFreeInteraction"] == {
        "ingressPoints": [
            {
                "type": "LAUNCH",
                "sampleUtterances": [{"format": "RAW_TEXT", "value": "help me understand my treatment"}],
            },
            {
                "type": "INTENT",
                "name": "HelplineIntent",
                "sampleUtterances": [
                    {"format": "RAW_TEXT", "value": "what's the nurse number"},
                    {"format": "RAW_TEXT", "value": "can I speak to a nurse"},
                ],
            },
        ]
    }
    # Without the section, no container at all.
    assert "_nameFreeInteraction" not in _build_name_free(tmp_path, "")["interactionModel"]


@pytest.mark.parametrize(
    ("section", "problem"),
    [
        ('launch = ["a b", "c d", "e f", "g h", "i j", "k l"]', "at most 5"),
        ('[name_free.intents]\nSymptomIntent = ["what helps with {symptom}"]', "has a slot"),
        ('[name_free.intents]\nSymptomIntent = ["what helps with sickness?"]', "characters Alexa refuses"),
        ('[name_free.intents]\nHelplineIntent = ["a", "b c", "d e", "f g", "h i", "j k"]', "at most 5"),
        ('[name_free.intents]\nHelplineIntent = ["what can help with bone pain"]', "to SymptomIntent"),
        ('[name_free.intents]\nCrisisIntent = ["I want to die"]', "never a way in"),
        ('[name_free.intents]\nNoSuchIntent = ["what is this now"]', "has no intent NoSuchIntent"),
        ('launch = ["can I speak to a nurse"]', "is a sample of HelplineIntent"),
        ('launch = ["about my treatment"]', "not a whole phrase"),
        ('launch = ["nurse"]', "not a whole phrase"),
        ('launch = ["open secondary breast cancer help"]', "contains the invocation name"),
        ('launch = ["help me now"]\n[name_free.intents]\nHelplineIntent = ["help me now"]', "also a phrase"),
        ('launch = "help me now"', "launch must be a list"),
        ('speak = ["help me now"]', "holds only"),
    ],
)
def test_name_free_phrases_that_break_the_rules_fail_the_build(
    tmp_path: Path, section: str, problem: str
) -> None:
    with pytest.raises(GrammarError, match=problem):
        _build_name_free(tmp_path, f"[name_free]\n{section}\n")


def test_an_intent_with_a_required_slot_or_a_built_in_has_no_intent_launch_phrases() -> None:
    def point(name: str, value: str) -> dict:
        return {"type": "INTENT", "name": name, "sampleUtterances": [{"format": "RAW_TEXT", "value": value}]}

    book = {"name": "BookIntent", "slots": [{"name": "day", "type": "AMAZON.DATE"}], "samples": ["book it"]}
    required = {"name": "BookIntent", "slots": [{"name": "day", "elicitationRequired": True}]}
    model = {
        "interactionModel": {
            "languageModel": {
                "invocationName": "secondary breast cancer help",
                "intents": [book, {"name": "AMAZON.HelpIntent", "samples": ["help me please"]}],
            },
            "dialog": {"intents": [required]},
            "_nameFreeInteraction": {
                "ingressPoints": [
                    point("BookIntent", "book it"),
                    point("AMAZON.HelpIntent", "help me please"),
                    {"type": "LAUNCH", "name": "Named", "sampleUtterances": []},
                ]
            },
        }
    }
    problems = grammar.name_free_problems(model)
    assert any("slot day is required" in p for p in problems), problems
    assert any("only the skill's own intents" in p for p in problems), problems
    assert any("LAUNCH (no name)" in p for p in problems), problems


def test_the_real_name_free_phrases_are_the_commonest_questions_and_follow_the_rules() -> None:
    from skill.devtools.nlu import load_model, resolver

    model = load_model()
    assert grammar.name_free_problems(model) == []
    points = model["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    [launch] = [point for point in points if point["type"] == "LAUNCH"]
    assert "name" not in launch and 1 <= len(launch["sampleUtterances"]) <= grammar.MAX_LAUNCH_PHRASES
    phrases = {
        point["name"]: [u["value"] for u in point["sampleUtterances"]]
        for point in points
        if point["type"] == "INTENT"
    }
    assert "what's the nurse number" in phrases["HelplineIntent"]
    assert "what can help with bone pain" in phrases["SymptomIntent"]
    assert "what are the treatments" in phrases["TreatmentOptionsIntent"]
    assert not set(phrases) & grammar.NOT_NAME_FREE
    for intent, texts in phrases.items():
        assert len(texts) <= grammar.MAX_INTENT_LAUNCH_PHRASES
        for text in texts:
            assert resolver().resolve(text).intent == intent, (intent, text)


def test_every_name_free_phrase_gets_its_intents_answer_through_the_real_handler() -> None:
    """Launched by a phrase, the skill answers as if it had been asked by name: never the
    fallback, never an error, the conversation open for the next question."""
    from skill.devtools.nlu import load_model
    from tests.conftest import Conversation, said

    points = load_model()["interactionModel"]["_nameFreeInteraction"]["ingressPoints"]
    for point in points:
        for utterance in point["sampleUtterances"]:
            talk = Conversation(exact=True)
            heard = talk.open() if point["type"] == "LAUNCH" else talk.say(utterance["value"])
            assert said("fallback") not in heard.speech, utterance
            assert "went wrong" not in heard.speech and not heard.ends_session, utterance
            if point.get("name") == "HelplineIntent":
                assert "0808" in heard.speech, heard.speech


def test_an_intents_core_directive_keeps_that_many_core_forms() -> None:
    """`core N` makes room in the budget: a line's core keeps N forms, not CORE_CAP."""
    source = "intent XIntent\n    core 3\n    [um|er] (a|b|c|d|e|f) (g|h|i|j) thing\n"
    parsed = parse_grammar_files({"a.grammar": source})
    intent = parsed.intents["XIntent"]
    assert intent.core == 3
    (where, text), *_ = intent.lines
    expander = Expander(parsed.definitions)
    core, _ = expander.expand_line(parse_expression(text, where), intent.cap, "seed", intent.core)
    assert len(core) == 3
    default, _ = expander.expand_line(parse_expression(text, where), intent.cap, "seed")
    assert len(default) == 20
