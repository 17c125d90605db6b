"""The production server, started as docs/deploying.md says, over real HTTP and HTTPS."""

from __future__ import annotations

import ipaddress
import json
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from skill.devtools.envelopes import Session
from skill.devtools.serving import ROOT, RunningServer, free_port, running_server
from skill.devtools.signing import CERT_URL, Authority, Signer
from tests.conftest import WELCOME

SKILL_ID = "amzn1.ask.skill.aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"


def post(server: RunningServer, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    request = urllib.request.Request(server.url + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10, context=server.ssl_context) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def envelope_bytes(skill_id: str = SKILL_ID, skew: timedelta = timedelta(0)) -> bytes:
    return json.dumps(Session(skill_id=skill_id).launch(at=datetime.now(UTC) + skew)).encode()


@pytest.fixture(scope="module")
def readme_server() -> Iterator[RunningServer]:
    """`SKILL_ID=... python -m skill serve --port PORT`: the real command, real fetches
    disabled by nothing. Every request below is refused before any network access."""
    port = free_port()
    with running_server(
        ["-m", "skill", "serve", "--port", str(port), "--workers", "1"], port=port, env={"SKILL_ID": SKILL_ID}
    ) as server:
        yield server


NOT_AMAZON = "https://notamazon.com/echo.api/echo-api-cert.pem"


def fresh() -> bytes:
    return envelope_bytes()


@pytest.mark.parametrize(
    ("make_body", "headers", "reason"),
    [
        (lambda: b"{not json", {}, "body is not UTF-8 JSON"),
        (lambda: b'{"version": "1.0"}', {}, "not an Alexa request envelope"),
        # Unsigned: refused as unsigned, whatever else is wrong, so the logged reason is the real one.
        (lambda: envelope_bytes("amzn1.ask.skill.other"), {}, "missing SignatureCertChainUrl header"),
        (lambda: envelope_bytes(skew=timedelta(seconds=-151)), {}, "missing SignatureCertChainUrl header"),
        (fresh, {"Signature-256": "AAAA"}, "missing SignatureCertChainUrl header"),
        (fresh, {"SignatureCertChainUrl": NOT_AMAZON, "Signature-256": "AAAA"},
         "certificate URL is not on s3.amazonaws.com"),
        (fresh, {"SignatureCertChainUrl": CERT_URL}, "missing Signature-256 header"),
        (fresh, {"SignatureCertChainUrl": CERT_URL, "Signature-256": "%%%"}, "signature is not base64"),
    ],
)  # fmt: skip
def test_production_server_refuses_bad_requests_with_400(
    readme_server: RunningServer, make_body: Callable[[], bytes], headers: dict[str, str], reason: str
) -> None:
    status, answer = post(readme_server, make_body(), {"Content-Type": "application/json", **headers})
    assert (status, answer) == (400, {"error": reason})


def test_production_server_other_methods_size_and_health(readme_server: RunningServer) -> None:
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(readme_server.url + "/", timeout=10)
    assert refused.value.code == 405
    status, _ = post(readme_server, b"{" + b" " * 200_000 + b"}", {"Content-Type": "application/json"})
    assert status == 413
    with urllib.request.urlopen(readme_server.url + "/health", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "ok", "preferences": "on"}


def test_production_server_refuses_to_start_without_a_skill_id() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--port", str(free_port())],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode != 0
    assert "production mode needs the skill id" in result.stderr


def test_certfile_needs_keyfile() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--skill-id", SKILL_ID, "--certfile", "cert.pem"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "go together" in result.stderr


# --- Signed requests, with the certificate fetch replaced by a local file ----------------


def write_pem(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def signed_https_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningServer, Signer]]:
    """The production server serving HTTPS itself (--certfile/--keyfile), verification on,
    trusting a test CA for Amazon's signing certificate."""
    folder = tmp_path_factory.mktemp("pki")
    root = Authority.root()
    intermediate = root.intermediate()
    signer = intermediate.signing_certificate()
    server_cert = root_tls_certificate(root, folder)
    port = free_port()
    arguments = [
        "-m", "skill.devtools.signed_server",
        "--chain", str(write_pem(folder / "chain.pem", signer.chain_pem(intermediate))),
        "--roots", str(write_pem(folder / "roots.pem", root.pem())),
        "--", "--port", str(port), "--workers", "1",
        "--certfile", str(server_cert[0]), "--keyfile", str(server_cert[1]),
    ]  # fmt: skip
    with running_server(
        arguments, port=port, env={"SKILL_ID": SKILL_ID}, https_roots=folder / "roots.pem"
    ) as server:
        yield server, signer


def root_tls_certificate(root: Authority, folder: Path) -> tuple[Path, Path]:
    """A TLS certificate for 127.0.0.1, from the test root."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    assert root.certificate is not None
    certificate = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(root.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False)
        .sign(root.key, hashes.SHA256())
    )
    cert_path = write_pem(folder / "tls.pem", certificate.public_bytes(serialization.Encoding.PEM))
    key_path = write_pem(
        folder / "tls.key",
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
    )
    return cert_path, key_path


def test_correctly_signed_request_over_https_is_answered(
    signed_https_server: tuple[RunningServer, Signer],
) -> None:
    server, signer = signed_https_server
    assert server.url.startswith("https://")
    body = envelope_bytes()
    status, answer = post(server, body, signer.headers(body))
    assert status == 200
    assert WELCOME in answer["response"]["outputSpeech"]["ssml"]


def test_tampered_body_over_https_is_refused(signed_https_server: tuple[RunningServer, Signer]) -> None:
    server, signer = signed_https_server
    body = envelope_bytes()
    status, answer = post(
        server, body.replace(b"LaunchRequest", b"SessionEndedRequest"), signer.headers(body)
    )
    assert (status, answer) == (400, {"error": "signature does not match the body"})


def test_plain_http_to_the_https_server_fails(signed_https_server: tuple[RunningServer, Signer]) -> None:
    server, _ = signed_https_server
    with pytest.raises((urllib.error.URLError, ConnectionError, ssl.SSLError)):
        urllib.request.urlopen(server.url.replace("https", "http") + "/health", timeout=5).read()


def test_listening_is_announced_only_once_the_port_is_bound(readme_server: RunningServer) -> None:
    output = readme_server.output()
    assert output.count("Skill listening on") == 1
    assert output.index("Listening at:") < output.index("Skill listening on")


def test_a_busy_port_is_one_clear_error() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "skill", "serve", "--dev", "--port", str(port)],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}: the port is already in use" in result.stderr
    assert "Traceback" not in result.stderr and "Skill listening" not in result.stdout


@pytest.mark.parametrize("option", ["--ca-bundle", "--certfile"])
def test_missing_certificate_files_stop_the_server(option: str, tmp_path: Path) -> None:
    extra = [option, str(tmp_path / "missing.pem")]
    if option == "--certfile":
        extra += ["--keyfile", str(tmp_path / "missing.key")]
    result = subprocess.run(
        [sys.executable, "-m", "skill", "serve", "--skill-id", SKILL_ID, "--port", str(free_port()), *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode != 0 and f"no such file: {tmp_path / 'missing.pem'}" in result.stderr


def raw_request(server: RunningServer, data: bytes) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        return connection.recv(200)


def test_gunicorn_limits_refuse_long_request_lines_and_many_headers(readme_server: RunningServer) -> None:
    long_line = b"POST /" + b"a" * 5000 + b" HTTP/1.1\r\nHost: x\r\n\r\n"
    assert raw_request(readme_server, long_line).startswith(b"HTTP/1.1 414")
    headers = b"".join(b"X-%d: y\r\n" % n for n in range(60))
    many = b"POST / HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n"
    assert raw_request(readme_server, many).startswith(b"HTTP/1.1 431")  # Request Header Fields Too Large


SENTINEL = "my secret words about my body"


def test_server_logs_carry_no_user_words(readme_server: RunningServer) -> None:
    body = json.dumps(Session(skill_id=SKILL_ID).launch()).replace("LaunchRequest", SENTINEL).encode()
    post(readme_server, body, {"Content-Type": "application/json", "X-Said": SENTINEL.replace(" ", "-")})
    words = SENTINEL.replace(" ", "%20")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(f"{readme_server.url}/{words}?q={words}", timeout=10)
    raw_request(readme_server, b"GET /" + words.encode() + b" HTTP/9.9\r\n\r\n")
    time.sleep(0.5)
    output = readme_server.output()
    assert "refused" in output  # the server does log, by reason
    for fragment in (SENTINEL, words, SENTINEL.replace(" ", "-")):
        assert fragment not in output
