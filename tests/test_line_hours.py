"""The nurse line's hours in words (``skill/conversation/line_hours.py``), made from the
helpline, the time and the dialogue alone: no turn, no request."""

from __future__ import annotations

from datetime import UTC, datetime

from skill.conversation.line_hours import LineHours
from tests.conftest import CLOSED_TIME, KNOWN, OPEN_TIME, WORDS, said


def line(key: str, **values: str) -> str:
    return WORDS.say(key, None, **values)


def test_on_a_saturday_evening_the_line_next_opens_on_monday() -> None:
    hours = LineHours(KNOWN.helpline, CLOSED_TIME, line)
    assert hours.opens_later
    assert hours.when_next_open() == said("when_day", day="Monday", opens="9am")
    assert hours.status_line() == said("helpline_closed_now", when=hours.when_next_open())


def test_while_it_is_open_there_is_nothing_to_be_reminded_of() -> None:
    hours = LineHours(KNOWN.helpline, OPEN_TIME, line)
    assert not hours.opens_later
    assert hours.status_line() == said("helpline_open_now", closes="5pm")


def test_the_question_asked_is_answered_first() -> None:
    hours = LineHours(KNOWN.helpline, OPEN_TIME, line)
    weekend = said("hours_no", asked=said("asked_weekend"), hours=KNOWN.helpline.hours_text)
    assert hours.answer_to("weekend") == [weekend]
    friday = said("day_on", day="Friday")
    assert hours.answer_to("friday") == [said("hours_yes_day", day=friday, opens="9am", closes="5pm")]


def test_the_date_is_the_uk_date_just_after_midnight_in_summer() -> None:
    """00:30 in London on a Saturday in June is still Friday in UTC."""
    hours = LineHours(KNOWN.helpline, datetime(2026, 6, 5, 23, 30, tzinfo=UTC), line)
    assert hours.local_now.date().isoformat() == "2026-06-06"
    assert hours.when_next_open() == said("when_day", day="Monday", opens="9am")
