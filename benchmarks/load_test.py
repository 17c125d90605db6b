"""Load test of the production web service, verification on, on loopback.

Starts ``python -m skill serve`` in production mode (through
``skill.devtools.signed_server``, which only swaps Amazon's certificate fetch for a local
file from a test certificate authority made here), then sends bounded bursts of mixed
requests at several concurrency levels: correctly signed Alexa requests across the
skill's intents, and requests that must be refused (bad signature, stale timestamp,
another skill, not JSON). For each level it prints requests per second, p50 and p99
latency and errors, and the same for ``GET /health`` on the same server as the
baseline, with the ratio between them. Server memory is measured before and after.

An error is any answer other than the expected one (200 for a good request, 400 for a
bad one), or no answer. The run fails (exit 1) if there is any.

    .venv/bin/python benchmarks/load_test.py [--requests 2000] [--levels 1,4,16,32]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from skill.devtools.envelopes import Session, slot_json
from skill.devtools.serving import free_port, running_server
from skill.devtools.signing import Authority, Signer

SKILL_ID = "amzn1.ask.skill.bbbbbbbb-1111-4222-8333-444444444444"
TIME_LIMIT_SECONDS = 60  # per level: the burst stops by itself


@dataclass(frozen=True)
class Probe:
    method: str
    path: str
    body: bytes
    headers: dict[str, str]
    expected: int


def good_requests(signer: Signer) -> list[Probe]:
    session = Session(skill_id=SKILL_ID)
    envelopes = [
        session.launch(),
        session.intent(
            "SymptomIntent", {"symptom": _slot("symptom", "bone pain", "SymptomType", "bone_pain")}
        ),
        session.intent(
            "TreatmentInfoIntent", {"treatment": _slot("treatment", "chemo", "TreatmentType", "chemotherapy")}
        ),
        session.intent("HelplineIntent"),
        session.intent("HelplineHoursIntent"),
        session.intent("ChoicesIntent"),
        session.intent("AMAZON.HelpIntent"),
        session.intent("EmergencyIntent"),
    ]
    probes = []
    for envelope in envelopes:
        body = json.dumps(envelope).encode()
        probes.append(Probe("POST", "/", body, signer.headers(body), 200))
    return probes


def bad_requests(signer: Signer) -> list[Probe]:
    fresh = json.dumps(Session(skill_id=SKILL_ID).launch()).encode()
    stale = json.dumps(
        Session(skill_id=SKILL_ID).launch(at=datetime.now(UTC) - timedelta(minutes=5))
    ).encode()
    other = json.dumps(Session(skill_id="amzn1.ask.skill.other").launch()).encode()
    tampered = dict(signer.headers(fresh))
    tampered["Signature-256"] = signer.signature(fresh + b" ")
    return [
        Probe("POST", "/", fresh, tampered, 400),
        Probe("POST", "/", stale, signer.headers(stale), 400),
        Probe("POST", "/", other, signer.headers(other), 400),
        Probe("POST", "/", b"{not json", {"Content-Type": "application/json"}, 400),
    ]


def _slot(name: str, spoken: str, slot_type: str, value_id: str) -> dict:
    return slot_json(name, spoken, slot_type, value_id, value_id, SKILL_ID)


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    def rps(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))] * 1000


def burst(port: int, probes: list[Probe], total: int, concurrency: int) -> Result:
    """Send ``total`` requests, cycling through ``probes``, from ``concurrency`` clients."""
    result = Result()
    lock = threading.Lock()
    counter = iter(range(total))
    deadline = time.monotonic() + TIME_LIMIT_SECONDS

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            probe = probes[index % len(probes)]
            started = time.perf_counter()
            try:
                connection.request(probe.method, probe.path, body=probe.body or None, headers=probe.headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == probe.expected
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)
                result.errors += 0 if ok else 1
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=2000, help="requests per level (default 2000)")
    parser.add_argument("--levels", default="1,4,16,32", help="concurrency levels (default 1,4,16,32)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    levels = [int(level) for level in args.levels.split(",")]

    root = Authority.root()
    intermediate = root.intermediate()
    signer = intermediate.signing_certificate()
    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        chain = Path(folder, "chain.pem")
        chain.write_bytes(signer.chain_pem(intermediate))
        roots = Path(folder, "roots.pem")
        roots.write_bytes(root.pem())
        arguments = [
            "-m", "skill.devtools.signed_server", "--chain", str(chain), "--roots", str(roots), "--",
            "--port", str(port), "--workers", str(args.workers), "--threads", str(args.threads),
        ]  # fmt: skip
        with running_server(arguments, port=port, env={"SKILL_ID": SKILL_ID}) as server:
            # Let every worker finish booting and answer once, so "before" is a settled server.
            time.sleep(1.0)
            burst(port, [Probe("GET", "/health", b"", {}, 200)], 4 * args.workers, 2 * args.workers)
            memory_before = server.memory_kib()
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
            )
            print(
                f"server: gunicorn, {args.workers} uvicorn workers x {args.threads} threads for the skill "
                "(both doors open), verification on"
            )
            print(f"burst: {args.requests} requests per level, mixed 2:1 good:bad; baseline GET /health\n")
            header = f"{'clients':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6} | "
            header += (
                f"{'health req/s':>12} {'p50 ms':>7} {'p99 ms':>7} | {'req/s ratio':>11} {'p50 ratio':>9}"
            )
            print(header)
            total_errors = 0
            health = [Probe("GET", "/health", b"", {}, 200)]
            for level in levels:
                good = good_requests(signer)  # signed now, so their timestamps are fresh
                probes = [*good, *bad_requests(signer)]
                skill = burst(port, probes, args.requests, level)
                base = burst(port, health, args.requests, level)
                total_errors += skill.errors + base.errors
                print(
                    f"{level:>7} {skill.rps():>8.0f} {skill.percentile(50):>8.1f} "
                    f"{skill.percentile(99):>8.1f} {skill.errors:>6} | "
                    f"{base.rps():>12.0f} {base.percentile(50):>7.1f} "
                    f"{base.percentile(99):>7.1f} | {skill.rps() / base.rps():>11.2f} "
                    f"{skill.percentile(50) / base.percentile(50):>9.1f}"
                )
            memory_after = server.memory_kib()
            print(
                f"\nserver memory (all processes, RSS): {memory_before / 1024:.0f} MiB before, "
                f"{memory_after / 1024:.0f} MiB after"
            )
    print(f"errors: {total_errors}")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
