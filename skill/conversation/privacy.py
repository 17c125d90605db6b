"""What the skill remembers about a user, and forgetting it: "forget me", and the skill
being disabled. Neither ever writes anything; both delete the user's whole record."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill import log as logs
from skill.conversation.base import IntentHandler
from skill.conversation.turn import Turn, turn_of
from skill.speech import Speech

log = logs.get("skill.preferences")


def forget(turn: Turn) -> bool:
    """Delete the user's record; whether that was done. For the rest of this session
    nothing more is written."""
    try:
        turn.handler_input.attributes_manager.delete_persistent_attributes()
    except PersistenceException as error:
        request_id = getattr(turn.handler_input.request_envelope.request, "request_id", None)
        log.warning("preferences not deleted (%s) on request=%s", error, request_id)
        return False
    turn.session.forgotten()
    return True


class ForgetMeHandler(IntentHandler):
    """ "Forget me", "delete my data": the record goes, and the user is told plainly
    what that was. No confirmation question: deleting a speaking rate harms no one,
    and one more question is one more thing to answer."""

    intents = ("ForgetMeIntent",)

    def answer(self, turn: Turn) -> Response:
        if not turn.keeps_preferences:
            key = "forget_nothing_kept"
        elif forget(turn):
            key = "forget_done"
        else:
            key = "forget_failed"
        return turn.reply_with_closing(Speech().say(turn.line(key)), closing="anything_else")


class SkillDisabledHandler(AbstractRequestHandler):
    """The user disabled the skill (which also unlinks any account): their record is
    deleted, nothing is written, and nothing may be said."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return bool(is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input))

    def handle(self, handler_input: HandlerInput) -> Response:
        turn = turn_of(handler_input)
        if turn.keeps_preferences:
            forget(turn)
        return handler_input.response_builder.response
