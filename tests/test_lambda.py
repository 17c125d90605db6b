"""The AWS Lambda entry point, and the deployment zip on a clean interpreter."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from skill.devtools.envelopes import Session
from skill.speech import plain_text

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
    assert plain_text(result["response"]["outputSpeech"]["ssml"]).startswith("Welcome to Secondary Breast")


def test_entry_point_with_skill_id_answers_its_own_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    session = Session()
    entry = load_entry_point(monkeypatch, session.skill_id)
    result = entry.lambda_handler(session.launch(), None)
    assert "Welcome" in result["response"]["outputSpeech"]["ssml"]


def test_entry_point_with_skill_id_refuses_another_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    entry = load_entry_point(monkeypatch, "amzn1.ask.skill.ours")
    with pytest.raises(Exception, match="Skill ID Verification failed"):
        entry.lambda_handler(Session(skill_id="amzn1.ask.skill.someone-else").launch(), None)


def interpreters() -> list[str]:
    """This Python, and Lambda's Python versions where this machine has them."""
    found = [sys.executable]
    for version in ("3.12", "3.13"):
        candidates = [shutil.which(f"python{version}")]
        candidates += sorted(str(p) for p in Path.home().glob(f".pyenv/versions/{version}*/bin/python3"))
        for candidate in candidates:
            if candidate and subprocess.run([candidate, "-c", "1"], capture_output=True).returncode == 0:
                found.append(candidate)
                break
    return found


SMOKE = """
import json, sys
sys.path.insert(0, sys.argv[1])
import lambda_function
assert "site-packages" not in " ".join(sys.path), sys.path
import datetime
from skill.bank_holidays import bank_holiday
assert bank_holiday(datetime.date(2026, 12, 25)).all_nations  # the holidays package works
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
    assert "skill/knowledge/topics.toml" in names and "tzdata/zoneinfo/Europe/London" in names
    assert "holidays/countries/united_kingdom.py" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/") or n.endswith(".pyc")]
    # Developer tools and their development-only dependencies stay out.
    dev_only = ("skill/devtools/", "sklearn/", "numpy/", "scipy/", "joblib/")
    assert not [n for n in names if n.startswith(dev_only)]
    session = Session()
    events = [session.launch(), session.intent("HelplineHoursIntent")]
    # -I: isolated (no user site, no environment); -S: no site-packages at all.
    result = subprocess.run(
        [python, "-I", "-S", "-W", "ignore", "-c", SMOKE, str(tmp_path)],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    launch, hours = (json.loads(line) for line in result.stdout.splitlines())
    assert "Welcome to Secondary Breast Cancer Help" in launch["response"]["outputSpeech"]["ssml"]
    assert "nurse" in hours["response"]["outputSpeech"]["ssml"]  # the UK time zone loaded
