"""The nurse line's hours, in UK time, across the clock changes and bank holidays, and
answers to "can I call them at the weekend?" through the real handler."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from skill import dialogue, knowledge
from skill.bank_holidays import BankHoliday
from skill.devtools.envelopes import slot_json
from skill.opening_hours import DayHours, day_hours, status
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


# --- Bank holidays: the line's calendar is England and Wales's ---------------------------


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 8, 3),  # the Scottish August Monday
        date(2026, 7, 13),  # Battle of the Boyne, moved from Sunday 12th: Northern Ireland only
        date(2027, 7, 12),  # Battle of the Boyne on a Monday
    ],
)
def test_a_holiday_of_scotland_or_northern_ireland_alone_is_an_ordinary_day(day: date) -> None:
    assert day_hours(HELPLINE, day) == DayHours(day=day, open=True, holiday=None)
    ten = status(HELPLINE, datetime.combine(day, time(10, 0), tzinfo=BST))
    assert ten.open_now and ten.holiday_today is None
    evening_before = status(HELPLINE, datetime.combine(day - timedelta(days=1), time(18, 0), tzinfo=BST))
    assert evening_before.next_opening == datetime.combine(day, time(9, 0), tzinfo=BST)
    assert not evening_before.after_holiday


@pytest.mark.parametrize("day", [date(2026, 12, 25), date(2026, 4, 6), date(2026, 12, 28)])
def test_an_england_and_wales_bank_holiday_may_close_the_line(day: date) -> None:
    hours = day_hours(HELPLINE, day)
    assert not hours.open and hours.holiday is not None and hours.holiday.day == day


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
    every_day = BankHoliday(day=date(2026, 3, 4), name="Test Day")
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
#: Monday 30 November 2026: St Andrew's Day, a bank holiday in Scotland only.
ST_ANDREWS_DAY = datetime(2026, 11, 30, 10, 0, tzinfo=UTC)
#: Holidays of Scotland or Northern Ireland alone, at 10am UK time: ordinary days for the line.
ONE_NATION_ONLY = [
    ST_ANDREWS_DAY,
    datetime(2026, 8, 3, 10, 0, tzinfo=BST),  # the Scottish August Monday
    datetime(2026, 7, 13, 10, 0, tzinfo=BST),  # 12 July (a Sunday) moved to Monday: Northern Ireland
    datetime(2027, 7, 12, 10, 0, tzinfo=BST),  # 12 July on a Monday: Northern Ireland
    datetime(2026, 3, 17, 10, 0, tzinfo=UTC),  # St Patrick's Day: Northern Ireland
]
#: Monday 28 December 2026: Boxing Day (Saturday 26th) moved to the Monday.
SUBSTITUTE_BOXING_DAY = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
WHERE = said("holiday_where")
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
    when = said("when_day", day="Tuesday", opens="9am")
    assert speech.startswith(said("hours_holiday_today", where=WHERE, when=when, hours=HOURS))
    assert "open now" not in speech
    today = ask(CHRISTMAS_MORNING, "today")
    assert today.startswith(said("hours_holiday_day", day=said("day_today"), where=WHERE, hours=HOURS))


def test_reading_the_number_on_christmas_day_says_the_line_may_be_closed() -> None:
    heard = Conversation(now=CHRISTMAS_MORNING).intent("HelplineIntent")
    when = said("when_day", day="Tuesday", opens="9am")
    assert said("helpline_holiday_today", where=WHERE, when=when) in heard.speech
    assert "open now" not in heard.speech


@pytest.mark.parametrize("now", [EASTER_MONDAY, SUBSTITUTE_BOXING_DAY])
def test_an_england_and_wales_bank_holiday_says_the_line_may_be_closed(now: datetime) -> None:
    when = said("when_tomorrow", opens="9am")
    speech = ask(now)
    assert speech.startswith(said("hours_holiday_today", where=WHERE, when=when, hours=HOURS))
    assert "open now" not in speech
    number = Conversation(now=now).intent("HelplineIntent").speech
    assert said("helpline_holiday_today", where=WHERE, when=when) in number


@pytest.mark.parametrize("now", ONE_NATION_ONLY)
def test_a_holiday_of_scotland_or_northern_ireland_alone_is_ordinary_hours_and_not_mentioned(
    now: datetime,
) -> None:
    for when in (None, "now", "today"):
        speech = ask(now, when)
        assert speech.startswith(said("hours_open_answer", closes="5pm", hours=HOURS))
        assert "holiday" not in speech
    number = Conversation(now=now).intent("HelplineIntent").speech
    assert said("helpline_open_now", closes="5pm") in number and "holiday" not in number


def test_st_andrews_day_asked_about_the_day_before_is_yes_open_tomorrow() -> None:
    sunday = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    speech = ask(sunday, "tomorrow")
    assert speech.startswith(said("hours_yes_day", day=said("day_tomorrow"), opens="9am", closes="5pm"))
    assert "holiday" not in speech
    monday = said("hours_yes_day", day="on Monday", opens="9am", closes="5pm")
    assert ask(sunday, "monday").startswith(monday)


def test_asking_about_bank_holidays_names_england_and_wales() -> None:
    speech = ask(WEDNESDAY_AFTERNOON, "bank_holiday")
    assert speech.startswith(said("hours_bank_holidays", where=WHERE, hours=HOURS))
    assert WHERE == "in England and Wales"


def test_a_day_that_is_a_bank_holiday_says_may() -> None:
    thursday_before_easter = datetime(2026, 4, 2, 12, 0, tzinfo=UTC)
    expected = said("hours_holiday_day", day=said("day_tomorrow"), where=WHERE, hours=HOURS)
    assert ask(thursday_before_easter, "tomorrow").startswith(expected)


def test_the_evening_before_good_friday_says_it_may_next_open_on_tuesday() -> None:
    speech = ask(datetime(2026, 4, 2, 18, 0, tzinfo=UTC))
    when = said("when_day", day="Tuesday", opens="9am")
    assert speech.startswith(said("hours_closed_after_holiday", when=when, hours=HOURS))


def test_new_years_eve_evening_says_the_line_may_next_open_after_the_bank_holiday() -> None:
    """Thursday 31 December 2026, 19:00 UK time: Friday 1 January is a bank holiday, so
    the next opening (Monday) is hedged, both when asked and when the number is read."""
    new_years_eve = datetime(2026, 12, 31, 19, 0, tzinfo=BST)
    when = said("when_day", day="Monday", opens="9am")
    assert ask(new_years_eve).startswith(said("hours_closed_after_holiday", when=when, hours=HOURS))
    number = Conversation(now=new_years_eve).intent("HelplineIntent").speech
    assert said("helpline_closed_after_holiday", when=when) in number
    assert said("helpline_closed_now", when=when) not in number


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


@pytest.mark.parametrize(
    "five_pm",
    [datetime(2026, 3, 4, 17, 0, tzinfo=BST), datetime(2026, 7, 1, 17, 0, tzinfo=BST)],
    ids=["winter", "summer"],
)
def test_can_i_call_today_at_exactly_five_on_a_weekday_is_closed(five_pm: datetime) -> None:
    speech = ask(five_pm, "today")  # "can I call today?"
    assert speech.startswith(said("hours_closed_today", closes="5pm"))
    assert said("next_opening", when=said("when_tomorrow", opens="9am")) in speech
    # A minute before, the line is still open.
    assert ask(five_pm - timedelta(minutes=1), "today").startswith(
        said("hours_open_answer", closes="5pm", hours=HOURS)
    )


def test_hours_answers_offer_the_nurses_even_after_a_no() -> None:
    talk = Conversation(now=WEDNESDAY_AFTERNOON)
    talk.intent("WhatIsIntent")
    talk.intent("AMAZON.NoIntent")
    assert talk.intent("HelplineHoursIntent").speech.endswith(OFFER)
