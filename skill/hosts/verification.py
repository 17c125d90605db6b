"""Is this request really from Alexa, for this skill, and fresh? Checked on ``cryptography``.

Amazon's rules for a skill hosted as a web service, each a verifier here:

- ``SignatureVerifier``: the ``SignatureCertChainUrl`` header names Amazon's certificate
  (https, s3.amazonaws.com, port 443, a path under /echo.api/ once normalised); the chain
  it names is fetched (short timeout, size cap, cached until the signing certificate
  expires), validated to a trusted root, within its dates and for echo-api.amazon.com;
  and the ``Signature-256`` header is that certificate's RSA PKCS#1 v1.5 SHA-256
  signature of the body.
- ``TimestampVerifier``: the request's timestamp is within 150 seconds of now.
- ``SkillIdVerifier``: the request is for this skill.

Each failure raises ``VerificationFailed`` with a short reason, which the web host
answers with 400. An invalid certificate URL is refused before any network access.
"""

from __future__ import annotations

import base64
import binascii
import logging
import posixpath
import threading
import time
import urllib.request
import warnings
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from skill import identity
from skill.clock import utc_now
from skill.hosts.sdk_compat import import_skill_adapter

import_skill_adapter()  # makes the SDK importable where oscrypto cannot load (see there)
from ask_sdk_webservice_support.verifier import AbstractVerifier, VerificationException  # noqa: E402

log = logging.getLogger("skill.verification")

SIGNING_DOMAIN = "echo-api.amazon.com"
CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
MAX_TIMESTAMP_SKEW = timedelta(seconds=150)
FETCH_TIMEOUT_SECONDS = 3.0
MAX_CHAIN_BYTES = 64 * 1024
MAX_CACHED_CHAINS = 8

Clock = Callable[[], datetime]
#: Fetches a URL: (url, timeout in seconds, most bytes to accept) -> the body.
Fetch = Callable[[str, float, int], bytes]


class VerificationFailed(VerificationException):
    """The request failed a check; ``reason`` is short and safe to send back."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- The certificate URL -------------------------------------------------------------


def checked_cert_url(url: str) -> str:
    """The certificate URL, normalised, if it is Amazon's; ``VerificationFailed`` if not."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise VerificationFailed("certificate URL is malformed") from None
    if parts.scheme.lower() != "https":
        raise VerificationFailed("certificate URL is not https")
    if (parts.hostname or "").lower() != "s3.amazonaws.com" or parts.username or parts.password:
        raise VerificationFailed("certificate URL is not on s3.amazonaws.com")
    if port not in (None, 443):
        raise VerificationFailed("certificate URL is not on port 443")
    # Amazon's certificate paths are plain. Percent-encoded dots or slashes, or
    # backslashes, could be read by the server as another path than the one checked here.
    if "%" in parts.path or "\\" in parts.path:
        raise VerificationFailed("certificate URL path is not under /echo.api/")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if not path.startswith("/echo.api/"):
        raise VerificationFailed("certificate URL path is not under /echo.api/")
    return f"https://s3.amazonaws.com{path}"


# --- Fetching and caching the chain ----------------------------------------------------


def fetch_url(url: str, timeout: float, max_bytes: int) -> bytes:
    """The real fetch: HTTPS GET, all within ``timeout`` seconds (not per read, so a
    slow trickle cannot hold a worker), refusing bodies over ``max_bytes``."""
    deadline = time.monotonic() + timeout
    body = b""
    with urllib.request.urlopen(url, timeout=timeout) as response:
        length = response.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise ValueError("certificate chain too large")
        while len(body) <= max_bytes:
            if time.monotonic() > deadline:
                raise TimeoutError("certificate fetch took too long")
            # read1: what one receive brings, so that a slow trickle cannot keep a
            # single read (which waits for its whole size) going past the deadline.
            chunk = response.read1(min(8192, max_bytes + 1 - len(body)))
            if not chunk:
                break
            body += chunk
    if len(body) > max_bytes:
        raise ValueError("certificate chain too large")
    return body


def load_trust_store(path: str | Path | None = None) -> Store:
    """Trusted roots: a PEM bundle, certifi's by default."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a few old roots have odd serial numbers
        roots = x509.load_pem_x509_certificates(Path(path or certifi.where()).read_bytes())
    return Store(roots)


@dataclass(frozen=True)
class SigningCertificate:
    certificate: x509.Certificate
    expires: datetime


class CertificateChains:
    """Fetches, validates and caches signing certificates, by URL.

    A validated chain is reused until its signing certificate expires; at most
    ``max_entries`` are kept (least recently used goes first). Thread-safe.
    """

    def __init__(
        self,
        trust_store: Store | None = None,
        fetch: Fetch = fetch_url,
        clock: Clock = utc_now,
        timeout: float = FETCH_TIMEOUT_SECONDS,
        max_bytes: int = MAX_CHAIN_BYTES,
        max_entries: int = MAX_CACHED_CHAINS,
    ) -> None:
        self._store = trust_store or load_trust_store()
        self._fetch = fetch
        self._clock = clock
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._max_entries = max_entries
        self._cache: OrderedDict[str, SigningCertificate] = OrderedDict()
        self._lock = threading.Lock()

    def signing_certificate(self, url: str) -> x509.Certificate:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None and now < cached.expires:
                self._cache.move_to_end(url)
                return cached.certificate
            self._cache.pop(url, None)
        signing = self._fetch_and_validate(url, now)
        with self._lock:
            self._cache[url] = signing
            while len(self._cache) > self._max_entries:
                self._cache.popitem(last=False)
        return signing.certificate

    def _fetch_and_validate(self, url: str, now: datetime) -> SigningCertificate:
        try:
            pem = self._fetch(url, self._timeout, self._max_bytes)
        except Exception as error:
            log.warning("certificate fetch failed: %s", type(error).__name__)
            raise VerificationFailed("certificate chain could not be fetched") from None
        if len(pem) > self._max_bytes:
            raise VerificationFailed("certificate chain is too large")
        try:
            chain = x509.load_pem_x509_certificates(pem)
        except ValueError:
            raise VerificationFailed("certificate chain is not PEM certificates") from None
        leaf, intermediates = chain[0], chain[1:]
        verifier = (
            PolicyBuilder().store(self._store).time(now).build_server_verifier(x509.DNSName(SIGNING_DOMAIN))
        )
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as error:
            log.warning("certificate chain refused: %s", error)
            raise VerificationFailed("certificate chain is not valid") from None
        if not isinstance(leaf.public_key(), RSAPublicKey):
            raise VerificationFailed("signing certificate has no RSA key")
        return SigningCertificate(certificate=leaf, expires=leaf.not_valid_after_utc)


# --- The verifiers -----------------------------------------------------------------------


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value
    return None


class SignatureVerifier(AbstractVerifier):
    """The request was signed by Alexa: certificate URL, chain and Signature-256."""

    def __init__(self, chains: CertificateChains) -> None:
        self._chains = chains

    def verify(
        self, headers: Mapping[str, str], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        # The SDK hands over the body decoded as UTF-8; encoding it again gives back
        # exactly the bytes that were sent, which is what was signed.
        body = serialized_request_env.encode("utf-8")
        verify_signature(self._chains, headers, body)


def verify_signature(chains: CertificateChains, headers: Mapping[str, str], body: bytes) -> None:
    url = _header(headers, CERT_URL_HEADER)
    if not url:
        raise VerificationFailed(f"missing {CERT_URL_HEADER} header")
    url = checked_cert_url(url)
    encoded = _header(headers, SIGNATURE_HEADER)
    if not encoded:
        raise VerificationFailed(f"missing {SIGNATURE_HEADER} header")
    try:
        signature = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VerificationFailed("signature is not base64") from None
    if not signature:
        raise VerificationFailed("signature is empty")
    public_key = chains.signing_certificate(url).public_key()
    assert isinstance(public_key, RSAPublicKey)
    try:
        public_key.verify(signature, body, PKCS1v15(), SHA256())
    except InvalidSignature:
        raise VerificationFailed("signature does not match the body") from None


class TimestampVerifier(AbstractVerifier):
    """The request was made within 150 seconds of now, either way."""

    def __init__(self, clock: Clock = utc_now, tolerance: timedelta = MAX_TIMESTAMP_SKEW) -> None:
        self._clock = clock
        self._tolerance = tolerance

    def verify(
        self, headers: Mapping[str, str], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        stamp = getattr(getattr(deserialized_request_env, "request", None), "timestamp", None)
        if not isinstance(stamp, datetime):
            raise VerificationFailed("request has no timestamp")
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        if abs(self._clock() - stamp) > self._tolerance:
            raise VerificationFailed("request timestamp is more than 150 seconds from now")


class SkillIdVerifier(AbstractVerifier):
    """The request is for this skill, not another."""

    def __init__(self, skill_id: str) -> None:
        if not skill_id:
            raise ValueError("a skill id is required")
        self._skill_id = skill_id

    def verify(
        self, headers: Mapping[str, str], serialized_request_env: str, deserialized_request_env: Any
    ) -> None:
        if not identity.is_for(deserialized_request_env, self._skill_id):
            raise VerificationFailed("request is for another skill")


def production_verifiers(
    skill_id: str,
    chains: CertificateChains | None = None,
    clock: Clock = utc_now,
) -> list[Any]:
    """The signature first, so that an unsigned request is refused (and logged) as
    unsigned, whatever else is wrong with it: its header checks come before any network
    access, and a chain is fetched at most once per URL (it is cached). Then the
    timestamp and the skill id, which only a signed request can be trusted to state."""
    return [
        SignatureVerifier(chains or CertificateChains(clock=clock)),
        TimestampVerifier(clock),
        SkillIdVerifier(skill_id),
    ]
