"""Is the nurse helpline open now, and when does it next open? In UK time.

The helpline's hours are UK local time, so the answer is worked out in Europe/London,
which is right across the clock changes in March and October. The time zone database
comes from the system or, where there is none (AWS Lambda), from the ``tzdata`` package.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from skill.knowledge import Helpline


@dataclass(frozen=True)
class LineStatus:
    open_now: bool
    #: When it next opens (local time), if it is closed now.
    next_opening: datetime | None
    #: Today's closing time (local time), if it is open now.
    closes: datetime | None


def status(helpline: Helpline, now: datetime) -> LineStatus:
    """The line's status at ``now``, an aware datetime in any zone."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(ZoneInfo(helpline.timezone))
    if local.isoweekday() in helpline.open_days and helpline.opens <= local.time() < helpline.closes:
        closes = local.replace(
            hour=helpline.closes.hour, minute=helpline.closes.minute, second=0, microsecond=0
        )
        return LineStatus(open_now=True, next_opening=None, closes=closes)
    day = local.date()
    if local.time() >= helpline.opens:
        day += timedelta(days=1)
    while day.isoweekday() not in helpline.open_days:
        day += timedelta(days=1)
    opening = datetime.combine(day, helpline.opens, tzinfo=ZoneInfo(helpline.timezone))
    return LineStatus(open_now=False, next_opening=opening, closes=None)


def spoken_time(moment: datetime) -> str:
    """'9am', '5pm', '9:30am': how a UK speaker says a time on the hour or not."""
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}{suffix}" if moment.minute == 0 else f"{hour}:{moment.minute:02d}{suffix}"


def utc_now() -> datetime:
    return datetime.now(UTC)
