"""A reminder for when the nurse line opens, through the real Lambda handler, against
Alexa's Reminders API played on loopback (tests/fake_reminders_api.py): the offer, yes
and no, the voice permission request and Alexa's answers to it, the consent card, API
errors and timeouts, and the times that matter: a Friday evening, a Saturday, bank
holiday weekends, and the nights the clocks change."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from skill import dialogue, knowledge, reminders_api
from skill.devtools.envelopes import slot_json
from skill.reminders_api import AlexaApiClient
from tests.conftest import Conversation, Heard, said
from tests.fake_reminders_api import REMINDERS_PATH, RemindersApi, running

LONDON = ZoneInfo("Europe/London")
WORDS = dialogue.load()
HELPLINE = knowledge.load().helpline
SCOPE = "alexa::alerts:reminders:skill:readwrite"
#: The API played on loopback: the only host the tests' client may send the token to.
LOOPBACK_ONLY = frozenset({"127.0.0.1"})
#: The client's timeout in these tests; the slow API answers well after it.
TIMEOUT = 0.5

FRIDAY_EVENING = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)
SATURDAY_MORNING = datetime(2026, 3, 7, 11, 0, tzinfo=UTC)
SATURDAY_EVENING = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)
WEDNESDAY_AFTERNOON = datetime(2026, 3, 4, 14, 0, tzinfo=UTC)
#: Easter Monday 2026: a bank holiday in England, Wales and Northern Ireland.
EASTER_MONDAY = datetime(2026, 4, 6, 10, 0, tzinfo=LONDON)
#: The Saturday before the early May bank holiday (Monday 4 May 2026, all four nations).
BEFORE_MAY_BANK_HOLIDAY = datetime(2026, 5, 2, 12, 0, tzinfo=UTC)
#: Saturday 28 November 2026, evening: Monday is St Andrew's Day, a holiday in Scotland
#: only, so an ordinary working day for the line (run from London).
SATURDAY_BEFORE_ST_ANDREWS_DAY = datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
#: Christmas Eve 2026, a Thursday, evening: Christmas Day (Friday) and Boxing Day's
#: substitute (Monday 28th) are England and Wales bank holidays.
CHRISTMAS_EVE_EVENING = datetime(2026, 12, 24, 18, 0, tzinfo=UTC)


def when_day(day: str) -> str:
    return said("when_day", day=day, opens="9am")


def when_tomorrow() -> str:
    return said("when_tomorrow", opens="9am")


@pytest.fixture(scope="module")
def api_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RemindersApi]:
    with running(tmp_path_factory.mktemp("reminders-api")) as api:
        yield api


@pytest.fixture
def api(api_server: RemindersApi, monkeypatch: pytest.MonkeyPatch) -> RemindersApi:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")  # loopback, whatever the machine's proxy
    api_server.reset()
    return api_server


def conversation(api: RemindersApi, now: datetime, *, granted: bool = True) -> Conversation:
    """A user at ``now``; ``granted``: they have given the skill the reminders permission."""
    client = AlexaApiClient(timeout=TIMEOUT, verify=api.ca_bundle, allowed_hosts=LOOPBACK_ONLY)
    talk = Conversation(now=now, exact=True, api_client=client)
    talk.session.api_endpoint = api.url
    talk.session.consent_token = "test-consent-token" if granted else None
    return talk


def number_then_yes(talk: Conversation, when: str, offer: str = "reminder_offer") -> Heard:
    """The number, read while the line is closed, ends with the offer (``offer``: its
    words where a bank holiday makes the next opening a "may"); then yes."""
    heard = talk.intent("HelplineIntent")
    assert heard.speech.endswith(said(offer, when=when))
    assert heard.attributes["pending"] == "reminder" and not heard.ends_session
    return talk.intent("AMAZON.YesIntent")


def alexa_answers(talk: Conversation, status: str) -> Heard:
    """Alexa's Connections.Response to the voice permission request: the user's answer."""
    payload = {"permissionScope": SCOPE, "status": status}
    return talk.send(talk.session.connections_response("AskFor", payload))


def directives(heard: Heard) -> list[dict[str, Any]]:
    return heard.response.get("directives") or []


def the_reminder(api: RemindersApi) -> dict[str, Any]:
    (posted,) = api.posted
    return posted


def assert_reminder_at(api: RemindersApi, wall_time: str) -> None:
    """The reminder posted to the API: one-off, at this UK wall time, with its zone,
    the reviewed text, in the request's locale."""
    reminder = the_reminder(api)
    assert reminder["trigger"] == {
        "type": "SCHEDULED_ABSOLUTE",
        "scheduledTime": wall_time,
        "timeZoneId": "Europe/London",
    }
    assert "recurrence" not in reminder["trigger"]
    text = said("reminder_text", number="0808 800 4040")
    assert reminder["alertInfo"] == {"spokenInfo": {"content": [{"locale": "en-GB", "text": text}]}}
    assert reminder["pushNotification"] == {"status": "ENABLED"}


# --- Granted: the reminder is set -----------------------------------------------------


def test_saturday_evening_number_offers_a_reminder_and_yes_sets_it_for_monday_9am(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    heard = number_then_yes(talk, when_day("Monday"))

    assert_reminder_at(api, "2026-03-09T09:00:00")
    (request,) = api.received
    assert request.path == REMINDERS_PATH
    assert request.headers["Authorization"] == "Bearer test-access-token"
    assert heard.speech.startswith(said("reminder_set", when=when_day("Monday")))
    assert heard.card["title"] == said("reminder_card_title")
    assert "Monday 9 March at 9am, UK time" in heard.card["text"]
    assert "0808 800 4040" in heard.card["text"]
    assert not heard.ends_session  # the conversation goes on


def test_the_reminder_was_asked_for_in_so_many_words_before_it_was_set(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    offer = talk.intent("HelplineIntent")
    assert "remind you when the line opens, on Monday at 9am?" in offer.speech
    assert api.received == []  # nothing is set until the user says yes


def test_request_time_is_uk_wall_time_too(api: RemindersApi) -> None:
    number_then_yes(conversation(api, SATURDAY_EVENING), when_day("Monday"))
    assert the_reminder(api)["requestTime"] == "2026-03-07T20:00:00"


def test_friday_evening_reminds_on_monday(api: RemindersApi) -> None:
    heard = number_then_yes(conversation(api, FRIDAY_EVENING), when_day("Monday"))
    assert_reminder_at(api, "2026-03-09T09:00:00")
    assert heard.speech.startswith(said("reminder_set", when=when_day("Monday")))


def test_saturday_can_i_ring_at_the_weekend_says_no_then_offers_monday(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_MORNING)
    weekend = {"when": slot_json("when", "at the weekend", "HelplineTimeType", "weekend", "weekend")}
    heard = talk.intent("HelplineHoursIntent", weekend)
    assert heard.speech.startswith(said("hours_no", asked=said("asked_weekend"), hours=HELPLINE.hours_text))
    assert heard.speech.endswith(said("reminder_offer", when=when_day("Monday")))
    talk.intent("AMAZON.YesIntent")
    assert_reminder_at(api, "2026-03-09T09:00:00")


def test_when_can_i_call_while_closed_offers_the_reminder(api: RemindersApi) -> None:
    heard = conversation(api, FRIDAY_EVENING).intent("HelplineHoursIntent")
    assert heard.speech.endswith(said("reminder_offer", when=when_day("Monday")))


def test_bank_holiday_monday_reminds_on_tuesday(api: RemindersApi) -> None:
    talk = conversation(api, EASTER_MONDAY)
    heard = number_then_yes(talk, when_tomorrow(), "reminder_offer_holiday")
    assert_reminder_at(api, "2026-04-07T09:00:00")
    assert heard.speech.startswith(said("reminder_set", when=when_tomorrow()))


def test_on_a_bank_holiday_the_reminder_offer_keeps_the_may_of_the_sentence_before_it() -> None:
    """"It may next open tomorrow at 9am." is not followed by "when the line opens" as if
    it were certain (docs/behaviour.md §6)."""
    heard = Conversation(now=EASTER_MONDAY).intent("HelplineIntent")
    when = when_tomorrow()
    may = said("helpline_holiday_today", where=said("holiday_where"), when=when)
    offer = said("reminder_offer_holiday", when=when)
    assert may in heard.speech and heard.speech.endswith(offer)
    assert heard.speech.index(may) < heard.speech.index(offer)
    assert "may" in offer and said("reminder_offer", when=when) not in heard.speech


def test_the_weekend_before_a_bank_holiday_reminds_on_tuesday(api: RemindersApi) -> None:
    number_then_yes(conversation(api, BEFORE_MAY_BANK_HOLIDAY), when_day("Tuesday"), "reminder_offer_holiday")
    assert_reminder_at(api, "2026-05-05T09:00:00")


def test_saturday_evening_before_st_andrews_day_reminds_on_monday_9am(api: RemindersApi) -> None:
    heard = number_then_yes(conversation(api, SATURDAY_BEFORE_ST_ANDREWS_DAY), when_day("Monday"))
    assert_reminder_at(api, "2026-11-30T09:00:00")
    assert heard.speech.startswith(said("reminder_set", when=when_day("Monday")))
    assert "Monday 30 November at 9am, UK time" in heard.card["text"]


def test_christmas_eve_reminds_after_the_moved_boxing_day(api: RemindersApi) -> None:
    number_then_yes(conversation(api, CHRISTMAS_EVE_EVENING), when_day("Tuesday"), "reminder_offer_holiday")
    assert_reminder_at(api, "2026-12-29T09:00:00")


@pytest.mark.parametrize(
    ("now", "wall_time", "offset_hours"),
    [
        # Clocks go forward at 01:00 UTC on Sunday 29 March 2026: before and after.
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "2026-03-30T09:00:00", 1),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "2026-03-30T09:00:00", 1),
        # Clocks go back at 01:00 UTC on Sunday 25 October 2026: before and after.
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "2026-10-26T09:00:00", 0),
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "2026-10-26T09:00:00", 0),
    ],
)
def test_the_night_the_clocks_change_still_reminds_at_9am_uk_time(
    api: RemindersApi, now: datetime, wall_time: str, offset_hours: int
) -> None:
    heard = number_then_yes(conversation(api, now), when_tomorrow())
    assert_reminder_at(api, wall_time)
    # 9am on Monday is BST (UTC+1) after the March change, GMT after the October one.
    offset = datetime.fromisoformat(wall_time).replace(tzinfo=LONDON).utcoffset()
    assert offset == timedelta(hours=offset_hours)
    assert heard.speech.startswith(said("reminder_set", when=when_tomorrow()))


# --- No, and the offer policy ---------------------------------------------------------


def test_no_sets_nothing_and_moves_on(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    talk.intent("HelplineIntent")
    heard = talk.intent("AMAZON.NoIntent")
    assert any(heard.speech.startswith(text) for text in WORDS.phrasings("reminder_declined"))
    assert heard.speech.endswith(said("anything_else"))
    assert not heard.ends_session and api.received == []


def test_no_to_a_reminder_after_the_hours_offers_the_number(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    talk.intent("HelplineHoursIntent")
    heard = talk.intent("AMAZON.NoIntent")
    assert heard.speech.endswith(said("offer_helpline"))
    assert heard.attributes["pending"] == "helpline" and api.received == []


def test_the_reminder_is_offered_once_a_session(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    talk.intent("HelplineIntent")
    talk.intent("AMAZON.NoIntent")
    again = talk.intent("HelplineHoursIntent")
    assert said("reminder_offer", when=when_day("Monday")) not in again.speech
    assert "remind" not in talk.intent("HelplineIntent").speech


def test_say_that_again_repeats_the_offer_and_yes_still_sets_it(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    talk.intent("HelplineIntent")
    repeated = talk.intent("AMAZON.RepeatIntent")
    assert repeated.speech.endswith(said("reminder_offer", when=when_day("Monday")))
    talk.intent("AMAZON.YesIntent")
    assert_reminder_at(api, "2026-03-09T09:00:00")


def test_no_offer_while_the_line_is_open(api: RemindersApi) -> None:
    heard = conversation(api, WEDNESDAY_AFTERNOON).intent("HelplineIntent")
    assert "remind" not in heard.speech
    assert heard.speech.endswith(said("anything_else"))


def test_no_offer_after_a_question_about_one_named_day(api: RemindersApi) -> None:
    monday = {"when": slot_json("when", "on monday", "HelplineTimeType", "monday", "monday")}
    heard = conversation(api, SATURDAY_EVENING).intent("HelplineHoursIntent", monday)
    assert "remind" not in heard.speech


# --- Not yet granted: Alexa asks by voice ------------------------------------------------


def test_without_permission_yes_asks_alexa_to_ask_for_it_by_voice(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    heard = number_then_yes(talk, when_day("Monday"))
    assert directives(heard) == [
        {
            "type": "Connections.SendRequest",
            "name": "AskFor",
            "payload": {
                "@type": "AskForPermissionsConsentRequest",
                "@version": "2",
                "permissionScopes": [{"permissionScope": SCOPE, "consentLevel": "ACCOUNT"}],
            },
            "token": "",
        }
    ]
    # Alexa asks the question itself: the skill says nothing and sets nothing yet.
    assert "outputSpeech" not in heard.response and "reprompt" not in heard.response
    assert "shouldEndSession" not in heard.response
    assert api.received == []


def test_permission_granted_by_voice_sets_the_reminder(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    talk.session.consent_token = "test-consent-token"  # the grant is in the next request
    heard = alexa_answers(talk, "ACCEPTED")
    assert_reminder_at(api, "2026-03-09T09:00:00")
    assert heard.speech.startswith(said("reminder_set", when=when_day("Monday")))
    assert heard.card["title"] == said("reminder_card_title")
    assert not heard.ends_session


def test_permission_granted_in_the_list_form_sets_the_reminder(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    scopes = {"permissionScopes": [{"permissionScope": SCOPE, "permissionStatus": "ACCEPTED"}]}
    heard = talk.send(talk.session.connections_response("AskFor", scopes))
    assert_reminder_at(api, "2026-03-09T09:00:00")
    assert heard.speech.startswith(said("reminder_set", when=when_day("Monday")))


def assert_no_reminder_with_card_and_number(heard: Heard, key: str, api: RemindersApi) -> None:
    assert api.posted == []
    assert heard.speech.startswith(said(key))
    assert said("helpline_intro") in heard.speech and "0808 800 4040" in heard.speech
    assert heard.card == {"type": "AskForPermissionsConsent", "permissions": [SCOPE]}
    assert heard.speech.endswith(said("anything_else")) and not heard.ends_session


def test_permission_denied_sends_the_consent_card_and_says_so(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    heard = alexa_answers(talk, "DENIED")
    assert_no_reminder_with_card_and_number(heard, "reminder_permission_denied", api)


def test_permission_not_answered_sets_nothing_and_says_so(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    heard = alexa_answers(talk, "NOT_ANSWERED")
    assert_no_reminder_with_card_and_number(heard, "reminder_permission_not_answered", api)


def test_a_device_that_cannot_ask_gets_the_consent_card(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    heard = talk.send(talk.session.connections_response("AskFor", None, code="400", message="Not supported"))
    assert_no_reminder_with_card_and_number(heard, "reminder_permission_card", api)


def test_permission_is_never_asked_for_twice_in_a_session(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    assert talk.session.attributes["reminderPermissionAsked"] is True
    talk.session.attributes["pending"] = "reminder"  # yes to the same offer once more
    heard = talk.intent("AMAZON.YesIntent")
    assert directives(heard) == []
    assert_no_reminder_with_card_and_number(heard, "reminder_permission_card", api)


def test_api_refusal_with_a_consent_token_asks_by_voice_once(api: RemindersApi) -> None:
    """The request may carry a consent token for other permissions: the API decides."""
    api.status = 401
    talk = conversation(api, SATURDAY_EVENING)
    heard = number_then_yes(talk, when_day("Monday"))
    assert directives(heard)[0]["name"] == "AskFor"
    api.status = 403  # still refused after Alexa's question: the card, not a second question
    heard = alexa_answers(talk, "ACCEPTED")
    assert directives(heard) == []
    assert heard.card["type"] == "AskForPermissionsConsent"
    assert heard.speech.startswith(said("reminder_permission_card"))


# --- When the API fails ---------------------------------------------------------------


def assert_kind_failure(heard: Heard) -> None:
    assert heard.speech.startswith(said("reminder_failed"))
    assert said("helpline_intro") in heard.speech and "0808 800 4040" in heard.speech
    assert said("helpline_hours", hours=HELPLINE.hours_text) in heard.speech
    assert heard.card["title"] == said("helpline_card_title")
    assert heard.speech.endswith(said("anything_else")) and not heard.ends_session


@pytest.mark.parametrize("status", [400, 429, 500, 503])
def test_an_api_error_gives_a_kind_answer_with_the_number(api: RemindersApi, status: int) -> None:
    api.status = status
    heard = number_then_yes(conversation(api, SATURDAY_EVENING), when_day("Monday"))
    assert len(api.posted) == 1
    assert_kind_failure(heard)


def test_an_api_timeout_gives_a_kind_answer_in_good_time(api: RemindersApi) -> None:
    api.delay = 3.0
    talk = conversation(api, SATURDAY_EVENING)
    talk.intent("HelplineIntent")
    started = time.monotonic()
    heard = talk.intent("AMAZON.YesIntent")
    assert time.monotonic() - started < 2.0
    assert_kind_failure(heard)


def test_an_unreachable_api_gives_a_kind_answer(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    talk.session.api_endpoint = "https://127.0.0.1:9"  # nothing listens there
    talk.intent("HelplineIntent")
    assert_kind_failure(talk.intent("AMAZON.YesIntent"))


def test_the_conversation_goes_on_after_a_failure(api: RemindersApi) -> None:
    api.status = 500
    talk = conversation(api, SATURDAY_EVENING)
    number_then_yes(talk, when_day("Monday"))
    assert talk.intent("AMAZON.RepeatIntent").speech.startswith(said("reminder_failed"))
    heard = talk.intent("WhatIsIntent")
    assert heard.speech and not heard.ends_session


class RawListener:
    """A plain TCP listener on loopback that records every byte it is sent and answers
    nothing: what would reach anyone listening on the way, were the client to send."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen()
        self.socket.settimeout(0.05)
        self.port: int = self.socket.getsockname()[1]
        self.received = bytearray()
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.connections += 1
            with connection:
                connection.settimeout(2)
                # Read up to the end of the request's headers (or until the client
                # stops), then hang up: the client's request fails, after it was sent.
                while b"\r\n\r\n" not in self.received:
                    try:
                        chunk = connection.recv(65536)
                    except OSError:
                        break
                    if not chunk:
                        break
                    self.received += chunk

    def close(self) -> bytes:
        """Stops listening; everything received (all of it arrived before the client's
        request returned, since the listener hangs up only after reading)."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.socket.close()
        return bytes(self.received)


@pytest.fixture
def listener() -> Iterator[RawListener]:
    raw = RawListener()
    yield raw
    raw.close()


def test_the_raw_listener_records_a_request_sent_to_it(listener: RawListener, api: RemindersApi) -> None:
    """The listener below can fail the test: plain HTTP sent to it is recorded."""
    import requests

    with pytest.raises(requests.RequestException):
        requests.post(
            f"http://127.0.0.1:{listener.port}/v1/alerts/reminders",
            headers={"Authorization": "Bearer test-token"},
            timeout=5,
        )
    assert b"Authorization: Bearer test-token" in listener.close()


def test_the_token_never_goes_over_plain_http(listener: RawListener, api: RemindersApi) -> None:
    """An apiEndpoint of http:// (the host allowed, so only the scheme check stands in
    the way): not one byte reaches the listener, and the user gets the kind answer."""
    talk = conversation(api, SATURDAY_EVENING)
    talk.session.api_endpoint = f"http://127.0.0.1:{listener.port}"
    talk.intent("HelplineIntent")
    assert_kind_failure(talk.intent("AMAZON.YesIntent"))
    assert listener.close() == b"" and listener.connections == 0
    assert api.received == []


@pytest.mark.parametrize(
    "endpoint",
    [
        "https://127.0.0.1:{port}",
        "https://localhost:{port}",
        "https://api.amazonalexa.com@127.0.0.1:{port}",
    ],
)
def test_the_token_goes_only_to_amazons_api_hosts(
    listener: RawListener, api: RemindersApi, endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The skill's own client (Amazon's hosts only): any other host (here all on
    loopback, so that nothing could leave the machine) gets nothing, not even a
    connection, and the user gets the kind answer."""
    talk = Conversation(now=SATURDAY_EVENING, exact=True, api_client=AlexaApiClient(timeout=TIMEOUT))
    talk.session.api_endpoint = endpoint.format(port=listener.port)
    talk.session.consent_token = "test-consent-token"
    talk.intent("HelplineIntent")
    assert_kind_failure(talk.intent("AMAZON.YesIntent"))
    assert listener.close() == b"" and listener.connections == 0
    assert "test-consent-token" not in caplog.text


def test_the_allowed_hosts_are_amazons_three_api_hosts() -> None:
    assert {
        "api.amazonalexa.com",
        "api.eu.amazonalexa.com",
        "api.fe.amazonalexa.com",
    } == reminders_api.AMAZON_API_HOSTS
    assert AlexaApiClient().allowed_hosts == reminders_api.AMAZON_API_HOSTS


# --- Discreet and private ---------------------------------------------------------------

HEALTH_WORDS = re.compile(
    r"cancer|breast|tumou?r|health|medic|treatment|chemo|radio|therap|secondary|metasta|symptom|"
    r"pain|diagnos|ill|sick|disease|hospital|oncolog|palliative|hospice|drug|tablet",
    re.IGNORECASE,
)


def test_the_reminder_text_names_the_line_and_number_and_nothing_about_health() -> None:
    for text in WORDS.phrasings("reminder_text"):
        spoken = text.format(number=HELPLINE.display)
        assert "nurse line" in spoken and HELPLINE.display in spoken
        assert not HEALTH_WORDS.search(spoken), spoken


def test_what_is_posted_has_nothing_about_health_or_the_user(api: RemindersApi) -> None:
    talk = conversation(api, SATURDAY_EVENING)
    bone_pain = slot_json("symptom", "bone pain", "SymptomType", "bone_pain", "bone pain")
    talk.intent("SymptomIntent", {"symptom": bone_pain})
    talk.intent("AMAZON.YesIntent")  # the number, then the offer
    talk.intent("AMAZON.YesIntent")  # the reminder
    (request,) = api.received
    body = str(request.body)
    assert not HEALTH_WORDS.search(body), body
    assert talk.session.user_id not in body and talk.session.device_id not in body


def test_nothing_about_the_reminder_is_kept_or_logged(
    api: RemindersApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)  # what the hosts log (the skill at INFO)
    api.status = 500
    talk = conversation(api, SATURDAY_EVENING, granted=False)
    number_then_yes(talk, when_day("Monday"))
    talk.session.consent_token = "test-consent-token"
    alexa_answers(talk, "ACCEPTED")
    logged = caplog.text
    for secret in (
        talk.session.user_id,
        talk.session.device_id,
        "test-access-token",
        "test-consent-token",
        api.url,
        "2026-03-09",
        "09:00",
        said("reminder_text", number=HELPLINE.display),
    ):
        assert secret not in logged, secret
    kept = str(talk.session.attributes)
    assert "2026-03-09" not in kept and "nurse line is open" not in kept


def test_the_skills_own_log_names_only_the_failure_kind(
    api: RemindersApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="skill")
    api.status = 503
    number_then_yes(conversation(api, SATURDAY_EVENING), when_day("Monday"))
    warnings = [r.getMessage() for r in caplog.records if r.name == "skill.reminders_api"]
    assert warnings == ["reminders API: status=503"]


def test_the_manifest_declares_the_reminders_permission() -> None:
    import json

    from skill.devtools.nlu import MODELS

    manifest = json.loads((MODELS / "skill.json").read_text(encoding="utf-8"))
    assert {"name": reminders_api.SCOPE} in manifest["manifest"]["permissions"]


def test_the_default_api_client_has_a_short_timeout() -> None:
    assert 0 < AlexaApiClient().timeout <= 4
