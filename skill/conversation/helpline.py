"""The nurse helpline: reading the number, opening hours, and the yes/no of the offer."""

from __future__ import annotations

from datetime import date, timedelta

from ask_sdk_model import Response

from skill import opening_hours
from skill.conversation import cards, line_hours, reminders
from skill.conversation.base import IntentHandler
from skill.conversation.slots import resolved_value_id
from skill.conversation.state import CRISIS_THREAD, HELPLINE_THREAD
from skill.conversation.topics import beyond_page
from skill.conversation.turn import Turn
from skill.knowledge import spoken_time
from skill.speech import Speech

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


def status_line(turn: Turn, status: opening_hours.LineStatus) -> str:
    """Open now, closed now and when it opens, or "may be closed" on a bank holiday."""
    if status.open_now:
        assert status.closes is not None
        return turn.line("helpline_open_now", closes=spoken_time(status.closes))
    when = line_hours.when_next_open(turn, status)
    if status.holiday_today is not None:
        return turn.line("helpline_holiday_today", where=turn.line("holiday_where"), when=when)
    if status.after_holiday:
        return turn.line("helpline_closed_after_holiday", when=when)
    return turn.line("helpline_closed_now", when=when)


def read_helpline(turn: Turn, lead: Speech | None = None) -> Response:
    """The number, slowly, group by group, twice; the hours; whether it is open now.

    ``lead`` is said first (the acknowledgement of "speak slower"). The number is rebuilt
    rather than replayed when said again, so that it is always read at the right pace.
    """
    helpline = turn.knowledge.helpline
    slowly = turn.session.rate == "normal"  # already slow when the user asked for it
    speech = Speech().say(turn.line("helpline_intro")).pause(300)
    speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(800)
    speech.say(turn.line("helpline_again")).pause(300)
    speech.phone_number(helpline.groups, slowly=slowly).say(".").pause(500)
    speech.say(turn.line("helpline_hours", hours=helpline.hours_text))
    speech.say(status_line(turn, line_hours.line_status(turn)))
    speech.say(turn.line("helpline_card_note"))
    turn.session.helpline_read = True
    turn.session.thread = HELPLINE_THREAD
    if lead is not None:
        speech = lead.extend(speech)
    return turn.reply(
        speech, closing="anything_else", card=cards.helpline_card(turn), replay="helpline", remind=True
    )


class HelplineHandler(IntentHandler):
    """ "Read me the nurse number"."""

    intents = ("HelplineIntent",)

    def answer(self, turn: Turn) -> Response:
        return read_helpline(turn)


class HelplineCostHandler(IntentHandler):
    """ "Is it free?": after the number or the hours, or with nothing asked before, about
    the nurse line (freephone). After an answer about treatment, the page does not say
    what anything costs: a question for their own doctor or nurse."""

    intents = ("HelplineCostIntent",)

    def answer(self, turn: Turn) -> Response:
        thread = turn.session.thread
        if thread is not None and thread not in (HELPLINE_THREAD, CRISIS_THREAD):
            return beyond_page(turn)
        turn.session.thread = HELPLINE_THREAD
        speech = Speech().say(turn.line("helpline_free", hours=turn.knowledge.helpline.hours_text))
        return turn.reply(speech, closing="nurses", card=cards.helpline_card(turn))


class HelplineHoursHandler(IntentHandler):
    """ "Are the nurses open now?", "can I ring them at the weekend?": the question asked
    is answered first ("No, not at weekends"), in UK time, with bank holidays as "may".
    Asking about the line makes the nurses the natural next step, so the offer follows."""

    intents = ("HelplineHoursIntent",)

    def answer(self, turn: Turn) -> Response:
        _, asked = resolved_value_id(turn.handler_input, "when")
        speech = Speech().say(*self.sentences(turn, asked))
        # "When can I call?" while the line is closed: offer a reminder for when it
        # opens; not after a question about one named day, which the next opening may not be.
        remind = asked not in WEEKDAYS and asked != "bank_holiday"
        turn.session.thread = HELPLINE_THREAD
        return turn.reply(speech, closing="nurses", card=cards.helpline_card(turn), remind=remind)

    def sentences(self, turn: Turn, asked: str | None) -> list[str]:
        hours = turn.knowledge.helpline.hours_text
        today = line_hours.today(turn).date()
        if asked == "bank_holiday":
            return [turn.line("hours_bank_holidays", where=turn.line("holiday_where"), hours=hours)]
        if asked == "weekend":
            return [turn.line("hours_no", asked=turn.line("asked_weekend"), hours=hours)]
        if asked == "tonight":
            return [turn.line("hours_no", asked=turn.line("asked_evening"), hours=hours), self.next(turn)]
        if asked == "today":
            return self.today(turn)
        if asked == "tomorrow":
            tomorrow = today + timedelta(days=1)
            return self.day(turn, tomorrow, turn.line("day_tomorrow"), turn.line("asked_tomorrow"))
        if asked in WEEKDAYS:
            day = opening_hours.next_weekday(today, WEEKDAYS[asked])
            if day == today and opening_hours.day_hours(turn.knowledge.helpline, day).open:
                if not self._closed_for_today(turn):
                    return self.today(turn)
                day += timedelta(days=7)  # "on Monday", late on a Monday: next week's
            name = day.strftime("%A")
            return self.day(turn, day, turn.line("day_on", day=name), turn.line("asked_weekday", day=name))
        return self.now(turn)

    @staticmethod
    def _closed_for_today(turn: Turn) -> bool:
        return line_hours.today(turn).time() >= turn.knowledge.helpline.closes

    def now(self, turn: Turn) -> list[str]:
        """Open now or not, and when it next opens."""
        helpline = turn.knowledge.helpline
        status = line_hours.line_status(turn)
        if status.open_now:
            assert status.closes is not None
            closes = spoken_time(status.closes)
            return [turn.line("hours_open_answer", closes=closes, hours=helpline.hours_text)]
        when = line_hours.when_next_open(turn, status)
        if status.holiday_today is not None:
            where = turn.line("holiday_where")
            return [turn.line("hours_holiday_today", where=where, when=when, hours=helpline.hours_text)]
        key = "hours_closed_after_holiday" if status.after_holiday else "hours_closed_answer"
        return [turn.line(key, when=when, hours=helpline.hours_text)]

    def next(self, turn: Turn) -> str:
        """When it next opens, or that it is open now."""
        status = line_hours.line_status(turn)
        if status.open_now:
            return status_line(turn, status)
        key = "next_opening_after_holiday" if status.after_holiday else "next_opening"
        return turn.line(key, when=line_hours.when_next_open(turn, status))

    def today(self, turn: Turn) -> list[str]:
        helpline = turn.knowledge.helpline
        hours = opening_hours.day_hours(helpline, line_hours.today(turn).date())
        if not hours.open:
            return self.day(turn, hours.day, turn.line("day_today"), turn.line("asked_today"))
        status = line_hours.line_status(turn)
        if status.open_now:
            return self.now(turn)
        if self._closed_for_today(turn):
            closes = spoken_time(helpline.closes)
            return [turn.line("hours_closed_today", closes=closes), self.next(turn)]
        return self.day(turn, hours.day, turn.line("day_today"), turn.line("asked_today"))

    def day(self, turn: Turn, day: date, named: str, asked: str) -> list[str]:
        """Yes, no, or "may be closed" for one UK date, named as the user would hear it."""
        helpline = turn.knowledge.helpline
        hours = opening_hours.day_hours(helpline, day)
        if hours.holiday is not None:
            where = turn.line("holiday_where")
            return [turn.line("hours_holiday_day", day=named, where=where, hours=helpline.hours_text)]
        if not hours.open:
            return [turn.line("hours_no", asked=asked, hours=helpline.hours_text)]
        return [
            turn.line(
                "hours_yes_day",
                day=named,
                opens=spoken_time(helpline.opens),
                closes=spoken_time(helpline.closes),
            )
        ]


def just_after_crisis(turn: Turn) -> bool:
    """The last reply was the crisis or overdose answer, which offers nothing."""
    return turn.session.thread == CRISIS_THREAD and turn.session.pending is None


def after_crisis(turn: Turn) -> Response:
    """A yes or a no just after the crisis or overdose answer: the numbers again, gently,
    and the way left open; never a menu of topics."""
    speech = Speech().say(turn.line("crisis_reprompt"))
    return turn.respond(speech, reprompt=speech, card=None, pending=None, remember=False)


class YesHandler(IntentHandler):
    """Yes to the last offer, and something sensible when nothing was offered."""

    intents = ("AMAZON.YesIntent",)

    def answer(self, turn: Turn) -> Response:
        if just_after_crisis(turn):
            return after_crisis(turn)
        if turn.session.pending == "helpline":
            return read_helpline(turn)
        if turn.session.pending == "reminder":
            return reminders.accept(turn)
        if turn.session.pending == "anything_else":
            speech = Speech().say(turn.line("yes_to_anything_else"))
            reprompt = Speech().say(turn.line("yes_to_anything_else_reprompt"))
            return turn.respond(speech, reprompt=reprompt, card=None, pending=None, remember=False)
        speech = Speech().say(turn.line("yes_without_offer"))
        reprompt = Speech().say(turn.line("help_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending=None, remember=False)


class NoHandler(IntentHandler):
    """No to the helpline keeps the conversation open (and, the first time, says the
    number can be asked for any time: the offer then stops); no to a reminder sets
    nothing and moves on; no to "what else?" says goodbye."""

    intents = ("AMAZON.NoIntent",)

    def answer(self, turn: Turn) -> Response:
        if just_after_crisis(turn):
            return after_crisis(turn)
        if turn.session.pending == "helpline":
            key = "no_to_offer" if turn.session.offer_declined else "no_to_offer_first"
            turn.session.offer_declined = True
            return turn.reply(Speech().say(turn.line(key)), closing="anything_else", remember=False)
        if turn.session.pending == "reminder":
            # The offer came after the line's hours, or the number: the number is then
            # offered if it has not been read (the nurses are the next step).
            speech = Speech().say(turn.line("reminder_declined"))
            return turn.reply(speech, closing="nurses", remember=False)
        if turn.session.pending == "anything_else":
            return turn.reply(Speech().say(turn.line("goodbye")), closing="end")
        speech = Speech().say(turn.line("no_without_offer"))
        reprompt = Speech().say(turn.line("help_reprompt"))
        return turn.respond(speech, reprompt=reprompt, card=None, pending=None, remember=False)
