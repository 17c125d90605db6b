"""The safety-word matcher: do these words call for the overdose, crisis, emergency or
urgent answer? Plain words in, one kind of urgency out; nothing about Alexa, and nothing
kept of what was heard.

The phrases themselves are content, under ``[safety]`` in ``topics.toml``, checked when
the knowledge loads (``skill.knowledge``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

#: What the safety net can find, in the order it is checked: an overdose already taken
#: (999 first), thoughts of suicide or self-harm (Samaritans first), an emergency beyond
#: doubt ("Call 999 now."), and urgent words that leave room for doubt (999 or NHS 111).
Urgency = Literal["overdose", "crisis", "emergency", "urgent"]
URGENCIES: tuple[Urgency, ...] = ("overdose", "crisis", "emergency", "urgent")


def most_urgent(found: Iterable[object]) -> Urgency | None:
    """The first of ``URGENCIES`` among what was found (other values, None among them,
    are ignored): an overdose before a crisis before an emergency before urgent words."""
    kinds = set(found)
    return next((kind for kind in URGENCIES if kind in kinds), None)


def normalised_words(text: str) -> tuple[str, ...]:
    """Lower-case words, apostrophes dropped ("can't" is "cant"), other marks as spaces:
    how both the safety phrases and what was heard are compared."""
    text = text.lower().replace("\u2019", "").replace("'", "")
    return tuple(re.sub(r"[^a-z0-9]+", " ", text).split())


def _holds(heard: tuple[str, ...], phrases: frozenset[tuple[str, ...]], lengths: tuple[int, ...]) -> bool:
    """Whether some run of words in ``heard`` is one of ``phrases`` (of these lengths)."""
    return any(
        heard[start : start + size] in phrases for size in lengths for start in range(len(heard) - size + 1)
    )


class SafetyWords:
    """Phrases that, heard anywhere in a request, call for the overdose, crisis or
    emergency answer: each kind a tuple of phrases, each phrase a tuple of words."""

    __slots__ = ("_sets", "crisis", "emergency", "overdose", "urgent")

    def __init__(
        self,
        crisis: tuple[tuple[str, ...], ...],
        emergency: tuple[tuple[str, ...], ...],
        overdose: tuple[tuple[str, ...], ...] = (),
        urgent: tuple[tuple[str, ...], ...] = (),
    ) -> None:
        self.overdose = overdose
        self.crisis = crisis
        self.emergency = emergency
        self.urgent = urgent
        # Checked on every slot of every request: as sets, one lookup per run of words.
        self._sets = tuple(
            (kind, frozenset(phrases), tuple(sorted({len(phrase) for phrase in phrases})))
            for kind, phrases in (
                ("overdose", overdose),
                ("crisis", crisis),
                ("emergency", emergency),
                ("urgent", urgent),
            )
        )

    def __repr__(self) -> str:
        kinds = ", ".join(f"{kind}={self.phrases(kind)!r}" for kind in URGENCIES)
        return f"SafetyWords({kinds})"

    def phrases(self, kind: Urgency) -> tuple[tuple[str, ...], ...]:
        return {
            "overdose": self.overdose,
            "crisis": self.crisis,
            "emergency": self.emergency,
            "urgent": self.urgent,
        }[kind]

    def urgency(self, text: str) -> Urgency | None:
        """The first of ``URGENCIES`` that some words heard call for, or None: an overdose
        already taken is 999 before Samaritans, a crisis Samaritans before 999."""
        heard = normalised_words(text)
        for kind, phrases, lengths in self._sets:
            if _holds(heard, phrases, lengths):
                return kind  # type: ignore[return-value]
        return None
