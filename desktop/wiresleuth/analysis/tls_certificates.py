"""Names from a certificate, for findings that must say who issued it.

``cryptography`` is imported when a certificate is read, not with this module: every
analysis imports it, and ``wiresleuth analyze`` of a capture without certificates must not
pay for it at start-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    from cryptography import x509

    try:
        cert = x509.load_der_x509_certificate(der)
    except ValueError:
        return None
    return CertificateSummary(subject=cert.subject.rfc4514_string(), issuer=_readable(cert.issuer))


def _readable(name: x509.Name) -> str:
    """The common name; else organisation and unit, which is what a person recognises."""
    from cryptography import x509

    for oids in (
        (x509.NameOID.COMMON_NAME,),
        (x509.NameOID.ORGANIZATION_NAME, x509.NameOID.ORGANIZATIONAL_UNIT_NAME),
    ):
        parts = [str(a.value) for oid in oids for a in name.get_attributes_for_oid(oid)]
        if parts:
            return ", ".join(parts)
    return name.rfc4514_string()
