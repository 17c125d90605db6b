"""The benchmarks still run: a small burst of the load test, with zero errors."""

from __future__ import annotations

import json
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


def test_side_by_side_benchmark_prints_its_table_and_writes_json(tmp_path: Path) -> None:
    """Quick mode: a few runs, to check that it works and what it reports, never how fast."""
    assert (ROOT / "build" / "lambda.zip").exists(), "build the zip first: make lambda (make test does)"
    output = tmp_path / "side_by_side.json"
    result = subprocess.run(
        [sys.executable, "benchmarks/side_by_side.py", "--quick", "--json", str(output)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    for label in ("cold start, bytecode", "cold start, read-only", "warm p50", "warm p99", "peak memory",
                  "package zipped", "package unzipped", "ratio"):  # fmt: skip
        assert label in result.stdout
    report = json.loads(output.read_text())
    keys = {"cold_bytecode_ms", "cold_read_only_ms", "warm_p50_ms", "warm_p99_ms", "peak_memory_mib",
            "zipped_mb", "unzipped_mb"}  # fmt: skip
    assert set(report["baseline"]) == set(report["skill"]) == set(report["ratio"]) == keys
    assert set(report["targets"]) == {"cold_bytecode", "cold_read_only", "warm_p50"}
    assert report["machine"]["cores"] and report["runs"]["quick"] is True
