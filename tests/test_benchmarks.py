"""The benchmarks still run: a small burst of the load test, with zero errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_load_test_runs_a_small_burst_with_zero_errors() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/load_test.py", "--requests", "48", "--levels", "1,4", "--workers", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "errors: 0" in result.stdout
    assert "req/s ratio" in result.stdout and "server memory" in result.stdout


def test_cold_start_benchmark_runs_and_shows_boto3_only_with_a_table() -> None:
    result = subprocess.run(
        [sys.executable, "benchmarks/cold_start.py", "--runs", "1"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith(("| none", "| Dynamo"))]
    assert len(rows) == 2
    assert rows[0].endswith("| no |") and rows[1].endswith("| yes |")
