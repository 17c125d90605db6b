"""A test certificate authority, and requests signed the way Alexa signs them.

For tests and benchmarks only: it makes a root CA, an intermediate and an
echo-api.amazon.com signing certificate (or a deliberately wrong one), and signs request
bodies with RSA PKCS#1 v1.5 SHA-256, so that the real verification code runs against
real cryptography with no network.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-test.pem"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _key_usage(*, ca: bool) -> x509.KeyUsage:
    """A CA signs certificates; a leaf signs requests and (as a TLS certificate) enciphers keys."""
    return x509.KeyUsage(
        digital_signature=True, content_commitment=False, key_encipherment=not ca,
        data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
        encipher_only=False, decipher_only=False,
    )  # fmt: skip


@dataclass
class Authority:
    """A certificate authority: a root, or an intermediate signed by a root."""

    name: str
    key: rsa.RSAPrivateKey = field(default_factory=_key)
    certificate: x509.Certificate | None = None

    @classmethod
    def root(cls, name: str = "Test Root CA", now: datetime | None = None) -> Authority:
        authority = cls(name)
        now = now or datetime.now(UTC)
        authority.certificate = authority._ca_certificate(
            issuer_name=_name(name), issuer_key=authority.key, now=now
        )
        return authority

    def intermediate(self, name: str = "Test Intermediate CA", now: datetime | None = None) -> Authority:
        child = Authority(name)
        child.certificate = child._ca_certificate(
            issuer_name=_name(self.name), issuer_key=self.key, now=now or datetime.now(UTC)
        )
        return child

    def _ca_certificate(
        self, issuer_name: x509.Name, issuer_key: rsa.RSAPrivateKey, now: datetime
    ) -> x509.Certificate:
        return (
            x509.CertificateBuilder()
            .subject_name(_name(self.name))
            .issuer_name(issuer_name)
            .public_key(self.key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=30))
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(self.key.public_key()), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
            )
            .sign(issuer_key, hashes.SHA256())
        )

    def signing_certificate(
        self,
        *,
        domain: str = "echo-api.amazon.com",
        not_before: datetime | None = None,
        not_after: datetime | None = None,
    ) -> Signer:
        """A leaf certificate for ``domain`` (Amazon's signing domain by default)."""
        now = datetime.now(UTC)
        key = _key()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(_name(domain))
            .issuer_name(_name(self.name))
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - timedelta(days=1))
            .not_valid_after(not_after or now + timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(domain)]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(_key_usage(ca=False), critical=True)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(self.key.public_key()), critical=False
            )
            .sign(self.key, hashes.SHA256())
        )
        return Signer(key=key, certificate=certificate)

    def pem(self) -> bytes:
        assert self.certificate is not None
        return self.certificate.public_bytes(serialization.Encoding.PEM)


@dataclass
class Signer:
    """A signing certificate and its key: signs bodies as Alexa does."""

    key: rsa.RSAPrivateKey
    certificate: x509.Certificate

    def pem(self) -> bytes:
        return self.certificate.public_bytes(serialization.Encoding.PEM)

    def chain_pem(self, *intermediates: Authority) -> bytes:
        """What Amazon serves at the certificate URL: the leaf, then intermediates."""
        return self.pem() + b"".join(authority.pem() for authority in intermediates)

    def signature(self, body: bytes) -> str:
        return base64.b64encode(self.key.sign(body, PKCS1v15(), hashes.SHA256())).decode("ascii")

    def headers(self, body: bytes, cert_url: str = CERT_URL) -> dict[str, str]:
        return {
            "Content-Type": "application/json; charset=utf-8",
            "SignatureCertChainUrl": cert_url,
            "Signature-256": self.signature(body),
        }
