"""Build the AWS Lambda deployment zip: lambda_function.py, the skill package and every
runtime dependency at its root; no tests, no caches, and no ``skill/devtools`` (the
developer tools: the typed resolvers, evaluation, a test CA; nothing in production
imports them, and the generalising resolver needs scikit-learn, a development-only
dependency).

Dependencies are installed as pure-Python wheels only (``--implementation py
--platform any``), so the zip runs on any Lambda Python runtime (3.12, 3.13) and on
Python 3.11, whatever machine built it. The zip is reproducible: sorted entries,
fixed timestamps.

The same files are also left unzipped in ``build/lambda/`` (``--directory``): the
folder the ASK CLI zips and deploys (``ask-resources.json``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_SKIP_DIRS = {"__pycache__", "bin", "tests", "test"}
_SKIP_SUFFIXES = {".pyc", ".pyo"}
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
#: Parts of the skill package that stay out of the zip: developer tools only.
DEV_ONLY = ("devtools",)
#: The AWS services the skill calls (the preference store): botocore and boto3 ship the
#: models of every service (over 400, most of the zip); only these are kept.
AWS_SERVICES = ("dynamodb",)


def prune_aws_models(staging: Path) -> None:
    """Drop the service models the skill never uses (the files at the top of
    ``botocore/data``, endpoints and partitions among them, are all kept)."""
    for data in (staging / "botocore" / "data", staging / "boto3" / "data"):
        if data.is_dir():
            for service in data.iterdir():
                if service.is_dir() and service.name not in AWS_SERVICES:
                    shutil.rmtree(service)


def install_dependencies(requirements: Path, target: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-deps",
            "--only-binary=:all:",
            "--implementation",
            "py",
            "--platform",
            "any",
            "--python-version",
            "3.11",
            "--target",
            str(target),
            "-r",
            str(requirements),
        ],
        check=True,
    )


def files_under(folder: Path) -> list[Path]:
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and not (_SKIP_DIRS & set(path.relative_to(folder).parts[:-1]))
        and path.suffix not in _SKIP_SUFFIXES
    )


def build(requirements: Path, output: Path, directory: Path | None = None) -> Path:
    with tempfile.TemporaryDirectory() as scratch:
        staging = Path(scratch)
        install_dependencies(requirements, staging)
        prune_aws_models(staging)
        shutil.copy2(ROOT / "lambda" / "lambda_function.py", staging / "lambda_function.py")
        shutil.copytree(
            ROOT / "skill",
            staging / "skill",
            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", *DEV_ONLY),
        )
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_suffix(".partial")
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in files_under(staging):
                info = zipfile.ZipInfo(path.relative_to(staging).as_posix(), date_time=_FIXED_TIME)
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                archive.writestr(info, path.read_bytes())
        partial.replace(output)
        if directory is not None:
            unzipped = directory.with_name(directory.name + ".partial")
            shutil.rmtree(unzipped, ignore_errors=True)
            unzipped.mkdir(parents=True)
            for path in files_under(staging):
                target = unzipped / path.relative_to(staging)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
            shutil.rmtree(directory, ignore_errors=True)
            unzipped.replace(directory)
    return output


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requirements", type=Path, default=ROOT / "requirements" / "lambda.txt")
    parser.add_argument("--output", type=Path, default=ROOT / "build" / "lambda.zip")
    parser.add_argument("--directory", type=Path, help="also leave the files unzipped here (for the ASK CLI)")
    args = parser.parse_args()
    path = build(args.requirements, args.output, args.directory)
    size = path.stat().st_size / 1_000_000
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({size:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
