"""The nurse line's hours, in UK time, across the clock changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from skill import knowledge
from skill.opening_hours import spoken_time, status

HELPLINE = knowledge.load().helpline


@pytest.mark.parametrize(
    ("utc", "open_now"),
    [
        (datetime(2026, 3, 27, 8, 59, tzinfo=UTC), False),  # Fri 08:59 GMT
        (datetime(2026, 3, 27, 9, 0, tzinfo=UTC), True),  # Fri 09:00 GMT
        (datetime(2026, 3, 27, 16, 59, tzinfo=UTC), True),
        (datetime(2026, 3, 27, 17, 0, tzinfo=UTC), False),
        (datetime(2026, 3, 28, 12, 0, tzinfo=UTC), False),  # Saturday
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), False),  # Sunday, clocks go forward
        (datetime(2026, 3, 30, 8, 0, tzinfo=UTC), True),  # Mon 09:00 BST
        (datetime(2026, 3, 30, 16, 0, tzinfo=UTC), False),  # Mon 17:00 BST
        (datetime(2026, 10, 23, 15, 59, tzinfo=UTC), True),  # Fri 16:59 BST
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), False),  # Sunday, clocks go back
        (datetime(2026, 10, 26, 8, 59, tzinfo=UTC), False),  # Mon 08:59 GMT
        (datetime(2026, 10, 26, 9, 0, tzinfo=UTC), True),
    ],
)
def test_open_in_uk_local_time(utc: datetime, open_now: bool) -> None:
    assert status(HELPLINE, utc).open_now is open_now


def test_next_opening_after_the_weekend_of_a_clock_change_is_monday_9am_bst() -> None:
    line = status(HELPLINE, datetime(2026, 3, 27, 18, 0, tzinfo=UTC))
    assert line.next_opening is not None
    assert line.next_opening.isoformat() == "2026-03-30T09:00:00+01:00"


def test_closing_time_is_reported_in_local_time() -> None:
    line = status(HELPLINE, datetime(2026, 6, 1, 10, 0, tzinfo=UTC))
    assert line.closes is not None and line.closes.isoformat() == "2026-06-01T17:00:00+01:00"


def test_any_time_zone_in_gives_the_same_answer() -> None:
    new_york = timezone(timedelta(hours=-5))
    assert status(HELPLINE, datetime(2026, 1, 5, 5, 0, tzinfo=new_york)).open_now  # 10:00 GMT


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        status(HELPLINE, datetime(2026, 1, 5, 10, 0))


@pytest.mark.parametrize(
    ("hour", "minute", "said"), [(9, 0, "9am"), (17, 0, "5pm"), (12, 30, "12:30pm"), (0, 0, "12am")]
)
def test_spoken_time(hour: int, minute: int, said: str) -> None:
    assert spoken_time(datetime(2026, 1, 1, hour, minute)) == said
