"""Reading slots: the id a slot resolved to, and the words the user spoke in any slot.

The words are only ever compared, never stored or logged.
"""

from __future__ import annotations

from collections.abc import Iterator

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot
from ask_sdk_model import IntentRequest
from ask_sdk_model.slu.entityresolution import StatusCode


def resolved_value_id(handler_input: HandlerInput, slot_name: str) -> tuple[bool, str | None]:
    """(heard, value id): whether the slot was filled, and the id it resolved to.

    A value the model does not know (ER_SUCCESS_NO_MATCH) is heard with no id; a request
    that is not an intent request has no slots.
    """
    if not isinstance(handler_input.request_envelope.request, IntentRequest):
        return False, None
    slot = get_slot(handler_input, slot_name)
    if slot is None or not (slot.value or slot.slot_value):
        return False, None
    for authority in getattr(slot.resolutions, "resolutions_per_authority", None) or []:
        if authority.status is not None and authority.status.code == StatusCode.ER_SUCCESS_MATCH:
            for wrapper in authority.values or []:
                if wrapper.value is not None and wrapper.value.id:
                    return True, str(wrapper.value.id)
    return True, None


def spoken_words(handler_input: HandlerInput) -> Iterator[str]:
    """What the user said in each filled slot of an intent request, whatever the intent."""
    request = handler_input.request_envelope.request
    if not isinstance(request, IntentRequest) or request.intent is None:
        return
    for slot in (request.intent.slots or {}).values():
        for text in (slot.value, getattr(slot.slot_value, "value", None)):
            if isinstance(text, str) and text:
                yield text
