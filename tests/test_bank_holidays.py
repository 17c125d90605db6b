"""The nurse line's calendar: England and Wales bank holidays, from the generated table
(kept fresh against the pinned ``holidays`` library) and from the library beyond it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from skill import bank_holidays
from skill.bank_holiday_table import FIRST_YEAR, LAST_YEAR
from skill.bank_holidays import bank_holiday


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 12, 25),  # Christmas Day
        date(2026, 12, 28),  # Boxing Day is a Saturday: the substitute day, Monday 28th
        date(2026, 4, 3),  # Good Friday
        date(2026, 4, 6),  # Easter Monday: England and Wales (not Scotland)
        date(2026, 5, 4),  # Early May bank holiday
        date(2026, 8, 31),  # Late summer bank holiday: England and Wales (not Scotland)
        date(2027, 12, 27),  # Christmas Day 2027 is a Saturday: the substitute day
        date(2027, 12, 28),  # and Boxing Day's, on the Tuesday
    ],
)
def test_england_and_wales_bank_holidays_are_in_the_lines_calendar(day: date) -> None:
    holiday = bank_holiday(day)
    assert holiday is not None and holiday.day == day


@pytest.mark.parametrize(
    "day",
    [
        date(2026, 11, 30),  # St Andrew's Day: Scotland only
        date(2026, 8, 3),  # First Monday of August: Scotland's summer bank holiday
        date(2026, 7, 13),  # Battle of the Boyne (12 July is a Sunday): Northern Ireland only
        date(2027, 7, 12),  # Battle of the Boyne on a Monday: Northern Ireland only
        date(2026, 3, 17),  # St Patrick's Day: Northern Ireland only
        date(2027, 1, 4),  # 2 January's substitute day: Scotland only
        date(2026, 3, 4),  # an ordinary Wednesday
    ],
)
def test_holidays_of_scotland_or_northern_ireland_alone_are_ordinary_days(day: date) -> None:
    assert bank_holiday(day) is None


def test_the_substitute_boxing_day_is_named_as_the_library_names_it() -> None:
    holiday = bank_holiday(date(2026, 12, 28))
    assert holiday is not None and holiday.name == "Boxing Day (observed)"


def test_the_calendar_is_the_same_for_england_and_for_wales() -> None:
    from holidays.countries.united_kingdom import UnitedKingdom

    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        assert set(UnitedKingdom(subdiv="WLS", years=year)) == set(bank_holidays.computed_year(year)), year


# --- The generated table -----------------------------------------------------------------


def test_bank_holiday_table_is_what_the_pinned_library_says() -> None:
    from skill.devtools import bank_holiday_table

    assert bank_holiday_table.TABLE.read_text(encoding="utf-8") == bank_holiday_table.render(), (
        "the table is stale: python -m skill.devtools.bank_holiday_table"
    )


def test_years_in_the_table_and_beyond_it_answer_alike() -> None:
    for year in (2026, LAST_YEAR):
        assert bank_holidays._year(year) == bank_holidays.computed_year(year)
    beyond = LAST_YEAR + 5  # 2050: Boxing Day on a Monday, St Andrew's Day on a Wednesday
    assert bank_holiday(date(beyond, 12, 26)) is not None
    assert bank_holiday(date(beyond, 11, 30)) is None


def test_answering_does_not_import_the_holidays_library() -> None:
    probe = (
        "import sys, datetime; from skill.bank_holidays import bank_holiday;"
        "assert bank_holiday(datetime.date(2026, 12, 28)) is not None;"
        "assert bank_holiday(datetime.date(2026, 11, 30)) is None;"
        "print('holidays' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
