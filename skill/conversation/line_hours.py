"""The nurse line's hours at one moment, in words: open now or not, when it next opens
(and so whether there is an opening to be reminded of), and the answer to "can I call
them {when}?" ("No, not at weekends" first), in UK time, with bank holidays as "may".

A ``LineHours`` is made from the helpline, the time and the dialogue's lines, never from
a turn: the rules themselves are ``skill.opening_hours``; day and time names are
``skill.time_words``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from skill import opening_hours
from skill.dialogue import Lines
from skill.knowledge import Helpline
from skill.time_words import day_name, spoken_time

#: The `when` slot's value ids (HelplineTimeType) for days of the week, ISO numbered.
WEEKDAYS = {
    "monday": 1,
    "tuesday": 2,
    "wednesday": 3,
    "thursday": 4,
    "friday": 5,
    "saturday": 6,
    "sunday": 7,
}
#: Every `when` value id the hours answer knows; and how a question about one is said
#: ("the nurses' hours at weekends"), by dialogue key.
WHEN_IDS = frozenset({"now", "today", "tonight", "tomorrow", "weekend", "bank_holiday", *WEEKDAYS})
_ASKED = {
    "weekend": "asked_weekend",
    "tonight": "asked_evening",
    "tomorrow": "asked_tomorrow",
    "today": "asked_today",
}


def asked_words(line: Lines, asked: str) -> str | None:
    """How a question about the line at one time names the time ("at weekends", "on
    Saturdays"); None for now, or a bank holiday."""
    if asked in WEEKDAYS:
        return line("asked_weekday", day=asked.title())
    key = _ASKED.get(asked)
    return line(key) if key is not None else None


class LineHours:
    """The line at ``now``, worded by ``line``. (A plain class: see ``skill.knowledge``
    on what dataclasses cost at start-up.)"""

    __slots__ = ("helpline", "line", "local_now", "status")

    def __init__(self, helpline: Helpline, now: datetime, line: Lines) -> None:
        self.helpline = helpline
        self.line = line
        #: Now, in the line's own (UK) time: its date is the UK date.
        self.local_now = opening_hours.local(helpline, now)
        self.status = opening_hours.status(helpline, now)

    @property
    def opens_later(self) -> bool:
        """The line is closed now, with an opening ahead: one a reminder can be set for."""
        return not self.status.open_now and self.status.next_opening is not None

    @property
    def may_open_sooner(self) -> bool:
        """A bank holiday stands between now and the next opening: it *may* be then, and
        what is said of it says "may" (docs/behaviour.md §6)."""
        return self.status.after_holiday

    def when_next_open(self) -> str:
        """'today at 9am', 'tomorrow at 9am' or 'on Monday at 9am'."""
        opening = self.status.next_opening
        assert opening is not None
        opens = spoken_time(opening)
        days_ahead = (opening.date() - self.local_now.date()).days
        if days_ahead == 0:
            return self.line("when_today", opens=opens)
        if days_ahead == 1:
            return self.line("when_tomorrow", opens=opens)
        return self.line("when_day", day=day_name(opening), opens=opens)

    def status_line(self) -> str:
        """Open now, closed now and when it opens, or "may be closed" on a bank holiday."""
        status = self.status
        if status.open_now:
            assert status.closes is not None
            return self.line("helpline_open_now", closes=spoken_time(status.closes))
        when = self.when_next_open()
        if status.holiday_today is not None:
            return self.line("helpline_holiday_today", where=self.line("holiday_where"), when=when)
        if status.after_holiday:
            return self.line("helpline_closed_after_holiday", when=when)
        return self.line("helpline_closed_now", when=when)

    # --- "Can I call them {when}?" ---------------------------------------------------

    def answer_to(self, asked: str | None) -> list[str]:
        """The answer to a question about the line's hours, by the `when` slot's value id
        (``None``: "are they open now?"): the question asked first."""
        line, hours = self.line, self.helpline.hours_text
        today = self.local_now.date()
        if asked == "bank_holiday":
            return [line("hours_bank_holidays", where=line("holiday_where"), hours=hours)]
        if asked == "weekend":
            return [line("hours_no", asked=line("asked_weekend"), hours=hours)]
        if asked == "tonight":
            return [line("hours_no", asked=line("asked_evening"), hours=hours), self._next()]
        if asked == "today":
            return self._today()
        if asked == "tomorrow":
            tomorrow = today + timedelta(days=1)
            return self._day(tomorrow, line("day_tomorrow"), line("asked_tomorrow"))
        if asked in WEEKDAYS:
            day = opening_hours.next_weekday(today, WEEKDAYS[asked])
            if day == today and opening_hours.day_hours(self.helpline, day).open:
                if not self._closed_for_today():
                    return self._today()
                day += timedelta(days=7)  # "on Monday", late on a Monday: next week's
            name = day_name(day)
            return self._day(day, line("day_on", day=name), line("asked_weekday", day=name))
        return self._now()

    def _closed_for_today(self) -> bool:
        return self.local_now.time() >= self.helpline.closes

    def _now(self) -> list[str]:
        """Open now or not, and when it next opens."""
        line, hours, status = self.line, self.helpline.hours_text, self.status
        if status.open_now:
            assert status.closes is not None
            return [line("hours_open_answer", closes=spoken_time(status.closes), hours=hours)]
        when = self.when_next_open()
        if status.holiday_today is not None:
            return [line("hours_holiday_today", where=line("holiday_where"), when=when, hours=hours)]
        key = "hours_closed_after_holiday" if status.after_holiday else "hours_closed_answer"
        return [line(key, when=when, hours=hours)]

    def _next(self) -> str:
        """When it next opens, or that it is open now."""
        if self.status.open_now:
            return self.status_line()
        key = "next_opening_after_holiday" if self.status.after_holiday else "next_opening"
        return self.line(key, when=self.when_next_open())

    def _today(self) -> list[str]:
        hours = opening_hours.day_hours(self.helpline, self.local_now.date())
        if not hours.open:
            return self._day(hours.day, self.line("day_today"), self.line("asked_today"))
        if self.status.open_now:
            return self._now()
        if self._closed_for_today():
            closes = spoken_time(self.helpline.closes)
            return [self.line("hours_closed_today", closes=closes), self._next()]
        return self._day(hours.day, self.line("day_today"), self.line("asked_today"))

    def _day(self, day: date, named: str, asked: str) -> list[str]:
        """Yes, no, or "may be closed" for one UK date, named as the user would hear it."""
        helpline = self.helpline
        hours = opening_hours.day_hours(helpline, day)
        if hours.holiday is not None:
            where = self.line("holiday_where")
            return [self.line("hours_holiday_day", day=named, where=where, hours=helpline.hours_text)]
        if not hours.open:
            return [self.line("hours_no", asked=asked, hours=helpline.hours_text)]
        return [
            self.line(
                "hours_yes_day",
                day=named,
                opens=spoken_time(helpline.opens),
                closes=spoken_time(helpline.closes),
            )
        ]
