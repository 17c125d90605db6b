"""UK bank holidays, in all four nations.

The nurse line is a UK line, and a bank holiday in England and Wales, Scotland or
Northern Ireland may close it, so a day counts if it is a bank holiday in any of them.
We never assert the line *is* closed on one: the skill says it *may* be.

The days come from the ``holidays`` library. Importing it takes longer than starting
the rest of the skill (it loads every country's calendar), so the years a user is
likely to ask about are read from ``bank_holiday_table.py``, a table generated from
the pinned library (``python -m skill.devtools.bank_holiday_table``; a test fails when
it is stale). Years outside the table are computed by the library on first use. Either
way, a year is worked out once and cached for the life of the process.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import NamedTuple

from skill import bank_holiday_table

#: England, Wales, Scotland, Northern Ireland: the library's codes for them.
NATIONS = ("ENG", "WLS", "SCT", "NIR")
_ALL = frozenset(NATIONS)


class BankHoliday(NamedTuple):
    day: date
    #: True when every nation has the day off (Christmas Day), False when only some do
    #: (St Andrew's Day in Scotland, St Patrick's Day in Northern Ireland).
    all_nations: bool


def computed_year(year: int) -> dict[date, frozenset[str]]:
    """Each bank holiday of ``year`` with the nations that have it, from the library."""
    from holidays.countries.united_kingdom import UnitedKingdom

    days: dict[date, set[str]] = {}
    for nation in NATIONS:
        for day in UnitedKingdom(subdiv=nation, years=year):
            days.setdefault(day, set()).add(nation)
    return {day: frozenset(nations) for day, nations in days.items()}


@cache
def _year(year: int) -> dict[date, frozenset[str]]:
    if bank_holiday_table.FIRST_YEAR <= year <= bank_holiday_table.LAST_YEAR:
        return {
            date.fromisoformat(day): frozenset(nations.split())
            for day, nations in bank_holiday_table.DAYS.items()
            if day.startswith(f"{year}-")
        }
    return computed_year(year)


def bank_holiday(day: date) -> BankHoliday | None:
    """The bank holiday on ``day`` (a UK local date), if there is one anywhere in the UK."""
    nations = _year(day.year).get(day)
    if not nations:
        return None
    return BankHoliday(day=day, all_nations=nations == _ALL)
