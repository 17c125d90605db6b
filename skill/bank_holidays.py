"""UK bank holidays, in all four nations, from the ``holidays`` library.

The nurse line is a UK line, and a bank holiday in England and Wales, Scotland or
Northern Ireland may close it, so a day counts if it is a bank holiday in any of them.
We never assert the line *is* closed on one: the skill says it *may* be. Years are
computed on first use and cached for the life of the process.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache

from holidays.countries.united_kingdom import UnitedKingdom

#: England, Wales, Scotland, Northern Ireland: the library's codes for them.
NATIONS = ("ENG", "WLS", "SCT", "NIR")


@dataclass(frozen=True)
class BankHoliday:
    day: date
    #: True when every nation has the day off (Christmas Day), False when only some do
    #: (St Andrew's Day in Scotland, St Patrick's Day in Northern Ireland).
    all_nations: bool


@cache
def _year(year: int) -> dict[date, frozenset[str]]:
    """Each bank holiday of ``year``, with the nations that have it."""
    days: dict[date, set[str]] = {}
    for nation in NATIONS:
        for day in UnitedKingdom(subdiv=nation, years=year):
            days.setdefault(day, set()).add(nation)
    return {day: frozenset(nations) for day, nations in days.items()}


def bank_holiday(day: date) -> BankHoliday | None:
    """The bank holiday on ``day`` (a UK local date), if there is one anywhere in the UK."""
    nations = _year(day.year).get(day)
    if not nations:
        return None
    return BankHoliday(day=day, all_nations=nations == frozenset(NATIONS))
