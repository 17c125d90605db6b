"""Writes ``skill/bank_holiday_table.py``: the nurse line's calendar (England and Wales
bank holidays) for a range of years, from the pinned ``holidays`` library, so that the
skill need not import the library to answer (see ``skill/bank_holidays.py``).
``tests/test_bank_holidays.py`` fails when the table differs from what the library says.

    .venv/bin/python -m skill.devtools.bank_holiday_table
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from skill.bank_holidays import SUBDIVISION, computed_year

TABLE = Path(__file__).resolve().parents[1] / "bank_holiday_table.py"
#: The years in the table: a few behind (tests pin dates) and two decades ahead.
FIRST_YEAR = 2020
LAST_YEAR = 2045


def render(first: int = FIRST_YEAR, last: int = LAST_YEAR) -> str:
    from importlib.metadata import version

    lines = [
        '"""The nurse line\'s calendar: England and Wales bank holidays by date, with their names.',
        "",
        f"Generated from holidays {version('holidays')} (United Kingdom, subdivision {SUBDIVISION})",
        "by ``python -m skill.devtools.bank_holiday_table``; do not edit by hand. Years outside",
        "the range are computed by the library. Weekend days are listed as the library gives",
        "them; the substitute weekday (\"(observed)\") is the one that matters to the line.",
        '"""',
        "",
        f"FIRST_YEAR = {first}",
        f"LAST_YEAR = {last}",
        "",
        "DAYS: dict[str, str] = {",
    ]
    for year in range(first, last + 1):
        for day, name in sorted(computed_year(year).items()):
            lines.append(f'    "{day.isoformat()}": {json.dumps(name)},')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    TABLE.write_text(render(), encoding="utf-8")
    print(f"wrote {TABLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
