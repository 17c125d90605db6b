"""Alexa request envelopes, as JSON, exactly in the shape Alexa sends them.

Used by ``python -m skill ask`` and ``chat``, by the tests and by the benchmarks, so
that every one of them drives the skill the way Alexa does: through the same JSON.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from skill.devtools.nlu import Resolution

TEST_SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
LOCALE = "en-GB"

#: An Echo Show 8's screen, as its requests describe it (``context.Viewport``).
ECHO_SHOW_8: dict[str, Any] = {
    "experiences": [{"arcMinuteWidth": 221, "arcMinuteHeight": 162, "canRotate": False, "canResize": False}],
    "mode": "HUB",
    "shape": "RECTANGLE",
    "pixelWidth": 1280,
    "pixelHeight": 800,
    "dpi": 160,
    "currentPixelWidth": 1280,
    "currentPixelHeight": 800,
    "touch": ["SINGLE"],
    "video": {"codecs": ["H_264_42", "H_264_41"]},
}
#: What a device with a screen lists in ``supportedInterfaces``: it draws APL up to 1.4.
APL_INTERFACE: dict[str, Any] = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "1.4"}}}


def _id(prefix: str) -> str:
    return f"{prefix}.{uuid.uuid4()}"


def timestamp(moment: datetime | None = None) -> str:
    """Alexa's format: ISO 8601 in UTC, to the second, with a Z."""
    moment = (moment or datetime.now(UTC)).astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def slot_json(
    name: str,
    spoken: str | None,
    slot_type: str,
    value_id: str | None,
    canonical: str | None,
    skill_id: str = TEST_SKILL_ID,
) -> dict[str, Any]:
    """One slot of an IntentRequest, with entity resolution as Alexa reports it."""
    if spoken is None:
        return {"name": name, "confirmationStatus": "NONE"}
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{skill_id}.{slot_type}",
        "status": {"code": "ER_SUCCESS_MATCH" if value_id else "ER_SUCCESS_NO_MATCH"},
    }
    if value_id:
        authority["values"] = [{"value": {"name": canonical, "id": value_id}}]
    resolutions = {"resolutionsPerAuthority": [authority]}
    return {
        "name": name,
        "value": spoken,
        "resolutions": resolutions,
        "confirmationStatus": "NONE",
        "source": "USER",
        "slotValue": {"type": "Simple", "value": spoken, "resolutions": resolutions},
    }


@dataclass
class Session:
    """One user's session with the skill: ids, attributes, and whether it is new."""

    skill_id: str = TEST_SKILL_ID
    locale: str = LOCALE
    session_id: str = field(default_factory=lambda: _id("amzn1.echo-api.session"))
    user_id: str = field(default_factory=lambda: _id("amzn1.ask.account"))
    device_id: str = field(default_factory=lambda: _id("amzn1.ask.device"))
    attributes: dict[str, Any] = field(default_factory=dict)
    new: bool = True
    ended: bool = False
    #: Where the skill calls Alexa's APIs (the Reminders API), and with what token.
    api_endpoint: str = "https://api.eu.amazonalexa.com"
    api_access_token: str = "test-access-token"
    #: Sent when the user has given the skill permissions (reminders, here).
    consent_token: str | None = None
    #: The device's screen (``ECHO_SHOW_8``, say), or None for a speaker without one.
    viewport: dict[str, Any] | None = None
    #: The token of the document on the screen now, as the last response rendered it.
    shown_token: str | None = None

    def envelope(self, request: dict[str, Any], at: datetime | None = None) -> dict[str, Any]:
        application = {"applicationId": self.skill_id}
        user: dict[str, Any] = {"userId": self.user_id}
        if self.consent_token is not None:
            user["permissions"] = {"consentToken": self.consent_token}
        request = {
            "requestId": _id("amzn1.echo-api.request"),
            "timestamp": timestamp(at),
            "locale": self.locale,
            **request,
        }
        context: dict[str, Any] = {
            "System": {
                "application": application,
                "user": user,
                "device": {
                    "deviceId": self.device_id,
                    "supportedInterfaces": dict(APL_INTERFACE) if self.viewport else {},
                },
                "apiEndpoint": self.api_endpoint,
                "apiAccessToken": self.api_access_token,
            },
        }
        if self.viewport:
            context["Viewport"] = dict(self.viewport)
            if self.shown_token:
                context["Alexa.Presentation.APL"] = {"token": self.shown_token, "version": "1.4"}
        return {
            "version": "1.0",
            "session": {
                "new": self.new,
                "sessionId": self.session_id,
                "application": application,
                "attributes": dict(self.attributes),
                "user": user,
            },
            "context": context,
            "request": request,
        }

    def launch(self, at: datetime | None = None) -> dict[str, Any]:
        return self.envelope({"type": "LaunchRequest", "shouldLinkResultBeReturned": False}, at)

    def intent(
        self,
        name: str,
        slots: dict[str, dict[str, Any]] | None = None,
        at: datetime | None = None,
    ) -> dict[str, Any]:
        intent: dict[str, Any] = {"name": name, "confirmationStatus": "NONE"}
        if slots:
            intent["slots"] = slots
        return self.envelope({"type": "IntentRequest", "dialogState": "COMPLETED", "intent": intent}, at)

    def resolved(
        self, resolution: Resolution, slot_types: dict[str, str], at: datetime | None = None
    ) -> dict[str, Any]:
        """The IntentRequest for a resolved utterance, with empty slots as Alexa sends them."""
        slots = {
            name: slot_json(
                name, value.spoken, value.slot_type, value.value_id, value.canonical, self.skill_id
            )
            for name, value in resolution.slots.items()
        }
        for name in resolution.empty_slots:
            slots[name] = slot_json(name, None, slot_types[name], None, None, self.skill_id)
        return self.intent(resolution.intent, slots, at)

    def connections_response(
        self,
        name: str,
        payload: dict[str, Any] | None,
        code: str = "200",
        message: str = "OK",
        at: datetime | None = None,
    ) -> dict[str, Any]:
        """Alexa's answer to a Connections.SendRequest directive (the voice permission
        request is name "AskFor"; its payload has the user's answer in ``status``)."""
        request: dict[str, Any] = {
            "type": "Connections.Response",
            "name": name,
            "status": {"code": code, "message": message},
            "token": "",
        }
        if payload is not None:
            request["payload"] = payload
        return self.envelope(request, at)

    def user_event(
        self, arguments: list[Any], token: str | None = None, at: datetime | None = None
    ) -> dict[str, Any]:
        """A touch on the screen: the ``SendEvent`` of a TouchWrapper, as Alexa sends it."""
        request = {
            "type": "Alexa.Presentation.APL.UserEvent",
            "token": token or self.shown_token or "",
            "arguments": list(arguments),
            "source": {"type": "TouchWrapper", "handler": "Press", "id": "", "value": False},
            "components": {},
        }
        return self.envelope(request, at)

    def session_ended(self, reason: str = "USER_INITIATED", at: datetime | None = None) -> dict[str, Any]:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason}, at)

    def skill_disabled(self, persistence: str = "NOT_PERSISTED") -> dict[str, Any]:
        """The skill event Alexa sends when the user disables the skill: skill events come
        outside any session."""
        event = self.envelope(
            {
                "type": "AlexaSkillEvent.SkillDisabled",
                "eventCreationTime": "2026-03-02T11:00:00Z",
                "eventPublishingTime": "2026-03-02T11:00:01Z",
                "body": {"userInformationPersistenceStatus": persistence},
            }
        )
        del event["session"]
        return event

    def carry(self, response: dict[str, Any]) -> None:
        """Take the session attributes from a response, as Alexa does for the next turn."""
        self.new = False
        self.attributes = dict(response.get("sessionAttributes") or {})
        self.ended = response.get("response", {}).get("shouldEndSession", True) is not False
        for directive in response.get("response", {}).get("directives") or []:
            if directive.get("type") == "Alexa.Presentation.APL.RenderDocument":
                self.shown_token = directive.get("token")
