"""Writes ``skill/bank_holiday_table.py``: UK bank holidays for a range of years, from
the pinned ``holidays`` library, so that the skill need not import the library to
answer (see ``skill/bank_holidays.py``). ``tests/test_opening_hours.py`` fails when
the table differs from what the library says.

    .venv/bin/python -m skill.devtools.bank_holiday_table
"""

from __future__ import annotations

import sys
from pathlib import Path

from skill.bank_holidays import NATIONS, computed_year

TABLE = Path(__file__).resolve().parents[1] / "bank_holiday_table.py"
#: The years in the table: a few behind (tests pin dates) and two decades ahead.
FIRST_YEAR = 2020
LAST_YEAR = 2045


def render(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    from importlib.metadata import version

    lines = [
        '"""UK bank holidays by date, with the nations that have them (ENG, WLS, SCT, NIR).',
        "",
        f"Generated from holidays {version('holidays')} by ``python -m skill.devtools.bank_holiday_table``;",
        "do not edit by hand. Years outside the range are computed by the library.",
        '"""',
        "",
        f"FIRST_YEAR = {first}",
        f"LAST_YEAR = {last}",
        "",
        "DAYS: dict[str, str] = {",
    ]
    for year in range(first, last + 1):
        for day, nations in sorted(computed_year(year).items()):
            ordered = " ".join(nation for nation in NATIONS if nation in nations)
            lines.append(f'    "{day.isoformat()}": "{ordered}",')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    TABLE.write_text(render(), encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
