"""A reminder for when the nurse line opens: yes to the offer, Alexa's permission, and
setting it.

The offer ends a reply about the line while it is closed, once a session
(``Turn.reply_with_closing(remind=True)``). "Yes" sets a one-off reminder for the line's
next opening, in UK time, through ``skill.reminders_api``. Without the user's permission
the skill asks Alexa to ask them by voice, never twice in a session
(``Connections.SendRequest`` "AskFor"); Alexa answers with a ``Connections.Response``.
When they say no, or the device cannot ask, the skill sends the permissions card to the
Alexa app and says so. Whatever goes wrong, the user hears the number again and the
conversation goes on.
"""

from __future__ import annotations

from typing import Any

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response
from ask_sdk_model.interfaces.connections import SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard

from skill import reminders_api
from skill.conversation import cards
from skill.conversation.helpline import say_number
from skill.conversation.line_hours import LineHours
from skill.conversation.turn import Turn, turn_of
from skill.speech import Speech
from skill.time_words import spoken_date, spoken_time

#: The Connections task that asks the user for a permission by voice.
ASK_FOR = "AskFor"
#: How Alexa reports the user's answer in the Connections.Response payload.
ACCEPTED, DENIED, NOT_ANSWERED = "ACCEPTED", "DENIED", "NOT_ANSWERED"


def accept(turn: Turn) -> Response:
    """Yes to the offer: set the reminder, or first ask for the permission."""
    if not reminders_api.has_permission(turn.handler_input):
        return ask_permission(turn)
    return set_reminder(turn, may_ask=True)


def set_reminder(turn: Turn, *, may_ask: bool) -> Response:
    """Sets the reminder for the line's next opening and says when, or says why not.

    The time is worked out again now rather than remembered from the offer: nothing
    about the reminder is kept, and the answer is the same."""
    hours = turn.line_hours()
    status = hours.status
    if status.next_opening is None:  # it has opened since the offer
        return number_again(turn, "reminder_line_open")
    helpline = turn.knowledge.helpline
    request = reminders_api.reminder_request(
        at=status.next_opening,
        time_zone=helpline.timezone,
        text=turn.line("reminder_text", number=helpline.display),
        locale=turn.dialogue.locale,
        now=turn.now,
    )
    outcome = reminders_api.create(turn.handler_input, request)
    if outcome is reminders_api.Outcome.SET:
        return confirm(turn, hours)
    if outcome is reminders_api.Outcome.NOT_PERMITTED:
        return ask_permission(turn) if may_ask else permission_card(turn, "reminder_permission_card")
    return number_again(turn, "reminder_failed")


def confirm(turn: Turn, hours: LineHours) -> Response:
    """The day and time in words, and on a card."""
    opening = hours.status.next_opening
    assert opening is not None
    helpline = turn.knowledge.helpline
    speech = Speech().say(turn.line("reminder_set", when=hours.when_next_open()))
    card = cards.Card(
        turn.line("reminder_card_title"),
        turn.line(
            "reminder_card",
            day=spoken_date(opening),
            opens=spoken_time(opening),
            number=helpline.display,
            hours=helpline.hours_text,
        ),
    )
    return turn.reply_with_closing(speech, closing="nurses", card=card)


def ask_permission(turn: Turn) -> Response:
    """Alexa asks the user for the reminders permission by voice, once a session; after
    that, the permissions card."""
    if turn.session.reminder_permission_asked:
        return permission_card(turn, "reminder_permission_card")
    turn.session.asked_permission()
    builder = turn.handler_input.response_builder
    builder.add_directive(
        SendRequestDirective(
            name=ASK_FOR,
            payload={
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": reminders_api.SCOPE, "consentLevel": "ACCOUNT"}],
            },
            token="",
        )
    )
    # Alexa speaks the question itself and answers with a Connections.Response; the
    # response says nothing and leaves the session as it is.
    return builder.response


def permission_card(turn: Turn, key: str) -> Response:
    """No reminder: says so plainly, with the number again, and sends the permissions
    card, where the user can allow reminders in the Alexa app."""
    speech = say_number(turn, Speech().say(turn.line(key)), twice=False)
    card = AskForPermissionsConsentCard(permissions=[reminders_api.SCOPE])
    return turn.reply_with_closing(speech, closing="anything_else", card=card)


def number_again(turn: Turn, key: str) -> Response:
    """No reminder: a kind word, the number again, and the conversation goes on."""
    speech = say_number(turn, Speech().say(turn.line(key)), twice=False)
    card = cards.helpline_card(turn.line, turn.knowledge.helpline)
    return turn.reply_with_closing(speech, closing="anything_else", card=card)


def permission_answer(payload: Any) -> str | None:
    """ACCEPTED, DENIED or NOT_ANSWERED from a Connections.Response payload, if given:
    ``status``, or the reminders scope's status in a list of ``permissionScopes``."""
    if not isinstance(payload, dict):
        return None
    status = payload.get("status")
    if status is None:
        for scope in payload.get("permissionScopes") or []:
            if isinstance(scope, dict) and scope.get("permissionScope") == reminders_api.SCOPE:
                status = scope.get("permissionStatus") or scope.get("status")
    return status if status in (ACCEPTED, DENIED, NOT_ANSWERED) else None


class PermissionResponseHandler(AbstractRequestHandler):
    """Alexa's answer to the voice permission request: granted, denied, not answered,
    or an error (the device cannot ask)."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request = handler_input.request_envelope.request
        return bool(is_request_type("Connections.Response")(handler_input)) and (
            getattr(request, "name", None) == ASK_FOR
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        request = handler_input.request_envelope.request
        code = str(getattr(getattr(request, "status", None), "code", "") or "")
        answer = permission_answer(getattr(request, "payload", None)) if code.startswith("2") else None
        if answer == ACCEPTED:
            return set_reminder(turn, may_ask=False)
        if answer == DENIED:
            return permission_card(turn, "reminder_permission_denied")
        if answer == NOT_ANSWERED:
            return permission_card(turn, "reminder_permission_not_answered")
        return permission_card(turn, "reminder_permission_card")
