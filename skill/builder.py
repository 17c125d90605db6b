"""The one skill that every host serves: handlers, interceptors, error handler.

Order matters: the first handler that can handle a request wins, so specific handlers
come before general ones; the catch-all exception handler comes last.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, cast

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope

from skill import dialogue, identity, knowledge
from skill.clock import utc_now
from skill.conversation import helpline, navigation, safety, topics
from skill.conversation.base import IntentHandler
from skill.conversation.errors import CatchAllExceptionHandler
from skill.conversation.interceptors import (
    RepeatCacheInterceptor,
    RequestLogInterceptor,
    ResponseLogInterceptor,
    TurnInterceptor,
)


def request_handlers(known: knowledge.Knowledge) -> list[AbstractRequestHandler]:
    return [
        # Safety before anything else that might match: a crisis first of all, then
        # urgent words in any slot of any intent, then emergencies.
        safety.CrisisHandler(),
        safety.SlotSafetyNetHandler(known.safety),
        navigation.LaunchHandler(),
        safety.EmergencyHandler(),
        topics.TopicHandler(known),
        topics.RoutedTopicHandler(known),
        topics.BeyondPageHandler(),
        topics.TellMeMoreHandler(),
        helpline.HelplineHandler(),
        helpline.HelplineHoursHandler(),
        helpline.YesHandler(),
        helpline.NoHandler(),
        navigation.HelpHandler(),
        navigation.RepeatHandler(),
        navigation.StartOverHandler(),
        navigation.SpeakSlowerHandler(),
        navigation.SpeakNormallyHandler(),
        navigation.StopHandler(),
        navigation.GoodbyeHandler(),
        navigation.FallbackHandler(),
        navigation.SessionEndedHandler(),
    ]


def handled_intents(handlers: Iterable[AbstractRequestHandler]) -> set[str]:
    """Every intent name some handler answers: ``python -m skill check`` compares these
    with the interaction model."""
    return {
        intent
        for handler in handlers
        if isinstance(handler, IntentHandler)
        for intent in handler.handled_intents()
    }


class VerifiedSkill(CustomSkill):
    """The SDK's skill, refusing a request unless the context *and* the session name this
    skill (the SDK compares the context's id alone, and lets a missing one through to
    fail later)."""

    def invoke(self, request_envelope: RequestEnvelope, context: Any) -> ResponseEnvelope:
        if self.skill_id is not None and not identity.is_for(request_envelope, self.skill_id):
            raise AskSdkException("Skill ID Verification failed!!")
        return super().invoke(request_envelope=request_envelope, context=context)


#: What AWS Lambda calls: the event (Alexa's request envelope, as JSON) and a context.
LambdaHandler = Callable[[dict[str, Any], Any], dict[str, Any]]


def build(
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    skill_id: str | None = None,
) -> SkillBuilder:
    """The skill builder. Loads and checks the content now, so that a broken content
    file stops the host at start-up rather than failing a user's question."""
    known = knowledge.load()
    dialogue.load()
    builder = SkillBuilder()
    # With a skill id, the SDK refuses requests meant for any other skill.
    builder.skill_id = skill_id  # type: ignore[assignment]
    for handler in request_handlers(known):
        builder.add_request_handler(handler)
    builder.add_global_request_interceptor(
        TurnInterceptor(known, dialogue.load, clock, rng or random.Random())
    )
    builder.add_global_request_interceptor(RequestLogInterceptor())
    builder.add_global_response_interceptor(RepeatCacheInterceptor())
    builder.add_global_response_interceptor(ResponseLogInterceptor())
    builder.add_exception_handler(CatchAllExceptionHandler())
    return builder


def lambda_handler(
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    skill_id: str | None = None,
) -> LambdaHandler:
    """The function Lambda calls: the event deserialised, invoked, serialised, as the
    SDK's ``SkillBuilder.lambda_handler`` does, but with one skill made once rather than
    a new one for every request."""
    skill = create_skill(clock, rng, skill_id)
    serializer = skill.serializer

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        return cast(dict[str, Any], serializer.serialize(skill.invoke(envelope, context)))

    return handle


def create_skill(
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    skill_id: str | None = None,
) -> CustomSkill:
    return VerifiedSkill(skill_configuration=build(clock, rng, skill_id).skill_configuration)
