"""Names from a certificate, for findings that must say who issued it."""

from __future__ import annotations

from dataclasses import dataclass

from cryptography import x509


@dataclass(frozen=True, kw_only=True)
class CertificateSummary:
    """The parts of a certificate a person recognises."""

    subject: str
    """Subject, RFC 4514 string."""
    issuer: str
    """Issuer's common name (or the full RFC 4514 string when it has none)."""


def describe_certificate(der: bytes) -> CertificateSummary | None:
    """Subject and issuer of a DER certificate; None if it does not parse."""
    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    names = cert.issuer.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    issuer = str(names[0].value) if names else cert.issuer.rfc4514_string()
    return CertificateSummary(subject=cert.subject.rfc4514_string(), issuer=issuer)
