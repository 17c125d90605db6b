"""make install: a clear stop on an old Python, and a .venv from another Python rebuilt."""

from __future__ import annotations

import glob
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from scripts.build_lambda import pyenv_root

ROOT = Path(__file__).resolve().parents[1]
CHECK = ROOT / "scripts" / "check_python.py"


def old_pythons() -> list[str]:
    found = sorted(glob.glob(str(pyenv_root() / "versions" / "3.[0-9].*" / "bin" / "python3")))
    found += sorted(glob.glob(str(pyenv_root() / "versions" / "3.10.*" / "bin" / "python3")))
    found += ["/usr/bin/python3.10", "/usr/bin/python3.9"]
    return [p for p in found if Path(p).exists()][:2]


@pytest.mark.parametrize(
    "python", old_pythons() or [pytest.param("none", marks=pytest.mark.skip("no old Python"))]
)
def test_make_install_with_an_old_python_stops_with_a_clear_message(python: str, tmp_path: Path) -> None:
    venv = tmp_path / ".venv"
    result = subprocess.run(
        ["make", "-C", str(ROOT), "install", f"PYTHON={python}", f"VENV={venv}"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "make install needs Python 3.11 or newer" in result.stderr
    assert not venv.exists()


def make_venv(folder: Path, version: str) -> Path:
    folder.mkdir()
    (folder / "pyvenv.cfg").write_text(f"home = /somewhere/bin\nversion = {version}\n")
    (folder / ".installed").touch()
    return folder


def test_a_venv_made_by_another_python_is_removed_to_be_rebuilt(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / ".venv", "3.10.13")
    result = subprocess.run([sys.executable, str(CHECK), str(venv)], capture_output=True, text=True)
    assert result.returncode == 0 and "rebuilding it" in result.stdout
    assert not venv.exists()


def test_a_venv_made_by_this_python_is_kept(tmp_path: Path) -> None:
    venv = make_venv(tmp_path / ".venv", platform.python_version())
    result = subprocess.run([sys.executable, str(CHECK), str(venv)], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout == ""
    assert (venv / ".installed").exists()
