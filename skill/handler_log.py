"""One DEBUG log line per request naming the handler that answers it.

"Why did the skill say that?" starts with which handler answered. The line carries the
request id and the handler's class name only: never a user id, an utterance or a slot
value. It is off at INFO, the level the hosts log at (``LOG_LEVEL=DEBUG`` on Lambda
turns it on).

The SDK runs a handler chain's own request interceptors only for the handler it chose,
after the global ones, so one interceptor on each chain knows the answer without asking
every handler again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.dispatch_components import AbstractRequestHandler, AbstractRequestInterceptor

from skill import log as logs

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_core.skill_builder import SkillBuilder

log = logs.get("skill.handler")


class HandlerLogInterceptor(AbstractRequestInterceptor):
    """Logs, at DEBUG, that its chain's handler was chosen for this request."""

    def __init__(self, handler: AbstractRequestHandler) -> None:
        self.handler_name = type(handler).__name__

    def process(self, handler_input: HandlerInput) -> None:
        log.debug("request=%s handler=%s", logs.request_label(handler_input), self.handler_name)


def install(builder: SkillBuilder) -> None:
    """Give each of the builder's handlers (added before this call) its log line."""
    for chain in builder.runtime_configuration_builder.request_handler_chains:
        chain.add_request_interceptor(HandlerLogInterceptor(chain.request_handler))
