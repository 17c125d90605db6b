"""The DynamoDB preference store (ask-sdk-dynamodb-persistence-adapter), against a local
DynamoDB-compatible server on loopback (moto's server mode, started by the tests with
fake credentials; never AWS). The table is made exactly as template.yaml makes it."""

from __future__ import annotations

import json
import logging
import socket
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from cfnlint.decode import decode

from skill import dialogue, preferences
from skill.devtools.envelopes import Session
from skill.preferences import EXPIRY_ATTRIBUTE, KEEP_DAYS
from tests.conftest import DISCLAIMER, KEYS, ROOT, SLOW, TEST_SECRET, Conversation, LocalDynamoDB, first_visit

WORDS = dialogue.load()
ZIP = ROOT / "build" / "lambda.zip"


def table_properties() -> dict[str, Any]:
    template, problems = decode(str(ROOT / "template.yaml"))
    assert not problems
    properties: dict[str, Any] = template["Resources"]["PreferencesTable"]["Properties"]
    return properties


@pytest.fixture
def aws(local_dynamodb: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch) -> LocalDynamoDB:
    for name, value in local_dynamodb.env.items():
        monkeypatch.setenv(name, value)
    return local_dynamodb


@pytest.fixture
def table(aws: LocalDynamoDB) -> Iterator[str]:
    """A fresh table, made as template.yaml makes it (key, billing, time to live)."""
    name = f"preferences-{uuid.uuid4().hex[:8]}"
    properties = table_properties()
    client = boto3.client("dynamodb", endpoint_url=aws.endpoint)
    client.create_table(
        TableName=name,
        BillingMode=properties["BillingMode"],
        AttributeDefinitions=list(properties["AttributeDefinitions"]),
        KeySchema=list(properties["KeySchema"]),
    )
    expiry = dict(properties["TimeToLiveSpecification"])
    client.update_time_to_live(TableName=name, TimeToLiveSpecification=expiry)
    yield name
    client.delete_table(TableName=name)


def items(aws: LocalDynamoDB, name: str) -> list[dict[str, Any]]:
    resource = boto3.resource("dynamodb", endpoint_url=aws.endpoint)
    found: list[dict[str, Any]] = resource.Table(name).scan()["Items"]
    return found


def store(name: str, timeout: str = "1.0") -> Any:
    return preferences.configured(
        {"PREFERENCES_TABLE": name, "PREFERENCES_TIMEOUT": timeout, "PREFERENCES_KEY": TEST_SECRET}
    )


def opened_without_the_check(name: str, timeout: float) -> Any:
    """The store as if it had been opened while the table was fine: for faults that
    come after start-up."""
    from skill.preferences.bounded import BoundedAdapter
    from skill.preferences.dynamodb import dynamodb_adapter

    inner = dynamodb_adapter(name, keys=KEYS, timeout=timeout)
    return BoundedAdapter(inner, timeout=timeout, name="dynamodb")


def test_the_template_table_has_the_key_and_expiry_the_code_uses() -> None:
    properties = table_properties()
    assert properties["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert properties["BillingMode"] == "PAY_PER_REQUEST"
    assert properties["TimeToLiveSpecification"] == {"AttributeName": EXPIRY_ATTRIBUTE, "Enabled": True}


def test_preferences_survive_a_new_session_with_dynamodb(aws: LocalDynamoDB, table: str) -> None:
    talk = Conversation(store=store(table))
    first_visit(talk)
    talk.next_session()
    assert talk.open().ssml.startswith(SLOW)
    answer = talk.intent("TreatmentOptionsIntent")
    assert answer.ssml.startswith(SLOW) and DISCLAIMER not in answer.speech
    [item] = items(aws, table)
    assert set(item) == {"id", "attributes", EXPIRY_ATTRIBUTE}
    assert item["attributes"] == {"rate": "slow", "disclaimerHeard": True}
    assert talk.session.user_id not in json.dumps(item, default=str)
    expected = time.time() + KEEP_DAYS * 86400
    assert abs(int(item[EXPIRY_ATTRIBUTE]) - expected) < 120


def test_forget_me_leaves_no_record_in_dynamodb(aws: LocalDynamoDB, table: str) -> None:
    talk = Conversation(store=store(table))
    first_visit(talk)
    talk.next_session()
    talk.open()
    assert items(aws, table)
    assert talk.say("forget me").speech.startswith(WORDS.phrasings("forget_done")[0])
    assert items(aws, table) == []
    talk.intent("SpeakSlowerIntent")
    assert items(aws, table) == []


def test_a_missing_table_at_start_up_leaves_the_skill_without_preferences(
    aws: LocalDynamoDB, caplog: pytest.LogCaptureFixture
) -> None:
    assert store("no-such-table") is None
    [warning] = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "DynamoDB table no-such-table cannot be used (ResourceNotFoundException)" in warning


def test_a_table_that_goes_away_after_start_up_answers_with_defaults(
    aws: LocalDynamoDB, caplog: pytest.LogCaptureFixture
) -> None:
    talk = Conversation(store=opened_without_the_check("no-such-table", 1.0))
    assert talk.open().speech.startswith("Welcome")
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech
    assert "preferences not read (dynamodb read failed (PersistenceException))" in caplog.text
    assert talk.session.user_id not in caplog.text


def test_an_unreachable_server_answers_with_defaults_in_time(
    aws: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{port}")
    talk = Conversation(store=opened_without_the_check("preferences", 0.5))
    started = time.monotonic()
    talk.open()
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech
    assert time.monotonic() - started < 2.0
    assert "preferences not read" in caplog.text


def test_a_server_that_never_answers_is_given_up_on_after_the_timeout(
    aws: LocalDynamoDB, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The server accepts the connection and then says nothing."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    monkeypatch.setenv("AWS_ENDPOINT_URL_DYNAMODB", f"http://127.0.0.1:{listener.getsockname()[1]}")
    try:
        talk = Conversation(store=opened_without_the_check("preferences", 0.3))
        started = time.monotonic()
        welcome = talk.open()
        answer = talk.intent("TreatmentOptionsIntent")
        elapsed = time.monotonic() - started
        assert welcome.speech.startswith("Welcome") and DISCLAIMER in answer.speech
        assert elapsed < 1.0, elapsed
        assert "took longer than 0.3s" in caplog.text
    finally:
        stop.set()
        thread.join(timeout=2)
        for connection in accepted:
            connection.close()
        listener.close()


SMOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
assert "site-packages" not in " ".join(sys.path), sys.path
results = []
for event in json.loads(sys.stdin.read()):
    response = lambda_function.lambda_handler(event, None)["response"]
    results.append(response.get("outputSpeech", {}).get("ssml", ""))
print(json.dumps({"ssml": results, "boto3": "boto3" in sys.modules}))
"""


def run_zip(folder: Path, events: list[dict[str, Any]], env: dict[str, str]) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-W", "ignore", "-c", SMOKE, str(folder)],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME": "skill", **env},
    )
    assert result.returncode == 0, result.stderr
    found: dict[str, Any] = json.loads(result.stdout.splitlines()[-1])
    return found


def test_the_lambda_zip_remembers_with_dynamodb_on_a_clean_interpreter(
    aws: LocalDynamoDB, table: str, tmp_path: Path
) -> None:
    """The zip alone (no site-packages) brings what the DynamoDB store needs; without a
    table it never imports boto3."""
    assert ZIP.exists(), "build the zip first: make lambda (make test does)"
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(tmp_path)
    first = Session()
    later = Session(user_id=first.user_id)
    events = [first.launch(), first.intent("SpeakSlowerIntent"), later.launch()]
    settings = {**aws.env, "PREFERENCES_TABLE": table, "PREFERENCES_KEY": TEST_SECRET}
    remembered = run_zip(tmp_path, events, settings)
    assert remembered["boto3"] is True
    assert remembered["ssml"][2].startswith(SLOW)
    plain = run_zip(tmp_path, [Session().launch()], {})
    assert plain["boto3"] is False


def test_warnings_name_no_user(aws: LocalDynamoDB, table: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="skill")
    talk = Conversation(store=store(table))
    first_visit(talk)
    talk.next_session()
    talk.open()
    talk.intent("ForgetMeIntent")
    for record in caplog.records:
        assert talk.session.user_id not in record.getMessage()


def test_an_item_past_its_expiry_is_not_read_though_time_to_live_has_not_removed_it(
    aws: LocalDynamoDB, table: str
) -> None:
    """DynamoDB's time-to-live deletion can lag by days: the read itself ignores it."""
    talk = Conversation(store=store(table))
    first_visit(talk)
    [item] = items(aws, table)
    resource = boto3.resource("dynamodb", endpoint_url=aws.endpoint)
    resource.Table(table).put_item(Item={**item, EXPIRY_ATTRIBUTE: int(time.time()) - 1})
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech
    # Written again, with a new year to run.
    [item] = items(aws, table)
    assert int(item[EXPIRY_ATTRIBUTE]) > time.time() + (KEEP_DAYS - 1) * 86400


@pytest.mark.parametrize(
    "expiry",
    [
        pytest.param(None, id="missing"),
        pytest.param("soon", id="text"),
        # A number written as a string: DynamoDB's time to live acts only on numbers, so
        # this item would never be deleted.
        pytest.param("4102444800", id="digits-as-a-string"),
    ],
)
def test_an_item_without_a_numeric_expiry_is_not_recalled(
    aws: LocalDynamoDB, table: str, expiry: str | None
) -> None:
    talk = Conversation(store=store(table))
    first_visit(talk)
    [item] = items(aws, table)
    del item[EXPIRY_ATTRIBUTE]
    if expiry is not None:
        item[EXPIRY_ATTRIBUTE] = expiry
    boto3.resource("dynamodb", endpoint_url=aws.endpoint).Table(table).put_item(Item=item)
    talk.next_session()
    assert "prosody" not in talk.open().ssml
    assert DISCLAIMER in talk.intent("TreatmentOptionsIntent").speech


def test_a_dynamodb_item_is_kept_365_days_after_its_last_write(aws: LocalDynamoDB, table: str) -> None:
    from skill.preferences.dynamodb import dynamodb_adapter

    now = [1_780_000_000.0]
    adapter = dynamodb_adapter(table, keys=KEYS, timeout=1.0, clock=lambda: now[0])
    talk = Conversation(store=adapter)
    first_visit(talk)
    [item] = items(aws, table)
    assert int(item[EXPIRY_ATTRIBUTE]) == 1_780_000_000 + 365 * 86400
    now[0] += 365 * 86400 - 1
    talk.next_session()
    assert talk.open().ssml.startswith(SLOW)
    now[0] += 1
    talk.next_session()
    assert "prosody" not in talk.open().ssml


def test_disabling_the_skill_deletes_the_dynamodb_item(aws: LocalDynamoDB, table: str) -> None:
    talk = Conversation(store=store(table))
    first_visit(talk)
    assert items(aws, table)
    talk.handler(talk.session.skill_disabled(), None)
    assert items(aws, table) == []


def test_forget_me_then_a_turn_that_would_write_leaves_no_item(aws: LocalDynamoDB, table: str) -> None:
    talk = Conversation(store=store(table))
    first_visit(talk)
    talk.next_session()
    talk.open()
    talk.intent("ForgetMeIntent")
    talk.intent("SpeakNormallyIntent")  # changes the rate: would write, were it allowed
    talk.intent("SpeakSlowerIntent")
    assert items(aws, table) == []
