"""A one-off Alexa reminder, through Alexa's Reminders API.

The conversation decides *whether* to set one and what it says; this module builds the
request the API takes and sends it through the SDK's ``ReminderManagementServiceClient``,
to the API endpoint and with the access token that each request from Alexa carries.
It answers with an ``Outcome`` and never raises: an error, a refusal or a slow API must
not become an error response to Alexa.

Nothing about a reminder is kept or logged: a failure is logged by its status code or
exception type only, never the time, the text, the token or the user.
"""

from __future__ import annotations

import json
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from ask_sdk_core.exceptions import ApiClientException
from ask_sdk_model.services import ApiClient, ApiClientRequest, ApiClientResponse, ServiceException

from skill import log as logs

if TYPE_CHECKING:
    from ask_sdk_core.handler_input import HandlerInput
    from ask_sdk_model.services.reminder_management import ReminderRequest

log = logs.get("skill.reminders_api")

#: The permission a skill needs to create reminders: declared in the manifest
#: (interaction_models/skill.json), and asked for by voice or with a consent card.
SCOPE = "alexa::alerts:reminders:skill:readwrite"

#: Where Alexa's APIs live (the request's ``apiEndpoint``, by region: North America,
#: Europe, Far East). The bearer token goes to one of these, over HTTPS, or nowhere.
AMAZON_API_HOSTS = frozenset({"api.amazonalexa.com", "api.eu.amazonalexa.com", "api.fe.amazonalexa.com"})

#: Seconds to wait for the Reminders API, to connect and to answer. Alexa waits about 8
#: seconds for the whole response; a slow API must leave time for a kind answer.
TIMEOUT_SECONDS = 3.0


class Outcome(Enum):
    SET = "set"
    #: The user has not given the skill permission (the API answered 401 or 403).
    NOT_PERMITTED = "not_permitted"
    #: Anything else: an error status, a timeout, no connection, an odd answer.
    FAILED = "failed"


class AlexaApiClient(ApiClient):
    """An API client like the SDK's ``DefaultApiClient``, with a timeout (``requests``
    has none by default), HTTPS only, and no redirects: the access token is a bearer
    token and goes nowhere else. ``requests`` is imported on the first call, not at
    start-up: most sessions never set a reminder, and a cold start should not pay for it.

    ``verify`` is what ``requests`` takes: True (the usual trust store), or the path of a
    CA bundle (tests: the API played on loopback with a test certificate authority).
    ``allowed_hosts``: the only hosts the token may go to: Amazon's API hosts, unless
    a test plays the API on loopback.
    """

    def __init__(
        self,
        timeout: float = TIMEOUT_SECONDS,
        verify: bool | str = True,
        allowed_hosts: frozenset[str] = AMAZON_API_HOSTS,
    ) -> None:
        self.timeout = timeout
        self.verify = verify
        self.allowed_hosts = allowed_hosts

    def invoke(self, request: ApiClientRequest) -> ApiClientResponse:
        try:
            import requests
            from urllib3.util import parse_url

            url = request.url or ""
            parsed = parse_url(url)
            if parsed.scheme != "https":
                raise ApiClientException("Requests against non-HTTPS endpoints are not allowed.")
            if parsed.auth or (parsed.host or "").lower() not in self.allowed_hosts:
                raise ApiClientException("Requests against hosts other than Alexa's APIs are not allowed.")
            headers = _as_dict(request.headers)
            data = None
            if request.body:
                content_type = headers.get("Content-type") or headers.get("Content-Type") or ""
                data = json.dumps(request.body) if "json" in content_type else request.body
            response = requests.request(
                (request.method or "GET").upper(),
                url,
                headers=headers,
                data=data,
                timeout=self.timeout,
                verify=self.verify,
                allow_redirects=False,
            )
            return ApiClientResponse(
                headers=[(name, value) for name, value in dict(response.headers).items()],
                status_code=response.status_code,
                body=response.text,
            )
        except ApiClientException:
            raise
        except Exception as error:
            # The type only: a message may carry the URL.
            raise ApiClientException(f"request failed: {type(error).__name__}") from error


def _as_dict(headers: list[tuple[str, str]] | None) -> dict[str, Any]:
    """Header pairs as a dict, several values of one name joined with commas (as the
    SDK's ``DefaultApiClient`` does)."""
    joined: dict[str, Any] = {}
    for name, value in headers or []:
        joined[name] = f"{joined[name]}, {value}" if name in joined else value
    return joined


def reminder_request(at: datetime, time_zone: str, text: str, locale: str, now: datetime) -> ReminderRequest:
    """A one-off reminder at ``at`` (an aware datetime), spoken in ``locale``.

    The API takes a wall-clock time without an offset and the zone it is in, so the
    reminder goes off at 9am in the UK whichever side of a clock change it falls.
    """
    from zoneinfo import ZoneInfo

    from ask_sdk_model.services.reminder_management import (
        AlertInfo,
        PushNotification,
        PushNotificationStatus,
        ReminderRequest,
        SpokenInfo,
        SpokenText,
        Trigger,
        TriggerType,
    )

    zone = ZoneInfo(time_zone)
    return ReminderRequest(
        request_time=now.astimezone(zone).replace(tzinfo=None, microsecond=0),
        trigger=Trigger(
            object_type=TriggerType.SCHEDULED_ABSOLUTE,
            scheduled_time=at.astimezone(zone).replace(tzinfo=None, microsecond=0),
            time_zone_id=time_zone,
        ),
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def has_permission(handler_input: HandlerInput) -> bool:
    """Whether the request says the user has given the skill permissions (Alexa sends a
    consent token then). The API has the last word: it answers 401 or 403 without it."""
    system = getattr(handler_input.request_envelope.context, "system", None)
    permissions = getattr(getattr(system, "user", None), "permissions", None)
    return bool(getattr(permissions, "consent_token", None))


def create(handler_input: HandlerInput, request: ReminderRequest) -> Outcome:
    """Creates the reminder through the SDK's service client."""
    try:
        client = handler_input.service_client_factory.get_reminder_management_service()
        client.create_reminder(request)
    except ServiceException as error:
        if error.status_code in (401, 403):
            return Outcome.NOT_PERMITTED
        log.warning("reminders API: status=%s", error.status_code)
        return Outcome.FAILED
    except Exception as error:
        log.warning("reminders API: %s", type(error).__name__)
        return Outcome.FAILED
    return Outcome.SET
