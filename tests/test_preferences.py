"""Remembered preferences: the speaking rate and whether the disclaimer was heard, per
user, and nothing else; forgetting them; a slow or failing store never holds up an answer."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

from skill import builder, dialogue, preferences
from skill.devtools.envelopes import Session
from skill.preferences import ConfigurationError, Preferences, UserKeys
from skill.preferences.bounded import BoundedAdapter
from skill.preferences.sqlite import SqliteAdapter
from tests.conftest import (
    DISCLAIMER,
    KEYS,
    ROOT,
    SLOW,
    TEST_SECRET,
    Conversation,
    first_visit,
    hold_write_lock,
)

WORDS = dialogue.load()


def sqlite_store(path: Path, timeout: float = 1.0) -> BoundedAdapter:
    inner = SqliteAdapter(path, keys=KEYS, busy_timeout=timeout)
    return BoundedAdapter(inner, timeout=timeout, name="sqlite")


def rows(path: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT * FROM preferences").fetchall()


class Spy(AbstractPersistenceAdapter):
    """A store that remembers in memory and counts what it is asked to do."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}
        self.calls: list[str] = []

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        self.calls.append("get")
        return dict(self.records.get(KEYS(request_envelope), {}))

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self.calls.append("save")
        self.records[KEYS(request_envelope)] = dict(attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        self.calls.append("delete")
        self.records.pop(KEYS(request_envelope), None)


class Broken(AbstractPersistenceAdapter):
    """A store that fails every time, with a message that quotes the user id."""

    def _fail(self, request_envelope: Any) -> Any:
        raise RuntimeError(f"cannot reach the store for {request_envelope.context.system.user.user_id}")

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        return self._fail(request_envelope)

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        self._fail(request_envelope)

    def delete_attributes(self, request_envelope: Any) -> None:
        self._fail(request_envelope)


class Slow(Spy):
    """A store that answers, but only after ``delay`` seconds."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay

    def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
        time.sleep(self.delay)
        return super().get_attributes(request_envelope)

    def save_attributes(self, request_envelope: Any, attributes: dict[str, Any]) -> None:
        time.sleep(self.delay)
        super().save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope: Any) -> None:
        time.sleep(self.delay)
        super().delete_attributes(request_envelope)


# --- What a record may hold ------------------------------------------------------


def test_a_record_holds_only_the_rate_and_the_disclaimer_flag() -> None:
    stored = Preferences.from_attributes(
        {"rate": "slow", "disclaimerHeard": True, "lastTopic": "bone_pain", "said": "my back hurts"}
    )
    assert stored.to_attributes() == {"rate": "slow", "disclaimerHeard": True}
    assert Preferences.from_attributes({"rate": "very fast", "disclaimerHeard": "yes"}) == Preferences()
    assert Preferences.from_attributes(None) == Preferences()


def envelope_of(raw: dict[str, Any]) -> Any:
    from ask_sdk_core.serialize import DefaultSerializer
    from ask_sdk_model import RequestEnvelope

    return DefaultSerializer().deserialize(json.dumps(raw), RequestEnvelope)


def test_records_are_kept_under_a_keyed_hash_of_the_user_id_never_the_id_nor_a_plain_hash() -> None:
    session = Session()
    request = envelope_of(session.launch())
    key = KEYS(request)
    user_id = session.user_id.encode()
    assert key == hmac.new(TEST_SECRET.encode(), user_id, hashlib.sha256).hexdigest()
    assert len(key) == 64 and session.user_id not in key
    # Someone who holds the user id but not the secret cannot work the key out.
    assert key != hashlib.sha256(user_id).hexdigest()
    assert key != hashlib.sha256(b"secondary-breast-cancer-help:preferences:" + user_id).hexdigest()
    assert key != UserKeys("another-secret-" + "x" * 32)(request)
    assert key != KEYS(envelope_of(Session().launch()))
    assert TEST_SECRET not in repr(KEYS)


def test_a_key_shorter_than_32_characters_is_refused() -> None:
    with pytest.raises(ConfigurationError):
        UserKeys("short")


def test_the_sqlite_table_cannot_hold_anything_else(tmp_path: Path) -> None:
    SqliteAdapter(tmp_path / "p.sqlite3", keys=KEYS)
    with sqlite3.connect(tmp_path / "p.sqlite3") as connection:
        columns = [row[1] for row in connection.execute("PRAGMA table_info(preferences)")]
        assert columns == ["user_key", "rate", "disclaimer_heard", "expires_at"]
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO preferences VALUES ('k', 'chemotherapy', 0, 9999999999)")
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


# --- Remembered between sessions ----------------------------------------------------


def test_preferences_survive_a_new_session_with_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "preferences.sqlite3"
    talk = Conversation(store=sqlite_store(path))
    first_visit(talk)
    talk.next_session()
    welcome = talk.open()
    assert welcome.ssml.startswith(SLOW)  # the rate asked for yesterday
    answer = talk.intent("TreatmentOptionsIntent")
    assert answer.ssml.startswith(SLOW)
    assert DISCLAIMER not in answer.speech  # heard last time: not again
    [(key, rate, heard, _)] = rows(path)
    assert (rate, heard) == ("slow", 1) and talk.session.user_id not in key


def test_a_one_shot_question_in_a_new_session_also_uses_the_remembered_rate(tmp_path: Path) -> None:
    talk = Conversation(store=sqlite_store(tmp_path / "p.sqlite3"))
    first_visit(talk)
    talk.next_session()
    assert talk.intent("HelplineIntent").ssml.startswith(SLOW)


def test_speak_normally_is_remembered_too(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    talk = Conversation(store=sqlite_store(path))
    first_visit(talk)
    talk.next_session()
    talk.open()
    talk.intent("SpeakNormallyIntent")
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert [row[1:3] for row in rows(path)] == [("normal", 1)]


def test_users_do_not_share_preferences(tmp_path: Path) -> None:
    store = sqlite_store(tmp_path / "p.sqlite3")
    first_visit(Conversation(store=store))
    someone_else = Conversation(store=store)
    someone_else.open()
    assert not someone_else.open().ssml.startswith(SLOW)
    assert DISCLAIMER in someone_else.intent("TreatmentOptionsIntent").speech


def test_without_a_store_every_session_is_a_first_session() -> None:
    talk = Conversation()
    first_visit(talk)
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech


def test_nothing_is_written_when_nothing_changed() -> None:
    spy = Spy()
    talk = Conversation(store=spy)
    talk.open()
    talk.intent("HelplineIntent")  # no disclaimer, no rate change
    assert spy.calls == ["get"]


# --- Forgetting -----------------------------------------------------------------------


def test_forget_me_deletes_the_record_and_says_so(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    talk = Conversation(store=sqlite_store(path))
    first_visit(talk)
    talk.next_session()
    talk.open()
    heard = talk.say("forget me")
    assert heard.speech.startswith(WORDS.phrasings("forget_done")[0])
    assert not heard.ends_session and heard.reprompt
    assert rows(path) == []
    # Nothing more is written in this session, whatever the user does next: each of
    # these changes what a record would hold (the rate, twice), so a record re-created
    # after "forget me" would show here.
    assert "prosody" not in talk.intent("SpeakNormallyIntent").ssml
    assert rows(path) == []
    assert talk.intent("SpeakSlowerIntent").ssml.startswith(SLOW)
    talk.intent("TreatmentOptionsIntent")
    assert rows(path) == []
    # Next time, a first visit again.
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech


def test_delete_my_data_reaches_forget_me() -> None:
    spy = Spy()
    talk = Conversation(store=spy)
    talk.open()
    assert talk.say("please delete my data").speech.startswith(WORDS.phrasings("forget_done")[0])
    assert "delete" in spy.calls


def test_forget_me_without_a_store_says_nothing_is_kept() -> None:
    talk = Conversation()
    talk.open()
    heard = talk.intent("ForgetMeIntent")
    assert heard.speech.startswith(WORDS.phrasings("forget_nothing_kept")[0])


def test_forget_me_when_the_store_fails_says_it_could_not(caplog: pytest.LogCaptureFixture) -> None:
    talk = Conversation(store=BoundedAdapter(Broken(), timeout=0.5, name="broken"))
    talk.open()
    heard = talk.intent("ForgetMeIntent")
    assert heard.speech.startswith(WORDS.phrasings("forget_failed")[0])
    assert not heard.ends_session
    assert "preferences not deleted" in caplog.text


def test_session_ended_never_writes() -> None:
    spy = Spy()
    talk = Conversation(store=spy)
    talk.open()
    talk.intent("TreatmentOptionsIntent")
    spy.calls.clear()
    # A session that ends with preferences the store has not seen (as if a write had failed).
    talk.session.attributes["rate"] = "slow"
    talk.send(talk.session.session_ended())
    talk.send(talk.session.session_ended("ERROR"))
    assert spy.calls == []


def test_disabling_the_skill_deletes_the_record_and_writes_nothing() -> None:
    spy = Spy()
    talk = Conversation(store=spy)
    first_visit(talk)
    assert spy.records
    spy.calls.clear()
    response = talk.handler(talk.session.skill_disabled("PERSISTED"), None)
    assert "outputSpeech" not in response.get("response", {})
    assert spy.calls == ["delete"] and spy.records == {}


def test_disabling_the_skill_deletes_the_sqlite_record(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    talk = Conversation(store=sqlite_store(path))
    first_visit(talk)
    assert len(rows(path)) == 1
    talk.handler(talk.session.skill_disabled(), None)
    assert rows(path) == []


def test_the_help_says_what_is_remembered_and_that_forget_me_deletes_it(tmp_path: Path) -> None:
    talk = Conversation(store=sqlite_store(tmp_path / "p.sqlite3"))
    talk.open()
    help_heard = talk.intent("AMAZON.HelpIntent")
    assert help_heard.speech == WORDS.phrasings("help_keeping_preferences")[0]
    assert "speaking speed" in help_heard.speech and "forget me" in help_heard.speech
    assert len(help_heard.speech.split()) <= 60  # the whole turn, in one or two breaths
    # Without a store, nothing is claimed.
    assert Conversation().intent("AMAZON.HelpIntent").speech == WORDS.phrasings("help")[0]


# --- Kept for a year, and no longer --------------------------------------------------------

DAY = 24 * 60 * 60
T0 = 1_780_000_000.0


class Clock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def clocked_store(path: Path, clock: Clock) -> BoundedAdapter:
    return BoundedAdapter(SqliteAdapter(path, keys=KEYS, clock=clock), timeout=1.0, name="sqlite")


def test_a_sqlite_record_is_kept_365_days_after_its_last_write_and_not_read_after(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    clock = Clock()
    talk = Conversation(store=clocked_store(path, clock))
    first_visit(talk)
    [(_, _, _, expiry)] = rows(path)
    assert expiry == int(T0) + 365 * DAY
    clock.now = T0 + 365 * DAY - 1  # the last second of the year: still remembered
    talk.next_session()
    assert talk.open().ssml.startswith(SLOW)
    clock.now = T0 + 365 * DAY  # expired, though still in the file: not read
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech


def test_expired_sqlite_records_are_purged_on_a_write_at_most_once_an_hour(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    clock = Clock()
    store = clocked_store(path, clock)  # purges at start-up, at T0
    first_visit(Conversation(store=store))  # user A, written at T0
    clock.now = T0 + 366 * DAY
    first_visit(Conversation(store=store))  # user B: more than an hour since, so A goes
    assert len(rows(path)) == 1

    def expired_row() -> None:
        with sqlite3.connect(path) as connection:
            expired = (int(clock.now) - 1,)
            connection.execute("INSERT INTO preferences VALUES ('expired', 'slow', 1, ?)", expired)

    expired_row()
    clock.now += 60
    first_visit(Conversation(store=store))  # C, a minute after the last purge: none now
    assert "expired" in [row[0] for row in rows(path)]
    clock.now += 60 * 60
    first_visit(Conversation(store=store))  # D, an hour later: the expired row goes
    assert "expired" not in [row[0] for row in rows(path)]
    assert len(rows(path)) == 3  # B, C, D


# --- Private on disk --------------------------------------------------------------------


def test_the_folder_and_file_are_private_from_the_start_even_under_umask_000(tmp_path: Path) -> None:
    folder = tmp_path / "state" / "skill"
    path = folder / "p.sqlite3"
    previous = os.umask(0)
    try:
        store = sqlite_store(path)
        first_visit(Conversation(store=store))
    finally:
        os.umask(previous)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((tmp_path / "state").stat().st_mode) == 0o700
    for name in ("p.sqlite3", "p.sqlite3-wal", "p.sqlite3-shm"):
        assert stat.S_IMODE((folder / name).stat().st_mode) == 0o600, name


def test_a_forgotten_record_leaves_the_disk(tmp_path: Path) -> None:
    """secure_delete and a checkpoint: neither the database nor its write-ahead log
    still holds the deleted record's key after "forget me"."""
    path = tmp_path / "p.sqlite3"
    store = sqlite_store(path)
    first_visit(Conversation(store=store))  # someone else, who stays
    talk = Conversation(store=store)
    first_visit(talk)
    key = KEYS(envelope_of(Session(user_id=talk.session.user_id).launch()))
    assert len(rows(path)) == 2

    def on_disk() -> bytes:
        return b"".join(p.read_bytes() for p in tmp_path.glob("p.sqlite3*") if p.is_file())

    assert key.encode() in on_disk()
    talk.next_session()
    talk.open()
    talk.intent("ForgetMeIntent")
    assert len(rows(path)) == 1
    assert key.encode() not in on_disk()


# --- A slow or failing store ------------------------------------------------------------


def test_a_failing_store_answers_with_defaults_and_logs_a_warning_without_ids(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    talk = Conversation(store=BoundedAdapter(Broken(), timeout=0.5, name="broken"))
    welcome = talk.open()
    assert welcome.speech.startswith("Welcome")
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech
    assert talk.intent("SpeakSlowerIntent").ssml.startswith(SLOW)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings and "preferences not read (broken read failed (RuntimeError))" in warnings[0].getMessage()
    assert talk.session.user_id not in caplog.text


def test_a_slow_store_never_delays_an_answer_beyond_the_timeout(caplog: pytest.LogCaptureFixture) -> None:
    slow = Slow(delay=2.0)
    talk = Conversation(store=BoundedAdapter(slow, timeout=0.2, name="slow"))
    started = time.monotonic()
    talk.open()
    answer = talk.intent("TreatmentOptionsIntent")
    elapsed = time.monotonic() - started
    assert elapsed < 1.0, elapsed
    assert DISCLAIMER in answer.speech  # the defaults: nothing known about this user
    assert "took longer than 0.2s" in caplog.text
    # The session could not read the record, so it writes none: a late read cannot be
    # overwritten with defaults.
    time.sleep(0.1)
    assert "save" not in slow.calls


def test_a_store_that_keeps_hanging_is_skipped_at_once() -> None:
    release = threading.Event()

    class Hanging(Spy):
        def get_attributes(self, request_envelope: Any) -> dict[str, Any]:
            release.wait(10)
            return {}

    store = BoundedAdapter(Hanging(), timeout=0.05, name="hanging")
    talk = Conversation(store=store)
    try:
        for _ in range(20):
            talk.next_session()
            talk.open()
        started = time.monotonic()
        talk.next_session()
        talk.open()
        assert time.monotonic() - started < 0.05  # refused without waiting
    finally:
        release.set()


def test_a_write_held_up_by_another_process_is_whole_or_not_at_all(tmp_path: Path) -> None:
    """Another process holds the database's write lock past our timeout: the answer
    goes out in time, and the record is afterwards either the old one or the new one."""
    path = tmp_path / "p.sqlite3"
    talk = Conversation(store=sqlite_store(path, timeout=0.3))
    first_visit(talk)  # slow, heard
    talk.next_session()
    talk.open()
    release = hold_write_lock(path)
    try:
        started = time.monotonic()
        heard = talk.intent("SpeakNormallyIntent")
        assert time.monotonic() - started < 1.0
        assert "prosody" not in heard.ssml
    finally:
        release()
    time.sleep(0.5)
    assert [row[1:3] for row in rows(path)] in ([("slow", 1)], [("normal", 1)])


# --- Several processes ------------------------------------------------------------------

CHILD = """
import json, sys
sys.path.insert(0, {root!r})
from skill.builder import lambda_handler
from skill.devtools.envelopes import Session

handler = lambda_handler(environ={{"PREFERENCES_DB": {db!r}, "PREFERENCES_KEY": {key!r}}})
user, action = sys.argv[1], sys.argv[2]
session = Session(user_id=user)
out = []
if action == "slower":
    handler(session.launch(), None)
    out.append(handler(session.intent("SpeakSlowerIntent"), None))
elif action == "open":
    out.append(handler(session.launch(), None))
elif action == "many":
    for index in range(int(sys.argv[3])):
        other = Session(user_id=f"{{user}}.{{index}}")
        handler(other.launch(), None)
        handler(other.intent("SpeakSlowerIntent"), None)
print(json.dumps([r["response"].get("outputSpeech", {{}}).get("ssml", "") for r in out]))
"""


def child(db: Path, *args: str) -> list[str]:
    script = CHILD.format(root=str(ROOT), db=str(db), key=TEST_SECRET)
    result = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    ssml: list[str] = json.loads(result.stdout.splitlines()[-1])
    return ssml


def test_sqlite_preferences_are_shared_between_processes(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    child(db, "amzn1.ask.account.TWO-PROCESSES", "slower")
    [welcome] = child(db, "amzn1.ask.account.TWO-PROCESSES", "open")
    assert welcome.startswith(SLOW)
    [stranger] = child(db, "amzn1.ask.account.SOMEONE-ELSE", "open")
    assert not stranger.startswith(SLOW)


def test_two_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "busy.sqlite3"
    SqliteAdapter(db, keys=KEYS)
    script = CHILD.format(root=str(ROOT), db=str(db), key=TEST_SECRET)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", script, f"amzn1.ask.account.W{n}", "many", "60"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n in range(2)
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=180)
        assert writer.returncode == 0, errors
        assert "preferences not" not in errors  # no write was given up on
    assert sorted(row[1:3] for row in rows(db)) == [("slow", 0)] * 120


# --- Configuration ----------------------------------------------------------------------


def test_configuration_chooses_the_store(tmp_path: Path) -> None:
    key = {"PREFERENCES_KEY": TEST_SECRET}
    sqlite = preferences.configured({**key, "PREFERENCES_DB": str(tmp_path / "a.sqlite3")})
    assert isinstance(sqlite, BoundedAdapter) and isinstance(sqlite.inner, SqliteAdapter)
    assert sqlite.timeout == preferences.DEFAULT_TIMEOUT_SECONDS
    default = preferences.configured({**key, "XDG_STATE_HOME": str(tmp_path)})
    assert isinstance(default, BoundedAdapter) and isinstance(default.inner, SqliteAdapter)
    assert default.inner.path == tmp_path / "secondary-breast-cancer-help" / "preferences.sqlite3"
    assert preferences.open_store({**key, "PREFERENCES_STORE": "none"}) == (None, "off")
    # On Lambda, whose disk is not kept, nothing is remembered without a table.
    assert preferences.open_store({**key, "AWS_LAMBDA_FUNCTION_NAME": "skill"}) == (None, "off")
    bad_settings = (
        {"PREFERENCES_STORE": "redis"},
        {"PREFERENCES_STORE": "dynamodb"},  # and no table
        {"PREFERENCES_TIMEOUT": "soon"},
    )
    for bad in bad_settings:
        with pytest.raises(ConfigurationError):
            preferences.configured({**key, **bad})


@pytest.mark.parametrize("secret", ["", "too-short-a-secret"])
def test_without_a_key_nothing_is_remembered_and_the_skill_says_so_once(
    tmp_path: Path, secret: str, caplog: pytest.LogCaptureFixture
) -> None:
    """No guessable fallback: without PREFERENCES_KEY the store is not even opened."""
    db = tmp_path / "p.sqlite3"
    env = {"PREFERENCES_DB": str(db), "PREFERENCES_KEY": secret}
    talk = Conversation()
    talk.handler = builder.lambda_handler(clock=talk.clock, environ=env)
    first_visit(talk)
    talk.next_session()
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech  # nothing remembered
    assert not db.exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "PREFERENCES_KEY" in warnings[0]
    assert "forget me" not in talk.intent("AMAZON.HelpIntent").speech
    assert builder.create_skill(environ=env).preferences_status == "unavailable"


def test_the_lambda_host_without_a_table_never_imports_boto3() -> None:
    script = (
        "import sys; sys.path.insert(0, 'lambda'); import lambda_function; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'sqlite3')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"AWS_LAMBDA_FUNCTION_NAME": "skill", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
