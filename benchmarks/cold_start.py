"""Cold starts of the Lambda zip: how long a fresh interpreter takes to import the
entry point (which builds the skill and its preference store) and answer its first
request, with no table and with a DynamoDB table (moto's server on loopback, started
here). boto3 is imported only with a table; this shows what that costs.

Each case runs ``--runs`` fresh interpreters (``python -I -S -B``: the zip's contents
only, and no bytecode cache written, as in Lambda's read-only code folder) and prints
the median and the slowest.

    .venv/bin/python benchmarks/cold_start.py [--runs 7]     # after `make lambda`
"""

from __future__ import annotations

import argparse
import json
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.devtools.envelopes import Session
from skill.devtools.serving import local_dynamodb

ZIP = Path(__file__).resolve().parents[1] / "build" / "lambda.zip"

PROBE = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import lambda_function
imported = time.perf_counter()
event = json.loads(sys.stdin.read())
lambda_function.lambda_handler(event, None)
answered = time.perf_counter()
print(json.dumps({"import_ms": (imported - started) * 1000, "first_ms": (answered - imported) * 1000,
                  "boto3": "boto3" in sys.modules}))
"""


def one_run(folder: Path, env: dict[str, str]) -> dict[str, float]:
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-B", "-W", "ignore", "-c", PROBE, str(folder)],
        input=json.dumps(Session().launch()),
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "AWS_LAMBDA_FUNCTION_NAME": "skill", **env},
    )
    if result.returncode != 0:
        raise SystemExit(result.stderr)
    found: dict[str, float] = json.loads(result.stdout.splitlines()[-1])
    return found


def report(label: str, runs: list[dict[str, float]]) -> None:
    imports = [run["import_ms"] for run in runs]
    firsts = [run["first_ms"] for run in runs]
    print(
        f"| {label} | {statistics.median(imports):.0f} | {max(imports):.0f} | "
        f"{statistics.median(firsts):.0f} | {max(firsts):.0f} | {'yes' if runs[0]['boto3'] else 'no'} |"
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not ZIP.exists():
        raise SystemExit("build the zip first: make lambda")
    python = f"{platform.python_implementation()} {platform.python_version()}"
    print(f"{platform.machine()}, {python}, {args.runs} runs each")
    print("| store | import ms (median) | import ms (max) | first answer ms (median) | ", end="")
    print("first answer ms (max) | boto3 |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        with zipfile.ZipFile(ZIP) as archive:
            archive.extractall(folder)
        report("none (no table)", [one_run(folder, {}) for _ in range(args.runs)])
        with local_dynamodb() as env:
            client = boto3.client("dynamodb", **_client_args(env))
            client.create_table(
                TableName="preferences",
                BillingMode="PAY_PER_REQUEST",
                AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
                KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            )
            # A key for this run only: without one the store is not used at all.
            table_env = {**env, "PREFERENCES_TABLE": "preferences", "PREFERENCES_KEY": secrets.token_hex(32)}
            report("DynamoDB (local server)", [one_run(folder, table_env) for _ in range(args.runs)])
    return 0


def _client_args(env: dict[str, str]) -> dict[str, str]:
    return {
        "endpoint_url": env["AWS_ENDPOINT_URL_DYNAMODB"],
        "region_name": env["AWS_DEFAULT_REGION"],
        "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"],
    }


if __name__ == "__main__":
    sys.exit(main())
