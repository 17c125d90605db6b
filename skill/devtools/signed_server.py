"""The production server with Amazon's certificate fetch replaced by a local file.

For tests and benchmarks: ``python -m skill.devtools.signed_server --chain CHAIN.pem
--roots ROOTS.pem -- <the arguments of python -m skill serve>`` starts exactly what
``python -m skill serve`` starts, verification on, except that the signing
certificate chain is read from CHAIN.pem instead of fetched from Amazon, and validated
against ROOTS.pem (a test certificate authority). Nothing reaches the network.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from skill.hosts import server
from skill.hosts.verification import CertificateChains, load_trust_store


def main(argv: list[str] | None = None) -> int:
    harness = argparse.ArgumentParser(description=__doc__)
    harness.add_argument("--chain", type=Path, required=True)
    harness.add_argument("--roots", type=Path, required=True)
    harness.add_argument("serve", nargs=argparse.REMAINDER)
    args = harness.parse_args(argv)
    serve_parser = argparse.ArgumentParser(prog="serve")
    server.add_arguments(serve_parser)
    serve_args = serve_parser.parse_args([a for a in args.serve if a != "--"])
    chain = args.chain.read_bytes()

    def fetch(url: str, timeout: float, max_bytes: int) -> bytes:
        return chain

    chains = CertificateChains(trust_store=load_trust_store(args.roots), fetch=fetch)
    return server.main(serve_args, chains=chains)


if __name__ == "__main__":
    sys.exit(main())
