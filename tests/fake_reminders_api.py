"""Alexa's Reminders API, played by an HTTPS server on loopback, for the tests.

It speaks the API's shape (``POST /v1/alerts/reminders`` with a bearer token; 201 and
the new reminder's token, or an error status with ``code`` and ``message``), records
every request it gets, and can answer with an error or too slowly. Its TLS certificate
is for 127.0.0.1, from a test certificate authority that only the skill's API client
under test trusts. Nothing reaches the network.
"""

from __future__ import annotations

import ipaddress
import json
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.devtools.signing import Authority

REMINDERS_PATH = "/v1/alerts/reminders"
LOOPBACK = "127.0.0.1"


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class RemindersApi:
    """What the fake API answers next, and what it has been sent."""

    url: str = ""
    ca_bundle: str = ""
    #: The status to answer with: 201 sets the reminder; 401/403 mean no permission.
    status: int = 201
    #: Seconds to wait before answering (longer than the client's timeout: a timeout).
    delay: float = 0.0
    received: list[Received] = field(default_factory=list)

    def reset(self) -> None:
        self.status, self.delay = 201, 0.0
        self.received.clear()

    @property
    def posted(self) -> list[Any]:
        return [r.body for r in self.received if r.method == "POST" and r.path == REMINDERS_PATH]


def _handler(api: RemindersApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body: Any = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            api.received.append(Received("POST", self.path, dict(self.headers.items()), body))
            if api.delay:
                time.sleep(api.delay)
            if api.status == 201:
                now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000")
                answer: dict[str, Any] = {
                    "alertToken": "amzn1.alert.test",
                    "createdTime": now,
                    "updatedTime": now,
                    "status": "ON",
                    "version": "1",
                    "href": f"{REMINDERS_PATH}/amzn1.alert.test",
                }
            else:
                answer = {"code": "ERROR", "message": f"status {api.status}"}
            data = json.dumps(answer).encode()
            try:
                self.send_response(api.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the client gave up waiting (the timeout test)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


def _tls_files(folder: Path) -> tuple[Path, Path, Path]:
    """A test root CA, and a certificate for 127.0.0.1 that it signed."""
    root = Authority.root("Test Reminders API Root")
    assert root.certificate is not None
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, LOOPBACK)]))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(LOOPBACK))]), False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(root.key, hashes.SHA256())
    )
    ca = folder / "ca.pem"
    ca.write_bytes(root.pem())
    cert = folder / "tls.pem"
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file = folder / "tls.key"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return ca, cert, key_file


@contextmanager
def running(folder: Path) -> Iterator[RemindersApi]:
    """The fake API on an ephemeral loopback port, for as long as the block runs."""
    ca, cert, key = _tls_files(folder)
    api = RemindersApi(ca_bundle=str(ca))
    server = ThreadingHTTPServer((LOOPBACK, 0), _handler(api))
    server.daemon_threads = True
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    api.url = f"https://{LOOPBACK}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield api
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
