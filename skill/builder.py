"""The one skill that every host serves: handlers, interceptors, error handler.

Order matters: the first handler that can handle a request wins, so specific handlers
come before general ones; the catch-all exception handler comes last.

The preference store is chosen here from the configuration (``environ``; see
``skill.preferences``) and given to the SDK as its persistence adapter; handlers never
see it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any, cast

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope, ResponseEnvelope
from ask_sdk_model.services import ApiClient

from skill import dialogue, handler_log, identity, knowledge, metrics, preferences, presentation
from skill.clock import utc_now
from skill.conversation import (
    helpline,
    history,
    navigation,
    privacy,
    reminders,
    safety,
    screens,
    topics,
    two_questions,
    yes_no,
)
from skill.conversation.base import IntentHandler
from skill.conversation.errors import CatchAllExceptionHandler
from skill.conversation.interceptors import (
    LoadPreferencesInterceptor,
    RepeatCacheInterceptor,
    RequestLogInterceptor,
    ResponseLogInterceptor,
    SavePreferencesInterceptor,
    TurnInterceptor,
)
from skill.conversation.state import check_topic_ids
from skill.reminders_api import AlexaApiClient


def request_handlers(known: knowledge.Knowledge) -> list[AbstractRequestHandler]:
    return [
        # Safety before anything else that might match: an overdose already taken and a
        # crisis first of all, then urgent words in any slot of any intent, then emergencies.
        safety.OverdoseHandler(),
        safety.CrisisHandler(),
        safety.SlotSafetyNetHandler(known.safety),
        navigation.LaunchHandler(),
        safety.EmergencyHandler(),
        safety.UrgentHelpHandler(),
        # Two questions at once: the one asked first is answered first.
        two_questions.AskedFirstHandler(),
        # Before the topic handler, which would answer side effects in general.
        topics.SideEffectsHandler(),
        topics.TopicHandler(known),
        topics.RoutedTopicHandler(known),
        topics.BeyondPageHandler(),
        topics.PrognosisHandler(),
        topics.MedicineDoseHandler(),
        topics.TellMeMoreHandler(),
        topics.OtherOptionsHandler(),
        topics.CorrectionHandler(),
        history.GoBackHandler(),
        # A touch on a screen answers as if its topic had been asked.
        screens.TouchHandler(),
        screens.ScreenErrorHandler(),
        helpline.HelplineHandler(),
        helpline.HelplineHoursHandler(),
        helpline.HelplineCostHandler(),
        yes_no.YesHandler(),
        yes_no.NoHandler(),
        # Alexa's answer to the voice permission request for reminders.
        reminders.PermissionResponseHandler(),
        navigation.HelpHandler(),
        navigation.RepeatHandler(),
        navigation.StartOverHandler(),
        navigation.SpeakSlowerHandler(),
        navigation.SpeakNormallyHandler(),
        privacy.ForgetMeHandler(),
        navigation.StopHandler(),
        navigation.GoodbyeHandler(),
        navigation.FallbackHandler(),
        navigation.SessionEndedHandler(),
        privacy.SkillDisabledHandler(),
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


class Serializer(DefaultSerializer):
    """The SDK's serializer, reading Alexa's timestamps with ``datetime.fromisoformat``
    (which takes Alexa's "2026-03-02T11:00:00Z" from Python 3.11 on) instead of
    dateutil's general parser: that parser was a fifth of every warm request. Anything
    ``fromisoformat`` does not take still goes to the SDK's own way."""

    def _DefaultSerializer__deserialize_datetime(self, payload: Any, obj_type: Any) -> Any:
        try:
            parsed = datetime.fromisoformat(payload)
        except (TypeError, ValueError):
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]
        return parsed.date() if obj_type is date else parsed


class SkillBuilder(CustomSkillBuilder):
    """The SDK's builder, knowing whether preferences are remembered (for ``/health``)."""

    preferences_status: preferences.Status = "off"


class VerifiedSkill(CustomSkill):
    """The SDK's skill, refusing a request unless the context *and* the session name this
    skill (the SDK compares the context's id alone, and lets a missing one through to
    fail later); with the quicker ``Serializer``."""

    def __init__(self, skill_configuration: Any, preferences_status: preferences.Status = "off") -> None:
        super().__init__(skill_configuration=skill_configuration)
        self.serializer = Serializer()
        #: Whether preferences are remembered: "on", "off" or "unavailable".
        self.preferences_status = preferences_status

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
    api_client: ApiClient | None = None,
    *,
    store: AbstractPersistenceAdapter | None = None,
    environ: Mapping[str, str] | None = None,
    make_key: bool = False,
    counter: metrics.Counter | None = None,
) -> SkillBuilder:
    """The skill builder. Loads and checks the content and the screens' documents now, so
    that a broken file stops the host at start-up rather than failing a user's question.

    The API client is what the SDK's service clients (the Reminders API) call Alexa
    with; by default the SDK's own, with a short timeout. ``store`` remembers
    preferences between sessions; without one, ``environ`` (the hosts pass the
    process's environment) chooses it; with neither, nothing is remembered (the
    developer tools and most tests). A store that cannot be opened leaves the skill
    without one (see ``preferences.open_store``); ``preferences_status`` says so.
    ``make_key``: the self-hosted web service, which may make its own records' key.
    ``counter`` writes one metric line per request, naming the kind of answer and
    nothing the user said (see ``skill.metrics``; the Lambda host gives one)."""
    known = knowledge.load()
    check_topic_ids(known.topics)
    dialogue.load()
    presentation.load()
    status: preferences.Status = "on" if store is not None else "off"
    if store is None and environ is not None:
        store, status = preferences.open_store(environ, make_key=make_key)
    # The SDK's signature says an adapter, but None (no store) is its own default.
    builder = SkillBuilder(
        persistence_adapter=store,  # type: ignore[arg-type]
        api_client=api_client or AlexaApiClient(),
    )
    # With a skill id, the SDK refuses requests meant for any other skill.
    builder.skill_id = skill_id  # type: ignore[assignment]
    for handler in request_handlers(known):
        builder.add_request_handler(handler)
    handler_log.install(builder)
    turns = TurnInterceptor(
        known, dialogue.load, clock, rng or random.Random(), keeps_preferences=store is not None
    )
    builder.add_global_request_interceptor(turns)
    builder.add_global_request_interceptor(LoadPreferencesInterceptor())
    builder.add_global_request_interceptor(RequestLogInterceptor())
    builder.add_global_response_interceptor(SavePreferencesInterceptor())
    builder.add_global_response_interceptor(RepeatCacheInterceptor())
    builder.add_global_response_interceptor(ResponseLogInterceptor())
    builder.add_exception_handler(CatchAllExceptionHandler())
    if counter is not None:
        metrics.install(builder, counter)  # last: it counts what all of the above did
    builder.preferences_status = status
    return builder


def lambda_handler(
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    skill_id: str | None = None,
    api_client: ApiClient | None = None,
    *,
    store: AbstractPersistenceAdapter | None = None,
    environ: Mapping[str, str] | None = None,
    counter: metrics.Counter | None = None,
) -> LambdaHandler:
    """The function Lambda calls: the event deserialised, invoked, serialised, as the
    SDK's ``SkillBuilder.lambda_handler`` does, but with one skill made once rather than
    a new one for every request."""
    skill = create_skill(clock, rng, skill_id, api_client, store=store, environ=environ, counter=counter)
    serializer = skill.serializer

    def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
        envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        return cast(dict[str, Any], serializer.serialize(skill.invoke(envelope, context)))

    return handle


def create_skill(
    clock: Callable[[], datetime] = utc_now,
    rng: random.Random | None = None,
    skill_id: str | None = None,
    api_client: ApiClient | None = None,
    *,
    store: AbstractPersistenceAdapter | None = None,
    environ: Mapping[str, str] | None = None,
    make_key: bool = False,
    counter: metrics.Counter | None = None,
) -> VerifiedSkill:
    builder = build(
        clock, rng, skill_id, api_client, store=store, environ=environ, make_key=make_key, counter=counter
    )
    return VerifiedSkill(builder.skill_configuration, preferences_status=builder.preferences_status)
