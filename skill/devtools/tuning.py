"""Choose a resolver's settings by cross-validation on the model's samples: the n-gram
resolver's (the default) or, with ``--meaning``, the meaning resolver's classifier.

Whole sample templates are held out (every filling of a sample goes to the same fold),
so a score says how well the resolver understands a phrasing that no sample spells out.
The evaluation set is never used here: it must stay a fair test of the choice.

    python -m skill.devtools.tuning [--meaning] [--model PATH] [--folds 5]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.model_selection import GroupKFold

from skill.devtools.generalising import SETTINGS, Settings, classifier, training_set
from skill.devtools.nlu import FALLBACK, load_model

if TYPE_CHECKING:
    from skill.devtools.meaning import MeaningSettings, Vectors

THRESHOLDS = (0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7)


@dataclass(frozen=True)
class Score:
    """Held-out accuracy: all rows, in-domain rows, and out-of-domain (fallback) rows."""

    settings: Settings | MeaningSettings
    overall: float
    in_domain: float
    out_of_domain: float
    fit_seconds: float


def cross_validate(model: dict[str, Any], settings: Settings, folds: int = 5) -> list[Score]:
    """One score per threshold in THRESHOLDS, for these settings otherwise."""
    data = training_set(model, settings.fillings)
    texts = np.array(data.texts, dtype=object)
    intents = np.array(data.intents, dtype=object)
    best = np.empty(len(texts), dtype=object)
    top = np.zeros(len(texts))
    fit_seconds = 0.0
    for train, test in GroupKFold(n_splits=folds).split(texts, intents, data.groups):
        started = time.perf_counter()
        pipeline = classifier(settings).fit(list(texts[train]), list(intents[train]))
        fit_seconds += time.perf_counter() - started
        probabilities = pipeline.predict_proba(list(texts[test]))
        best[test] = pipeline.classes_[probabilities.argmax(axis=1)]
        top[test] = probabilities.max(axis=1)
    return _scores(settings, intents, best, top, fit_seconds / folds)


def _scores(
    settings: Settings | MeaningSettings,
    intents: np.ndarray[Any, Any],
    best: np.ndarray[Any, Any],
    top: np.ndarray[Any, Any],
    fit_seconds: float,
) -> list[Score]:
    """One score per threshold: under it, the held-out answer is the fallback."""
    outside = intents == FALLBACK
    scores = []
    for threshold in THRESHOLDS:
        predicted = np.where(top < threshold, FALLBACK, best)
        right = predicted == intents
        scores.append(
            Score(
                replace(settings, threshold=threshold),
                float(right.mean()),
                float(right[~outside].mean()),
                float(right[outside].mean()) if outside.any() else 1.0,
                fit_seconds,
            )
        )
    return scores


def cross_validate_meaning(
    model: dict[str, Any], vectors: Vectors, settings: MeaningSettings, folds: int = 5
) -> list[Score]:
    """The meaning resolver's classifier, as ``cross_validate``; ``vectors`` are the
    embeddings of ``training_set(model, settings.fillings).texts``, in order."""
    from skill.devtools.meaning import meaning_classifier

    data = training_set(model, settings.fillings)
    intents = np.array(data.intents, dtype=object)
    best = np.empty(len(intents), dtype=object)
    top = np.zeros(len(intents))
    fit_seconds = 0.0
    for train, test in GroupKFold(n_splits=folds).split(vectors, intents, data.groups):
        started = time.perf_counter()
        fitted = meaning_classifier(settings).fit(vectors[train], intents[train])
        fit_seconds += time.perf_counter() - started
        probabilities = fitted.predict_proba(vectors[test])
        best[test] = fitted.classes_[probabilities.argmax(axis=1)]
        top[test] = probabilities.max(axis=1)
    return _scores(settings, intents, best, top, fit_seconds / folds)


def meaning_candidates() -> list[MeaningSettings]:
    """The meaning resolver's grid: logistic regression by regularisation and class
    weights, nearest neighbours by how many vote, and blends of the two by the
    neighbours' share."""
    from skill.devtools.meaning import MEANING_SETTINGS

    return [
        *(
            replace(MEANING_SETTINGS, kind="logistic", c=c, balanced=balanced)
            for c in (1.0, 3.0, 10.0, 30.0, 100.0)
            for balanced in (True, False)
        ),
        *(replace(MEANING_SETTINGS, kind="neighbours", neighbours=k) for k in (3, 5, 10, 20, 40)),
        *(
            replace(MEANING_SETTINGS, kind="blend", c=30.0, balanced=False, neighbours=k, weight=weight)
            for k in (5, 10)
            for weight in (0.25, 0.3, 0.35, 0.4, 0.5)
        ),
    ]


def candidates() -> list[Settings]:
    """The grid searched: regularisation, n-gram ranges, class weights."""
    return [
        replace(SETTINGS, c=c, word_ngrams=words, char_ngrams=chars, balanced=balanced)
        for c in (3.0, 10.0, 30.0, 100.0)
        for words in ((1, 2), (1, 3))
        for chars in ((2, 5), (1, 4))
        for balanced in (True, False)
    ]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--model", type=Path, help="an interaction model JSON (default: en-GB)")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--meaning", action="store_true", help="tune the meaning resolver's classifier")
    args = parser.parse_args(argv)
    model = json.loads(args.model.read_text(encoding="utf-8")) if args.model else load_model()
    results: list[Score] = []
    if args.meaning:
        from skill.devtools.meaning import MEANING_SETTINGS, EmbeddingStore, encoder

        # Every candidate trains on the same texts: embedded once (and kept on disk).
        texts = training_set(model, MEANING_SETTINGS.fillings).texts
        vectors = EmbeddingStore(encoder()).embed(texts)
        print("kind        C      k    weight  balanced  threshold  overall  in-domain  out-of-domain  fit s")
        for meaning in meaning_candidates():
            for score in cross_validate_meaning(model, vectors, meaning, args.folds):
                results.append(score)
                m = score.settings
                assert not isinstance(m, Settings)
                print(
                    f"{m.kind:11} {m.c:<6} {m.neighbours:<4} {m.weight:<7} {m.balanced!s:9} "
                    f"{m.threshold:<10} "
                    f"{score.overall:.3f}    {score.in_domain:.3f}      {score.out_of_domain:.3f}          "
                    f"{score.fit_seconds:.1f}",
                    flush=True,
                )
    else:
        print("C      words  chars  balanced  threshold  overall  in-domain  out-of-domain  fit s")
        for settings in candidates():
            for score in cross_validate(model, settings, args.folds):
                results.append(score)
                s = score.settings
                assert isinstance(s, Settings)
                print(
                    f"{s.c:<6} {s.word_ngrams!s:6} {s.char_ngrams!s:6} {s.balanced!s:9} {s.threshold:<10} "
                    f"{score.overall:.3f}    {score.in_domain:.3f}      {score.out_of_domain:.3f}          "
                    f"{score.fit_seconds:.1f}",
                    flush=True,
                )
    # The floors ask for every out-of-domain line to fall back, so both sides count equally.
    chosen = max(results, key=lambda score: (score.in_domain + score.out_of_domain, score.overall))
    print(f"\nbest mean of in-domain and out-of-domain held-out accuracy: {chosen}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
