"""The last line of defence: any error becomes a spoken apology and a way forward."""

from __future__ import annotations

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response
from ask_sdk_model.ui import Reprompt, SsmlOutputSpeech

from skill import log as logs
from skill.dialogue import load as load_dialogue
from skill.speech import Speech

log = logs.get("skill.errors")

# Used if even the dialogue cannot be read: this handler must not fail itself.
_LAST_RESORT = "Sorry, something went wrong. Please try again, or say help."


def _ssml(key: str) -> str:
    try:
        return Speech().say(load_dialogue().say(key)).ssml()
    except Exception:
        return Speech().say(_LAST_RESORT).ssml()


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Registered last; handles every exception, and cannot raise one of its own."""

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        try:
            where = logs.describe(handler_input)
        except Exception:
            where = "request=unknown"
        import traceback  # only when something has gone wrong: not part of a cold start

        # The type and the stack, not the message: a message may quote what the user said.
        stack = "".join(traceback.format_tb(exception.__traceback__))
        log.error("unhandled %s on %s\n%s", type(exception).__name__, where, stack)
        return Response(
            output_speech=SsmlOutputSpeech(ssml=_ssml("error")),
            reprompt=Reprompt(output_speech=SsmlOutputSpeech(ssml=_ssml("error_reprompt"))),
            should_end_session=False,
        )
