"""Times, days and dates as a UK speaker says them: "9am", "5:30pm", "Monday",
"Monday 3 March", "Monday to Friday, 9am to 5pm, UK time".

The names are written here, in English, rather than taken from ``strftime``, whose day
and month names follow the process's locale: a host set to another language would
otherwise name the day in it, in the middle of an English sentence.
"""

from __future__ import annotations

from datetime import date, datetime, time

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def spoken_time(moment: time | datetime) -> str:
    """'9am', '5pm', '9:30am': how a UK speaker says a time on the hour or not."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def day_name(day: date) -> str:
    """'Monday'."""
    return DAY_NAMES[day.weekday()]


def spoken_date(day: date) -> str:
    """'Monday 3 March'."""
    return f"{day_name(day)} {day.day} {MONTH_NAMES[day.month - 1]}"


def hours_prose(open_days: frozenset[int], opens: time, closes: time) -> str:
    """Opening hours in words, from structured hours (ISO weekdays, 1 is Monday):
    'Monday to Friday, 9am to 5pm, UK time'."""
    days = sorted(open_days)
    if days == list(range(days[0], days[-1] + 1)) and len(days) > 2:
        named = f"{DAY_NAMES[days[0] - 1]} to {DAY_NAMES[days[-1] - 1]}"
    else:
        named = " and ".join(DAY_NAMES[day - 1] for day in days)
    return f"{named}, {spoken_time(opens)} to {spoken_time(closes)}, UK time"
