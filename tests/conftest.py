"""Shared test helpers: drive the skill the way Alexa does, with JSON envelopes."""

from __future__ import annotations

import random
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_model.services import ApiClient

from skill import builder, dialogue, knowledge
from skill.devtools import serving
from skill.devtools.envelopes import ECHO_SHOW_8, Session
from skill.devtools.generalising import generalising_resolver
from skill.devtools.nlu import UtteranceResolver, resolver
from skill.preferences import UserKeys
from skill.speech import plain_text

#: The secret the tests' preference stores key their records with (PREFERENCES_KEY),
#: and those keys.
TEST_SECRET = "tests-only-secret-" + "0123456789abcdef" * 2
KEYS = UserKeys(TEST_SECRET)

#: A Monday at 11:00 UK time (GMT): the nurse line is open.
OPEN_TIME = datetime(2026, 3, 2, 11, 0, tzinfo=UTC)
#: A Saturday evening: the nurse line is closed until Monday.
CLOSED_TIME = datetime(2026, 3, 7, 20, 0, tzinfo=UTC)


@dataclass
class Heard:
    """What Alexa received, and what the user would hear and see."""

    raw: dict[str, Any]

    @property
    def response(self) -> dict[str, Any]:
        return self.raw["response"]

    @property
    def ssml(self) -> str:
        return self.response.get("outputSpeech", {}).get("ssml", "")

    @property
    def speech(self) -> str:
        return plain_text(self.ssml) if self.ssml else ""

    @property
    def reprompt_ssml(self) -> str:
        return self.response.get("reprompt", {}).get("outputSpeech", {}).get("ssml", "")

    @property
    def reprompt(self) -> str:
        return plain_text(self.reprompt_ssml) if self.reprompt_ssml else ""

    @property
    def ends_session(self) -> bool:
        return self.response.get("shouldEndSession") is True

    @property
    def card(self) -> dict[str, Any]:
        return self.response.get("card") or {}

    @property
    def attributes(self) -> dict[str, Any]:
        return self.raw.get("sessionAttributes") or {}

    @property
    def directives(self) -> list[dict[str, Any]]:
        return self.response.get("directives") or []

    @property
    def screen(self) -> dict[str, Any] | None:
        """The data of the APL document sent to the screen, if one was (its ``answer``)."""
        documents = [d for d in self.directives if d.get("type") == "Alexa.Presentation.APL.RenderDocument"]
        assert len(documents) <= 1, "one document per response"
        return documents[0]["datasources"]["answer"] if documents else None


class Conversation:
    """A user talking to the skill through the real Lambda handler, turn by turn."""

    def __init__(
        self,
        now: datetime = OPEN_TIME,
        locale: str = "en-GB",
        exact: bool = False,
        api_client: ApiClient | None = None,
        screen: bool = False,
        store: AbstractPersistenceAdapter | None = None,
    ) -> None:
        self.now = now
        self.handler = builder.lambda_handler(
            clock=self.clock, rng=random.Random(7), api_client=api_client, store=store
        )
        # screen=True: an Echo Show, whose requests list Alexa.Presentation.APL.
        self.session = Session(locale=locale, viewport=ECHO_SHOW_8 if screen else None)
        # Typed utterances are understood as Alexa would: by the generalising resolver,
        # or word for word against the samples with exact=True.
        self.nlu: UtteranceResolver = resolver() if exact else generalising_resolver()

    def clock(self) -> datetime:
        return self.now

    def send(self, envelope: dict[str, Any]) -> Heard:
        raw = self.handler(envelope, None)
        self.session.carry(raw)
        return Heard(raw)

    def open(self) -> Heard:
        return self.send(self.session.launch())

    def say(self, utterance: str) -> Heard:
        resolution = self.nlu.resolve(utterance)
        return self.send(self.session.resolved(resolution, self.nlu.intent_slots[resolution.intent]))

    def intent(self, name: str, slots: dict[str, Any] | None = None) -> Heard:
        return self.send(self.session.intent(name, slots))

    def touch(self, arguments: list[Any]) -> Heard:
        """A touch on the screen: the UserEvent a button's SendEvent sends."""
        return self.send(self.session.user_event(arguments))

    def next_session(self) -> None:
        """The same user (and device) comes back another day: a new session."""
        self.session = Session(
            locale=self.session.locale,
            user_id=self.session.user_id,
            device_id=self.session.device_id,
            viewport=self.session.viewport,
        )


@pytest.fixture(autouse=True, scope="session")
def _preferences_kept_in_the_test_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Hosts started by the tests (and their subprocesses) keep their default SQLite
    preference file in a temporary folder, never in the home directory, key their
    records with the tests' secret, and never reach a DynamoDB table unless a test asks."""
    patch = pytest.MonkeyPatch()
    patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("state")))
    for name in ("PREFERENCES_DB", "PREFERENCES_TABLE", "PREFERENCES_STORE", "PREFERENCES_TIMEOUT"):
        patch.delenv(name, raising=False)
    patch.setenv("PREFERENCES_KEY", TEST_SECRET)
    yield
    patch.undo()


@dataclass
class LocalDynamoDB:
    """A DynamoDB-compatible server (moto's server mode) on loopback, and the
    environment that points boto3 at it with fake credentials."""

    endpoint: str
    env: dict[str, str]


@pytest.fixture(scope="session")
def local_dynamodb() -> Iterator[LocalDynamoDB]:
    """moto's server on 127.0.0.1, started for this test run and stopped after it. The
    credentials are fake and every AWS configuration file is pointed at nothing, so no
    request can reach AWS."""
    with serving.local_dynamodb() as env:
        yield LocalDynamoDB(env["AWS_ENDPOINT_URL_DYNAMODB"], env)


ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def talk() -> Conversation:
    return Conversation()


# --- The skill's words, read from the content files by key ------------------------------
# Tests quote what the skill says through these, so that changing an answer's words
# (as the README invites) breaks no test but the golden examples, which say so in their
# names.

WORDS = dialogue.load()
KNOWN = knowledge.load()


def said(key: str, **fields: str) -> str:
    """The one phrasing of a dialogue key (for keys with a single phrasing), filled in."""
    (text,) = WORDS.phrasings(key)
    return text.format(**fields)


#: The one-sentence note that the skill gives general information, and how speech
#: at the slower rate begins: what a remembered preference changes next time.
DISCLAIMER = WORDS.phrasings("disclaimer")[0]
SLOW = '<speak><prosody rate="80%">'


def first_visit(talk: Conversation) -> None:
    """Open, hear an answer (and the disclaimer), ask for slower speech, leave."""
    talk.open()
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech
    assert talk.intent("SpeakSlowerIntent").ssml.startswith(SLOW)
    talk.send(talk.session.session_ended())


def first_sentence(text: str) -> str:
    """Up to and including the first full stop or question mark."""
    for index, char in enumerate(text):
        if char in ".?!" and (index + 1 == len(text) or text[index + 1] == " "):
            return text[: index + 1]
    return text


def topic_speech(topic_id: str) -> str:
    return KNOWN.topics[topic_id].speech


#: What every host answers a LaunchRequest with, first of all.
WELCOME = first_sentence(said("welcome"))


def hold_write_lock(path: Path) -> Callable[[], None]:
    """Another process takes the SQLite database's write lock and keeps it until the
    returned function releases it."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sqlite3, sys
                connection = sqlite3.connect({str(path)!r}, isolation_level=None)
                connection.execute("BEGIN EXCLUSIVE")
                print("locked", flush=True)
                sys.stdin.read()  # until the test closes its end
                """
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"

    def release() -> None:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)

    return release
