"""Times, days and dates as the skill says them (``skill/time_words.py``), never as the
process's locale would write them."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest

from skill import time_words
from tests.conftest import ROOT


@pytest.mark.parametrize(
    ("hour", "minute", "said"), [(9, 0, "9am"), (17, 0, "5pm"), (12, 30, "12:30pm"), (0, 0, "12am")]
)
def test_spoken_time(hour: int, minute: int, said: str) -> None:
    assert time_words.spoken_time(datetime(2026, 1, 1, hour, minute)) == said


def test_a_week_of_day_names_from_monday() -> None:
    monday = date(2026, 3, 2)
    week = [time_words.day_name(monday + timedelta(days=n)) for n in range(7)]
    assert week == ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def test_a_date_as_said_on_the_reminder_card() -> None:
    assert time_words.spoken_date(date(2026, 3, 2)) == "Monday 2 March"
    assert time_words.spoken_date(datetime(2026, 12, 28, 9, 0)) == "Monday 28 December"


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ({1, 2, 3, 4, 5}, "Monday to Friday, 9am to 5pm, UK time"),
        ({1, 3}, "Monday and Wednesday, 9am to 5pm, UK time"),
        ({6, 7}, "Saturday and Sunday, 9am to 5pm, UK time"),
    ],
)
def test_hours_in_words(days: set[int], said: str) -> None:
    assert time_words.hours_prose(frozenset(days), time(9), time(17)) == said


def test_no_answer_names_a_day_or_month_by_the_process_locale() -> None:
    """``strftime`` names days in the locale's language: the words come from here."""
    answering = [
        path
        for path in sorted((ROOT / "skill").rglob("*.py"))
        if "devtools" not in path.parts and "hosts" not in path.parts
    ]
    named = [
        path.relative_to(ROOT).as_posix()
        for path in answering
        if any(code in path.read_text(encoding="utf-8") for code in ("%A", "%a", "%B", "%b"))
    ]
    assert named == []
