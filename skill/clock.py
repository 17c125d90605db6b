"""The time now, as one small injectable thing.

Hosts (request timestamps) and the conversation (the helpline's hours) both need the
time; neither should import the opening-hours rules to get it. Tests pass their own
clock to ``builder.build`` so that they run at fixed moments.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

#: A source of the current time: it must return an aware datetime.
Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)
