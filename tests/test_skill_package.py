"""One tracked copy of the interaction model: ``interaction_models/en-GB.json``. The ASK
CLI's copy in ``skill-package/`` is generated (``make skill-package``) and ignored."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from skill.devtools import skill_package
from tests.conftest import ROOT

MODEL = f"interactionModels/custom/{skill_package.LOCALE}.json"


def git(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=60)


needs_git = pytest.mark.skipif(
    shutil.which("git") is None or git("rev-parse", "--git-dir").returncode != 0,
    reason="not a git checkout",
)


@needs_git
def test_the_model_is_tracked_once_in_interaction_models() -> None:
    tracked = git("ls-files", "--", "interaction_models", "skill-package").stdout.split()
    assert f"interaction_models/{skill_package.LOCALE}.json" in tracked
    assert f"skill-package/{MODEL}" not in tracked
    # The manifest stays tracked: ask-resources.json and the deployment tests read it.
    assert "skill-package/skill.json" in tracked


@needs_git
def test_the_skill_packages_model_is_ignored_by_git() -> None:
    assert git("check-ignore", "--quiet", f"skill-package/{MODEL}").returncode == 0


def test_make_test_and_check_generate_the_package_first_on_a_clean_clone() -> None:
    """CI runs `make test` on a clean clone, where the package's model does not exist yet."""
    makefile = (ROOT / "Makefile").read_text()
    for target in ("test", "check", "model"):
        [rule] = [line for line in makefile.splitlines() if line.startswith(f"{target}:")]
        assert "skill-package" in rule or target == "model", rule
    assert "$(PY) -m skill.devtools.skill_package" in makefile.split("\nmodel:")[1].split("\n\n")[0]


def test_the_package_model_is_the_tracked_model_as_written(tmp_path: Path) -> None:
    package = tmp_path / "skill-package"
    assert skill_package.stale(package) == [MODEL, "skill.json"]
    skill_package.write(package)
    model = json.loads((ROOT / "interaction_models" / f"{skill_package.LOCALE}.json").read_text())
    assert json.loads((package / MODEL).read_text()) == model
