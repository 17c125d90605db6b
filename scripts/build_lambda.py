"""Build the AWS Lambda deployment zip: lambda_function.py, the parts of the skill
package that Lambda runs, and every runtime dependency at its root.

Lean: no tests, no caches, and none of the skill that Lambda never runs (``LEFT_OUT``:
the command line, the developer tools, the web host and its request verification, the
MCP add-on).
The content files are checked with the skill's own loaders and shipped as JSON (see
``skill/content.py``); a broken content file stops the build.

Ready: bytecode compiled for the runtime (``--runtime python3.13``), by an interpreter
of that version, as unchecked-hash ``.pyc`` files, which Python uses without comparing
timestamps (the zip's are fixed) and which Lambda's read-only folder needs, since
nothing can be compiled and cached there: without them every cold start compiles the
SDK from source, and ask-sdk-model's docstrings raise SyntaxWarnings on 3.12 and 3.13.
Where no such interpreter is found the zip is source-only, with a warning.

Dependencies are installed as pure-Python wheels only (``--implementation py
--platform any``), so the zip runs on any Lambda Python runtime (3.12, 3.13) and on
Python 3.11, whatever machine built it. The zip is reproducible: sorted entries,
fixed timestamps.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

_SKIP_DIRS = {"__pycache__", "bin", "tests", "test"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: Parts of the skill package that stay out of the zip, relative to skill/: developer
#: tools, the command line, the web host with its request verification, the MCP add-on
#: and the ASGI host that serves it beside the web host, the key file a self-hosted
#: server makes (Lambda takes its key from the template, never makes one), and the page
#: with the provenance of each sentence of the topics and of the dialogue (read only by
#: `python -m skill check` and the add-on).
LEFT_OUT = (
    "devtools",
    "cli.py",
    "__main__.py",
    "addon",
    "hosts/asgi.py",
    "hosts/web.py",
    "hosts/web_common.py",
    "hosts/server.py",
    "hosts/verification.py",
    "hosts/sdk_compat.py",
    "preferences/key_file.py",
    "knowledge/source-page.txt",
    "knowledge/provenance.toml",
    "knowledge/dialogue-provenance.toml",
)
#: Content files, checked by their loaders and shipped as JSON: (folder, name).
CONTENT = (("knowledge", "topics"), ("dialogue", "en-GB"))
#: The AWS services the skill calls (the preference store): botocore and boto3 ship the
#: models of every service (over 400, most of the zip); only these are kept.
AWS_SERVICES = ("dynamodb",)
RUNTIMES = ("python3.11", "python3.12", "python3.13")
DEFAULT_RUNTIME = "python3.13"


def version_of(runtime: str) -> str:
    """'3.12' for 'python3.12'."""
    if runtime not in RUNTIMES:
        raise SystemExit(f"unknown runtime {runtime!r}: one of {', '.join(RUNTIMES)}")
    return runtime.removeprefix("python")


def _reports(python: str, version: str) -> bool:
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except OSError:
        return False
    return result.returncode == 0 and result.stdout.strip() == version


def pyenv_root() -> Path:
    if os.environ.get("PYENV_ROOT"):
        return Path(os.environ["PYENV_ROOT"])
    try:
        found = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=30)
        if found.returncode == 0 and found.stdout.strip():
            return Path(found.stdout.strip())
    except OSError:
        pass
    return Path.home() / ".pyenv"


def find_interpreter(runtime: str) -> str | None:
    """An interpreter of the runtime's version: this one, ``pythonX.Y`` on PATH, or
    pyenv's (its shims do not always dispatch, so its binaries are tried directly)."""
    version = version_of(runtime)
    candidates = [sys.executable, shutil.which(f"python{version}")]
    candidates += sorted(glob.glob(str(pyenv_root() / "versions" / f"{version}.*" / "bin" / "python3")))
    candidates += [f"/usr/bin/python{version}", f"/usr/local/bin/python{version}"]
    for candidate in candidates:
        if candidate and _reports(candidate, version):
            return candidate
    return None


def install_dependencies(requirements: Path, target: Path, version: str) -> None:
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-deps", "--no-compile", "--only-binary=:all:", "--implementation", "py",
            "--platform", "any", "--python-version", version, "--target", str(target),
            "-r", str(requirements),
        ],
        check=True,
    )  # fmt: skip


def prune_aws_models(staging: Path) -> None:
    """Drop the service models the skill never uses (the files at the top of
    ``botocore/data``, endpoints and partitions among them, are all kept)."""
    for data in (staging / "botocore" / "data", staging / "boto3" / "data"):
        if data.is_dir():
            for service in data.iterdir():
                if service.is_dir() and service.name not in AWS_SERVICES:
                    shutil.rmtree(service)


def compile_content(staging: Path) -> None:
    """Check each content file with the skill's loader, then ship it as JSON only."""
    from skill import content, dialogue, knowledge

    knowledge.parse(content.read(knowledge.__file__, "topics"))
    dialogue.parse("en-GB", content.read(dialogue.__file__, "en-GB"))
    for folder, name in CONTENT:
        source = staging / "skill" / folder / f"{name}.toml"
        content.write_compiled(str(source), str(source.with_suffix(".json")))
        source.unlink()
    # The shipped form must load and pass the same checks.
    checked = subprocess.run(
        [
            sys.executable, "-I", "-S", "-B", "-c",
            "import sys; sys.path.insert(0, sys.argv[1]);"
            "from skill import knowledge, dialogue; knowledge.load(); dialogue.load()",
            str(staging),
        ],
        capture_output=True, text=True,
    )  # fmt: skip
    if checked.returncode:
        raise SystemExit(f"the compiled content does not load:\n{checked.stderr}")


def compile_bytecode(python: str, staging: Path) -> None:
    """Unchecked-hash bytecode for every module, by the runtime's own interpreter."""
    subprocess.run(
        [
            python,
            "-W",
            "ignore::SyntaxWarning",
            "-m",
            "compileall",
            "-q",
            "-j",
            "0",
            "--invalidation-mode",
            "unchecked-hash",
            str(staging),
        ],  # the SDK's SyntaxWarnings (docstrings) are for its authors, not for us
        check=True,
    )


def files_under(folder: Path, with_bytecode: bool) -> list[Path]:
    skip_dirs = _SKIP_DIRS - ({"__pycache__"} if with_bytecode else set())
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not (skip_dirs & set(path.relative_to(folder).parts[:-1]))
        and (path.suffix != ".pyc" or with_bytecode)
        and path.suffix != ".pyo"
    )


def build(
    requirements: Path, output: Path, runtime: str = DEFAULT_RUNTIME, directory: Path | None = None
) -> tuple[Path, str | None]:
    """The zip, and the interpreter that compiled its bytecode (None: source only).
    With ``directory``, the same files are also left there unzipped (for the ASK CLI's
    Lambda deployer)."""
    version = version_of(runtime)
    python = find_interpreter(runtime)
    if python is None:
        print(
            f"WARNING: no Python {version} found to compile bytecode for {runtime}: building a "
            f"source-only zip, which compiles on every cold start (and prints the SDK's "
            f"SyntaxWarnings on 3.12+). Install Python {version} (e.g. `pyenv install {version}`, "
            f"or your system's python{version} package) and run make lambda again.",
            file=sys.stderr,
        )
    with tempfile.TemporaryDirectory() as scratch:
        staging = Path(scratch)
        install_dependencies(requirements, staging, version)
        prune_aws_models(staging)
        shutil.copy2(ROOT / "lambda" / "lambda_function.py", staging / "lambda_function.py")
        shutil.copytree(
            ROOT / "skill", staging / "skill", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        for part in LEFT_OUT:
            path = staging / "skill" / part
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
        compile_content(staging)
        if python is not None:
            compile_bytecode(python, staging)
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files_under(staging, with_bytecode=python is not None):
                info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=_FIXED_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        partial.replace(output)
        if directory is not None:
            unzipped = directory.with_name(directory.name + ".partial")
            shutil.rmtree(unzipped, ignore_errors=True)
            unzipped.mkdir(parents=True)
            for path in files_under(staging, with_bytecode=python is not None):
                target = unzipped / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            shutil.rmtree(directory, ignore_errors=True)
            unzipped.replace(directory)
    return output, python


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements" / "lambda.txt")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "lambda.zip")
    parser.add_argument(
        "--runtime",
        default=os.environ.get("RUNTIME") or DEFAULT_RUNTIME,
        help=f"the Lambda runtime to compile for: {', '.join(RUNTIMES)} (default {DEFAULT_RUNTIME})",
    )
    parser.add_argument("--directory", type=Path, help="also leave the files unzipped here (for the ASK CLI)")
    args = parser.parse_args()
    path, python = build(args.requirements, args.output, args.runtime, args.directory)
    size = path.stat().st_size / 1_000_000
    shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    compiled = f"bytecode for {args.runtime} by {python}" if python else "source only"
    print(f"wrote {shown} ({size:.1f} MB, {compiled})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
