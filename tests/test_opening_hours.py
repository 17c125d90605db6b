"""The nurse line's hours, in UK time, across the clock changes and bank holidays, and
answers to "can I call them at the weekend?" through the real handler."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from skill import dialogue, knowledge
from skill.bank_holidays import BankHoliday, bank_holiday
from skill.devtools.envelopes import slot_json
from skill.opening_hours import day_hours, spoken_time, status
from tests.conftest import Conversation, said

BST = ZoneInfo("Europe/London")
OFFER = dialogue.load().phrasings("offer_helpline")[0]

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


# --- Bank holidays, all four nations -----------------------------------------------------


@pytest.mark.parametrize(
    ("day", "all_nations"),
    [
        (date(2026, 12, 25), True),  # Christmas Day
        (date(2026, 12, 28), True),  # Boxing Day (substitute day)
        (date(2026, 4, 6), False),  # Easter Monday: not in Scotland
        (date(2026, 3, 17), False),  # St Patrick's Day: Northern Ireland only
        (date(2026, 11, 30), False),  # St Andrew's Day: Scotland only
        (date(2026, 8, 3), False),  # Summer bank holiday in Scotland
        (date(2026, 8, 31), False),  # Late summer bank holiday: not in Scotland
    ],
)
def test_bank_holidays_of_all_four_nations(day: date, all_nations: bool) -> None:
    holiday = bank_holiday(day)
    assert holiday is not None and holiday.all_nations is all_nations


def test_an_ordinary_day_is_not_a_bank_holiday() -> None:
    assert bank_holiday(date(2026, 3, 4)) is None


def test_on_a_bank_holiday_the_line_is_never_open_now() -> None:
    line = status(HELPLINE, datetime(2026, 12, 25, 10, 0, tzinfo=UTC))  # Christmas Day, Friday
    assert not line.open_now
    assert line.holiday_today is not None and line.after_holiday
    # Boxing Day (observed) is Monday 28th: the next opening skips it.
    assert line.next_opening is not None and line.next_opening.date() == date(2026, 12, 29)


def test_the_next_opening_skips_bank_holidays_and_says_so() -> None:
    line = status(HELPLINE, datetime(2026, 4, 2, 18, 0, tzinfo=UTC))  # Thursday before Good Friday
    assert line.holiday_today is None and line.after_holiday
    assert line.next_opening is not None and line.next_opening.date() == date(2026, 4, 7)
    ordinary = status(HELPLINE, datetime(2026, 3, 4, 18, 0, tzinfo=UTC))
    assert not ordinary.after_holiday


def test_bank_holidays_use_the_uk_date_just_after_midnight_in_summer() -> None:
    # 23:30 UTC on Sunday 30 August is 00:30 BST on Monday 31 August, a bank holiday.
    line = status(HELPLINE, datetime(2026, 8, 30, 23, 30, tzinfo=UTC))
    assert line.holiday_today is not None and line.holiday_today.day == date(2026, 8, 31)
    assert day_hours(HELPLINE, date(2026, 8, 31)).holiday is not None


def test_a_holiday_lookup_can_be_injected() -> None:
    every_day = BankHoliday(day=date(2026, 3, 4), all_nations=True)
    line = status(HELPLINE, datetime(2026, 3, 4, 10, 0, tzinfo=UTC), holiday=lambda day: every_day)
    assert not line.open_now and line.holiday_today is every_day


# --- Answering the question asked, through the real handler ------------------------------


HOURS = HELPLINE.hours_text


def ask(now: datetime, when: str | None = None) -> str:
    slots = {"when": slot_json("when", when, "HelplineTimeType", when, when)} if when else None
    heard = Conversation(now=now).intent("HelplineHoursIntent", slots)
    assert not heard.ends_session
    return heard.speech


WEDNESDAY_AFTERNOON = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
SATURDAY_MORNING = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)
CHRISTMAS_MORNING = datetime(2026, 12, 25, 10, 0, tzinfo=UTC)
EASTER_MONDAY = datetime(2026, 4, 6, 10, 0, tzinfo=BST)
ST_PATRICKS_DAY = datetime(2026, 3, 17, 11, 0, tzinfo=UTC)
ST_ANDREWS_DAY = datetime(2026, 11, 30, 11, 0, tzinfo=UTC)
#: 00:30 BST on Tuesday 2 June is still Monday in UTC.
TUESDAY_JUST_AFTER_MIDNIGHT = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)


def test_weekend_asked_on_a_weekday_afternoon_is_no_not_yes_open_now() -> None:
    speech = ask(WEDNESDAY_AFTERNOON, "weekend")
    assert speech.startswith(said("hours_no", asked=said("asked_weekend"), hours=HOURS))
    assert not speech.startswith("Yes")


@pytest.mark.parametrize("when", ["saturday", "sunday"])
def test_a_weekend_day_asked_by_name_is_no(when: str) -> None:
    day = when.capitalize()
    asked = said("asked_weekday", day=day)
    assert ask(WEDNESDAY_AFTERNOON, when).startswith(said("hours_no", asked=asked, hours=HOURS))


def test_tonight_is_no_and_says_it_is_open_now_until_five() -> None:
    speech = ask(WEDNESDAY_AFTERNOON, "tonight")
    assert speech.startswith(said("hours_no", asked=said("asked_evening"), hours=HOURS))
    assert said("helpline_open_now", closes="5pm") in speech


@pytest.mark.parametrize("when", [None, "now", "today"])
def test_now_and_today_on_a_weekday_afternoon_are_yes(when: str | None) -> None:
    assert ask(WEDNESDAY_AFTERNOON, when).startswith(said("hours_open_answer", closes="5pm", hours=HOURS))


@pytest.mark.parametrize(("when", "day"), [("tomorrow", "tomorrow"), ("friday", "on Friday")])
def test_an_open_day_ahead_is_yes(when: str, day: str) -> None:
    expected = said("hours_yes_day", day=day, opens="9am", closes="5pm")
    assert ask(WEDNESDAY_AFTERNOON, when).startswith(expected)


def test_on_saturday_today_and_tomorrow_are_no_and_monday_is_yes() -> None:
    assert ask(SATURDAY_MORNING, "today").startswith(said("hours_no", asked=said("asked_today"), hours=HOURS))
    tomorrow = said("hours_no", asked=said("asked_tomorrow"), hours=HOURS)
    assert ask(SATURDAY_MORNING, "tomorrow").startswith(tomorrow)
    assert ask(SATURDAY_MORNING, "monday").startswith(
        said("hours_yes_day", day="on Monday", opens="9am", closes="5pm")
    )
    closed = said("hours_closed_answer", when=said("when_day", day="Monday", opens="9am"), hours=HOURS)
    # Closed now: the reminder for when it opens is offered (tests/test_reminders.py).
    remind = said("reminder_offer", when=said("when_day", day="Monday", opens="9am"))
    assert ask(SATURDAY_MORNING, "now") == f"{closed} {remind}"


def test_christmas_day_at_ten_says_may_be_closed_never_open_now() -> None:
    speech = ask(CHRISTMAS_MORNING)
    where = said("holiday_where_all")
    when = said("when_day", day="Tuesday", opens="9am")
    assert speech.startswith(said("hours_holiday_today", where=where, when=when, hours=HOURS))
    assert "open now" not in speech
    today = ask(CHRISTMAS_MORNING, "today")
    assert today.startswith(said("hours_holiday_day", day=said("day_today"), where=where, hours=HOURS))


def test_reading_the_number_on_christmas_day_says_the_line_may_be_closed() -> None:
    heard = Conversation(now=CHRISTMAS_MORNING).intent("HelplineIntent")
    when = said("when_day", day="Tuesday", opens="9am")
    assert said("helpline_holiday_today", where=said("holiday_where_all"), when=when) in heard.speech
    assert "open now" not in heard.speech


@pytest.mark.parametrize("now", [EASTER_MONDAY, ST_PATRICKS_DAY, ST_ANDREWS_DAY])
def test_a_bank_holiday_in_part_of_the_uk_says_so(now: datetime) -> None:
    where = said("holiday_where_some")
    when = said("when_tomorrow", opens="9am")
    assert ask(now).startswith(said("hours_holiday_today", where=where, when=when, hours=HOURS))


def test_asking_about_bank_holidays_says_it_may_be_closed_with_the_hours() -> None:
    assert ask(WEDNESDAY_AFTERNOON, "bank_holiday").startswith(said("hours_bank_holidays", hours=HOURS))


def test_a_day_that_is_a_bank_holiday_says_may() -> None:
    thursday_before_easter = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
    where = said("holiday_where_all")
    expected = said("hours_holiday_day", day=said("day_tomorrow"), where=where, hours=HOURS)
    assert ask(thursday_before_easter, "tomorrow").startswith(expected)


def test_the_evening_before_good_friday_says_it_may_next_open_on_tuesday() -> None:
    speech = ask(datetime(2026, 4, 2, 18, 0, tzinfo=UTC))
    when = said("when_day", day="Tuesday", opens="9am")
    assert speech.startswith(said("hours_closed_after_holiday", when=when, hours=HOURS))


def test_just_after_uk_midnight_in_summer_today_is_the_uk_day() -> None:
    # UTC says Monday evening; in the UK it is Tuesday, 00:30.
    expected = said("hours_yes_day", day=said("day_today"), opens="9am", closes="5pm")
    assert ask(TUESDAY_JUST_AFTER_MIDNIGHT, "today").startswith(expected)
    now = ask(TUESDAY_JUST_AFTER_MIDNIGHT)
    assert now.startswith(said("hours_closed_answer", when=said("when_today", opens="9am"), hours=HOURS))


def test_today_after_closing_says_not_any_more_and_when_it_opens() -> None:
    speech = ask(datetime(2026, 3, 4, 18, 0, tzinfo=UTC), "today")
    assert speech.startswith(said("hours_closed_today", closes="5pm"))
    assert said("next_opening", when=said("when_tomorrow", opens="9am")) in speech


def test_hours_answers_offer_the_nurses_even_after_a_no() -> None:
    talk = Conversation(now=WEDNESDAY_AFTERNOON)
    talk.intent("WhatIsIntent")
    talk.intent("AMAZON.NoIntent")
    assert talk.intent("HelplineHoursIntent").speech.endswith(OFFER)


# --- The generated bank holiday table ----------------------------------------------------


def test_bank_holiday_table_is_what_the_pinned_library_says() -> None:
    from skill.devtools import bank_holiday_table

    assert bank_holiday_table.TABLE.read_text() == bank_holiday_table.render(), (
        "the table is stale: python -m skill.devtools.bank_holiday_table"
    )


def test_years_in_the_table_and_beyond_it_answer_alike() -> None:
    from skill import bank_holidays
    from skill.bank_holiday_table import LAST_YEAR

    for year in (2026, LAST_YEAR):
        assert bank_holidays._year(year) == bank_holidays.computed_year(year)
    beyond = LAST_YEAR + 1
    christmas = bank_holiday(date(beyond, 12, 25))
    assert christmas is not None and christmas.all_nations


def test_answering_does_not_import_the_holidays_library() -> None:
    import subprocess
    import sys

    probe = (
        "import sys, datetime; from skill.bank_holidays import bank_holiday;"
        "assert bank_holiday(datetime.date(2026, 12, 25)).all_nations;"
        "print('holidays' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
