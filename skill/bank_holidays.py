"""The nurse line's calendar: bank holidays in England and Wales.

The Cancer Research UK nurse line is run from London, so the days it may be closed are
England and Wales bank holidays (the ``holidays`` library's United Kingdom, subdivision
``ENG``; Wales has the same days). A bank holiday of Scotland or Northern Ireland alone
(St Andrew's Day, the Scottish August Monday, St Patrick's Day, 12 July) is an ordinary
working day for the line, wherever the user lives. We never assert the line *is* closed
on a bank holiday: the skill says it *may* be.

Importing the library costs about as much as starting the rest of the skill (it loads
every country's calendar), so the years a user is likely to ask about are read from
``bank_holiday_table.py``, generated from the pinned library
(``python -m skill.devtools.bank_holiday_table``; a test fails when it is stale). Years
outside the table are computed by the library on first use. Either way, a year is
worked out once and cached for the life of the process.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple

from skill import bank_holiday_table

#: The ``holidays`` library's United Kingdom subdivision for the line's calendar.
SUBDIVISION = "ENG"


class BankHoliday(NamedTuple):
    day: date
    #: The library's name for it ("Boxing Day (observed)"): for people reading the
    #: table and the logs; the skill does not speak it.
    name: str


def computed_year(year: int) -> dict[date, str]:
    """The England and Wales bank holidays of ``year``, by date, from the library."""
    from holidays.countries.united_kingdom import UnitedKingdom

    return dict(UnitedKingdom(subdiv=SUBDIVISION, years=year, language="en_GB"))


@cache
def _year(year: int) -> dict[date, str]:
    if bank_holiday_table.FIRST_YEAR <= year <= bank_holiday_table.LAST_YEAR:
        return {
            date.fromisoformat(day): name
            for day, name in bank_holiday_table.DAYS.items()
            if day.startswith(f"{year}-")
        }
    return computed_year(year)


def bank_holiday(day: date) -> BankHoliday | None:
    """The England and Wales bank holiday on ``day`` (a UK local date), if it is one."""
    name = _year(day.year).get(day)
    return None if name is None else BankHoliday(day=day, name=name)
