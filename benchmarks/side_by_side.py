"""The skill beside the smallest ASK SDK skill: cold start, warm cost, memory, size.

The baseline (``benchmarks/baseline_skill.py``: launch, one intent, help/stop, a
catch-all) is installed with the same pinned SDK as the skill (requirements/lambda.txt)
into ``build/bench/baseline-RUNTIME/`` the standard way: ``pip install --target`` run by
the runtime's interpreter, so with pip's bytecode for it. The skill is ``build/lambda.zip``
(``make lambda``) unpacked into ``build/bench/skill-RUNTIME/``. Both are measured in
alternating runs from this one process:

- cold start: a fresh ``python -I -S`` that sees only the package folder imports
  ``lambda_function`` and answers one LaunchRequest (wall time of the whole process,
  median of many runs); once with the folder as built ("bytecode"), once as on Lambda
  ("read-only": ``-B`` and a read-only copy, so nothing can be compiled and cached);
- warm cost: per request, p50 and p99, over a realistic mix for the skill (launch,
  several topics, the helpline, yes, help, an emergency) and the baseline's mix
  (launch, its intent, help, stop), in one long-lived process each;
- peak memory (the peak RSS of a cold start, VmHWM), and the package's size zipped and unzipped.

It prints a table of values and ratios (skill / baseline) and writes it as JSON to
``build/bench/side_by_side.json``. Targets: cold start ratio at most 1.10, warm p50 at
most 1.3. No timings are asserted anywhere; ``--quick`` only checks that it all runs.

    .venv/bin/python benchmarks/side_by_side.py [--runtime python3.13] [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import stat
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scripts.build_lambda import find_interpreter, version_of  # noqa: E402
from skill.devtools.envelopes import Session, slot_json  # noqa: E402

BENCH = ROOT / "build" / "bench"
ZIP = ROOT / "build" / "lambda.zip"
#: The SDK and its dependencies: the lines of requirements/lambda.txt the baseline needs.
SDK_PACKAGES = (
    "ask-sdk-core", "ask-sdk-model", "ask-sdk-runtime", "python-dateutil", "requests",
    "charset-normalizer", "idna", "urllib3", "certifi", "six",
)  # fmt: skip
SKILL_ID = "amzn1.ask.skill.00000000-0000-4000-8000-000000000000"
TARGETS = {"cold_bytecode": 1.10, "cold_read_only": 1.10, "warm_p50": 1.3}

#: Run in the fresh interpreter: import the package and answer one LaunchRequest.
COLD = """
import sys
sys.path.insert(0, sys.argv[1])
import json
event = json.loads(sys.argv[2])
import lambda_function
lambda_function.lambda_handler(event, None)
try:  # this interpreter's own peak (ru_maxrss would include the parent's, from before exec)
    with open("/proc/self/status") as status:
        print([line.split()[1] for line in status if line.startswith("VmHWM:")][0])
except OSError:
    print(0)
"""

#: Run in a long-lived interpreter: answer the mix, timing each request.
WARM = """
import sys, time, json
sys.path.insert(0, sys.argv[1])
events = json.loads(sys.stdin.read())
import lambda_function
handler = lambda_function.lambda_handler
for event in events[: len(events) // 4]:  # warm up
    handler(event, None)
clock = time.perf_counter_ns
out = []
for event in events:
    started = clock()
    handler(event, None)
    out.append(clock() - started)
print(json.dumps(out))
"""


@dataclass
class Package:
    name: str
    folder: Path
    read_only: Path
    mix: list[dict[str, Any]]


def requirements_for_baseline() -> list[str]:
    lines = (ROOT / "requirements" / "lambda.txt").read_text().splitlines()
    return [line for line in lines if line.split("==")[0].strip().lower() in SDK_PACKAGES]


def build_baseline(python: str, runtime: str) -> Path:
    """The baseline installed the standard way, by the runtime's pip (with its bytecode)."""
    folder = BENCH / f"baseline-{runtime}"
    pins = requirements_for_baseline()
    stamp = folder / ".pins"
    wanted = "\n".join([*pins, (ROOT / "benchmarks" / "baseline_skill.py").read_text()])
    if stamp.exists() and stamp.read_text() == wanted:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    requirements = BENCH / f"baseline-{runtime}.txt"
    requirements.write_text("\n".join(pins) + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-deps",
         "--root-user-action=ignore", "--target", str(folder), "-r", str(requirements)],
        check=True,
    )  # fmt: skip
    shutil.copy2(ROOT / "benchmarks" / "baseline_skill.py", folder / "lambda_function.py")
    subprocess.run(
        [python, "-W", "ignore", "-m", "compileall", "-q", str(folder / "lambda_function.py")], check=True
    )
    stamp.write_text(wanted)
    return folder


def unpack_skill(runtime: str) -> Path:
    if not ZIP.exists():
        raise SystemExit("build the zip first: make lambda")
    folder = BENCH / f"skill-{runtime}"
    shutil.rmtree(folder, ignore_errors=True)
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(folder)
    return folder


def read_only_copy(folder: Path) -> Path:
    """A copy with timestamps kept (as Lambda unpacks a zip) and no write permission."""
    copy = folder.with_name(folder.name + "-ro")
    if copy.exists():
        for path in [copy, *copy.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        shutil.rmtree(copy)
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns(".pins"))
    for path in sorted(copy.rglob("*"), reverse=True):
        path.chmod(stat.S_IREAD | (stat.S_IEXEC if path.is_dir() else 0))
    copy.chmod(stat.S_IREAD | stat.S_IEXEC)
    return copy


def size(folder: Path) -> tuple[int, int]:
    """(zipped, unzipped) bytes."""
    files = [p for p in folder.rglob("*") if p.is_file() and p.name != ".pins"]
    unzipped = sum(p.stat().st_size for p in files)
    target = folder.with_suffix(".zip")
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            archive.write(path, path.relative_to(folder).as_posix())
    return target.stat().st_size, unzipped


def lambda_environment() -> dict[str, str]:
    """What both skills see, as on Lambda: the skill id, and the variables Lambda sets
    that code may look at (the skill stores no preferences there without a table)."""
    return {
        "SKILL_ID": SKILL_ID,
        "AWS_LAMBDA_FUNCTION_NAME": "benchmark",
        "AWS_REGION": "eu-west-1",
        "PATH": os.environ.get("PATH", ""),
    }


def cold_once(python: str, folder: Path, event: dict[str, Any], read_only: bool) -> tuple[float, int]:
    """Seconds from start to exit, and peak RSS in KiB, of one cold start."""
    flags = ["-I", "-S", *(["-B"] if read_only else [])]
    started = time.perf_counter()
    process = subprocess.Popen(
        [python, *flags, "-c", COLD, str(folder), json.dumps(event)],
        env=lambda_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _, status, _ = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    errors = process.stderr.read() if process.stderr else b""
    if process.returncode or errors:
        raise SystemExit(f"cold start of {folder} failed or warned:\n{errors.decode()}")
    # The last line: on "Lambda" the skill prints a metric line per request before it.
    peak = (process.stdout.read() if process.stdout else b"").strip().splitlines()
    return elapsed, int(peak[-1] if peak else 0)


def warm_once(python: str, folder: Path, events: list[dict[str, Any]]) -> list[float]:
    result = subprocess.run(
        [python, "-I", "-S", "-c", WARM, str(folder)],
        input=json.dumps(events),
        capture_output=True,
        text=True,
        env=lambda_environment(),
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"warm run of {folder} failed:\n{result.stderr}")
    return [ns / 1e6 for ns in json.loads(result.stdout.splitlines()[-1])]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def skill_mix() -> list[dict[str, Any]]:
    """Launch, several topics, the helpline, yes, help, an emergency: one session each."""

    def slot(name: str, spoken: str, slot_type: str, value_id: str) -> dict[str, Any]:
        return {name: slot_json(name, spoken, slot_type, value_id, value_id, SKILL_ID)}

    session = Session(skill_id=SKILL_ID)
    offered = Session(skill_id=SKILL_ID, attributes={"pending": "helpline"}, new=False)
    return [
        session.launch(),
        session.intent("SymptomIntent", slot("symptom", "bone pain", "SymptomType", "bone_pain")),
        session.intent("TreatmentInfoIntent", slot("treatment", "chemo", "TreatmentType", "chemotherapy")),
        session.intent("SpreadIntent", slot("bodySite", "liver", "BodySiteType", "liver")),
        session.intent("ChoicesIntent"),
        session.intent("HelplineIntent"),
        offered.intent("AMAZON.YesIntent"),
        session.intent("HelplineHoursIntent"),
        session.intent("AMAZON.HelpIntent"),
        session.intent("EmergencyIntent"),
    ]


def baseline_mix() -> list[dict[str, Any]]:
    session = Session(skill_id=SKILL_ID)
    return [
        session.launch(),
        session.intent("HelloWorldIntent"),
        session.intent("AMAZON.HelpIntent"),
        session.intent("AMAZON.StopIntent"),
    ]


def measure(runtime: str, quick: bool) -> dict[str, Any]:
    python = find_interpreter(runtime) or sys.executable
    if not Path(python).samefile(sys.executable) and find_interpreter(runtime) is None:
        print(f"WARNING: no {runtime}; measuring with {sys.executable}", file=sys.stderr)
    baseline = build_baseline(python, runtime)
    skill = unpack_skill(runtime)
    packages = [
        Package("baseline", baseline, read_only_copy(baseline), baseline_mix()),
        Package("skill", skill, read_only_copy(skill), skill_mix()),
    ]
    launch = Session(skill_id=SKILL_ID).launch()
    cold_runs, warm_rounds, warm_requests = (2, 2, 40) if quick else (21, 9, 1000)
    cold: dict[tuple[str, str], list[float]] = {}
    memory: dict[str, list[int]] = {}
    for _ in range(cold_runs):  # alternating: baseline, skill, baseline, skill...
        for package in packages:
            for mode, folder, read_only in (
                ("bytecode", package.folder, False),
                ("read_only", package.read_only, True),
            ):
                seconds, rss = cold_once(python, folder, launch, read_only)
                cold.setdefault((package.name, mode), []).append(seconds * 1000)
                memory.setdefault(package.name, []).append(rss)
    # Per round, p50 and p99 of each package's requests (the machine's load changes
    # between rounds; within a round the two run back to back).
    warm: dict[tuple[str, int], list[float]] = {}
    for _ in range(warm_rounds):
        for package in packages:
            events = (package.mix * (warm_requests // len(package.mix) + 1))[:warm_requests]
            latencies = warm_once(python, package.folder, events)
            for p in (50, 99):
                warm.setdefault((package.name, p), []).append(percentile(latencies, p))
    series: dict[str, dict[str, list[float]]] = {
        package.name: {
            "cold_bytecode_ms": cold[package.name, "bytecode"],
            "cold_read_only_ms": cold[package.name, "read_only"],
            "warm_p50_ms": warm[package.name, 50],
            "warm_p99_ms": warm[package.name, 99],
            "peak_memory_mib": [kib / 1024 for kib in memory[package.name]],
        }
        for package in packages
    }
    rows: dict[str, dict[str, float]] = {}
    for package in packages:
        zipped, unzipped = size(package.folder)
        rows[package.name] = {key: statistics.median(values) for key, values in series[package.name].items()}
        rows[package.name].update(zipped_mb=zipped / 1e6, unzipped_mb=unzipped / 1e6)
    # Each ratio is the median of the ratios of paired runs (one after the other).
    ratios = {
        key: statistics.median(
            ours / theirs for ours, theirs in zip(series["skill"][key], series["baseline"][key], strict=True)
        )
        for key in series["skill"]
    }
    ratios.update({key: rows["skill"][key] / rows["baseline"][key] for key in ("zipped_mb", "unzipped_mb")})
    version = subprocess.run(
        [python, "-c", "import platform; print(platform.python_version())"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "machine": {
            "arch": platform.machine(),
            "cores": os.cpu_count(),
            "python": version,
            "runtime": runtime,
            "interpreter": python,
        },
        "runs": {"cold": cold_runs, "warm_requests": warm_rounds * warm_requests, "quick": quick},
        "baseline": rows["baseline"],
        "skill": rows["skill"],
        "ratio": ratios,
        "targets": {
            key: {"target": limit, "ratio": ratios[f"{key}_ms"], "met": ratios[f"{key}_ms"] <= limit}
            for key, limit in TARGETS.items()
        },
    }


LABELS = {
    "cold_bytecode_ms": "cold start, bytecode (ms)",
    "cold_read_only_ms": "cold start, read-only as on Lambda (ms)",
    "warm_p50_ms": "warm p50 per request (ms)",
    "warm_p99_ms": "warm p99 per request (ms)",
    "peak_memory_mib": "peak memory (MiB)",
    "zipped_mb": "package zipped (MB)",
    "unzipped_mb": "package unzipped (MB)",
}


def table(result: dict[str, Any]) -> str:
    machine = result["machine"]
    lines = [
        f"machine: {machine['arch']}, {machine['cores']} cores; "
        f"Python {machine['python']} ({machine['runtime']})",
        f"runs: {result['runs']['cold']} cold starts per mode, {result['runs']['warm_requests']} warm"
        " requests each, alternating; ratios are medians of paired runs",
        "",
        f"{'':<42} {'baseline':>10} {'skill':>10} {'ratio':>7} {'target':>7}",
    ]
    for key, label in LABELS.items():
        target = TARGETS.get(key.removesuffix("_ms"))
        mark = ""
        if target is not None:
            mark = f"{'<= ' + str(target):>7}" + (" ok" if result["ratio"][key] <= target else " MISSED")
        lines.append(
            f"{label:<42} {result['baseline'][key]:>10.2f} {result['skill'][key]:>10.2f} "
            f"{result['ratio'][key]:>7.2f} {mark}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runtime", default=os.environ.get("RUNTIME") or "python3.13")
    parser.add_argument("--quick", action="store_true", help="a few runs only: checks that it all works")
    parser.add_argument("--json", type=Path, default=BENCH / "side_by_side.json")
    args = parser.parse_args()
    version_of(args.runtime)
    result = measure(args.runtime, args.quick)
    print(table(result))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwrote {args.json.relative_to(ROOT) if args.json.is_relative_to(ROOT) else args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
