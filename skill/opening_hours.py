"""Is the nurse helpline open now, or on a given day, and when does it next open? In UK time.

The helpline's hours are UK local time, so every answer is worked out in Europe/London,
which is right across the clock changes in March and October, and just after midnight
in summer, when UTC is still on the day before. The time zone database comes from the
system or, where there is none (AWS Lambda), from the ``tzdata`` package.

On a bank holiday in England and Wales (the line's calendar, ``bank_holidays.py``) the
line *may* be closed: it is then never reported as open, and a next opening that passes
over one is marked, so that the skill can say "may". A holiday of Scotland or Northern
Ireland alone is an ordinary day for the line.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, tzinfo
from functools import cache
from typing import NamedTuple

from skill.bank_holidays import BankHoliday, bank_holiday
from skill.knowledge import Helpline

#: How far ahead to look for the next opening day past bank holidays (Christmas to New
#: Year is the longest run, under a fortnight).
_LOOK_AHEAD_DAYS = 14

#: Looks up the line's bank holiday on a UK date, if any: injectable for tests.
HolidayLookup = Callable[[date], BankHoliday | None]


class LineStatus(NamedTuple):
    open_now: bool
    #: When it next opens (local time), if it is closed now.
    next_opening: datetime | None
    #: Today's closing time (local time), if it is open now.
    closes: datetime | None
    #: Today's bank holiday, when today would otherwise be an opening day.
    holiday_today: BankHoliday | None = None
    #: The next opening passes over a bank holiday: the line may open later than usual.
    after_holiday: bool = False


class DayHours(NamedTuple):
    """The line on one UK date."""

    day: date
    #: A usual opening day (Monday to Friday) that is not a bank holiday.
    open: bool
    #: A bank holiday that falls on a usual opening day: the line may be closed.
    holiday: BankHoliday | None


@cache
def zone(name: str) -> tzinfo:
    """The time zone ``name``, loaded when first needed: most answers need no time zone,
    and ``zoneinfo`` takes a few milliseconds to import."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def local(helpline: Helpline, now: datetime) -> datetime:
    """``now`` in the helpline's own time zone; ``now`` must be timezone-aware."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(zone(helpline.timezone))


def day_hours(helpline: Helpline, day: date, holiday: HolidayLookup = bank_holiday) -> DayHours:
    if day.isoweekday() not in helpline.open_days:
        return DayHours(day=day, open=False, holiday=None)
    on_day = holiday(day)
    return DayHours(day=day, open=on_day is None, holiday=on_day)


def status(helpline: Helpline, now: datetime, holiday: HolidayLookup = bank_holiday) -> LineStatus:
    """The line's status at ``now``, an aware datetime in any zone."""
    here = local(helpline, now)
    today = day_hours(helpline, here.date(), holiday)
    if today.open and helpline.opens <= here.time() < helpline.closes:
        closes = here.replace(
            hour=helpline.closes.hour, minute=helpline.closes.minute, second=0, microsecond=0
        )
        return LineStatus(open_now=True, next_opening=None, closes=closes)
    day = here.date()
    if here.time() >= helpline.opens:
        day += timedelta(days=1)
    skipped = False
    for _ in range(_LOOK_AHEAD_DAYS):
        hours = day_hours(helpline, day, holiday)
        if hours.open:
            break
        skipped = skipped or hours.holiday is not None
        day += timedelta(days=1)
    else:  # a run of holidays no calendar has: fall back to the usual days, as a "may"
        day = here.date() + timedelta(days=1)
        while day.isoweekday() not in helpline.open_days:
            day += timedelta(days=1)
    opening = datetime.combine(day, helpline.opens, tzinfo=zone(helpline.timezone))
    return LineStatus(
        open_now=False,
        next_opening=opening,
        closes=None,
        holiday_today=today.holiday,
        after_holiday=skipped or today.holiday is not None,
    )


def next_weekday(today: date, iso_weekday: int) -> date:
    """The next date with that weekday (1 is Monday), today included."""
    return today + timedelta(days=(iso_weekday - today.isoweekday()) % 7)
