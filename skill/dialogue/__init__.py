"""The skill's own sentences, by dialogue key, per locale.

Handlers name a key (``"offer_helpline"``); the words live in ``<locale>.toml`` beside
this file. Files are read once per process and checked then, so a missing key or a
malformed file fails at start-up.
"""

from __future__ import annotations

import random
import string
from collections.abc import Mapping
from functools import cache
from typing import Protocol

from skill import content

DEFAULT_LOCALE = "en-GB"

#: Every key the conversation code uses, with the {fields} it fills in. A dialogue file
#: must have exactly these keys, and its phrasings may use only these fields.
KEYS: Mapping[str, frozenset[str]] = {
    "welcome": frozenset(),
    "welcome_reprompt": frozenset(),
    "start_over": frozenset(),
    "help": frozenset(),
    "help_keeping_preferences": frozenset(),
    "help_reprompt": frozenset(),
    "fallback": frozenset(),
    "fallback_reprompt": frozenset(),
    "urgent_help": frozenset(),
    "goodbye": frozenset(),
    "goodbye_thanks": frozenset(),
    "goodbye_after_crisis": frozenset(),
    "disclaimer": frozenset(),
    "offer_helpline": frozenset(),
    "offer_helpline_reprompt": frozenset(),
    "anything_else": frozenset(),
    "anything_else_reprompt": frozenset(),
    "helpline_intro": frozenset(),
    "helpline_again": frozenset(),
    "helpline_hours": frozenset({"hours"}),
    "helpline_open_now": frozenset({"closes"}),
    "helpline_closed_now": frozenset({"when"}),
    "helpline_closed_after_holiday": frozenset({"when"}),
    "helpline_holiday_today": frozenset({"when", "where"}),
    "helpline_card_note": frozenset(),
    "screen_helpline": frozenset(),
    "screen_next": frozenset(),
    "screen_start": frozenset(),
    "screen_samaritans": frozenset(),
    "hours_open_answer": frozenset({"closes", "hours"}),
    "hours_closed_answer": frozenset({"hours", "when"}),
    "hours_closed_after_holiday": frozenset({"hours", "when"}),
    "hours_holiday_today": frozenset({"hours", "when", "where"}),
    "hours_no": frozenset({"asked", "hours"}),
    "hours_yes_day": frozenset({"closes", "day", "opens"}),
    "hours_closed_today": frozenset({"closes"}),
    "hours_holiday_day": frozenset({"day", "hours", "where"}),
    "hours_bank_holidays": frozenset({"hours", "where"}),
    "next_opening": frozenset({"when"}),
    "next_opening_after_holiday": frozenset({"when"}),
    "asked_weekend": frozenset(),
    "asked_weekday": frozenset({"day"}),
    "asked_evening": frozenset(),
    "asked_today": frozenset(),
    "asked_tomorrow": frozenset(),
    "day_today": frozenset(),
    "day_tomorrow": frozenset(),
    "day_on": frozenset({"day"}),
    "holiday_where": frozenset(),
    "when_today": frozenset({"opens"}),
    "when_tomorrow": frozenset({"opens"}),
    "when_day": frozenset({"day", "opens"}),
    "yes_without_offer": frozenset(),
    "yes_to_anything_else": frozenset(),
    "yes_to_anything_else_reprompt": frozenset(),
    "no_to_offer": frozenset(),
    "no_to_offer_first": frozenset(),
    "no_without_offer": frozenset(),
    "repeat_nothing": frozenset(),
    "more_nothing": frozenset(),
    "more_done": frozenset({"title"}),
    "correction_which": frozenset({"topics"}),
    "correction_nothing": frozenset(),
    "back_nothing": frozenset(),
    "also_asked": frozenset({"other"}),
    "also_asked_reprompt": frozenset({"other"}),
    "also_asked_unheard": frozenset(),
    "also_helpline": frozenset(),
    "also_helpline_hours": frozenset(),
    "also_helpline_cost": frozenset(),
    "also_side_effects_of": frozenset({"treatment"}),
    "also_helpline_hours_when": frozenset({"asked"}),
    "forget_done": frozenset(),
    "forget_failed": frozenset(),
    "forget_nothing_kept": frozenset(),
    "slower": frozenset(),
    "normal": frozenset(),
    "speed_prompt": frozenset(),
    "urgent": frozenset(),
    "urgent_follow_up": frozenset(),
    "urgent_reprompt": frozenset(),
    "urgent_card_title": frozenset(),
    "urgent_card": frozenset(),
    "helpline_free": frozenset({"hours"}),
    "helpline_about": frozenset({"hours"}),
    "others_treatment": frozenset({"current"}),
    "others_symptom": frozenset(),
    "others_nothing": frozenset(),
    "others_site": frozenset({"current"}),
    "others_question": frozenset(),
    "others_reprompt": frozenset(),
    "and": frozenset(),
    "side_effects_card_title": frozenset({"treatment"}),
    "prognosis": frozenset(),
    "medicine_dose": frozenset(),
    "emergency_now": frozenset(),
    "emergency_now_reprompt": frozenset(),
    "overdose": frozenset(),
    "overdose_reprompt": frozenset(),
    "overdose_card_title": frozenset(),
    "overdose_card": frozenset(),
    "crisis": frozenset(),
    "crisis_reprompt": frozenset(),
    "crisis_card_title": frozenset(),
    "crisis_card": frozenset({"hours", "number"}),
    "beyond_page": frozenset(),
    "unknown_treatment": frozenset(),
    "unknown_symptom": frozenset(),
    "unknown_body_site": frozenset(),
    "error": frozenset(),
    "error_reprompt": frozenset(),
    "unknown_card_title": frozenset(),
    "unknown_card": frozenset({"hours", "number"}),
    "helpline_card_title": frozenset(),
    "helpline_card": frozenset({"hours", "number"}),
    "emergency_card_title": frozenset(),
    "emergency_card": frozenset(),
    "welcome_card_title": frozenset(),
    "welcome_card": frozenset(),
    "reminder_offer": frozenset({"when"}),
    "reminder_offer_holiday": frozenset({"when"}),
    "reminder_offer_reprompt": frozenset({"when"}),
    "reminder_declined": frozenset(),
    "reminder_set": frozenset({"when"}),
    "reminder_text": frozenset({"number"}),
    "reminder_card_title": frozenset(),
    "reminder_card": frozenset({"day", "hours", "number", "opens"}),
    "reminder_failed": frozenset(),
    "reminder_line_open": frozenset(),
    "reminder_permission_denied": frozenset(),
    "reminder_permission_not_answered": frozenset(),
    "reminder_permission_card": frozenset(),
}


class DialogueError(ValueError):
    """A dialogue file is malformed, or a key or field is missing."""


class Lines(Protocol):
    """One dialogue line by key, a phrasing chosen and its fields filled (``Turn.line``):
    what the parts that word an answer take, rather than the whole turn."""

    def __call__(self, key: str, **values: str) -> str: ...


class Dialogue:
    """The phrasings of one locale."""

    def __init__(self, locale: str, phrasings: Mapping[str, tuple[str, ...]]) -> None:
        self.locale = locale
        self._phrasings = dict(phrasings)

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(self._phrasings)

    def phrasings(self, key: str) -> tuple[str, ...]:
        try:
            return self._phrasings[key]
        except KeyError:
            raise DialogueError(f"no dialogue key '{key}' in {self.locale}") from None

    def fields(self, key: str) -> frozenset[str]:
        """The ``{fields}`` that the phrasings of ``key`` need."""
        return frozenset(
            name for text in self.phrasings(key) for _, name, _, _ in string.Formatter().parse(text) if name
        )

    def say(self, key: str, rng: random.Random | None = None, **values: str) -> str:
        """One phrasing of ``key`` with its fields filled in."""
        options = self.phrasings(key)
        text = options[0] if rng is None or len(options) == 1 else rng.choice(options)
        try:
            return text.format(**values)
        except KeyError as error:
            raise DialogueError(f"dialogue key '{key}' needs the field {error}") from None


def parse(locale: str, data: Mapping[str, object]) -> Dialogue:
    phrasings: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        options = (value,) if isinstance(value, str) else value
        if (
            not isinstance(options, (list, tuple))
            or not options
            or not all(isinstance(text, str) and text.strip() for text in options)
        ):
            raise DialogueError(f"{locale}: '{key}' must be text or a list of text")
        phrasings[key] = tuple(text.strip() for text in options)
    dialogue = Dialogue(locale, phrasings)
    missing = sorted(set(KEYS) - dialogue.keys)
    unknown = sorted(dialogue.keys - set(KEYS))
    if missing or unknown:
        raise DialogueError(f"{locale}: missing keys {missing}, unknown keys {unknown}")
    for key, allowed in KEYS.items():
        extra = dialogue.fields(key) - allowed
        if extra:
            raise DialogueError(f"{locale}: '{key}' uses unknown fields {sorted(extra)}")
    return dialogue


@cache
def _available() -> frozenset[str]:
    return content.available(__file__)


def load(locale: str = DEFAULT_LOCALE) -> Dialogue:
    """The dialogue for ``locale``, falling back to the default locale.

    Requests name their locale; only the locales we have are ever read or cached.
    """
    return _load(locale if locale in _available() else DEFAULT_LOCALE)


@cache
def _load(locale: str) -> Dialogue:
    try:
        data = content.read(__file__, locale)
    except content.ContentFileError as error:
        raise DialogueError(str(error)) from error
    return parse(locale, data)
