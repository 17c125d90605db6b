"""The AWS Lambda entry point, and the deployment zip on a clean interpreter."""

from __future__ import annotations

import importlib
import json
import logging
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from scripts.build_lambda import find_interpreter
from skill.devtools.envelopes import Session
from skill.speech import plain_text
from tests.conftest import WELCOME

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"
ZIP = ROOT / "build" / "lambda.zip"


def load_entry_point(monkeypatch: pytest.MonkeyPatch, skill_id: str | None) -> ModuleType:
    """lambda/lambda_function.py, imported fresh, as Lambda would with this environment."""
    if skill_id is None:
        monkeypatch.delenv("SKILL_ID", raising=False)
    else:
        monkeypatch.setenv("SKILL_ID", skill_id)
    monkeypatch.syspath_prepend(str(ROOT / "lambda"))
    for name in ("lambda_function", "skill.hosts.lambda_host"):
        sys.modules.pop(name, None)
    return importlib.import_module("lambda_function")


def test_entry_point_answers_alexa_launch_request(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = load_entry_point(monkeypatch, None)
    event = json.loads((FIXTURES / "launch_request.json").read_text())
    result = entry.lambda_handler(event, None)
    assert result["version"] == "1.0"
    assert plain_text(result["response"]["outputSpeech"]["ssml"]).startswith(WELCOME)


def test_entry_point_with_skill_id_answers_its_own_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session()
    entry = load_entry_point(monkeypatch, session.skill_id)
    result = entry.lambda_handler(session.launch(), None)
    assert WELCOME in result["response"]["outputSpeech"]["ssml"]


def test_entry_point_with_skill_id_refuses_another_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = load_entry_point(monkeypatch, "amzn1.ask.skill.ours")
    with pytest.raises(Exception, match="Skill ID Verification failed"):
        entry.lambda_handler(Session(skill_id="amzn1.ask.skill.someone-else").launch(), None)


def test_without_skill_id_a_warning_is_logged_once_at_cold_start(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    entry = load_entry_point(monkeypatch, None)
    for _ in range(3):
        entry.lambda_handler(Session().launch(), None)
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "SKILL_ID is not set" in warnings[0].getMessage()
    caplog.clear()
    load_entry_point(monkeypatch, "amzn1.ask.skill.ours")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


@pytest.mark.parametrize(
    "change",
    [
        lambda e: e["session"]["application"].update(applicationId="amzn1.ask.skill.someone-else"),
        lambda e: e["context"]["System"]["application"].pop("applicationId"),
        lambda e: e["session"]["application"].pop("applicationId"),
    ],
    ids=["session names another skill", "no application id in context", "no application id in session"],
)
def test_entry_point_refuses_a_request_unless_context_and_session_name_this_skill(
    monkeypatch: pytest.MonkeyPatch, change
) -> None:
    session = Session()
    entry = load_entry_point(monkeypatch, session.skill_id)
    envelope = session.launch()
    change(envelope)
    with pytest.raises(Exception, match="Skill ID Verification failed"):
        entry.lambda_handler(envelope, None)


def interpreters() -> list[str]:
    """This Python, and Lambda's Python versions where this machine has them."""
    found = [sys.executable]
    for runtime in ("python3.12", "python3.13"):
        python = find_interpreter(runtime)
        if python:
            found.append(python)
    return found


SMOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
assert "site-packages" not in " ".join(sys.path), sys.path
import datetime
from skill.bank_holidays import bank_holiday
assert bank_holiday(datetime.date(2026, 12, 28)) is not None  # from the table
assert bank_holiday(datetime.date(2050, 12, 26)) is not None  # beyond it: the holidays package works
for event in json.loads(sys.stdin.read()):
    print(json.dumps(lambda_function.lambda_handler(event, None)))
"""


@pytest.mark.parametrize("python", interpreters())
def test_lambda_zip_runs_on_a_clean_interpreter(python: str, tmp_path: Path) -> None:
    assert ZIP.exists(), "build the zip first: make lambda (make test does)"
    with zipfile.ZipFile(ZIP) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path)
    assert "lambda_function.py" in names and "skill/builder.py" in names
    # The content, checked at build time and shipped as JSON only.
    assert "skill/knowledge/topics.json" in names and "skill/dialogue/en-GB.json" in names
    assert not [n for n in names if n.endswith(".toml")]
    assert "tzdata/zoneinfo/Europe/London" in names and "holidays/countries/united_kingdom.py" in names
    assert not [n for n in names if n.startswith("tests/")]
    # Only what Lambda runs: no developer tools (nor their dependencies), command line, web
    # host, or MCP add-on (nor the SDK and the ASGI stack it needs).
    left_out = (
        "skill/devtools/",
        "skill/cli.py",
        "skill/__main__.py",
        "skill/addon/",
        "skill/hosts/asgi",
        "mcp/",
        "pydantic",
        "starlette/",
        "uvicorn",
        "a2wsgi/",
        "skill/hosts/web",
        "skill/hosts/server",
        "skill/hosts/verification",
        "skill/hosts/sdk_compat",
        "sklearn/",
        "numpy/",
        "tokenizers/",
        "safetensors/",
        "huggingface_hub/",
        "all_minilm_l6_v2/",
        "flask",
        "gunicorn",
    )
    assert not [n for n in names if n.startswith(left_out)]  # fmt: skip
    # Bytecode for one runtime, beside every module, or none at all (source-only build).
    tags = {n.rsplit(".", 2)[-2] for n in names if n.endswith(".pyc")}
    assert len(tags) <= 1, tags
    if tags:
        assert "skill/__pycache__/builder." + tags.pop() + ".pyc" in names
    session = Session()
    events = [session.launch(), session.intent("HelplineHoursIntent")]
    tag = subprocess.run(
        [python, "-c", "import sys; print(sys.implementation.cache_tag)"], capture_output=True, text=True
    ).stdout.strip()
    # For the runtime it was built for, the zip has bytecode: no warning at start-up (the
    # SDK's SyntaxWarnings come from compiling it). Other versions compile, and may warn.
    warnings = "error" if f"skill/__pycache__/builder.{tag}.pyc" in names else "ignore"
    # -I: isolated (no user site, no environment); -S: no site-packages at all; -B: as on
    # Lambda's read-only folder, nothing is written.
    result = subprocess.run(
        [python, "-I", "-S", "-B", "-W", warnings, "-c", SMOKE, str(tmp_path)],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    launch, hours = (json.loads(line) for line in result.stdout.splitlines())
    assert WELCOME in launch["response"]["outputSpeech"]["ssml"]
    assert "nurse" in hours["response"]["outputSpeech"]["ssml"]  # the UK time zone loaded
