"""Both front doors in one process: the Alexa skill at / and the MCP add-on at /mcp,
started as README.md and docs/deploying.md say, each door alone, and what the ASGI
host keeps from gunicorn's own parser (a chunked body capped at the Alexa door's limit)."""

from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from skill.devtools.envelopes import Session
from skill.devtools.serving import RunningServer, free_port, running_server
from skill.devtools.signing import Authority, Signer
from skill.hosts import server, web
from tests.conftest import KNOWN, OPEN_TIME, WELCOME
from tests.mcp_client import Moment, call_tool, in_process_server, serve_arguments, text_of

SKILL_ID = "amzn1.ask.skill.aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
SENTINEL = "my private words about my chest pain"


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def launch(skill_id: str = SKILL_ID) -> bytes:
    return json.dumps(Session(skill_id=skill_id).launch()).encode()


JSON = {"Content-Type": "application/json"}


def test_make_run_serves_both_doors_from_one_process() -> None:
    """`make run` (`serve --dev`): an Alexa request envelope at / and an MCP tool call at
    /mcp, answered by one server, one worker process."""
    port = free_port()
    with running_server(
        ["-m", "skill", "serve", "--dev", "--port", str(port), "--workers", "1"], port=port
    ) as dev:
        assert len(dev.pids()) == 2  # gunicorn's arbiter and its one worker
        status, answer = post(dev.url + "/", launch(), JSON)
        assert status == 200 and WELCOME in answer["response"]["outputSpeech"]["ssml"]
        result = call_tool(dev.url, "get_topic_answer", {"topic_id": "bone_pain"})
        assert result.structuredContent is not None
        assert result.structuredContent["answer"]["say"] == KNOWN.topics["bone_pain"].speech
        output = dev.output()
    assert output.count("Skill listening on") == 1
    assert f"MCP add-on listening on http://127.0.0.1:{port}/mcp" in output


@pytest.fixture(scope="module")
def production(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Signer]]:
    """`python -m skill serve` in production mode, verification on, both doors; Amazon's
    certificate fetch replaced by a test authority's chain (nothing reaches the network)."""
    folder = tmp_path_factory.mktemp("pki")
    root = Authority.root()
    intermediate = root.intermediate()
    signer = intermediate.signing_certificate()
    (folder / "chain.pem").write_bytes(signer.chain_pem(intermediate))
    (folder / "roots.pem").write_bytes(root.pem())
    port = free_port()
    arguments = [
        "-m", "skill.devtools.signed_server",
        "--chain", str(folder / "chain.pem"), "--roots", str(folder / "roots.pem"),
        "--", "--port", str(port), "--workers", "1",
    ]  # fmt: skip
    with running_server(arguments, port=port, env={"SKILL_ID": SKILL_ID}) as running:
        yield running, signer


def test_production_serves_both_doors_with_the_alexa_door_verified(
    production: tuple[RunningServer, Signer],
) -> None:
    running, signer = production
    body = launch()
    status, answer = post(running.url + "/", body, {**JSON, **signer.headers(body)})
    assert status == 200 and WELCOME in answer["response"]["outputSpeech"]["ssml"]
    assert post(running.url + "/", body, JSON) == (400, {"error": "missing SignatureCertChainUrl header"})
    other = launch("amzn1.ask.skill.other")
    assert post(running.url + "/", other, {**JSON, **signer.headers(other)})[0] == 400
    result = call_tool(running.url, "get_nurse_helpline", {"question": SENTINEL})
    assert result.structuredContent is not None
    assert result.structuredContent["safety"]["kind"] == "emergency"
    assert "999" in text_of(result)


def test_production_logs_carry_no_words_from_either_door(production: tuple[RunningServer, Signer]) -> None:
    running, _ = production
    call_tool(running.url, "get_topic_answer", {"topic_id": "pain", "question": SENTINEL})
    call_tool(running.url, "get_topic_answer", {"topic_id": SENTINEL})
    output = running.output()
    assert "mcp tool=get_topic_answer answer=safety:emergency" in output
    assert "chest pain" not in output and "private words" not in output


def test_the_mcp_door_alone_needs_no_skill_id_and_has_no_alexa_door() -> None:
    args = serve_arguments("--door", "mcp", "--port", "5000")
    server.check_arguments(args)  # production mode, no SKILL_ID: the Alexa door is shut
    with pytest.raises(SystemExit, match="needs the skill id"):
        server.check_arguments(serve_arguments("--port", "5000"))
    with in_process_server(args, clock=Moment(OPEN_TIME)) as url:
        with urllib.request.urlopen(url + "/health", timeout=10) as response:
            assert json.loads(response.read()) == {"status": "ok"}
        assert post(url + "/", launch(), JSON)[0] == 404
        assert call_tool(url, "list_topics").isError is False


def test_the_alexa_door_alone_has_no_mcp_door() -> None:
    with in_process_server(serve_arguments("--dev", "--door", "alexa"), clock=Moment(OPEN_TIME)) as url:
        status, answer = post(url + "/", launch(), JSON)
        assert status == 200 and WELCOME in answer["response"]["outputSpeech"]["ssml"]
        initialise = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
        assert post(url + "/mcp", json.dumps(initialise).encode(), JSON)[0] == 404


@pytest.fixture(scope="module")
def both_doors() -> Iterator[str]:
    with in_process_server(serve_arguments("--dev"), clock=Moment(OPEN_TIME)) as url:
        yield url


def post_chunked(url: str, body: bytes) -> int:
    """A POST whose body is sent in chunks, with no Content-Length."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        chunks = (body[start : start + 8192] for start in range(0, len(body), 8192))
        connection.request("POST", "/", body=chunks, headers=JSON, encode_chunked=True)
        return connection.getresponse().status
    finally:
        connection.close()


def test_a_chunked_envelope_is_answered_and_a_chunked_flood_refused(both_doors: str) -> None:
    assert post_chunked(both_doors, launch()) == 200
    # Werkzeug reads a chunked body up to the cap and no further: what it read of this
    # one is not an envelope (as under gunicorn's own worker).
    assert post_chunked(both_doors, b"{" + b" " * (web.MAX_BODY_BYTES + 1) + b"}") == 400


def test_request_line_and_header_limits_stand_before_the_mcp_door(both_doors: str) -> None:
    long_path = "/mcp?" + "a" * 5000
    assert post(both_doors + long_path, b"{}", JSON)[0] == 414
    many = {f"X-{n}": "y" for n in range(60)}
    assert post(both_doors + "/mcp", b"{}", {**JSON, **many})[0] == 431
