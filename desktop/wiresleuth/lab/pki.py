"""The lab's certificate authorities, server certificates and the client's two trust bundles.

Two roots stand for two worlds: the lab "public" root for the public Web PKI, and the lab
"inspection" root for a corporate SSL-inspection CA. The client's OS trust store holds both;
the lab's "public Mozilla bundle" holds only the public one, which is how the product tells
an inspected connection from a normal one.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import certifi

SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
"""Debian's system trust bundle (package ca-certificates)."""

CA_KINDS = ("public", "inspection")
"""Which root signs a server certificate."""

_LARGE_CHAIN_DEPTH = 3
"""Intermediates between root and leaf for a large first flight."""
_LARGE_CHAIN_SANS = 14
"""Extra subject alternative names on a large leaf. Chosen so the first flight is a little over
4096 bytes: OpenSSL writes it as 4096 bytes plus a short rest, so the full-size segments are
dropped by C1's policer while the short last one passes, followed by its tail-loss-probe
retransmission: the gap and the retransmitted segment a real C1 capture shows."""


@dataclass(frozen=True, kw_only=True)
class ServerCert:
    """A server's certificate chain and key, as files a TLS server loads."""

    chain: Path
    """PEM: leaf first, then intermediates (not the root)."""
    key: Path
    """PEM private key (readable by root only)."""


@dataclass(frozen=True, kw_only=True)
class TrustBundles:
    """The two CA bundles the program under test is run with."""

    os_trust: Path
    """System bundle + lab public root + lab inspection root (env SSL_CERT_FILE)."""
    public: Path
    """certifi's bundle + lab public root (env WIRESLEUTH_PUBLIC_CA_BUNDLE)."""


class LabPKI:
    """Two lab roots, created fresh for each lab, and the certificates they issue."""

    def __init__(self, directory: Path) -> None:
        import trustme

        self._dir = directory
        self._dir.mkdir(parents=True, exist_ok=True)
        os.chmod(self._dir, 0o755)
        self._trustme = trustme
        self._roots = {
            "public": trustme.CA(organization_name="WireSleuth Lab Public Root"),
            "inspection": trustme.CA(organization_name="WireSleuth Lab SSL Inspection CA"),
        }

    def root_pem(self, kind: str) -> bytes:
        """PEM of one lab root."""
        return bytes(self._roots[kind].cert_pem.bytes())

    def root_with_key_pem(self, kind: str) -> bytes:
        """PEM of one lab root and its private key (the inspecting proxy signs with it)."""
        root = self._roots[kind]
        return bytes(root.cert_pem.bytes()) + bytes(root.private_key_pem.bytes())

    def write_bundles(self) -> TrustBundles:
        """Write os-trust.pem and public.pem (world-readable: the client may run as nobody)."""
        system = SYSTEM_BUNDLE if SYSTEM_BUNDLE.exists() else Path(certifi.where())
        os_trust = self._dir / "os-trust.pem"
        public = self._dir / "public.pem"
        os_trust.write_bytes(
            system.read_bytes().rstrip(b"\n")
            + b"\n"
            + self.root_pem("public")
            + self.root_pem("inspection")
        )
        public.write_bytes(
            Path(certifi.where()).read_bytes().rstrip(b"\n") + b"\n" + self.root_pem("public")
        )
        for path in (os_trust, public):
            os.chmod(path, 0o644)
        return TrustBundles(os_trust=os_trust, public=public)

    def issue(
        self, name: str, address: str, *, ca: str = "public", large: bool = False
    ) -> ServerCert:
        """A certificate for ``name`` and ``address``; ``large`` adds intermediates and SANs."""
        if ca not in self._roots:
            raise ValueError(f"unknown CA {ca!r}; known: {', '.join(CA_KINDS)}")
        issuer = self._roots[ca]
        identities = [name, address]
        key_type = self._trustme.KeyType.ECDSA
        if large:
            key_type = self._trustme.KeyType.RSA
            for _ in range(_LARGE_CHAIN_DEPTH):
                issuer = issuer.create_child_ca(key_type=key_type)
            identities += [f"alt-{n:03d}.{name}" for n in range(_LARGE_CHAIN_SANS)]
        leaf = issuer.issue_cert(*identities, common_name=name, key_type=key_type)
        chain = self._dir / f"{name}.chain.pem"
        key = self._dir / f"{name}.key.pem"
        chain.write_bytes(b"".join(blob.bytes() for blob in leaf.cert_chain_pems))
        key.write_bytes(leaf.private_key_pem.bytes())
        os.chmod(chain, 0o644)
        os.chmod(key, 0o600)
        return ServerCert(chain=chain, key=key)
