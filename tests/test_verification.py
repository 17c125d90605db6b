"""Request verification with real cryptography: a test CA made here, no network."""

from __future__ import annotations

import http.server
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.x509.verification import Store
from flask.testing import FlaskClient

from skill.builder import create_skill
from skill.devtools.envelopes import Session, timestamp
from skill.devtools.signing import CERT_URL, Authority, Signer
from skill.hosts import web
from skill.hosts.verification import (
    CertificateChains,
    VerificationFailed,
    checked_cert_url,
    fetch_url,
    load_trust_store,
    production_verifiers,
)
from skill.speech import plain_text
from tests.conftest import WELCOME

SKILL_ID = "amzn1.ask.skill.11111111-2222-4333-8444-555555555555"


@dataclass
class FakeAmazon:
    """Serves certificate chains by URL, counts fetches, and can misbehave."""

    chains: dict[str, bytes] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)
    failure: Exception | None = None

    def fetch(self, url: str, timeout: float, max_bytes: int) -> bytes:
        self.fetched.append(url)
        assert timeout <= 5, "the fetch must have a short timeout"
        if self.failure:
            raise self.failure
        return self.chains[url]


@dataclass
class Rig:
    """A production app with verification on, a test CA, and a clock we control."""

    root: Authority
    intermediate: Authority
    signer: Signer
    amazon: FakeAmazon
    chains: CertificateChains
    client: FlaskClient
    now: list[datetime]

    def post(self, envelope: dict | bytes, *, signer: Signer | None = None, headers: dict | None = None,
             tamper: Callable[[bytes], bytes] | None = None):  # fmt: skip
        body = envelope if isinstance(envelope, bytes) else json.dumps(envelope).encode()
        sent_headers = (signer or self.signer).headers(body)
        sent_headers.update(headers or {})
        sent_headers = {k: v for k, v in sent_headers.items() if v is not None}
        return self.client.post("/", data=tamper(body) if tamper else body, headers=sent_headers)

    def envelope(self, skew: timedelta = timedelta(0), skill_id: str = SKILL_ID) -> dict:
        return Session(skill_id=skill_id).launch(at=self.now[0] + skew)


@pytest.fixture(scope="module")
def authority() -> tuple[Authority, Authority, Signer]:
    root = Authority.root()
    intermediate = root.intermediate()
    return root, intermediate, intermediate.signing_certificate()


@pytest.fixture
def rig(authority: tuple[Authority, Authority, Signer]) -> Rig:
    root, intermediate, signer = authority
    now = [datetime.now(UTC).replace(microsecond=0)]
    amazon = FakeAmazon({CERT_URL: signer.chain_pem(intermediate)})
    assert root.certificate is not None
    chains = CertificateChains(
        trust_store=Store([root.certificate]), fetch=amazon.fetch, clock=lambda: now[0]
    )
    app = web.create_app(create_skill(), verifiers=production_verifiers(SKILL_ID, chains, lambda: now[0]))
    return Rig(root, intermediate, signer, amazon, chains, app.test_client(), now)


def reason(response) -> str:
    return response.get_json()["error"]


# --- A good request --------------------------------------------------------------------


def test_correctly_signed_request_is_answered(rig: Rig) -> None:
    response = rig.post(rig.envelope())
    assert response.status_code == 200
    speech = plain_text(response.get_json()["response"]["outputSpeech"]["ssml"])
    assert speech.startswith(WELCOME)


# --- The certificate URL ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
    ],
)
def test_amazons_valid_certificate_urls_are_accepted(url: str) -> None:
    assert checked_cert_url(url) == "https://s3.amazonaws.com/echo.api/echo-api-cert.pem"


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../secret/cert.pem",
        "https://evil@s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
        "https://evil.s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api-evil/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem",
        "https://s3.amazonaws.com/echo.api/..%2Fevil/cert.pem",
        "https://s3.amazonaws.com/echo.api/..\\evil\\cert.pem",
        "",
    ],
)
def test_invalid_certificate_urls_are_refused_without_network(rig: Rig, url: str) -> None:
    with pytest.raises(VerificationFailed):
        checked_cert_url(url)
    response = rig.post(rig.envelope(), headers={"SignatureCertChainUrl": url})
    assert response.status_code == 400
    assert rig.amazon.fetched == []


# --- The signature ---------------------------------------------------------------------


def test_tampered_body_is_refused(rig: Rig) -> None:
    response = rig.post(rig.envelope(), tamper=lambda body: body.replace(b"LaunchRequest", b"LaunchRequesT"))
    assert response.status_code == 400
    response = rig.post(rig.envelope(), tamper=lambda body: body + b" ")
    assert (response.status_code, reason(response)) == (400, "signature does not match the body")


@pytest.mark.parametrize(
    ("signature", "expected"),
    [
        (None, "missing Signature-256 header"),
        ("", "missing Signature-256 header"),
        ("not*base64!", "signature is not base64"),
        ("AAAA", "signature does not match the body"),
    ],
)
def test_missing_empty_or_badly_encoded_signature_is_refused(
    rig: Rig, signature: str | None, expected: str
) -> None:
    response = rig.post(rig.envelope(), headers={"Signature-256": signature})
    assert (response.status_code, reason(response)) == (400, expected)


def test_missing_certificate_url_is_refused(rig: Rig) -> None:
    response = rig.post(rig.envelope(), headers={"SignatureCertChainUrl": None})
    assert (response.status_code, reason(response)) == (400, "missing SignatureCertChainUrl header")


def test_signature_by_another_key_is_refused(rig: Rig) -> None:
    impostor = Authority.root("Impostor").signing_certificate()
    response = rig.post(rig.envelope(), headers={"Signature-256": impostor.signature(b"{}")})
    assert (response.status_code, reason(response)) == (400, "signature does not match the body")


# --- The certificate chain ---------------------------------------------------------------


def serve_chain(rig: Rig, chain: bytes) -> None:
    rig.amazon.chains[CERT_URL] = chain


@pytest.mark.parametrize(
    "dates",
    [
        {
            "not_after": datetime.now(UTC) - timedelta(days=1),
            "not_before": datetime.now(UTC) - timedelta(days=9),
        },
        {
            "not_before": datetime.now(UTC) + timedelta(days=1),
            "not_after": datetime.now(UTC) + timedelta(days=9),
        },
    ],
    ids=["expired", "not yet valid"],
)
def test_certificate_outside_its_dates_is_refused(rig: Rig, dates: dict) -> None:
    signer = rig.intermediate.signing_certificate(**dates)
    serve_chain(rig, signer.chain_pem(rig.intermediate))
    response = rig.post(rig.envelope(), signer=signer)
    assert (response.status_code, reason(response)) == (400, "certificate chain is not valid")


def test_certificate_for_another_domain_is_refused(rig: Rig) -> None:
    signer = rig.intermediate.signing_certificate(domain="echo-api.example.com")
    serve_chain(rig, signer.chain_pem(rig.intermediate))
    response = rig.post(rig.envelope(), signer=signer)
    assert (response.status_code, reason(response)) == (400, "certificate chain is not valid")


def test_chain_to_an_untrusted_root_is_refused(rig: Rig) -> None:
    stranger = Authority.root("Untrusted Root").intermediate("Untrusted Intermediate")
    signer = stranger.signing_certificate()
    serve_chain(rig, signer.chain_pem(stranger))
    response = rig.post(rig.envelope(), signer=signer)
    assert (response.status_code, reason(response)) == (400, "certificate chain is not valid")


def test_chain_missing_its_intermediate_is_refused(rig: Rig) -> None:
    serve_chain(rig, rig.signer.pem())
    assert reason(rig.post(rig.envelope())) == "certificate chain is not valid"


@pytest.mark.parametrize(
    ("failure", "chain", "expected"),
    [
        (TimeoutError("timed out"), b"", "certificate chain could not be fetched"),
        (OSError("unreachable"), b"", "certificate chain could not be fetched"),
        (None, b"<html>not a certificate</html>", "certificate chain is not PEM certificates"),
        (None, b"-----BEGIN CERTIFICATE-----\nnonsense\n-----END CERTIFICATE-----\n",
         "certificate chain is not PEM certificates"),
        (None, b"x" * 70_000, "certificate chain is too large"),
    ],
)  # fmt: skip
def test_fetch_that_fails_or_returns_junk_is_refused(
    rig: Rig, failure: Exception | None, chain: bytes, expected: str
) -> None:
    rig.amazon.failure = failure
    serve_chain(rig, chain)
    response = rig.post(rig.envelope())
    assert (response.status_code, reason(response)) == (400, expected)


# --- The cache -------------------------------------------------------------------------


def test_certificate_is_fetched_once_and_reused(rig: Rig) -> None:
    for _ in range(3):
        assert rig.post(rig.envelope()).status_code == 200
    assert rig.amazon.fetched == [CERT_URL]


def test_cached_certificate_is_dropped_when_it_expires(rig: Rig) -> None:
    assert rig.post(rig.envelope()).status_code == 200
    expiry = rig.signer.certificate.not_valid_after_utc
    rig.now[0] = expiry + timedelta(seconds=1)
    response = rig.post(rig.envelope())
    assert (response.status_code, reason(response)) == (400, "certificate chain is not valid")
    assert rig.amazon.fetched == [CERT_URL, CERT_URL]


def _three_chains_cache_of_two(
    authority: tuple[Authority, Authority, Signer],
) -> tuple[FakeAmazon, list[str], CertificateChains]:
    """Three signing certificates Amazon serves, and a cache with room for two."""
    root, intermediate, signer = authority
    amazon = FakeAmazon()
    urls = [f"https://s3.amazonaws.com/echo.api/cert-{n}.pem" for n in range(3)]
    for url in urls:
        amazon.chains[url] = signer.chain_pem(intermediate)
    assert root.certificate is not None
    chains = CertificateChains(trust_store=Store([root.certificate]), fetch=amazon.fetch, max_entries=2)
    return amazon, urls, chains


def test_cache_drops_the_least_recently_used(authority: tuple[Authority, Authority, Signer]) -> None:
    amazon, urls, chains = _three_chains_cache_of_two(authority)
    # cert-0 is used again before cert-2 arrives: cert-1 is then the least recently used
    # and goes; first-in-first-out would drop cert-0 and fetch it again.
    for url in [urls[0], urls[1], urls[0], urls[2], urls[0]]:
        chains.signing_certificate(url)
    assert amazon.fetched == urls


def test_cache_is_bounded(authority: tuple[Authority, Authority, Signer]) -> None:
    amazon, urls, chains = _three_chains_cache_of_two(authority)
    for url in [*urls, urls[2], urls[0]]:
        chains.signing_certificate(url)
    # cert-2 was still cached; cert-0 had been pushed out by cert-2 and came back.
    assert amazon.fetched == [*urls, urls[0]]


# --- Timestamp and skill id --------------------------------------------------------------


@pytest.mark.parametrize(("seconds", "status"), [(-151, 400), (-149, 200), (0, 200), (149, 200), (151, 400)])
def test_timestamp_must_be_within_150_seconds(rig: Rig, seconds: int, status: int) -> None:
    response = rig.post(rig.envelope(skew=timedelta(seconds=seconds)))
    assert response.status_code == status
    if status == 400:
        assert reason(response) == "request timestamp is more than 150 seconds from now"


def test_request_for_another_skill_is_refused(rig: Rig) -> None:
    response = rig.post(rig.envelope(skill_id="amzn1.ask.skill.someone-else"))
    assert (response.status_code, reason(response)) == (400, "request is for another skill")


def test_request_naming_no_skill_is_refused(rig: Rig) -> None:
    envelope = rig.envelope()
    del envelope["context"]["System"]["application"]
    assert reason(rig.post(envelope)) == "request is for another skill"


def test_unsigned_request_is_refused_as_unsigned_whatever_else_is_wrong(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    envelope = rig.envelope(skew=timedelta(minutes=-10), skill_id="amzn1.ask.skill.someone-else")
    response = rig.post(envelope, headers={"SignatureCertChainUrl": None, "Signature-256": None})
    assert reason(response) == "missing SignatureCertChainUrl header"
    assert "refused 400: missing SignatureCertChainUrl header" in caplog.text


def test_signing_certificate_without_an_rsa_key_is_refused(rig: Rig) -> None:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "echo-api.amazon.com")])
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, rig.intermediate.name)]))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("echo-api.amazon.com")]), critical=False)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(rig.intermediate.key.public_key()),
            critical=False,
        )
        .sign(rig.intermediate.key, hashes.SHA256())
    )
    serve_chain(rig, certificate.public_bytes(serialization.Encoding.PEM) + rig.intermediate.pem())
    response = rig.post(rig.envelope())
    assert (response.status_code, reason(response)) == (400, "signing certificate has no RSA key")


# --- The real fetch, against a local server that misbehaves ----------------------------


class Misbehaving(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        if self.path == "/slow":  # answers after the timeout
            time.sleep(2)
        if self.path == "/trickle":  # a byte at a time, each within the timeout
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(0.1)
            return
        if self.path == "/endless":  # no length, never ends
            self.send_response(200)
            self.end_headers()
            while True:
                self.wfile.write(b"x" * 4096)
        if self.path == "/oversized":
            self.send_response(200)
            self.send_header("Content-Length", str(10 * 1024 * 1024))
            self.end_headers()
            self.wfile.write(b"x" * 4096)
            return
        self.send_response(200)
        self.send_header("Content-Length", "5")
        self.end_headers()
        self.wfile.write(b"chain")


@pytest.fixture(scope="module")
def misbehaving() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Misbehaving)
    server.daemon_threads = True
    server.handle_error = lambda *_: None  # type: ignore[method-assign]  # clients that hang up
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_real_fetch_reads_a_good_answer(misbehaving: str) -> None:
    assert fetch_url(misbehaving + "/good", 1.0, 1024) == b"chain"


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/slow", TimeoutError),
        ("/trickle", TimeoutError),
        ("/endless", ValueError),
        ("/oversized", ValueError),
    ],
)
def test_real_fetch_holds_its_timeout_and_cap(misbehaving: str, path: str, error: type[Exception]) -> None:
    started = time.monotonic()
    with pytest.raises(error):
        fetch_url(misbehaving + path, 0.5, 64 * 1024)
    assert time.monotonic() - started < 1.5  # the deadline, plus at most one read's wait


# --- Trusted roots ----------------------------------------------------------------------


def test_ca_bundle_names_the_trusted_roots(authority: tuple[Authority, Authority, Signer], tmp_path) -> None:
    root, intermediate, signer = authority
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(root.pem())
    amazon = FakeAmazon({CERT_URL: signer.chain_pem(intermediate)})
    trusted = CertificateChains(trust_store=load_trust_store(bundle), fetch=amazon.fetch)
    assert trusted.signing_certificate(CERT_URL) == signer.certificate
    with pytest.raises(VerificationFailed, match="not valid"):
        CertificateChains(trust_store=load_trust_store(), fetch=amazon.fetch).signing_certificate(CERT_URL)


def test_session_and_context_must_both_name_this_skill(rig: Rig) -> None:
    envelope = rig.envelope()
    envelope["session"]["application"]["applicationId"] = "amzn1.ask.skill.someone-else"
    assert reason(rig.post(envelope)) == "request is for another skill"


# --- Bodies that are not requests at all --------------------------------------------------


@pytest.mark.parametrize("body", [b"{not json", b"", b"null", b'{"version": "1.0"}'])
def test_malformed_bodies_are_refused_with_400(rig: Rig, body: bytes) -> None:
    assert rig.post(body).status_code == 400


def test_timestamp_format_from_alexa_is_understood(rig: Rig) -> None:
    envelope = rig.envelope()
    assert envelope["request"]["timestamp"] == timestamp(rig.now[0])
    assert rig.post(envelope).status_code == 200


def test_refusals_are_logged_by_reason_without_personal_data(
    rig: Rig, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    envelope = rig.envelope(skill_id="amzn1.ask.skill.someone-else")
    rig.post(envelope)
    rig.post(rig.envelope(), tamper=lambda body: body + b" ")
    assert "refused 400: request is for another skill" in caplog.text
    assert "refused 400: signature does not match the body" in caplog.text
    assert envelope["session"]["user"]["userId"] not in caplog.text
    assert "Traceback" not in caplog.text
