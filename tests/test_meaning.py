"""The meaning resolver: a sentence encoder in numpy, its embeddings kept on disk, and a
classifier over them that answers as the n-gram resolver does.

These tests never embed the whole model (minutes): the encoder runs on a few sentences,
and the resolver on a tiny model made here. ``python -m skill evaluate`` holds the whole
model to the floors under both resolvers.
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier

from skill import cli
from skill.devtools import conversations, evaluation, meaning
from skill.devtools.evaluation import PhrasingSet
from skill.devtools.generalising import GeneralisingResolver
from skill.devtools.meaning import (
    MEANING_SETTINGS,
    EmbeddingStore,
    Encoder,
    MeaningResolver,
    cached_meaning_resolver,
    encoder,
    meaning_cache_key,
)
from skill.devtools.nlu import FALLBACK, Resolution, resolver

# --- The encoder --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def model() -> Encoder:
    return encoder()


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


def test_sentences_become_unit_vectors_of_384_numbers(model: Encoder) -> None:
    vectors = model.embed(["what can help with bone pain", "play some music", "yes"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.embed([]).shape == (0, 384)


def test_the_encoder_reproduces_the_published_similarities_of_all_minilm_l6_v2(model: Encoder) -> None:
    """sentence-transformers' own README prints this matrix for all-MiniLM-L6-v2 (four
    decimals); matching it shows the tokenizer, the six layers, the pooling and the
    normalisation all agree with the reference implementation."""
    vectors = model.embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    published = np.array([[1.0, 0.6660, 0.1046], [0.6660, 1.0, 0.1411], [0.1046, 0.1411, 1.0]])
    assert np.abs(vectors @ vectors.T - published).max() < 1e-3


def test_a_paraphrase_is_closer_than_an_unrelated_sentence(model: Encoder) -> None:
    asked, paraphrase, unrelated = model.embed(
        [
            "what can help with bone pain",
            "my bones ache badly what will ease it",
            "set a timer for ten minutes",
        ]
    )
    assert cosine(asked, paraphrase) > 0.5 > cosine(asked, unrelated)
    assert cosine(asked, paraphrase) - cosine(asked, unrelated) > 0.3


def test_a_sentence_embeds_to_the_same_bits_alone_and_among_others(model: Encoder) -> None:
    """A text's vector never depends on the texts embedded with it, to the last bit: a
    cold run and a warm cache must train the same classifier."""
    texts = [
        "stop",
        "can you tell me what the side effects of radiotherapy to the bones might be",
        "yes please",
        "no thanks",
        "what is chemotherapy",
    ]
    together = model.embed(texts, batch_size=3)
    alone = np.stack([model.embed([text])[0] for text in texts])
    assert np.array_equal(together, alone)
    assert np.array_equal(model.embed(texts[::-1])[::-1], together)


def test_padding_never_reaches_the_result_the_attention_mask_keeps_it_out(model: Encoder) -> None:
    short = np.array(model.tokenizer.encode("yes please").ids, dtype=np.int64)
    padded = np.zeros((1, len(short) + 9), dtype=np.int64)
    padded[0, : len(short)] = short
    mask = (padded != 0).astype(np.float32)
    alone = model._forward(short[None, :], np.ones((1, len(short)), dtype=np.float32))
    assert np.abs(model._forward(padded, mask) - alone).max() < 1e-5


def test_the_encoder_is_named_by_its_package_version_and_a_hash_of_its_weights(model: Encoder) -> None:
    version, weights, code = model.identity.split("-")
    assert version == "0.1.2" and len(weights) == 16 and len(code) == 12


# --- The embeddings on disk ---------------------------------------------------------------


@pytest.fixture
def embedded(model: Encoder, monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Every batch of texts the encoder is asked to embed, in order."""
    batches: list[list[str]] = []
    real = Encoder.embed

    def spy(self: Encoder, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        batches.append(list(texts))
        return real(self, texts, batch_size)

    monkeypatch.setattr(Encoder, "embed", spy)
    return batches


TEXTS = ["what's the nurse number", "tell me about chemo", "what's the weather"]


def test_a_second_run_embeds_nothing(model: Encoder, embedded: list[list[str]], tmp_path: Path) -> None:
    first = EmbeddingStore(model, tmp_path).embed(TEXTS)
    assert sorted(embedded[0]) == sorted(TEXTS) and len(embedded) == 1
    store = EmbeddingStore(model, tmp_path)
    second = store.embed(TEXTS)
    assert len(embedded) == 1 and store.embedded == 0
    assert np.array_equal(first, second) and second.shape == (3, 384)


def test_a_new_text_embeds_only_it(model: Encoder, embedded: list[list[str]], tmp_path: Path) -> None:
    EmbeddingStore(model, tmp_path).embed(TEXTS)
    store = EmbeddingStore(model, tmp_path)
    vectors = store.embed([*TEXTS, "is it free"])
    assert embedded[-1] == ["is it free"] and store.embedded == 1
    assert np.allclose(vectors[3], model.embed(["is it free"])[0], atol=1e-6)
    assert np.allclose(vectors[:3], EmbeddingStore(model, tmp_path).embed(TEXTS))


@pytest.mark.parametrize("damage", ["garbage", "truncated", "not unit vectors", "wrong shape"])
def test_a_damaged_cache_file_is_rebuilt_never_trusted(
    model: Encoder, embedded: list[list[str]], tmp_path: Path, damage: str
) -> None:
    store = EmbeddingStore(model, tmp_path)
    right = store.embed(TEXTS)
    if damage == "garbage":
        store.path.write_bytes(b"not an npz file")
    elif damage == "truncated":
        store.path.write_bytes(store.path.read_bytes()[:200])
    else:
        vectors = right * 3 if damage == "not unit vectors" else right[:, :100]
        with store.path.open("wb") as file:
            np.savez(file, texts=np.array(TEXTS), vectors=vectors)
    again = EmbeddingStore(model, tmp_path)
    assert np.allclose(again.embed(TEXTS), right, atol=1e-6)
    assert again.embedded == 3
    assert EmbeddingStore(model, tmp_path).embed(TEXTS).shape == (3, 384)  # and it was written anew
    assert len(embedded) == 2


def test_another_encoder_embeds_afresh_and_its_file_replaces_the_old(
    model: Encoder, embedded: list[list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    EmbeddingStore(model, tmp_path).embed(TEXTS)
    monkeypatch.setattr(model, "identity", "0.1.3-otherweights-othercode")
    store = EmbeddingStore(model, tmp_path)
    store.embed(TEXTS)
    assert store.embedded == 3
    assert [path.name for path in tmp_path.glob("embeddings-*.npz")] == [store.path.name]


# --- The resolver, on a tiny model ----------------------------------------------------------

TINY: dict[str, Any] = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "tiny skill",
            "intents": [
                {
                    "name": "HelplineIntent",
                    "samples": [
                        "what's the nurse number",
                        "give me the helpline number",
                        "I want to speak to a nurse",
                        "can I call the nurses",
                    ],
                },
                {
                    "name": "SymptomIntent",
                    "slots": [{"name": "symptom", "type": "Symptom"}],
                    "samples": [
                        "what helps with {symptom}",
                        "what can I do about {symptom}",
                        "how do I treat {symptom}",
                        "is there anything for {symptom}",
                    ],
                },
                {
                    "name": "GoodbyeIntent",
                    "samples": ["goodbye", "thanks that's all", "bye for now", "cheerio"],
                },
                {"name": "AMAZON.StopIntent", "samples": []},
                {"name": "AMAZON.FallbackIntent", "samples": ["what's the weather"]},
            ],
            "types": [
                {
                    "name": "Symptom",
                    "values": [
                        {"id": "bone_pain", "name": {"value": "bone pain", "synonyms": ["aching bones"]}},
                        {
                            "id": "breathlessness",
                            "name": {"value": "breathlessness", "synonyms": ["puffed out"]},
                        },
                    ],
                }
            ],
        }
    }
}


@pytest.fixture(scope="module")
def tiny(model: Encoder) -> MeaningResolver:
    return MeaningResolver(TINY, model)


def test_a_phrasing_no_sample_has_resolves_by_what_it_means(tiny: MeaningResolver) -> None:
    assert tiny.resolve("I'd like to ring one of your nurses").intent == "HelplineIntent"
    assert tiny.resolve("cheers, that is everything").intent == "GoodbyeIntent"


def test_slots_are_filled_as_the_ngram_resolver_fills_them(tiny: MeaningResolver) -> None:
    resolution = tiny.resolve("my wife has terrible aching bones, what will ease them")
    assert resolution.intent == "SymptomIntent"
    assert resolution.slots["symptom"].value_id == "bone_pain"
    ngram = GeneralisingResolver(TINY)
    for utterance in (
        "what helps with aching bones",
        "anything for being puffed out",
        "what helps with gout",
    ):
        assert tiny.slots.heard_slots("SymptomIntent", utterance) == ngram.slots.heard_slots(
            "SymptomIntent", utterance
        )
    # A word the slot type does not list, in a sample's slot position: heard, with no id.
    unlisted = tiny.slots.resolution("what helps with gout", "SymptomIntent", 0.9, MEANING_SETTINGS.threshold)
    assert (unlisted.slots["symptom"].spoken, unlisted.slots["symptom"].value_id) == ("gout", None)
    assert type(tiny.slots) is type(ngram.slots)  # one shared filler, not a copy


def test_outside_the_skill_and_under_the_threshold_is_the_fallback(
    model: Encoder, tiny: MeaningResolver
) -> None:
    assert tiny.resolve("will it rain in leeds tomorrow").intent == FALLBACK
    unsure = MeaningResolver(TINY, model, replace(MEANING_SETTINGS, threshold=0.999))
    resolution = unsure.resolve("could you tell me the nurses' number")
    assert resolution == Resolution(FALLBACK, {}, (), resolution.confidence)
    assert resolution.confidence < 0.999
    # A sample said word for word is that sample's intent, however unsure the classifier.
    assert unsure.resolve("what's the nurse number").intent == "HelplineIntent"


def test_rank_gives_every_intent_most_likely_first(tiny: MeaningResolver) -> None:
    ranked = tiny.rank("can I phone a nurse")
    assert ranked[0][0] == "HelplineIntent"
    assert {intent for intent, _ in ranked} == set(tiny.intents)
    assert [p for _, p in ranked] == sorted((p for _, p in ranked), reverse=True)
    assert sum(p for _, p in ranked) == pytest.approx(1.0)


def test_nearest_neighbours_and_the_logistic_regression_are_choices_too(model: Encoder) -> None:
    for kind, classifier in (("neighbours", KNeighborsClassifier), ("logistic", LogisticRegression)):
        alone = MeaningResolver(TINY, model, replace(MEANING_SETTINGS, kind=kind, neighbours=3))
        assert type(alone.classifier) is classifier
        assert alone.resolve("I'd like to ring one of your nurses").intent == "HelplineIntent"
    blend = MeaningResolver(TINY, model, replace(MEANING_SETTINGS, neighbours=3)).classifier
    assert isinstance(blend, meaning.Blend)
    assert (type(blend.first), type(blend.second)) == (LogisticRegression, KNeighborsClassifier)


def test_a_blend_averages_the_two_classifiers_probabilities_by_its_weight(model: Encoder) -> None:
    def probabilities(**settings: Any) -> dict[str, float]:
        resolver = MeaningResolver(TINY, model, replace(MEANING_SETTINGS, neighbours=3, **settings))
        return dict(resolver.rank("can I phone a nurse"))

    logistic = probabilities(kind="logistic")
    neighbours = probabilities(kind="neighbours")
    assert logistic != neighbours
    for weight in (0.0, 0.35, 1.0):
        blend = probabilities(kind="blend", weight=weight)
        for intent, p in blend.items():
            assert p == pytest.approx((1 - weight) * logistic[intent] + weight * neighbours[intent])
    with pytest.raises(ValueError, match="a share, from 0 to 1"):
        meaning.meaning_classifier(replace(MEANING_SETTINGS, weight=1.5))
    with pytest.raises(ValueError, match="no such classifier"):
        meaning.meaning_classifier(replace(MEANING_SETTINGS, kind="forest"))


def test_a_trained_resolver_is_stored_without_the_weights_and_read_back(
    model: Encoder, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = cached_meaning_resolver(TINY, model, tmp_path)
    stored = list(tmp_path.glob("meaning-*.pickle"))
    assert [path.name for path in stored] == [f"meaning-{meaning_cache_key(TINY, model.identity)}.pickle"]
    assert stored[0].stat().st_size < 1_000_000  # the classifier, not 90 MB of weights
    assert len(list(tmp_path.glob("embeddings-*.npz"))) == 1  # the samples' embeddings are kept too

    def no_training(*args: object, **kwargs: object) -> None:
        raise AssertionError("trained again although a stored resolver was there")

    monkeypatch.setattr(MeaningResolver, "__init__", no_training)
    second = cached_meaning_resolver(TINY, model, tmp_path)
    assert second is not first and second.encoder is model
    assert second.resolve("can I call a nurse please").intent == "HelplineIntent"


def test_a_broken_stored_resolver_is_trained_over(model: Encoder, tmp_path: Path) -> None:
    (tmp_path / f"meaning-{meaning_cache_key(TINY, model.identity)}.pickle").write_bytes(b"not a pickle")
    assert cached_meaning_resolver(TINY, model, tmp_path).resolve("goodbye then").intent == "GoodbyeIntent"


def test_the_stored_resolver_is_keyed_by_the_model_the_settings_and_the_encoder() -> None:
    key = meaning_cache_key(TINY, "0.1.2-a-b")
    assert key != meaning_cache_key(TINY, "0.1.2-c-b")
    assert key != meaning_cache_key(TINY, "0.1.2-a-b", replace(MEANING_SETTINGS, threshold=0.5))
    changed = {
        "interactionModel": {"languageModel": {**TINY["interactionModel"]["languageModel"], "types": []}}
    }
    assert key != meaning_cache_key(changed, "0.1.2-a-b")


# --- evaluate, under both resolvers ---------------------------------------------------------


class Scripted:
    """A resolver that answers from a script (anything else: the fallback)."""

    def __init__(self, script: dict[str, str]) -> None:
        self.script = script
        self.intent_slots = resolver().intent_slots

    def resolve(self, utterance: str) -> Resolution:
        return Resolution(self.script.get(utterance, FALLBACK))


LINES = {
    "everyday.tsv": [
        ("could you slow down a touch", "SpeakSlowerIntent"),
        ("what's the weather in leeds", FALLBACK),
    ],
    "strict.tsv": [("i've swallowed the lot of them", "OverdoseIntent")],
}
RIGHT = {utterance: intent for lines in LINES.values() for utterance, intent in lines} | {
    "stop": "AMAZON.StopIntent"
}


@pytest.fixture
def fake_sets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Scripted]:
    """Two small sets (one strict), one optional set not written yet, one short session;
    and the resolvers ``evaluate`` asks for, scripted."""
    for name, lines in LINES.items():
        rows = "".join(f"{utterance}\t{intent}\t\n" for utterance, intent in lines)
        (tmp_path / name).write_text(f"utterance\tintent\tslot\n{rows}", encoding="utf-8")
    monkeypatch.setattr(
        evaluation,
        "SETS",
        (
            PhrasingSet(tmp_path / "everyday.tsv"),
            PhrasingSet(tmp_path / "strict.tsv", "strict", strict=True),
            PhrasingSet(tmp_path / "not-yet.tsv", "not-yet", strict=True, optional=True),
        ),
    )
    one_session = '[[session]]\nid = "bye"\n[[session.turn]]\nsay = "stop"\ncontains = []\nopen = false\n'
    sessions = tmp_path / "sessions.toml"
    sessions.write_text(one_session)
    monkeypatch.setattr(conversations, "SESSIONS", sessions)
    (tmp_path / "no-sessions.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr(conversations, "SAFETY_SESSIONS", tmp_path / "no-sessions.toml")
    muddle = tmp_path / "muddle-sessions.toml"
    muddle.write_text(one_session)
    monkeypatch.setattr(conversations, "MUDDLE_SESSIONS", muddle)
    resolvers = {"ngram": Scripted(RIGHT), "meaning": Scripted(RIGHT)}
    monkeypatch.setattr(cli, "_resolver", lambda kind: resolvers[kind])
    return resolvers


def test_evaluate_reports_every_set_and_the_conversations_under_both_resolvers(
    fake_sets: dict[str, Scripted],
) -> None:
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 0
    text = out.getvalue()
    assert "note: not-yet.tsv is not there yet" in text
    assert text.count("3/3 lines right (100.0%)") == 2
    assert text.count("conversations: 1/1 sessions right") == 2
    ngram, meaning_part = text.index(cli.RESOLVERS["ngram"]), text.index(cli.RESOLVERS["meaning"])
    assert ngram < meaning_part < text.index("summary")
    summary = text[text.index("summary") :]
    assert summary.split("\n")[2].split() == ["ngram", "meaning"]
    assert "strict.tsv (strict)" in summary and "everyday.tsv" in summary
    assert [line.split()[-2:] for line in summary.splitlines() if "floors" in line] == [["met", "met"]]


def test_the_muddle_sessions_are_played_on_a_row_of_their_own_and_held_only_when_said(
    fake_sets: dict[str, Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_sets["ngram"].script = {**RIGHT, "stop": "AMAZON.HelpIntent"}  # every session fails
    monkeypatch.setattr(conversations, "SESSIONS", conversations.MUDDLE_SESSIONS.with_name("none.toml"))
    conversations.SESSIONS.write_text("", encoding="utf-8")
    monkeypatch.setattr(evaluation, "MUDDLE_HELD", False)
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 0  # not held: reported, not failed
    text = out.getvalue()
    assert text.count("muddle sessions: 1/1 sessions right") == 1  # the meaning resolver's
    assert "muddle sessions: 0/1 sessions right" in text
    assert "below its floors, not yet held [ngram]: muddle: 0.0% of muddle sessions right" in text
    assert "muddle sessions, not held" in text[text.index("summary") :]
    monkeypatch.setattr(evaluation, "MUDDLE_HELD", True)
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 1
    assert "evaluate failed [ngram]: muddle: 0.0% of muddle sessions right" in out.getvalue()


def test_evaluate_fails_when_only_the_meaning_resolver_misses_a_strict_line(
    fake_sets: dict[str, Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(evaluation, "HELD", frozenset({"ngram", "meaning"}))
    fake_sets["meaning"].script = {**RIGHT, "i've swallowed the lot of them": FALLBACK}
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 1
    text = out.getvalue()
    assert "evaluate failed [meaning]: a OverdoseIntent line missed (strict line 2)" in text
    assert "evaluate failed [ngram]" not in text
    assert "FAILED (2)" in text[text.index("summary") :]  # the line, and 66.7% under the floor


def test_a_resolver_not_held_is_reported_below_its_floors_but_does_not_fail_evaluate(
    fake_sets: dict[str, Scripted], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {"ngram", "meaning"} == evaluation.HELD  # both held now; one left out is only reported
    monkeypatch.setattr(evaluation, "HELD", frozenset({"ngram"}))
    fake_sets["meaning"].script = {**RIGHT, "i've swallowed the lot of them": FALLBACK}
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 0
    text = out.getvalue()
    assert "below its floors, not yet held [meaning]: a OverdoseIntent line missed (strict line 2)" in text
    assert "evaluate failed" not in text
    assert "below (2)" in text[text.index("summary") :]


def test_evaluate_fails_when_only_the_ngram_resolver_fails_a_conversation(
    fake_sets: dict[str, Scripted],
) -> None:
    fake_sets["ngram"].script = {**RIGHT, "stop": "AMAZON.HelpIntent"}
    out = io.StringIO()
    assert cli.main(["evaluate"], out=out) == 1
    assert "evaluate failed [ngram]: 0.0% of sessions right" in out.getvalue()


def test_evaluate_runs_one_resolver_when_asked(fake_sets: dict[str, Scripted]) -> None:
    fake_sets["ngram"].script = {}  # would fail every floor, were it asked
    out = io.StringIO()
    assert cli.main(["evaluate", "--resolver", "meaning"], out=out) == 0
    assert cli.RESOLVERS["ngram"] not in out.getvalue()
    assert cli.main(["evaluate", "--resolver", "ngram"], out=io.StringIO()) == 1


def test_an_optional_set_once_written_is_evaluated_and_strict(
    fake_sets: dict[str, Scripted], tmp_path: Path
) -> None:
    (tmp_path / "not-yet.tsv").write_text(
        "utterance\tintent\tslot\nshe's had the whole bottle\tOverdoseIntent\t\n", encoding="utf-8"
    )
    out = io.StringIO()
    assert cli.main(["evaluate", "--resolver", "ngram"], out=out) == 1
    assert "not there yet" not in out.getvalue()
    assert "a OverdoseIntent line missed (not-yet line 2)" in out.getvalue()


# --- ask and chat ---------------------------------------------------------------------------


def test_ask_and_chat_take_meaning_as_they_take_exact(monkeypatch: pytest.MonkeyPatch) -> None:
    asked: list[str] = []

    def chosen(kind: str) -> Scripted:
        asked.append(kind)
        return Scripted({"nurse please": "HelplineIntent"})

    monkeypatch.setattr(cli, "_resolver", chosen)
    out = io.StringIO()
    assert cli.main(["ask", "nurse please", "--meaning"], out=out) == 0
    assert out.getvalue().startswith("(HelplineIntent")
    assert cli.main(["chat", "--meaning"], out=io.StringIO(), lines=io.StringIO("\n")) == 0
    assert cli.main(["ask", "nurse please"], out=io.StringIO()) == 0
    assert asked == ["meaning", "meaning", "ngram"]
    with pytest.raises(SystemExit):
        cli.parser().parse_args(["ask", "x", "--meaning", "--exact"])


def test_the_lambda_cold_start_never_loads_the_encoder_or_its_packages() -> None:
    root = Path(meaning.__file__).resolve().parents[2]
    script = (
        "import sys; sys.path.insert(0, 'lambda'); import lambda_function; "
        "loaded = {m.split('.')[0] for m in sys.modules}; "
        "print(sorted(loaded & {'numpy', 'tokenizers', 'safetensors', 'sklearn', 'all_minilm_l6_v2'}), "
        "sorted(m for m in sys.modules if m.startswith('skill.devtools')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=root,
        env={"AWS_LAMBDA_FUNCTION_NAME": "skill", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[] []"


def test_cross_validation_scores_the_meaning_classifier_on_held_out_templates(model: Encoder) -> None:
    from skill.devtools import tuning
    from skill.devtools.generalising import training_set

    vectors = model.embed(training_set(TINY).texts)
    scores = tuning.cross_validate_meaning(TINY, vectors, MEANING_SETTINGS, folds=3)
    assert [score.settings.threshold for score in scores] == list(tuning.THRESHOLDS)
    assert all(0.0 <= s.overall <= 1.0 and 0.0 <= s.in_domain <= 1.0 for s in scores)
    # A higher threshold never sends fewer out-of-domain samples to the fallback.
    outside = [score.out_of_domain for score in scores]
    assert outside == sorted(outside) and outside[-1] > 0.5
    assert {"logistic", "neighbours", "blend"} == {c.kind for c in tuning.meaning_candidates()}
    grid = [replace(c, threshold=MEANING_SETTINGS.threshold) for c in tuning.meaning_candidates()]
    assert MEANING_SETTINGS in grid  # the settings in use are among those the tuning compares
