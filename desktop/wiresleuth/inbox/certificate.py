"""The inbox's HTTPS certificate: one given (``--cert``/``--key``) or its own, self-signed.

The self-signed one is made with ``cryptography`` on the first start (EC P-256, valid two
years, the names it answers to in subjectAltName) and kept in the data folder's ``tls/``
(key readable by this user only). Its SHA-256 fingerprint is printed at every start: the
helpdesk compares it with what its computers are told to trust. It is never silently
replaced: a new one is made only when the files are removed.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import socket
import ssl
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from wiresleuth.errors import BadInput

CERT_FILE = "inbox-cert.pem"
KEY_FILE = "inbox-key.pem"
VALID_DAYS = 730


@dataclass(frozen=True, kw_only=True)
class Certificate:
    """The certificate the server presents."""

    cert: Path
    key: Path
    fingerprint: str
    """SHA-256 of the DER certificate, ``AB:CD:…``."""
    names: tuple[str, ...]
    """The DNS names and addresses it is valid for."""
    created: bool = False
    """Made on this start."""


def default_names() -> list[str]:
    """This host's names and the loopback addresses."""
    names = [socket.getfqdn(), socket.gethostname(), "localhost", "127.0.0.1", "::1"]
    return list(dict.fromkeys(n for n in names if n))


def _alt_name(name: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


def _read(cert: Path, key: Path, created: bool = False) -> Certificate:
    try:
        loaded = x509.load_pem_x509_certificate(cert.read_bytes())
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
    except (OSError, ValueError, ssl.SSLError) as exc:
        raise BadInput(f"cannot use the certificate {cert} with the key {key}: {exc}") from exc
    try:
        alt = loaded.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        names = tuple(
            [*alt.get_values_for_type(x509.DNSName)]
            + [str(a) for a in alt.get_values_for_type(x509.IPAddress)]
        )
    except x509.ExtensionNotFound:
        names = ()
    digest = loaded.fingerprint(hashes.SHA256()).hex().upper()
    return Certificate(
        cert=cert,
        key=key,
        fingerprint=":".join(digest[i : i + 2] for i in range(0, len(digest), 2)),
        names=names,
        created=created,
    )


def given_certificate(cert: Path, key: Path) -> Certificate:
    """A certificate and key the helpdesk gave (its CA's); BadInput when they do not load."""
    return _read(cert, key)


def own_certificate(tls_dir: Path, names: list[str]) -> Certificate:
    """The inbox's self-signed certificate, made now if ``tls_dir`` has none."""
    cert, key = tls_dir / CERT_FILE, tls_dir / KEY_FILE
    if cert.exists() and key.exists():
        return _read(cert, key)
    if not names:
        raise BadInput("a certificate needs at least one name (--name HOST)")
    private = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0][:64])])
    now = dt.datetime.now(dt.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=VALID_DAYS))
        .add_extension(x509.SubjectAlternativeName([_alt_name(n) for n in names]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(private, hashes.SHA256())
    )
    try:
        tls_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(
                private.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
        cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    except OSError as exc:
        key.unlink(missing_ok=True)
        raise BadInput(
            f"cannot write the inbox's certificate in {tls_dir}: {exc.strerror or exc}"
        ) from exc
    return _read(cert, key, created=True)
